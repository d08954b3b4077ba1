//! `rlmpc sweep run FILE --jobs N`: the manifest on this machine, N runs at a time, each in a
//! child process (`rlmpc sweep task FILE --index I`) whose output goes to `logs/<run>.log`.

use std::collections::VecDeque;
use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rlmpc::runner::run_dir::write_atomically;

use super::manifest::Run;
use super::spec::Sweep;
use super::state::{last_line, state, Markers, State};

/// How often finished children are looked for.
const POLL: Duration = Duration::from_millis(200);

/// A child working on one run.
struct Worker<'a> {
    run: &'a Run,
    child: Child,
    started: Instant,
}

/// Starts `rlmpc sweep task` for `run`, its output appended to the run's log.
fn spawn<'a>(sweep: &Sweep, run: &'a Run) -> anyhow::Result<Worker<'a>> {
    let logs = sweep.logs_dir();
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let log_path = log_path(sweep, run);
    let log = OpenOptions::new().create(true).append(true).open(&log_path)?;
    let child = Command::new(std::env::current_exe().context("finding the rlmpc executable")?)
        .args(["sweep", "task"])
        .arg(&sweep.path)
        .args(["--index", &run.index.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting `rlmpc sweep task`")?;
    Ok(Worker { run, child, started: Instant::now() })
}

/// `logs/<run directory name>.log`.
fn log_path(sweep: &Sweep, run: &Run) -> PathBuf {
    let name = run.dir.file_name().map_or_else(|| run.index.to_string(), |n| n.to_string_lossy().into_owned());
    sweep.logs_dir().join(format!("{name}.log"))
}

/// Runs what is not done (failed runs again), `jobs` at a time; errors if any run failed.
pub fn run_all(sweep: &Sweep, runs: &[Run], jobs: usize) -> anyhow::Result<()> {
    if jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    let mut queue: VecDeque<&Run> = VecDeque::new();
    let (mut done, mut elsewhere) = (0, 0);
    for run in runs {
        match state(sweep, run) {
            State::Done => done += 1,
            State::Running => elsewhere += 1,
            State::Failed(_) | State::Pending => queue.push_back(run),
        }
    }
    println!(
        "sweep {}: {} runs, {done} done, {elsewhere} running elsewhere, {} to run ({jobs} at a time); logs in {}",
        sweep.path.display(),
        runs.len(),
        queue.len(),
        sweep.logs_dir().display()
    );
    let (total, mut finished, mut failed) = (queue.len(), 0, Vec::new());
    let mut workers: Vec<Worker> = Vec::new();
    while !queue.is_empty() || !workers.is_empty() {
        while workers.len() < jobs {
            let Some(run) = queue.pop_front() else { break };
            println!("start  {} {}", run.index, run.dir.display());
            workers.push(spawn(sweep, run)?);
        }
        sleep(POLL);
        let mut still = Vec::new();
        for mut worker in workers {
            match worker.child.try_wait()? {
                None => still.push(worker),
                Some(status) => {
                    finished += 1;
                    let seconds = worker.started.elapsed().as_secs_f64();
                    let run = worker.run;
                    if status.success() {
                        println!("done   {} {} in {seconds:.0} s [{finished}/{total}]", run.index, run.dir.display());
                    } else {
                        let error = record_failure(sweep, run, &status.to_string())?;
                        println!("FAILED {} {}: {error} [{finished}/{total}]", run.index, run.dir.display());
                        failed.push(run.index);
                    }
                }
            }
        }
        workers = still;
    }
    if !failed.is_empty() {
        bail!(
            "{} of {total} runs failed (indices {failed:?}); `rlmpc sweep status {}` shows their errors, \
             `rlmpc sweep run` again retries them",
            failed.len(),
            sweep.path.display()
        );
    }
    println!("all {} runs are done; `rlmpc table {}` makes the table", runs.len(), sweep.path.display());
    Ok(())
}

/// The failed run's error line. A task that died without writing its `.failed` marker (a
/// panic, a signal) gets one from the last line of its log.
fn record_failure(sweep: &Sweep, run: &Run, status: &str) -> anyhow::Result<String> {
    let markers = Markers::of(sweep, run);
    if let Ok(text) = std::fs::read_to_string(&markers.failed) {
        return Ok(last_line(&text));
    }
    let log = std::fs::read_to_string(log_path(sweep, run)).unwrap_or_default();
    let line = format!("{status}: {}", last_line(&log));
    std::fs::create_dir_all(sweep.status_dir())
        .with_context(|| format!("creating {}", sweep.status_dir().display()))?;
    write_atomically(&markers.failed, format!("{line}\n").as_bytes())?;
    let _ = std::fs::remove_file(&markers.running);
    Ok(line)
}
