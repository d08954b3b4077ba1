//! `rlmpc mppi`: pure MPPI on the real environment.

use std::path::PathBuf;

use anyhow::Context;
use rlmpc::core::policy::ConstantAction;
use rlmpc::default_configs::ACROBOT_PURE_MPPI;
use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::EpisodeResult;
use rlmpc::runner::planner::Planner;

use super::episodes::{print_results, run_episodes};
use super::plugin_args::PluginArgs;
use super::set_args::SetArgs;

/// Arguments of `rlmpc mppi`.
#[derive(clap::Args)]
pub struct Args {
    /// Experiment file (TOML). Without it, the built-in `configs/acrobot/pure_mppi.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Episodes to run (default: the config's `evaluation.episodes`).
    #[arg(long)]
    episodes: Option<usize>,
    /// Seed (default: the config's `seed`); episode i resets with seed + i.
    #[arg(long)]
    seed: Option<u64>,
    /// Also write per-episode results and the summary as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    #[command(flatten)]
    plugins: PluginArgs,
    #[command(flatten)]
    sets: SetArgs,
}

/// Runs pure MPPI for `episodes` episodes from the experiment's seed.
pub fn pure_mppi(experiment: &Experiment, episodes: usize) -> anyhow::Result<Vec<EpisodeResult>> {
    let config = &experiment.config;
    let mut env = experiment.build_env()?;
    let action = config.planner.action.clone();
    let mut planner = Planner::from_experiment(experiment, env.as_ref(), action.len())?;
    let mut policy = ConstantAction(action);
    println!(
        "pure MPPI on `{}` ({}): K={} H={} λ={} M=1, {episodes} episodes",
        config.env.name, experiment.origin, config.mppi.num_samples, config.mppi.horizon, config.mppi.lambda
    );
    run_episodes(env.as_mut(), Some(&mut planner), &mut policy, episodes, config.seed)
}

/// The built-in pure-MPPI experiment (`configs/acrobot/pure_mppi.toml`).
pub fn builtin() -> anyhow::Result<Experiment> {
    Ok(Experiment::parse(ACROBOT_PURE_MPPI.0, ACROBOT_PURE_MPPI.1)?)
}

/// Runs the episodes and prints the tables.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut experiment = match &args.config {
        Some(path) => Experiment::load_with(path, &args.sets.overrides)?,
        None => Experiment::parse_with(ACROBOT_PURE_MPPI.0, ACROBOT_PURE_MPPI.1, &args.sets.overrides)?,
    };
    if let Some(seed) = args.seed {
        experiment.config.seed = seed;
    }
    args.plugins.load()?;
    rlmpc::loader::load_all(experiment.plugin_paths())?;
    let episodes = args.episodes.unwrap_or(experiment.config.evaluation.episodes);
    let results = pure_mppi(&experiment, episodes)?;
    let summary = print_results(&results, experiment.config.seed);
    if let Some(path) = &args.json {
        let json = serde_json::json!({ "config": experiment.origin, "episodes": results, "summary": summary });
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
