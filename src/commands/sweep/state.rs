//! Where each run of a sweep stands, read from its run directory and the sweep's markers:
//! `status/<run>.running` (the process working on it) and `status/<run>.failed` (its error).

use std::path::{Path, PathBuf};
use std::process::Command;

use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::checkpoint_steps;

use super::manifest::{Kind, Run};
use super::spec::Sweep;

/// A run's state.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// Evaluated (or, without evaluation episodes, trained to its steps).
    Done,
    /// A live process works on it.
    Running,
    /// Its last attempt failed with this error line.
    Failed(String),
    /// Not started, or interrupted (a rerun resumes it from its last checkpoint).
    Pending,
}

impl State {
    /// The word `rlmpc sweep status` prints.
    pub fn word(&self) -> &'static str {
        match self {
            State::Done => "done",
            State::Running => "running",
            State::Failed(_) => "failed",
            State::Pending => "pending",
        }
    }
}

/// The marker files of one run.
pub struct Markers {
    pub running: PathBuf,
    pub failed: PathBuf,
}

impl Markers {
    pub fn of(sweep: &Sweep, run: &Run) -> Self {
        let name = run.dir.file_name().map_or_else(|| run.index.to_string(), |n| n.to_string_lossy().into_owned());
        let dir = sweep.status_dir();
        Self { running: dir.join(format!("{name}.running")), failed: dir.join(format!("{name}.failed")) }
    }
}

/// Real steps trained so far (at the last checkpoint).
pub fn trained_steps(run: &Run) -> Option<usize> {
    RunDir::open(&run.dir).ok().and_then(|dir| checkpoint_steps(&dir))
}

/// Whether the run is finished: evaluated, or trained to its steps when it has no episodes.
pub fn is_done(run: &Run) -> bool {
    if run.dir.join("eval.json").exists() {
        return true;
    }
    run.kind == Kind::Train && run.episodes == 0 && trained_steps(run).is_some_and(|s| s >= run.steps)
}

/// What a `.running` marker written by this process says: its Slurm array task, or its pid.
pub fn this_process() -> String {
    match std::env::var("SLURM_ARRAY_JOB_ID") {
        Ok(job) => format!("slurm_job {job}_{}\n", std::env::var("SLURM_ARRAY_TASK_ID").unwrap_or_default()),
        Err(_) => format!("pid {}\n", std::process::id()),
    }
}

/// The `.running` marker of the run, when the process it names is alive.
pub fn live_owner(sweep: &Sweep, run: &Run) -> Option<String> {
    let path = Markers::of(sweep, run).running;
    marker_is_live(&path).then(|| std::fs::read_to_string(&path).ok()).flatten()
}

/// Whether the process recorded in a `.running` marker is alive. Under Slurm the marker names
/// the array task, and `squeue` tells (where it is not installed, the task counts as alive);
/// elsewhere `/proc` tells (on systems without `/proc` every marker counts as alive).
fn marker_is_live(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    if let Some(task) = text.lines().find_map(|line| line.strip_prefix("slurm_job ")) {
        return slurm_task_is_live(task.trim());
    }
    let pid = text.lines().find_map(|line| line.strip_prefix("pid ")).and_then(|p| p.trim().parse::<u32>().ok());
    match pid {
        Some(pid) if Path::new("/proc/self").exists() => {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !is_zombie(&stat))
        }
        Some(_) => true,
        None => false,
    }
}

/// Whether Slurm still lists the array task `task` (`<job>_<index>`): `squeue` prints its state,
/// or nothing (or fails) once the task has ended, been cancelled or timed out.
fn slurm_task_is_live(task: &str) -> bool {
    match Command::new("squeue").args(["--noheader", "--jobs", task, "--format", "%T"]).output() {
        Ok(out) => out.status.success() && !String::from_utf8_lossy(&out.stdout).trim().is_empty(),
        Err(_) => true,
    }
}

/// Whether a `/proc/<pid>/stat` line is a zombie's (state `Z`, after the command in
/// parentheses): a killed task whose parent has not reaped it.
fn is_zombie(stat: &str) -> bool {
    stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
}

/// The last non-empty line of a text, for one-line error reports.
pub fn last_line(text: &str) -> String {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("(no message)").trim().to_string()
}

/// The run's state.
pub fn state(sweep: &Sweep, run: &Run) -> State {
    if is_done(run) {
        return State::Done;
    }
    if live_owner(sweep, run).is_some() {
        return State::Running;
    }
    let markers = Markers::of(sweep, run);
    match std::fs::read_to_string(&markers.failed) {
        Ok(text) => State::Failed(last_line(&text)),
        Err(_) => State::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_skips_trailing_blank_lines() {
        assert_eq!(last_line("a\nerror: bad key\n\n"), "error: bad key");
        assert_eq!(last_line(""), "(no message)");
    }

    #[test]
    fn a_zombie_is_told_by_its_state_after_the_command() {
        assert!(is_zombie("123 (rlmpc) Z 1 123"));
        assert!(!is_zombie("123 (a) Z) S 1 123"), "a `)` in the command name");
        assert!(!is_zombie("123 (rlmpc) S 1 123"));
    }

    #[test]
    fn a_marker_of_a_dead_process_is_not_live() {
        let path = std::env::temp_dir().join(format!("rlmpc-marker-{}", std::process::id()));
        std::fs::write(&path, format!("pid {}\n", std::process::id())).unwrap();
        assert!(marker_is_live(&path), "this process is alive");
        std::fs::write(&path, "pid 4294967295\n").unwrap();
        assert!(!marker_is_live(&path) || !Path::new("/proc/self").exists());
        std::fs::remove_file(&path).unwrap();
        assert!(!marker_is_live(&path), "no marker");
    }
}
