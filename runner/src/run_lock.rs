//! One training process per run directory: `train.lock` in the directory, locked exclusively
//! (an OS file lock, released when the process ends, however it ends) and holding the PID of
//! the process that holds it, for the message the next one gets.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use rlmpc_core::Error;

/// The lock file's name.
pub const LOCK_FILE: &str = "train.lock";

/// The held lock of a run directory; dropping it releases the lock.
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Locks the run directory `dir` for this process, or says which process holds it.
    pub fn acquire(dir: &Path) -> Result<Self, Error> {
        let path = dir.join(LOCK_FILE);
        let io = |source| Error::Io { path: path.display().to_string(), source };
        // Not truncated on open: the holder's PID must survive until the lock is ours.
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process".into() } else { format!("process {holder}") };
                return Err(Error::Invalid(format!(
                    "{} is in use by {holder} (training it now); wait for it to finish or stop it, \
                     then run this again. Two processes writing one run would mix their logs",
                    dir.display()
                )));
            }
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        file.set_len(0).and_then(|()| file.rewind()).map_err(io)?;
        write!(file, "{}", std::process::id()).and_then(|()| file.flush()).map_err(io)?;
        Ok(Self { _file: file })
    }
}
