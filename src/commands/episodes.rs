//! Running evaluation episodes with a progress bar, and printing their results.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rlmpc::core::{Environment, HighLevelPolicy};
use rlmpc::runner::evaluation::{metric_names, run_episode, summarize, EpisodeResult, MetricSummary, COMMON_METRICS};
use rlmpc::runner::planner::Planner;

use super::table::table;

/// Runs `episodes` episodes (episode i resets with `seed + i`), showing progress.
pub fn run_episodes(
    env: &mut dyn Environment,
    mut planner: Option<&mut Planner>,
    policy: &mut dyn HighLevelPolicy,
    episodes: usize,
    seed: u64,
) -> anyhow::Result<Vec<EpisodeResult>> {
    anyhow::ensure!(episodes >= 1, "--episodes must be at least 1: no episodes would give no result");
    let bar = ProgressBar::new(episodes as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} episodes  {elapsed} (eta {eta})  {msg}")
            .expect("valid template"),
    );
    let mut results: Vec<EpisodeResult> = Vec::new();
    for episode in 0..episodes {
        let episode_seed = seed + episode as u64;
        let result = run_episode(env, planner.as_deref_mut(), policy, episode_seed)
            .with_context(|| format!("episode {episode} (seed {episode_seed})"))?;
        results.push(result);
        let successes = results.iter().filter(|r| r.success).count();
        bar.set_message(format!("success {successes}/{}", episode + 1));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(results)
}

/// Prints one row per episode and the mean ± std summary; returns the summary.
pub fn print_results(results: &[EpisodeResult], seed: u64) -> Vec<MetricSummary> {
    let domain_names: Vec<&str> = metric_names(results).into_iter().skip(COMMON_METRICS.len()).collect();
    let rows = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![
                i.to_string(),
                (seed + i as u64).to_string(),
                r.success.to_string(),
                r.steps.to_string(),
                format!("{:.1}", r.episode_return),
                r.danger_steps.to_string(),
            ];
            row.extend(domain_names.iter().map(|name| r.metric(name).map_or("-".into(), |v| format!("{v:.3}"))));
            row
        })
        .collect();
    let mut header = vec!["episode", "seed", "success", "steps", "return", "danger steps"];
    header.extend(&domain_names);
    println!("{}", table(&header, rows));
    let summary = summarize(results);
    let rows =
        summary.iter().map(|m| vec![m.name.to_string(), format!("{:.3}", m.mean), format!("{:.3}", m.std)]).collect();
    println!("\n{}", table(&["metric", "mean", "std"], rows));
    summary
}
