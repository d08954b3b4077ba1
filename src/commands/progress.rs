//! Reading a run directory's `progress.csv` (one row per update), for the commands that compare
//! runs.

use std::path::Path;

use anyhow::Context;

/// (env steps, value of `column`) for every update of the run in `dir`.
pub fn read_column(dir: &Path, column: &str) -> anyhow::Result<Vec<(u64, f64)>> {
    let path = dir.join("progress.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("reading {} (is {} a run directory?)", path.display(), dir.display()))?;
    let headers = reader.headers()?.clone();
    let position = |name: &str| {
        headers.iter().position(|h| h == name).with_context(|| format!("{} has no `{name}` column", path.display()))
    };
    let (steps, values) = (position("env_steps")?, position(column)?);
    reader
        .records()
        .map(|row| {
            let row = row.with_context(|| format!("reading {}", path.display()))?;
            let parse = |i: usize| row[i].parse::<f64>().with_context(|| format!("{}: `{}`", path.display(), &row[i]));
            Ok((parse(steps)? as u64, parse(values)?))
        })
        .collect()
}
