//! `rlmpc eval`: the trained policy (deterministic, mean action) on fresh episodes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rlmpc::core::{Environment, PolicyLearner};
use rlmpc::runner::config::{Experiment, Override};
use rlmpc::runner::evaluation::{summarize, EpisodeResult};
use rlmpc::runner::factory::Assembly;
use rlmpc::runner::planner::Planner;
use rlmpc::runner::run_dir::{write_atomically, RunDir};
use rlmpc::runner::trainer::last_learner_path;

use super::episodes::{print_results, run_episodes};
use super::set_args::SetArgs;

/// Arguments of `rlmpc eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Run directory written by `rlmpc train`.
    #[arg(long)]
    pub run: PathBuf,
    /// Episodes to run (the paper: 50).
    #[arg(long, default_value_t = 50)]
    pub episodes: usize,
    /// Seed of the first episode (default: the run's seed); episode i resets with seed + i,
    /// the same episodes `rlmpc mppi` runs for that seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Settings changed on top of the run's `config.toml` for this evaluation, e.g.
    /// `--set env.params.max_episode_steps=1000`; `eval.json` records them.
    #[command(flatten)]
    pub sets: SetArgs,
}

/// A trained run, ready to act: its experiment (one candidate, as evaluation acts), the
/// environment, the learner restored from the last checkpoint, and the planner of a
/// hierarchical run.
pub struct TrainedRun {
    pub run: RunDir,
    pub experiment: Experiment,
    pub env: Box<dyn Environment>,
    pub learner: Box<dyn PolicyLearner>,
    pub planner: Option<Planner>,
}

impl TrainedRun {
    /// Loads the run in `run_path`, in the experiment of `config` (default: the run's own,
    /// `config.toml`; another file puts the trained policy in that file's environment) with
    /// `overrides` applied.
    pub fn load(run_path: &Path, config: Option<&Path>, overrides: &[Override]) -> anyhow::Result<Self> {
        let run = RunDir::open(run_path)?;
        let mut experiment = Experiment::load_with(config.unwrap_or(&run.config_path()), overrides)?;
        // Evaluation acts with the policy's mean action: one candidate (decision record §7).
        experiment.config.mppi.candidates = 1;
        rlmpc::loader::load_all(experiment.plugin_paths())?;
        let Assembly { env, planner, mut learner } = experiment.assemble()?;
        learner.load(&last_learner_path(&run)?)?;
        Ok(Self { run, experiment, env, learner, planner })
    }
}

/// Runs `episodes` evaluation episodes of a trained run from `seed` (default: the run's seed)
/// with `overrides` on its config, writes `eval.json` into the run directory, and returns the
/// results and the seed used.
pub fn evaluate(
    run_path: &Path,
    episodes: usize,
    seed: Option<u64>,
    overrides: &[Override],
) -> anyhow::Result<(Vec<EpisodeResult>, u64)> {
    anyhow::ensure!(
        episodes >= 1,
        "--episodes must be at least 1: an evaluation of no episodes would replace eval.json with nothing"
    );
    let TrainedRun { run, experiment, mut env, mut learner, mut planner } =
        TrainedRun::load(run_path, None, overrides)?;
    let seed = seed.unwrap_or(experiment.config.seed);
    println!(
        "evaluating {} ({} controller) on `{}`: {episodes} episodes from seed {seed}, deterministic policy",
        run.path().display(),
        if planner.is_some() { "hierarchical" } else { "flat" },
        experiment.config.env.name,
    );
    let results = run_episodes(env.as_mut(), planner.as_mut(), learner.as_mut(), episodes, seed)?;
    let overrides: Vec<String> = overrides.iter().map(ToString::to_string).collect();
    let json = serde_json::json!({
        "run": run.path(), "seed": seed, "overrides": overrides, "episodes": results, "summary": summarize(&results)
    });
    let path = run.path().join("eval.json");
    if let Some(previous) = previous_evaluation(&path) {
        println!("replacing the previous {} ({previous})", path.display());
    }
    write_atomically(&path, serde_json::to_string_pretty(&json)?.as_bytes()).context("writing eval.json")?;
    Ok((results, seed))
}

/// What the `eval.json` at `path` holds (`N episodes from seed S`), when there is one.
fn previous_evaluation(path: &Path) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let episodes = json["episodes"].as_array().map_or(0, Vec::len);
    Some(format!("{episodes} episodes from seed {}", json["seed"]))
}

/// Evaluates, prints the tables, and writes `eval.json` into the run directory.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (results, seed) = evaluate(&args.run, args.episodes, args.seed, &args.sets.overrides)?;
    print_results(&results, seed);
    println!("wrote {}", args.run.join("eval.json").display());
    Ok(())
}
