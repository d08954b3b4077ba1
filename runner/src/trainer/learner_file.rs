//! The learner file of a checkpoint: its checksum, recorded in the trainer state when it is
//! written and verified before it is loaded, and the previous checkpoint as the way out when
//! the last one's file was damaged.

use std::fs;
use std::path::{Path, PathBuf};

use rlmpc_core::Error;

use super::checkpoint::TrainerState;
use crate::run_dir::RunDir;

/// FNV-1a (64 bit) of the file at `path`, as `fnv1a64:<hex>`: enough to notice a truncated,
/// overwritten or bit-flipped file, which is what it is for.
pub(super) fn checksum(path: &Path) -> Result<String, Error> {
    let bytes = fs::read(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    let hash = bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    Ok(format!("fnv1a64:{hash:016x}"))
}

impl TrainerState {
    /// The path of this checkpoint's learner file in `run`, after checking it against the
    /// recorded checksum (checkpoints written before checksums were recorded are taken as
    /// they are). A mismatch names the file and, when the previous checkpoint is intact, how
    /// to make it the last one.
    pub(crate) fn verified_learner(&self, run: &RunDir) -> Result<PathBuf, Error> {
        let path = run.path().join(&self.learner_file);
        let Some(expected) = &self.learner_checksum else { return Ok(path) };
        let found = checksum(&path);
        if found.as_ref().is_ok_and(|found| found == expected) {
            return Ok(path);
        }
        let problem = match found {
            Ok(_) => {
                "does not match the checksum its checkpoint recorded: it was changed or damaged after it was written"
                    .to_string()
            }
            Err(e) => format!("cannot be read ({e})"),
        };
        let way_out = match previous_intact(run) {
            Some(update) => format!(
                "the previous checkpoint (update {update}) is intact: `mv {} {}` makes it the last one, then resume \
                 or evaluate the run",
                run.previous_trainer_state_path().display(),
                run.trainer_state_path().display()
            ),
            None => "no earlier checkpoint is left; restore the file from a copy or train the run again".into(),
        };
        Err(Error::Invalid(format!("{} {problem}; {way_out}", path.display())))
    }
}

/// The update of the previous checkpoint of `run`, when its state and learner file are intact.
fn previous_intact(run: &RunDir) -> Option<usize> {
    let previous = TrainerState::read_file(&run.previous_trainer_state_path()).ok()?;
    let expected = previous.learner_checksum.as_ref()?;
    (checksum(&run.path().join(&previous.learner_file)).ok()? == *expected).then_some(previous.update)
}
