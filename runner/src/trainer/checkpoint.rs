//! Checkpoints of a training run, taken between updates (when both buffers are empty), so
//! that a killed run resumes exactly as the uninterrupted one would have continued.
//!
//! A checkpoint is two files in the run directory, each replaced atomically: the learner's
//! `learner-<update>.safetensors`, then `trainer_state.json`, which names it and records its
//! checksum. A crash between the two leaves the previous state pointing at the previous
//! learner file. The checkpoint before the last stays as `trainer_state.previous.json` with its
//! learner file, the way out when the last learner file is damaged (see `learner_file`); older
//! learner files are deleted once the new state is in place.
//!
//! The environment is not serialised: the state records the current episode's reset seed and
//! the controls applied since, and resuming replays them. That works for any deterministic
//! environment, including ones whose physics engine cannot save its state.

use std::fs;
use std::path::{Path, PathBuf};

use rand_chacha::ChaCha8Rng;
use rlmpc_core::mppi::WarmStart;
use rlmpc_core::{Error, PolicyLearner};
use serde::{Deserialize, Serialize};

use super::learner_file::checksum;
use super::Trainer;
use crate::config::Experiment;
use crate::run_dir::{io_error, sync_and_rename, write_atomically, RunDir};

/// Format tag of `trainer_state.json`.
const FORMAT: &str = "rlmpc-trainer/1";

/// Everything besides the learner that the next update depends on.
#[derive(Serialize, Deserialize)]
pub(crate) struct TrainerState {
    format: String,
    /// Updates done.
    pub update: usize,
    env_steps: usize,
    /// Wall-clock seconds trained so far.
    pub wall_seconds: f64,
    /// The learner file of this checkpoint, in the run directory.
    pub learner_file: String,
    /// Its checksum (`learner_file::checksum`); absent in checkpoints of older versions.
    #[serde(default)]
    pub learner_checksum: Option<String>,
    episodes_started: u64,
    episode_seed: u64,
    episode_controls: Vec<f64>,
    episode_return: f64,
    episode_success: bool,
    recent: Vec<(f64, bool)>,
    first_episode_start: bool,
    rng: ChaCha8Rng,
    mppi: Option<WarmStart>,
    scheduler: serde_json::Value,
    /// Set by [`export_policy`]: the learner file holds what acting needs and not what
    /// training does (SAC's replay buffer), so the run cannot be resumed from it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    policy_only: bool,
}

impl TrainerState {
    /// Reads `trainer_state.json` of a run.
    pub fn read(run: &RunDir) -> Result<Self, Error> {
        if !run.has_checkpoint() {
            return Err(Error::Invalid(format!(
                "{} has no checkpoint yet: its training stopped before the first one (every \
                 `training.checkpoint_every` updates); `rlmpc train --resume {}` starts it over",
                run.path().display(),
                run.path().display()
            )));
        }
        Self::read_file(&run.trainer_state_path()).map_err(|e| {
            let previous = run.previous_trainer_state_path();
            let way_out = if previous.exists() {
                format!(
                    "the previous checkpoint may be intact: `mv {} {}` makes it the last one",
                    previous.display(),
                    run.trainer_state_path().display()
                )
            } else {
                "no earlier checkpoint is left; train the run again".into()
            };
            let cause = match e {
                Error::Invalid(message) => message,
                other => other.to_string(),
            };
            Error::Invalid(format!("{cause}; {way_out}"))
        })
    }

    /// Reads a trainer state file.
    pub fn read_file(path: &Path) -> Result<Self, Error> {
        let text = fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        let state: Self = serde_json::from_str(&text)
            .map_err(|e| Error::Invalid(format!("{}: not a trainer state: {e}", path.display())))?;
        if state.format != FORMAT {
            return Err(Error::Invalid(format!("{}: format `{}`, expected `{FORMAT}`", path.display(), state.format)));
        }
        Ok(state)
    }
}

impl Trainer {
    /// Writes a checkpoint of the current state into `run` (see the module docs).
    pub fn checkpoint(&self, run: &RunDir, wall_seconds: f64) -> Result<(), Error> {
        let previous = TrainerState::read(run).ok();
        let learner_file = format!("learner-{:06}.safetensors", self.updates);
        run.save_learner(self.learner.as_ref(), &learner_file)?;
        let learner_checksum = Some(checksum(&run.path().join(&learner_file))?);
        let state = TrainerState {
            format: FORMAT.into(),
            update: self.updates,
            env_steps: self.env_steps,
            wall_seconds,
            learner_file: learner_file.clone(),
            learner_checksum,
            episodes_started: self.episodes_started,
            episode_seed: self.episode_seed,
            episode_controls: self.episode_controls.clone(),
            episode_return: self.episode_return,
            episode_success: self.episode_success,
            recent: self.recent.iter().copied().collect(),
            first_episode_start: self.storage.first_episode_start,
            rng: self.rng.clone(),
            mppi: self.planner.as_ref().map(|p| p.mppi.warm_start()),
            scheduler: self.scheduler.state(),
            policy_only: false,
        };
        let json = serde_json::to_string_pretty(&state).map_err(|e| Error::Invalid(e.to_string()))?;
        // JSON writes NaN as `null`, which no resume could read back: refuse it here, while
        // the previous checkpoint is still the one `trainer_state.json` names.
        if let Err(e) = serde_json::from_str::<TrainerState>(&json) {
            if previous.is_none_or(|previous| previous.learner_file != learner_file) {
                let _ = fs::remove_file(run.path().join(&learner_file));
            }
            return Err(Error::Diverged {
                what: "the trainer state of the checkpoint".into(),
                at: format!(" at update {}", self.updates),
                cause: format!("{e}; the last good checkpoint is kept"),
            });
        }
        let mut keep = vec![learner_file.as_str()];
        if let Some(previous) = previous.as_ref().filter(|previous| previous.learner_file != learner_file) {
            let path = run.trainer_state_path();
            let last = fs::read(&path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
            write_atomically(&run.previous_trainer_state_path(), &last)?;
            keep.push(&previous.learner_file);
        }
        write_atomically(&run.trainer_state_path(), json.as_bytes())?;
        run.remove_stale_files(&keep);
        Ok(())
    }

    /// Rebuilds the trainer of `experiment` and restores `run`'s last checkpoint: the learner,
    /// the scheduler, every counter and random stream, MPPI's warm start, and the current
    /// episode (replayed from its seed). Returns the trainer and the seconds already trained.
    pub fn resume(experiment: &Experiment, run: &RunDir) -> Result<(Self, f64), Error> {
        let state = TrainerState::read(run)?;
        if state.policy_only {
            return Err(Error::Invalid(format!(
                "{} holds a policy exported by `rlmpc export`, which keeps what evaluation needs and \
                 may leave out what training does (SAC's replay buffer): it evaluates, but cannot be \
                 trained further; resume the run it was exported from",
                run.path().display()
            )));
        }
        let learner_path = state.verified_learner(run)?;
        let mut trainer = Trainer::new(experiment)?;
        trainer.learner.load(&learner_path)?;
        trainer.scheduler.restore(&state.scheduler)?;
        trainer.updates = state.update;
        trainer.env_steps = state.env_steps;
        trainer.episodes_started = state.episodes_started;
        trainer.recent = state.recent.into_iter().collect();
        trainer.storage.first_episode_start = state.first_episode_start;
        trainer.rng = state.rng;
        trainer.observation = trainer.env.reset(Some(state.episode_seed));
        let nu = trainer.env.spec().action_space.dim();
        for u in state.episode_controls.chunks_exact(nu) {
            trainer.observation = trainer.env.step(u).observation;
        }
        trainer.episode_seed = state.episode_seed;
        trainer.episode_controls = state.episode_controls;
        trainer.episode_return = state.episode_return;
        trainer.episode_success = state.episode_success;
        match (&mut trainer.planner, &state.mppi) {
            (Some(planner), Some(warm)) => planner.mppi.restore_warm_start(warm)?,
            (None, None) => {}
            _ => return Err(Error::Invalid("the checkpoint's controller differs from the config's".into())),
        }
        Ok((trainer, state.wall_seconds))
    }
}

/// The learner file that the last checkpoint of `run` names, verified against its checksum.
pub fn last_learner_path(run: &RunDir) -> Result<PathBuf, Error> {
    TrainerState::read(run)?.verified_learner(run)
}

/// Real environment steps at the last checkpoint of `run`; `None` before its first checkpoint.
pub fn checkpoint_steps(run: &RunDir) -> Option<usize> {
    TrainerState::read(run).ok().map(|state| state.env_steps)
}

/// Writes into `out`, a new or empty directory, what evaluating `run` needs: its
/// `config.toml`, its `eval.json` when it has one, `learner` (restored from the last
/// checkpoint) as [`PolicyLearner::save_policy`] writes it, and a trainer state that names that
/// file, with its checksum, and says it cannot be resumed. For a SAC run that leaves out the
/// replay buffer, most of a checkpoint; for PPO it is the whole checkpoint.
pub fn export_policy(run: &RunDir, learner: &dyn PolicyLearner, out: &Path) -> Result<(), Error> {
    let mut state = TrainerState::read(run)?;
    if fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(Error::Invalid(format!(
            "{} exists and is not empty; `--out` takes a new or empty directory",
            out.display()
        )));
    }
    fs::create_dir_all(out).map_err(io_error(out))?;
    let learner_path = out.join(&state.learner_file);
    let tmp = learner_path.with_extension("tmp");
    let saved = learner.save_policy(&tmp).and_then(|()| sync_and_rename(&tmp, &learner_path));
    if saved.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    saved?;
    state.learner_checksum = Some(checksum(&learner_path)?);
    state.policy_only = true;
    let json = serde_json::to_string_pretty(&state).map_err(|e| Error::Invalid(e.to_string()))?;
    write_atomically(&out.join("trainer_state.json"), json.as_bytes())?;
    for name in ["config.toml", "eval.json"] {
        let from = run.path().join(name);
        if from.exists() {
            let bytes = fs::read(&from).map_err(io_error(&from))?;
            write_atomically(&out.join(name), &bytes)?;
        }
    }
    Ok(())
}
