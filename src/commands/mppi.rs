//! `rlmpc mppi`: pure MPPI on the real environment.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rlmpc::core::config::Experiment;
use rlmpc::core::evaluation::{run_episode, summarize, EpisodeResult, Planner};
use rlmpc::core::policy::ConstantAction;
use rlmpc::default_configs::ACROBOT_PURE_MPPI;

use super::table::table;

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
}

/// Runs the episodes and prints the tables.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut experiment = match &args.config {
        Some(path) => Experiment::load(path)?,
        None => Experiment::parse(ACROBOT_PURE_MPPI.0, ACROBOT_PURE_MPPI.1)?,
    };
    if let Some(seed) = args.seed {
        experiment.config.seed = seed;
    }
    rlmpc::plugins::load_all(experiment.plugin_paths())?;
    let config = &experiment.config;
    let episodes = args.episodes.unwrap_or(config.evaluation.episodes);
    let mut env = experiment.build_env()?;
    let action = config.planner.action.clone();
    let mut planner = Planner::from_experiment(&experiment, env.as_ref(), action.len())?;
    let mut policy = ConstantAction(action);

    println!(
        "pure MPPI on `{}` ({}): K={} H={} λ={} M=1, {episodes} episodes",
        config.env.name, experiment.source.origin, config.mppi.num_samples, config.mppi.horizon, config.mppi.lambda
    );
    let bar = ProgressBar::new(episodes as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} episodes  {elapsed} (eta {eta})  {msg}")
            .expect("valid template"),
    );
    let mut results: Vec<EpisodeResult> = Vec::with_capacity(episodes);
    for episode in 0..episodes {
        let seed = config.seed + episode as u64;
        let result = run_episode(env.as_mut(), &mut planner, &mut policy, seed)
            .with_context(|| format!("episode {episode} (seed {seed})"))?;
        let successes = results.iter().filter(|r| r.success).count() + usize::from(result.success);
        bar.set_message(format!("success {successes}/{}", episode + 1));
        results.push(result);
        bar.inc(1);
    }
    bar.finish_and_clear();

    let rows = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                i.to_string(),
                (config.seed + i as u64).to_string(),
                r.success.to_string(),
                r.steps.to_string(),
                format!("{:.1}", r.episode_return),
                r.danger_steps.to_string(),
            ]
        })
        .collect();
    println!("{}", table(&["episode", "seed", "success", "steps", "return", "danger steps"], rows));
    let summary = summarize(&results);
    let rows =
        summary.iter().map(|m| vec![m.name.to_string(), format!("{:.3}", m.mean), format!("{:.3}", m.std)]).collect();
    println!("\n{}", table(&["metric", "mean", "std"], rows));
    if let Some(path) = &args.json {
        let json = serde_json::json!({ "config": experiment.source.origin, "episodes": results, "summary": summary });
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
