//! `rlmpc compare`: several training runs side by side — their evaluation metrics, how many
//! steps each needed to reach a return, and Welch's t-test against the first (paper Table 2,
//! Table 6 and Sec. 5.2's "reached the best fixed setting's reward 2.1× sooner").

use std::path::{Path, PathBuf};

use anyhow::bail;
use rlmpc::lab::welch::welch_t_test;

use super::run_files::{episode_values, read_column, read_eval, run_name, summary};
use super::table::table;

/// Arguments of `rlmpc compare`.
#[derive(clap::Args)]
pub struct Args {
    /// Run directories written by `rlmpc train` and evaluated by `rlmpc eval` (the first is the
    /// baseline of the t-tests).
    #[arg(long, num_args = 2.., required = true)]
    runs: Vec<PathBuf>,
    /// Evaluation metric the t-tests compare (any column of `eval.json`'s episodes).
    #[arg(long, default_value = "return")]
    metric: String,
    /// Training return to reach (default: the best final training return among the runs).
    #[arg(long, allow_negative_numbers = true)]
    threshold: Option<f64>,
}

/// What one run directory holds that the comparison reads.
struct Run {
    name: String,
    /// (env steps, running mean return) of each update in `progress.csv`.
    curve: Vec<(u64, f64)>,
    /// Per-episode values of the compared metric from `eval.json`.
    episodes: Vec<f64>,
    /// (metric, mean, std) from `eval.json`'s summary.
    summary: Vec<(String, f64, f64)>,
}

fn read_run(dir: &Path, metric: &str) -> anyhow::Result<Run> {
    let curve = read_column(dir, "mean_return")?;
    let eval = read_eval(dir)?;
    let episodes = episode_values(&eval, metric);
    if episodes.is_empty() {
        bail!(
            "{} has no episodes with metric `{metric}` (try success, steps, return)",
            dir.join("eval.json").display()
        );
    }
    let summary = summary(&eval);
    let name = run_name(dir);
    Ok(Run { name, curve, episodes, summary })
}

/// Env steps at the first update whose running mean return reached `threshold`.
fn steps_to_reach(curve: &[(u64, f64)], threshold: f64) -> Option<u64> {
    curve.iter().find(|(_, r)| *r >= threshold).map(|(s, _)| *s)
}

/// Prints the three tables.
pub fn run(args: Args) -> anyhow::Result<()> {
    let runs: Vec<Run> = args.runs.iter().map(|dir| read_run(dir, &args.metric)).collect::<anyhow::Result<_>>()?;
    if let Some(empty) = runs.iter().find(|r| r.curve.is_empty()) {
        bail!("run `{}` has no updates in progress.csv", empty.name);
    }
    // Every curve has an update (checked above).
    let finals: Vec<f64> = runs.iter().map(|r| r.curve[r.curve.len() - 1].1).collect();
    let threshold = args.threshold.unwrap_or_else(|| finals.iter().copied().fold(f64::NEG_INFINITY, f64::max));

    let metrics: Vec<String> = runs[0].summary.iter().map(|m| m.0.clone()).collect();
    let mut header = vec!["run".to_string()];
    header.extend(metrics.iter().cloned());
    let rows = runs
        .iter()
        .map(|run| {
            let mut row = vec![run.name.clone()];
            for metric in &metrics {
                let cell = run.summary.iter().find(|m| &m.0 == metric);
                row.push(cell.map_or("-".into(), |(_, mean, std)| format!("{mean:.2} ± {std:.2}")));
            }
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    println!("evaluation, mean ± std over episodes\n{}", table(&header, rows));

    let rows = runs
        .iter()
        .zip(&finals)
        .map(|(run, last)| {
            let reached = steps_to_reach(&run.curve, threshold);
            vec![
                run.name.clone(),
                run.curve.last().map_or(0, |c| c.0).to_string(),
                format!("{last:.1}"),
                reached.map_or("never".into(), |s| s.to_string()),
            ]
        })
        .collect();
    println!(
        "\ntraining (mean return of the last 100 episodes), steps to reach {threshold:.1}\n{}",
        table(&["run", "env steps", "final return", "steps to reach"], rows)
    );

    let baseline = &runs[0];
    let rows = runs[1..]
        .iter()
        .map(|run| match welch_t_test(&run.episodes, &baseline.episodes) {
            Some(w) => vec![run.name.clone(), format!("{:.3}", w.t), format!("{:.2}", w.df), format!("{:.3e}", w.p)],
            None => vec![run.name.clone(), "-".into(), "-".into(), "- (no variance)".into()],
        })
        .collect();
    println!(
        "\nWelch's t-test of episode `{}` against {} (t > 0: higher than the baseline)\n{}",
        args.metric,
        baseline.name,
        table(&["run", "t", "df", "p (two-sided)"], rows)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_to_reach_is_the_first_update_at_or_above_the_threshold() {
        let curve = [(2048, -500.0), (4096, -120.0), (6144, -90.0), (8192, -130.0)];
        assert_eq!(steps_to_reach(&curve, -120.0), Some(4096));
        assert_eq!(steps_to_reach(&curve, -100.0), Some(6144));
        assert_eq!(steps_to_reach(&curve, -10.0), None);
    }
}
