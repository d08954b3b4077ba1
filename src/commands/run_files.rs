//! Reading a run directory's `progress.csv` (one row per update) and `eval.json`, for the
//! commands that compare runs.

use std::path::Path;

use anyhow::Context;

/// The run's name: its directory's last component.
pub fn run_name(dir: &Path) -> String {
    dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// (env steps, value of `column`) for every update of the run in `dir`.
pub fn read_column(dir: &Path, column: &str) -> anyhow::Result<Vec<(u64, f64)>> {
    Ok(read_columns(dir, &[column])?.remove(0))
}

/// [`read_column`] for several columns, in one pass over the file.
pub fn read_columns(dir: &Path, columns: &[&str]) -> anyhow::Result<Vec<Vec<(u64, f64)>>> {
    let path = dir.join("progress.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("reading {} (is {} a run directory?)", path.display(), dir.display()))?;
    let headers = reader.headers()?.clone();
    let position = |name: &str| {
        headers.iter().position(|h| h == name).with_context(|| format!("{} has no `{name}` column", path.display()))
    };
    let steps = position("env_steps")?;
    let positions: Vec<usize> = columns.iter().map(|c| position(c)).collect::<anyhow::Result<_>>()?;
    let mut curves = vec![Vec::new(); columns.len()];
    for row in reader.records() {
        let row = row.with_context(|| format!("reading {}", path.display()))?;
        let parse = |i: usize| row[i].parse::<f64>().with_context(|| format!("{}: `{}`", path.display(), &row[i]));
        let step = parse(steps)? as u64;
        for (curve, &i) in curves.iter_mut().zip(&positions) {
            curve.push((step, parse(i)?));
        }
    }
    Ok(curves)
}

/// The run's `eval.json`, written by `rlmpc eval`.
pub fn read_eval(dir: &Path) -> anyhow::Result<serde_json::Value> {
    let path = dir.join("eval.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (run `rlmpc eval --run {}` first)", path.display(), dir.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Each evaluation episode's value of `metric` (`return`, `success`, `steps`, or a domain
/// metric), skipping episodes that do not report it.
pub fn episode_values(eval: &serde_json::Value, metric: &str) -> Vec<f64> {
    let value_of = |episode: &serde_json::Value| -> Option<f64> {
        let key = if metric == "return" { "episode_return" } else { metric };
        match episode.get(key) {
            Some(serde_json::Value::Bool(b)) => Some(f64::from(u8::from(*b))),
            Some(v) => v.as_f64(),
            // Domain metrics are [name, value] pairs.
            None => episode["domain"].as_array()?.iter().find(|p| p[0] == metric).and_then(|p| p[1].as_f64()),
        }
    };
    eval["episodes"].as_array().map(|e| e.iter().filter_map(value_of).collect()).unwrap_or_default()
}

/// (metric, mean, std) of the evaluation summary.
pub fn summary(eval: &serde_json::Value) -> Vec<(String, f64, f64)> {
    eval["summary"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|m| Some((m["name"].as_str()?.to_string(), m["mean"].as_f64()?, m["std"].as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}
