//! Sweep files: which experiments to run, over which seeds and which grid of settings.
//!
//! ```toml
//! out = "runs/sweeps/acrobot-fig9"       # default: runs/sweeps/<file stem>
//! train = ["../acrobot/ppo_mppi_rho0.3.toml"]   # paths relative to this file
//! mppi = ["../acrobot/pure_mppi.toml"]           # pure MPPI rows: evaluated, not trained
//! seeds = [0, 1, 2, 3, 4]
//! steps = 1_000_000      # training.total_steps of every trained run (default: the config's)
//! episodes = 50          # evaluation episodes per run (default: the config's)
//! baseline = "ppo_mppi_rho0.3-horizon10-num_samples100"   # `rlmpc table`'s t-tests compare with it
//! set = ["training.checkpoint_every=5"]                    # overrides for every run
//!
//! [grid]                 # every combination, for every config
//! mppi.horizon = [5, 10, 20]
//! mppi.num_samples = [50, 100, 200]
//!
//! [slurm]                # `rlmpc sweep slurm`'s #SBATCH resources
//! time = "12:00:00"
//! cpus_per_task = 2
//! ```

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use rlmpc::runner::config::Override;
use serde::Deserialize;

/// `[slurm]`: the resources of each array task.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlurmResources {
    /// `--time`, e.g. `"12:00:00"`.
    pub time: Option<String>,
    /// `--cpus-per-task`.
    pub cpus_per_task: Option<u32>,
    /// `--mem`, e.g. `"4G"`.
    pub mem: Option<String>,
    /// `--partition`.
    pub partition: Option<String>,
    /// `--account`.
    pub account: Option<String>,
    /// At most this many array tasks at once (`--array=…%N`).
    pub max_parallel: Option<u32>,
    /// More `#SBATCH` options, each as written after `#SBATCH`, e.g. `"--qos=long"`.
    #[serde(default)]
    pub extra: Vec<String>,
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepToml {
    out: Option<PathBuf>,
    #[serde(default)]
    train: Vec<PathBuf>,
    #[serde(default)]
    mppi: Vec<PathBuf>,
    seeds: Vec<u64>,
    steps: Option<usize>,
    episodes: Option<usize>,
    baseline: Option<String>,
    #[serde(default)]
    set: Vec<String>,
    #[serde(default)]
    grid: toml::Table,
    #[serde(default)]
    slurm: SlurmResources,
}

/// One grid axis: a dotted key and the values it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// A loaded sweep file, its paths resolved.
#[derive(Debug)]
pub struct Sweep {
    /// The sweep file, as given.
    pub path: PathBuf,
    /// Directory of the run directories (and of `logs/`, `status/`).
    pub out: PathBuf,
    /// Experiments to train, then evaluate.
    pub train: Vec<PathBuf>,
    /// Experiments of pure MPPI, evaluated only.
    pub mppi: Vec<PathBuf>,
    pub seeds: Vec<u64>,
    pub steps: Option<usize>,
    pub episodes: Option<usize>,
    /// Name of the setting `rlmpc table` tests against (default: the first).
    pub baseline: Option<String>,
    /// Overrides of every run, before the grid's.
    pub set: Vec<Override>,
    pub grid: Vec<Axis>,
    pub slurm: SlurmResources,
}

/// The grid's tables flattened to dotted keys; each leaf must be a non-empty array.
fn axes(prefix: &str, table: &toml::Table, into: &mut Vec<Axis>) -> anyhow::Result<()> {
    for (name, value) in table {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            toml::Value::Table(inner) => axes(&key, inner, into)?,
            toml::Value::Array(values) if !values.is_empty() => into.push(Axis { key, values: values.clone() }),
            _ => bail!("grid.{key} must be a non-empty list of values, e.g. {key} = [5, 10, 20]"),
        }
    }
    Ok(())
}

/// `dir/path` with `a/..` pairs removed, so that messages show `configs/acrobot/x.toml` rather
/// than `configs/sweeps/../acrobot/x.toml`.
fn beside(dir: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in dir.join(path).components() {
        match part {
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Sweep {
    /// Reads and checks a sweep file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading sweep file {}", path.display()))?;
        let file: SweepToml = toml::from_str(&text).with_context(|| format!("sweep file {}", path.display()))?;
        let at = |what: &str| format!("sweep file {}: {what}", path.display());
        if file.train.is_empty() && file.mppi.is_empty() {
            bail!(at("name at least one experiment, e.g. train = [\"../acrobot/ppo_mppi_rho0.3.toml\"]"));
        }
        if file.seeds.is_empty() {
            bail!(at("seeds is empty; e.g. seeds = [0, 1, 2, 3, 4]"));
        }
        if let Some(seed) = file.seeds.iter().enumerate().find_map(|(i, s)| file.seeds[..i].contains(s).then_some(s)) {
            bail!(at(&format!("seed {seed} is listed twice; each seed is one run per setting")));
        }
        if !file.mppi.is_empty() && file.episodes == Some(0) {
            bail!(at("pure MPPI runs are only evaluated: give them episodes = 1 or more"));
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        let stem = path.file_stem().map_or_else(|| "sweep".into(), |s| s.to_string_lossy().into_owned());
        let set = file
            .set
            .iter()
            .map(|s| s.parse::<Override>().map_err(|e| anyhow::anyhow!(at(&format!("set: {e}")))))
            .collect::<anyhow::Result<_>>()?;
        let mut grid = Vec::new();
        axes("", &file.grid, &mut grid).map_err(|e| anyhow::anyhow!(at(&e.to_string())))?;
        Ok(Self {
            path: path.to_path_buf(),
            out: file.out.unwrap_or_else(|| PathBuf::from("runs").join("sweeps").join(stem)),
            train: file.train.iter().map(|p| beside(dir, p)).collect(),
            mppi: file.mppi.iter().map(|p| beside(dir, p)).collect(),
            seeds: file.seeds,
            steps: file.steps,
            episodes: file.episodes,
            baseline: file.baseline,
            set,
            grid,
            slurm: file.slurm,
        })
    }

    /// `<out>/logs`: each run's output.
    pub fn logs_dir(&self) -> PathBuf {
        self.out.join("logs")
    }

    /// `<out>/status`: the markers of running and failed runs.
    pub fn status_dir(&self) -> PathBuf {
        self.out.join("status")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> anyhow::Result<Sweep> {
        let dir = std::env::temp_dir().join(format!("rlmpc-sweep-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("s{}.toml", text.len()));
        std::fs::write(&path, text).unwrap();
        let sweep = Sweep::load(&path);
        std::fs::remove_file(&path).unwrap();
        sweep
    }

    #[test]
    fn a_grid_of_nested_tables_becomes_dotted_axes_and_paths_resolve_against_the_file() {
        let sweep = load(
            "train = [\"a.toml\"]\nseeds = [0, 1]\n[grid]\nmppi.horizon = [5, 10]\n\"scheduler.params.rho\" = [0.3]\n",
        )
        .unwrap();
        let keys: Vec<&str> = sweep.grid.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["mppi.horizon", "scheduler.params.rho"]);
        assert_eq!(
            sweep.train[0],
            std::env::temp_dir().join(format!("rlmpc-sweep-spec-{}", std::process::id())).join("a.toml")
        );
        assert!(sweep.out.starts_with("runs/sweeps"), "{}", sweep.out.display());
    }

    #[test]
    fn config_paths_lose_their_detours() {
        assert_eq!(
            beside(Path::new("configs/sweeps"), Path::new("../acrobot/a.toml")),
            Path::new("configs/acrobot/a.toml")
        );
        assert_eq!(beside(Path::new(""), Path::new("../a.toml")), Path::new("../a.toml"));
        assert_eq!(beside(Path::new("/x"), Path::new("/abs/a.toml")), Path::new("/abs/a.toml"));
    }

    #[test]
    fn mistakes_are_named() {
        let e = |text: &str| format!("{:#}", load(text).unwrap_err());
        assert!(e("seeds = [0]\n").contains("at least one experiment"));
        assert!(e("train = [\"a.toml\"]\nseeds = []\n").contains("seeds is empty"));
        assert!(e("train = [\"a.toml\"]\nseeds = [0, 1, 0]\n").contains("seed 0 is listed twice"));
        assert!(e("mppi = [\"a.toml\"]\nseeds = [0]\nepisodes = 0\n").contains("episodes = 1 or more"));
        assert!(
            e("train = [\"a.toml\"]\nseeds = [0]\n[grid]\nmppi.horizon = 5\n").contains("grid.mppi.horizon must be")
        );
        assert!(e("train = [\"a.toml\"]\nseeds = [0]\nseed = 1\n").contains("unknown field `seed`"));
        assert!(e("train = [\"a.toml\"]\nseeds = [0]\nset = [\"x\"]\n").contains("key=value"));
    }
}
