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

/// The run's `config.toml` without what differs between the seeds of one setting: `seed`,
/// and `training.total_steps` (a run continued with a larger `--steps` is the same setting).
pub fn setting(dir: &Path) -> anyhow::Result<toml::Table> {
    let path = dir.join("config.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut config: toml::Table = toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    config.remove("seed");
    if let Some(toml::Value::Table(training)) = config.get_mut("training") {
        training.remove("total_steps");
    }
    Ok(config)
}

/// The name of a group of runs (a curve, a table row): the directory name without a trailing `-seed<digits>`.
pub fn group_name(dir: &Path) -> String {
    let name = run_name(dir);
    match name.rsplit_once("-seed") {
        Some((stem, seed)) if !stem.is_empty() && !seed.is_empty() && seed.bytes().all(|b| b.is_ascii_digit()) => {
            stem.to_string()
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curve_is_named_after_its_first_run_without_the_seed_suffix() {
        assert_eq!(group_name(Path::new("runs/ppo_mppi_rho0.3-seed12")), "ppo_mppi_rho0.3");
        assert_eq!(group_name(Path::new("ppo-seed")), "ppo-seed");
        assert_eq!(group_name(Path::new("a-seedling")), "a-seedling");
        assert_eq!(group_name(Path::new("flat")), "flat");
    }

    #[test]
    fn a_setting_is_the_config_without_its_seed_and_budget() {
        let dir = std::env::temp_dir().join(format!("rlmpc-curves-setting-{}", std::process::id()));
        let write = |name: &str, text: &str| {
            std::fs::create_dir_all(dir.join(name)).unwrap();
            std::fs::write(dir.join(name).join("config.toml"), text).unwrap();
            setting(&dir.join(name)).unwrap()
        };
        let a = write("a", "seed = 0\n[training]\ntotal_steps = 100\nn_steps = 32\n[scheduler]\nname = \"fixed\"\n");
        let b = write("b", "seed = 7\n[training]\ntotal_steps = 900\nn_steps = 32\n[scheduler]\nname = \"fixed\"\n");
        let c = write("c", "seed = 0\n[training]\ntotal_steps = 100\nn_steps = 64\n[scheduler]\nname = \"fixed\"\n");
        assert_eq!(a, b, "seeds of one setting");
        assert_ne!(a, c, "another n_steps is another setting");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
