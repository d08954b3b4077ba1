//! `rlmpc sweep`: a sweep file's runs — planned, run here N at a time, run one by one (a Slurm
//! array task), written as a Slurm job array, and their progress.

use std::path::PathBuf;

use anyhow::{bail, Context};
use rlmpc::runner::config::describe_overrides;

use super::table::table;

mod local;
pub mod manifest;
mod slurm;
pub mod spec;
mod state;
mod task;

use manifest::{expand, run_at, Kind, Run};
use spec::Sweep;
use state::{state, trained_steps, State};

/// Arguments of `rlmpc sweep`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: SweepCommand,
}

#[derive(clap::Subcommand)]
enum SweepCommand {
    /// Print the manifest: every run with its index, seed, settings and run directory.
    Plan {
        /// Sweep file (TOML).
        file: PathBuf,
    },
    /// Run what is not done on this machine, N child processes at a time; finished runs are
    /// skipped, interrupted ones resume from their last checkpoint, failed ones are retried.
    Run {
        /// Sweep file (TOML).
        file: PathBuf,
        /// Runs at a time.
        #[arg(long, default_value_t = 1)]
        jobs: usize,
    },
    /// Run one run of the manifest in this process (what each Slurm array task calls).
    Task {
        /// Sweep file (TOML).
        file: PathBuf,
        /// The run's index in the manifest.
        #[arg(long)]
        index: usize,
    },
    /// Write a Slurm job-array script for the unfinished runs into the sweep's directory.
    Slurm {
        /// Sweep file (TOML).
        file: PathBuf,
        /// Also submit it with `sbatch` and print the job id.
        #[arg(long)]
        submit: bool,
    },
    /// Each run's state (done, running, failed, pending), with each failure's error line.
    Status {
        /// Sweep file (TOML).
        file: PathBuf,
    },
}

/// Loads the sweep file and expands it.
pub fn load(file: &std::path::Path) -> anyhow::Result<(Sweep, Vec<Run>)> {
    let sweep = Sweep::load(file)?;
    let runs = expand(&sweep)?;
    Ok((sweep, runs))
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        SweepCommand::Plan { file } => plan(&file),
        SweepCommand::Run { file, jobs } => {
            let (sweep, runs) = load(&file)?;
            local::run_all(&sweep, &runs, jobs)
        }
        SweepCommand::Task { file, index } => {
            let (sweep, runs) = load(&file)?;
            task::execute(&sweep, run_at(&runs, index)?)
        }
        SweepCommand::Slurm { file, submit } => write_slurm(&file, submit),
        SweepCommand::Status { file } => status(&file),
    }
}

fn plan(file: &std::path::Path) -> anyhow::Result<()> {
    let (sweep, runs) = load(file)?;
    let rows = runs
        .iter()
        .map(|run| {
            vec![
                run.index.to_string(),
                match run.kind {
                    Kind::Train => format!("train {}", run.steps),
                    Kind::Mppi => "pure MPPI".into(),
                },
                run.seed.to_string(),
                run.episodes.to_string(),
                run.dir.display().to_string(),
                run.config.display().to_string(),
                describe_overrides(&run.overrides),
            ]
        })
        .collect();
    let settings = runs.len() / sweep.seeds.len();
    println!(
        "{} runs: {settings} settings × {} seeds, into {}\n{}",
        runs.len(),
        sweep.seeds.len(),
        sweep.out.display(),
        table(&["index", "run", "seed", "episodes", "run directory", "config", "overrides"], rows)
    );
    Ok(())
}

fn status(file: &std::path::Path) -> anyhow::Result<()> {
    let (sweep, runs) = load(file)?;
    let mut counts = [0usize; 4];
    let rows = runs
        .iter()
        .map(|run| {
            let state = state(&sweep, run);
            counts[match state {
                State::Done => 0,
                State::Running => 1,
                State::Failed(_) => 2,
                State::Pending => 3,
            }] += 1;
            let progress = match (run.kind, trained_steps(run)) {
                (Kind::Train, Some(steps)) => format!("{steps}/{}", run.steps),
                (Kind::Train, None) => format!("0/{}", run.steps),
                (Kind::Mppi, _) => "-".into(),
            };
            let note = match &state {
                State::Failed(line) => line.clone(),
                _ => String::new(),
            };
            vec![run.index.to_string(), run.dir.display().to_string(), state.word().into(), progress, note]
        })
        .collect();
    println!("{}", table(&["index", "run directory", "state", "steps", "error"], rows));
    println!(
        "{} runs: {} done, {} running, {} failed, {} pending",
        runs.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    Ok(())
}

fn write_slurm(file: &std::path::Path, submit: bool) -> anyhow::Result<()> {
    let (sweep, runs) = load(file)?;
    let states: Vec<State> = runs.iter().map(|r| state(&sweep, r)).collect();
    let unfinished: Vec<usize> = runs
        .iter()
        .zip(&states)
        .filter(|(_, s)| matches!(s, State::Failed(_) | State::Pending))
        .map(|(r, _)| r.index)
        .collect();
    let running = states.iter().filter(|s| **s == State::Running).count();
    if running > 0 {
        println!("{running} runs are running now and are left out of the array");
    }
    if unfinished.is_empty() {
        bail!("no run of {} is pending or failed; `rlmpc sweep status {}` shows them", file.display(), file.display());
    }
    let paths = slurm::ScriptPaths {
        rlmpc: std::env::current_exe().context("finding the rlmpc executable")?,
        sweep_file: std::path::absolute(file).context("resolving the sweep file's path")?,
        workdir: std::env::current_dir().context("reading the working directory")?,
    };
    let text = slurm::script(&sweep, &unfinished, &paths);
    std::fs::create_dir_all(sweep.logs_dir()).with_context(|| format!("creating {}", sweep.logs_dir().display()))?;
    let script = sweep.out.join("sweep.sbatch");
    std::fs::write(&script, &text).with_context(|| format!("writing {}", script.display()))?;
    println!("wrote {} ({} array tasks)", script.display(), unfinished.len());
    if submit {
        let job = slurm::submit(&script)?;
        println!("submitted job {job}; `rlmpc sweep status {}` follows it", file.display());
    } else {
        println!("submit it with `sbatch {}` (or add --submit)", script.display());
    }
    Ok(())
}
