//! A training run's directory: the resolved config, the per-update CSV log, checkpoints and
//! evaluation results. Files are replaced atomically (write a temporary, then rename), so a
//! killed run never leaves a half-written file behind.
//!
//! ```text
//! runs/acrobot-ppo-mppi-rho0.3-seed0/
//!   config.toml        the experiment with every default filled in
//!   progress.csv       one row per logged update (`training.log_every_steps`)
//!   learner-NNNNNN.safetensors  the learner at the last checkpoint (weights, optimiser, streams)
//!   trainer_state.json          the rest of the checkpoint: counters, streams, warm start, episode
//!   trainer_state.previous.json the checkpoint before, with its learner file, to fall back to
//!   eval.json          written by `rlmpc eval`
//!   train.lock         held by the process training the run (see `run_lock`)
//! ```
//!
//! A directory is created only once the experiment has been built, and a run that never
//! reached its first checkpoint holds nothing worth keeping: training into it again, or
//! resuming it, starts it over.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use rlmpc_core::policy::PolicyLearner;
use rlmpc_core::Error;

use crate::run_lock::{RunLock, LOCK_FILE};

/// A run directory.
pub struct RunDir {
    path: PathBuf,
    /// Held while this process trains the run.
    _lock: Option<RunLock>,
}

/// Whether `name` is a file that a run directory holds before its first checkpoint.
fn is_unstarted_run_file(name: &str) -> bool {
    matches!(name, "config.toml" | "progress.csv" | LOCK_FILE) || name.starts_with("learner-") || name.ends_with(".tmp")
}

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.display().to_string(), source }
}

/// Writes `bytes` to `path` atomically: a sibling temporary file, synced, then renamed. A
/// failed write removes its temporary file and leaves `path` as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension("tmp");
    let written = fs::write(&tmp, bytes).map_err(io_error(&tmp)).and_then(|()| sync_and_rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Makes the finished temporary file `tmp` durable and moves it onto `path`.
pub(crate) fn sync_and_rename(tmp: &Path, path: &Path) -> Result<(), Error> {
    fs::File::open(tmp).and_then(|f| f.sync_all()).map_err(io_error(tmp))?;
    fs::rename(tmp, path).map_err(io_error(path))
}

impl RunDir {
    /// Creates a fresh run directory holding `config_toml`, locked for this process. Refuses a
    /// directory that holds a checkpoint (resume it with `--resume`) or other files than a run's
    /// (so that nothing else is overwritten); a run that never reached its first checkpoint is
    /// started over.
    pub fn create(path: &Path, config_toml: &str) -> Result<Self, Error> {
        fs::create_dir_all(path).map_err(io_error(path))?;
        let mut run = Self { path: path.to_path_buf(), _lock: None };
        run.refuse_a_started_run()?;
        // Checked before the lock file is made, which would otherwise be left in a foreign directory.
        let entries = fs::read_dir(path).map_err(io_error(path))?;
        let names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        if let Some(foreign) = names.iter().find(|name| !is_unstarted_run_file(name)) {
            return Err(Error::Invalid(format!(
                "{} is not empty and not an rlmpc run (it holds `{foreign}`); training would overwrite files \
                 there, so pick a new or empty --out",
                path.display()
            )));
        }
        run._lock = Some(RunLock::acquire(path)?);
        // Again, now that no other process can be starting it.
        run.refuse_a_started_run()?;
        run.remove_stale_files(&[]);
        write_atomically(&run.config_path(), config_toml.as_bytes())?;
        write_atomically(&run.progress_path(), b"")?;
        Ok(run)
    }

    /// Refuses a directory holding a checkpoint: it is resumed, never started over.
    fn refuse_a_started_run(&self) -> Result<(), Error> {
        if !self.has_checkpoint() {
            return Ok(());
        }
        Err(Error::Invalid(format!(
            "{} already holds a training run; continue it with `rlmpc train --resume {}` or pick another --out",
            self.path.display(),
            self.path.display()
        )))
    }

    /// Opens an existing run directory to read it.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let run = Self { path: path.to_path_buf(), _lock: None };
        if !run.config_path().exists() {
            return Err(Error::Invalid(format!(
                "{} is not a run directory (no config.toml); `rlmpc train --out DIR` creates one",
                path.display()
            )));
        }
        Ok(run)
    }

    /// Opens an existing run directory to train it further, locked for this process.
    pub fn open_to_train(path: &Path) -> Result<Self, Error> {
        let run = Self::open(path)?;
        Ok(Self { _lock: Some(RunLock::acquire(path)?), ..run })
    }

    /// Whether a checkpoint has been written (`trainer_state.json` exists).
    pub fn has_checkpoint(&self) -> bool {
        self.trainer_state_path().exists()
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

    /// `trainer_state.previous.json`: the checkpoint before the last, kept with its learner file.
    pub fn previous_trainer_state_path(&self) -> PathBuf {
        self.path.join("trainer_state.previous.json")
    }

    /// Saves the learner's state atomically as `file` in the run directory.
    pub fn save_learner(&self, learner: &dyn PolicyLearner, file: &str) -> Result<(), Error> {
        let path = self.path.join(file);
        let tmp = path.with_extension("tmp");
        let saved = learner.save(&tmp).and_then(|()| sync_and_rename(&tmp, &path));
        if saved.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        saved
    }

    /// Removes every learner file but those in `keep`, and the temporary files of interrupted
    /// writes: after a checkpoint, only the files the last two name remain.
    pub fn remove_stale_files(&self, keep: &[&str]) {
        let Ok(entries) = fs::read_dir(&self.path) else { return };
        for name in entries.filter_map(|e| e.ok()?.file_name().into_string().ok()) {
            let learner = name.starts_with("learner-") && (name.ends_with(".safetensors") || name.ends_with(".tmp"));
            if (learner && !keep.contains(&name.as_str()))
                || name.starts_with("trainer_state") && name.ends_with(".tmp")
            {
                let _ = fs::remove_file(self.path.join(name));
            }
        }
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
