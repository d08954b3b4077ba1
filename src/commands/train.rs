//! `rlmpc train`: the RL–MPPI trainer (Alg. 1) or the flat baseline, into a run directory.

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use rlmpc::default_configs::ACROBOT_PPO_MPPI_SHORT;
use rlmpc::runner::config::Experiment;
use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::Trainer;

use super::plugin_args::PluginArgs;
use super::set_args::SetArgs;

/// Arguments of `rlmpc train`.
#[derive(clap::Args)]
pub struct Args {
    /// Experiment file (TOML). Without it, the built-in short PPO-MPPI run on Acrobot-DZ.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Seed (default: the config's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Real environment steps to train for (default: the config's `training.total_steps`).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Run directory to create (default: `runs/<env>-<config file stem>-seed<seed>`, e.g.
    /// `runs/acrobot-ppo_mppi_rho0.3-seed0`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue the run in this directory from its last checkpoint (after a kill or with a
    /// larger --steps); it continues exactly as the uninterrupted run would have. A finished
    /// run extended with a larger --steps matches a straight run of that length only when its
    /// old budget was a multiple of the update period (`training.n_steps`): otherwise its last
    /// update was a shorter one, which the straight run never made.
    #[arg(long, conflicts_with_all = ["config", "seed", "out", "paths", "overrides"])]
    pub resume: Option<PathBuf>,
    /// Settings changed on top of the config; the run's `config.toml` holds the result.
    #[command(flatten)]
    pub sets: SetArgs,
    /// Libraries join the config's `plugins`, so that `eval` and `--resume` load them too.
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// Loads the experiment with the command-line overrides applied.
pub fn experiment(args: &Args) -> anyhow::Result<Experiment> {
    let mut experiment = match &args.config {
        Some(path) => Experiment::load_with(path, &args.sets.overrides)?,
        None => Experiment::parse_with(ACROBOT_PPO_MPPI_SHORT.0, ACROBOT_PPO_MPPI_SHORT.1, &args.sets.overrides)?,
    };
    if let Some(seed) = args.seed {
        experiment.config.seed = seed;
    }
    if let Some(steps) = args.steps {
        experiment.config.training.total_steps = steps;
    }
    // As absolute paths: the run directory's config.toml must find them from elsewhere.
    let mut libraries = experiment.plugin_paths();
    libraries.extend(args.plugins.paths.iter().cloned());
    experiment.config.plugins =
        libraries.iter().map(std::path::absolute).collect::<Result<_, _>>().context("resolving plugin paths")?;
    rlmpc::loader::load_all(&experiment.config.plugins)?;
    Ok(experiment)
}

/// A fresh run, or the resumed one, with the seconds already trained. The run directory is
/// created only once the trainer has been built, so that a config error leaves nothing behind.
fn start(args: &Args) -> anyhow::Result<(RunDir, Trainer, f64)> {
    if let Some(dir) = &args.resume {
        let run = RunDir::open_to_train(dir)?;
        let mut experiment = Experiment::load(&run.config_path())?;
        if let Some(steps) = args.steps {
            experiment.config.training.total_steps = steps;
        }
        rlmpc::loader::load_all(experiment.plugin_paths())?;
        let (trainer, seconds) = if run.has_checkpoint() {
            let (trainer, seconds) = Trainer::resume(&experiment, &run)?;
            let (update, steps) = (trainer.updates(), trainer.env_steps());
            println!("resuming {} at update {update} ({steps} steps)", run.path().display());
            if steps % trainer.update_period() != 0 && !trainer.is_done() {
                println!(
                    "note: the last update was a short one ({steps} steps are not a multiple of the update period {}), \
                     so from here the log differs from that of a straight run to {} steps",
                    trainer.update_period(),
                    trainer.total_steps()
                );
            }
            (trainer, seconds)
        } else {
            println!("{} stopped before its first checkpoint: starting it over", run.path().display());
            (Trainer::new(&experiment)?, 0.0)
        };
        run.truncate_progress(trainer.updates())?;
        return Ok((run, trainer, seconds));
    }
    let experiment = experiment(args)?;
    let trainer = Trainer::new(&experiment)?;
    let out = args.out.clone().unwrap_or_else(|| default_run_dir(&experiment));
    // The first line says where the settings came from, overrides included.
    let resolved = format!(
        "# resolved from {}\n{}",
        experiment.origin,
        toml::to_string_pretty(&experiment.config).context("writing the resolved config")?
    );
    let run = RunDir::create(&out, &resolved)?;
    Ok((run, trainer, 0.0))
}

/// `runs/<env>-<config file stem>-seed<seed>`: the domain, the setting and the seed.
fn default_run_dir(experiment: &Experiment) -> PathBuf {
    let config = &experiment.config;
    let stem = Path::new(&experiment.origin).file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy());
    PathBuf::from("runs").join(format!("{}-{stem}-seed{}", config.env.name, config.seed))
}

/// Trains, checkpointing as configured, and returns the run directory. On a terminal, progress
/// is a bar; otherwise (a log file, a pipe) one plain line per row of `progress.csv`.
pub fn run(args: Args) -> anyhow::Result<PathBuf> {
    let (run, mut trainer, seconds_before) = start(&args)?;
    let plain = !std::io::stdout().is_terminal();
    let bar = if plain { ProgressBar::hidden() } else { ProgressBar::new(trainer.total_steps() as u64) };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {rate}  {elapsed} (eta {eta})  {msg}")
            .expect("valid template")
            .with_key("rate", |state: &ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{:.0} steps/s", state.per_sec());
            }),
    );
    bar.set_position(trainer.env_steps() as u64);
    let start = Instant::now();
    let first_step = trainer.env_steps();
    let mut last = None;
    trainer.train(&run, seconds_before, &mut |progress| {
        let record = progress.record;
        let summary = format!(
            "return {:.1}  success {:.0}%  ρ {:.3}",
            record.mean_return,
            100.0 * record.success_rate,
            record.rho
        );
        if plain && progress.logged {
            println!(
                "update {}: {}/{} steps, {:.0} s  {summary}",
                record.update, record.env_steps, progress.total_steps, progress.wall_seconds
            );
        }
        bar.set_position(record.env_steps as u64);
        bar.set_message(summary);
        last = Some(record.clone());
    })?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if let Some(record) = last {
        println!(
            "trained to {} steps in {seconds:.1} s ({:.0} steps/s): mean return {:.1}, success {:.0}% (last 100 episodes)",
            record.env_steps,
            (record.env_steps - first_step) as f64 / seconds,
            record.mean_return,
            100.0 * record.success_rate
        );
    }
    println!("run directory: {}", run.path().display());
    Ok(run.path().to_path_buf())
}
