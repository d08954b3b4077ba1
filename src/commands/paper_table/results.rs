//! A table in the form of the paper's Tables 1–2: one row per setting, each evaluation metric as
//! mean ± std over seeds of each seed's mean, Welch's t-test of one metric's per-seed means
//! against a baseline row (Table 6), and the wall time per run (Table 7).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rlmpc::lab::welch::welch_t_test;
use rlmpc::runner::evaluation::mean_and_std;

use crate::commands::run_files::{read_columns, read_eval, summary};

/// One setting's runs: its name and run directories (one per seed).
pub struct Group {
    pub name: String,
    pub dirs: Vec<PathBuf>,
}

/// Mean and std over seeds.
pub type Spread = (f64, f64);

/// One row of the table.
pub struct Row {
    pub name: String,
    /// Seeds whose runs were evaluated.
    pub seeds: usize,
    /// Per metric of [`ResultTable::metrics`]: mean ± std over seeds of the per-seed means.
    pub metrics: Vec<Option<Spread>>,
    /// Welch's (t, p) of the tested metric against the baseline row; `None` for the baseline
    /// itself and where a test is undefined (fewer than two seeds, no variance).
    pub test: Option<(f64, f64)>,
    /// Wall-clock seconds per run: training for trained runs, the episodes for pure MPPI.
    pub wall_seconds: Option<Spread>,
}

/// The whole table.
pub struct ResultTable {
    /// Metric names, in the order of the first row's evaluation.
    pub metrics: Vec<String>,
    pub rows: Vec<Row>,
    /// The metric the t-tests compare, and the baseline row's name.
    pub tested: String,
    pub baseline: String,
}

/// One evaluated run: its (metric, mean over episodes) and its wall time.
struct Evaluated {
    means: Vec<(String, f64)>,
    wall_seconds: Option<f64>,
}

/// Seconds a run took: `eval.json`'s `wall_seconds` (pure MPPI), else the last training update's.
fn wall_seconds(dir: &Path, eval: &serde_json::Value) -> anyhow::Result<Option<f64>> {
    if let Some(seconds) = eval["wall_seconds"].as_f64() {
        return Ok(Some(seconds));
    }
    if !dir.join("progress.csv").exists() {
        return Ok(None);
    }
    Ok(read_columns(dir, &["wall_seconds"])?.remove(0).last().map(|(_, s)| *s))
}

fn read(dir: &Path) -> anyhow::Result<Evaluated> {
    let eval = read_eval(dir)?;
    let means = summary(&eval).into_iter().map(|(name, mean, _)| (name, mean)).collect();
    Ok(Evaluated { means, wall_seconds: wall_seconds(dir, &eval)? })
}

/// Each seed's mean of `metric` (seeds without it are left out).
fn per_seed(runs: &[Evaluated], metric: &str) -> Vec<f64> {
    runs.iter().filter_map(|r| r.means.iter().find(|(n, _)| n == metric).map(|(_, v)| *v)).collect()
}

/// Reads the groups' runs and computes the table. `baseline` names a row (default: the first);
/// `tested` is the metric of the t-tests.
pub fn compute(groups: &[Group], baseline: Option<&str>, tested: &str) -> anyhow::Result<ResultTable> {
    let evaluated: Vec<(&Group, Vec<Evaluated>)> = groups
        .iter()
        .map(|g| Ok((g, g.dirs.iter().map(|d| read(d)).collect::<anyhow::Result<Vec<_>>>()?)))
        .collect::<anyhow::Result<_>>()?;
    let Some((_, first)) = evaluated.iter().find(|(_, runs)| !runs.is_empty()) else {
        bail!("no run has been evaluated yet (no eval.json); `rlmpc sweep status FILE` shows where the runs stand");
    };
    let metrics: Vec<String> = first[0].means.iter().map(|(n, _)| n.clone()).collect();
    if !metrics.iter().any(|m| m == tested) {
        bail!("no evaluation has the metric `{tested}`; the metrics are {}", metrics.join(", "));
    }
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let baseline_index = match baseline {
        None => 0,
        Some(name) => names
            .iter()
            .position(|n| *n == name)
            .with_context(|| format!("no row is named `{name}` (the baseline); the rows are {}", names.join(", ")))?,
    };
    let reference = per_seed(&evaluated[baseline_index].1, tested);
    let rows = evaluated
        .iter()
        .enumerate()
        .map(|(i, (group, runs))| {
            let spread = |values: Vec<f64>| (!values.is_empty()).then(|| mean_and_std(&values));
            let test = (i != baseline_index).then(|| welch_t_test(&per_seed(runs, tested), &reference)).flatten();
            Row {
                name: group.name.clone(),
                seeds: runs.len(),
                metrics: metrics.iter().map(|m| spread(per_seed(runs, m))).collect(),
                test: test.map(|w| (w.t, w.p)),
                wall_seconds: spread(runs.iter().filter_map(|r| r.wall_seconds).collect()),
            }
        })
        .collect();
    Ok(ResultTable { metrics, rows, tested: tested.to_string(), baseline: names[baseline_index].to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, name: &str, returns: f64, wall: f64) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(&path).unwrap();
        let eval = serde_json::json!({
            "wall_seconds": wall,
            "summary": [{ "name": "return", "mean": returns, "std": 1.0 }, { "name": "success", "mean": 0.5, "std": 0.5 }],
        });
        std::fs::write(path.join("eval.json"), eval.to_string()).unwrap();
        path
    }

    #[test]
    fn rows_are_means_over_seeds_tested_against_the_baseline() {
        let dir = std::env::temp_dir().join(format!("rlmpc-results-{}", std::process::id()));
        let a = Group { name: "a".into(), dirs: vec![run(&dir, "a0", 1.0, 10.0), run(&dir, "a1", 3.0, 30.0)] };
        let b = Group { name: "b".into(), dirs: vec![run(&dir, "b0", 10.0, 5.0), run(&dir, "b1", 12.0, 5.0)] };
        let table = compute(&[a, b], Some("b"), "return").unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(table.metrics, ["return", "success"]);
        assert_eq!(table.rows[0].metrics[0], Some((2.0, 1.0)));
        assert_eq!(table.rows[0].wall_seconds, Some((20.0, 10.0)));
        assert!(table.rows[0].test.is_some_and(|(t, _)| t < 0.0), "a is below the baseline b");
        assert!(table.rows[1].test.is_none(), "the baseline is not tested against itself");
        assert!(compute(&[], None, "return").is_err());
    }

    #[test]
    fn an_unknown_baseline_or_metric_names_what_there_is() {
        let dir = std::env::temp_dir().join(format!("rlmpc-results-names-{}", std::process::id()));
        let groups = [Group { name: "a".into(), dirs: vec![run(&dir, "a0", 1.0, 1.0)] }];
        let baseline = compute(&groups, Some("z"), "return").err().unwrap().to_string();
        let metric = compute(&groups, None, "retrun").err().unwrap().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(baseline.contains("the rows are a"), "{baseline}");
        assert!(metric.contains("return, success"), "{metric}");
    }
}
