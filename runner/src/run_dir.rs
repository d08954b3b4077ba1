//! A training run's directory: the resolved config, the per-update CSV log, checkpoints and
//! evaluation results. Files are replaced atomically (write a temporary, then rename), so a
//! killed run never leaves a half-written file behind.
//!
//! ```text
//! runs/acrobot-ppo-mppi-rho0.3-seed0/
//!   config.toml        the experiment with every default filled in
//!   progress.csv       one row per update
//!   learner-NNNNNN.safetensors  the learner at the last checkpoint (weights, optimiser, streams)
//!   trainer_state.json          the rest of the checkpoint: counters, streams, warm start, episode
//!   eval.json          written by `rlmpc eval`
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use rlmpc_core::policy::PolicyLearner;
use rlmpc_core::Error;

/// A run directory.
pub struct RunDir {
    path: PathBuf,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.display().to_string(), source }
}

/// Writes `bytes` to `path` atomically: a sibling temporary file, synced, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes).map_err(io_error(&tmp))?;
    fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io_error(&tmp))?;
    fs::rename(&tmp, path).map_err(io_error(path))
}

impl RunDir {
    /// Creates a fresh run directory holding `config_toml`; refuses one that already holds a
    /// training log (resume it with `--resume`, or choose another `--out`).
    pub fn create(path: &Path, config_toml: &str) -> Result<Self, Error> {
        if path.join("progress.csv").exists() {
            return Err(Error::Invalid(format!(
                "{} already holds a training run; continue it with `rlmpc train --resume {}` or pick another --out",
                path.display(),
                path.display()
            )));
        }
        fs::create_dir_all(path).map_err(io_error(path))?;
        let run = Self { path: path.to_path_buf() };
        write_atomically(&run.config_path(), config_toml.as_bytes())?;
        write_atomically(&run.progress_path(), b"")?;
        Ok(run)
    }

    /// Opens an existing run directory.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let run = Self { path: path.to_path_buf() };
        if !run.config_path().exists() {
            return Err(Error::Invalid(format!(
                "{} is not a run directory (no config.toml); `rlmpc train --out DIR` creates one",
                path.display()
            )));
        }
        Ok(run)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `config.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.path.join("config.toml")
    }

    /// `progress.csv`.
    pub fn progress_path(&self) -> PathBuf {
        self.path.join("progress.csv")
    }

    /// `trainer_state.json`: the last checkpoint's trainer state.
    pub fn trainer_state_path(&self) -> PathBuf {
        self.path.join("trainer_state.json")
    }

    /// Saves the learner's state atomically as `file` in the run directory.
    pub fn save_learner(&self, learner: &dyn PolicyLearner, file: &str) -> Result<(), Error> {
        let path = self.path.join(file);
        let tmp = path.with_extension("tmp");
        learner.save(&tmp)?;
        fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io_error(&tmp))?;
        fs::rename(&tmp, &path).map_err(io_error(&path))
    }

    /// Drops the rows of updates after `update` (written after the checkpoint a resumed run
    /// continues from; the resumed run writes them again).
    pub fn truncate_progress(&self, update: usize) -> Result<(), Error> {
        let path = self.progress_path();
        let text = fs::read_to_string(&path).map_err(io_error(&path))?;
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, line)| *i == 0 || line.split(',').next().and_then(|u| u.parse::<usize>().ok()) <= Some(update))
            .map(|(_, line)| line)
            .collect();
        let mut out = kept.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        write_atomically(&path, out.as_bytes())
    }

    /// Appends one row (one update's, see `trainer::ProgressRow`) to `progress.csv`, with the
    /// header when the file is empty.
    pub fn append_progress(&self, row: &impl Serialize) -> Result<(), Error> {
        let path = self.progress_path();
        let file = fs::OpenOptions::new().append(true).open(&path).map_err(io_error(&path))?;
        let empty = file.metadata().map_err(io_error(&path))?.len() == 0;
        let mut writer = csv::WriterBuilder::new().has_headers(empty).from_writer(file);
        writer
            .serialize(row)
            .and_then(|()| writer.flush().map_err(csv::Error::from))
            .map_err(|e| Error::Io { path: path.display().to_string(), source: std::io::Error::other(e.to_string()) })
    }
}
