//! A sweep expanded into its runs: every experiment × every grid point × every seed, in that
//! order, each with a run directory named after its setting and seed.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{bail, Context};
use rlmpc::runner::config::{Experiment, Override};

use super::spec::{Axis, Sweep};

/// What a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `rlmpc train`, then `rlmpc eval`.
    Train,
    /// Pure MPPI's evaluation episodes (`rlmpc mppi`).
    Mppi,
}

/// One run of the manifest.
#[derive(Clone, Debug)]
pub struct Run {
    /// Position in the manifest (the Slurm array index).
    pub index: usize,
    pub kind: Kind,
    /// The experiment file.
    pub config: PathBuf,
    /// The sweep's and the grid point's overrides, in order.
    pub overrides: Vec<Override>,
    pub seed: u64,
    /// Real steps to train for (trained runs); the config's `training.total_steps` by default.
    pub steps: usize,
    /// Evaluation episodes.
    pub episodes: usize,
    /// The setting's name: the config's file stem and the grid point, e.g.
    /// `ppo_mppi_rho0.3-horizon5-num_samples50`; the seeds of one setting share it.
    pub setting: String,
    /// `<out>/<setting>-seed<seed>`.
    pub dir: PathBuf,
}

/// Every combination of the axes' values, the last axis varying fastest.
fn grid_points(axes: &[Axis]) -> Vec<Vec<Override>> {
    axes.iter().fold(vec![Vec::new()], |points, axis| {
        points
            .iter()
            .flat_map(|point| {
                axis.values.iter().map(move |value| {
                    let mut next = point.clone();
                    next.push(Override { key: axis.key.clone(), value: value.clone() });
                    next
                })
            })
            .collect()
    })
}

/// A value as it appears in a directory name: its text, with characters that do not belong in
/// a file name replaced by `_`.
fn name_part(value: &toml::Value) -> String {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => items.iter().map(name_part).collect::<Vec<_>>().join("_"),
        other => other.to_string(),
    };
    text.chars().map(|c| if c.is_ascii_alphanumeric() || "._+-".contains(c) { c } else { '_' }).collect()
}

/// The name of each axis in directory names: its last key segment, or the whole dotted key
/// where two axes share a last segment.
fn axis_labels(axes: &[Axis]) -> Vec<String> {
    let last = |key: &str| key.rsplit('.').next().unwrap_or(key).to_string();
    axes.iter()
        .map(|axis| {
            let shared = axes.iter().filter(|other| last(&other.key) == last(&axis.key)).count() > 1;
            if shared {
                axis.key.clone()
            } else {
                last(&axis.key)
            }
        })
        .collect()
}

/// Expands the sweep. Every experiment is loaded with its overrides, so a bad config, key or
/// value fails here rather than in a run hours later.
pub fn expand(sweep: &Sweep) -> anyhow::Result<Vec<Run>> {
    let labels = axis_labels(&sweep.grid);
    let points = grid_points(&sweep.grid);
    let experiments = sweep.train.iter().map(|c| (Kind::Train, c)).chain(sweep.mppi.iter().map(|c| (Kind::Mppi, c)));
    let mut runs = Vec::new();
    let mut names = BTreeSet::new();
    for (kind, config) in experiments {
        let stem = config.file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        for point in &points {
            let mut overrides = sweep.set.clone();
            overrides.extend(point.iter().cloned());
            let experiment = Experiment::load_with(config, &overrides)
                .with_context(|| format!("sweep file {}", sweep.path.display()))?;
            let mut setting = stem.clone();
            for (label, over) in labels.iter().zip(point) {
                setting.push_str(&format!("-{label}{}", name_part(&over.value)));
            }
            if !names.insert(setting.clone()) {
                bail!(
                    "sweep file {}: two settings are both named `{setting}`; give their experiment files distinct names",
                    sweep.path.display()
                );
            }
            for &seed in &sweep.seeds {
                runs.push(Run {
                    index: runs.len(),
                    kind,
                    config: config.clone(),
                    overrides: overrides.clone(),
                    seed,
                    steps: sweep.steps.unwrap_or(experiment.config.training.total_steps),
                    episodes: sweep.episodes.unwrap_or(experiment.config.evaluation.episodes),
                    dir: sweep.out.join(format!("{setting}-seed{seed}")),
                    setting: setting.clone(),
                });
            }
        }
    }
    Ok(runs)
}

/// The run at `index`, or an error that says how many there are.
pub fn run_at(runs: &[Run], index: usize) -> anyhow::Result<&Run> {
    runs.get(index)
        .with_context(|| format!("the sweep has {} runs (indices 0..{}); no run {index}", runs.len(), runs.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(key: &str, values: &[i64]) -> Axis {
        Axis { key: key.into(), values: values.iter().map(|&v| toml::Value::Integer(v)).collect() }
    }

    #[test]
    fn the_grid_is_every_combination_with_the_last_axis_fastest() {
        let points = grid_points(&[axis("mppi.horizon", &[5, 10]), axis("mppi.num_samples", &[50, 100, 200])]);
        assert_eq!(points.len(), 6);
        assert_eq!(points[1][0].to_string(), "mppi.horizon=5");
        assert_eq!(points[1][1].to_string(), "mppi.num_samples=100");
        assert_eq!(grid_points(&[]), vec![Vec::<Override>::new()], "no grid: one point, no overrides");
    }

    #[test]
    fn axes_are_labelled_by_their_last_segment_unless_two_share_it() {
        assert_eq!(axis_labels(&[axis("mppi.horizon", &[1]), axis("scheduler.params.rho", &[1])]), ["horizon", "rho"]);
        assert_eq!(axis_labels(&[axis("a.x", &[1]), axis("b.x", &[1])]), ["a.x", "b.x"]);
    }

    #[test]
    fn values_become_file_name_safe() {
        assert_eq!(name_part(&toml::Value::Float(0.5)), "0.5");
        assert_eq!(name_part(&toml::Value::String("n_steps / M".into())), "n_steps___M");
        let list = toml::Value::Array(vec![toml::Value::Float(1.5), toml::Value::Integer(0)]);
        assert_eq!(name_part(&list), "1.5_0");
    }
}
