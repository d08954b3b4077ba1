//! The CLI keeps data safe: a run directory appears only for an experiment that builds, an
//! unstarted run can be started again, one process trains a run at a time, no command replaces
//! its input or a good result with nothing, and output to a closed pipe ends quietly.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use rlmpc::runner::run_lock::RunLock;

/// Acrobot, K = 16, H = 3, M = 2: two 32-step updates in a second.
const TINY: &str = r#"seed = 2
[env]
name = "acrobot"
[mppi]
num_samples = 16
horizon = 3
candidates = 2
[[costs]]
name = "target-tracking"
weight = 50.0
[planner]
action_dim = 2
[learner]
name = "ppo"
params = { batch_size = 32, n_epochs = 1 }
[training]
total_steps = 64
n_steps = 32
log_every_steps = 1
"#;

fn rlmpc() -> Command {
    Command::cargo_bin("rlmpc").unwrap()
}

/// A fresh scratch directory holding `tiny.toml`.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rlmpc-safety-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tiny.toml"), TINY).unwrap();
    dir
}

/// The exit code 2 and stderr of a failing command.
fn failure(cmd: &mut Command) -> String {
    let out = cmd.assert().code(2).get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn train(config: &Path, out: &Path) -> Command {
    let mut cmd = rlmpc();
    cmd.args(["train", "--config"]).arg(config).arg("--out").arg(out);
    cmd
}

#[test]
fn an_experiment_that_does_not_build_leaves_no_run_directory() {
    let dir = scratch("no-dir");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, TINY.replace("n_steps = 32", "n_steps = 32\ngamma = 1.5")).unwrap();
    let stderr = failure(&mut train(&bad, &dir.join("run")));
    assert!(stderr.contains("bad.toml, line 19") && stderr.contains("`training.gamma`"), "{stderr}");
    assert!(!dir.join("run").exists());
    let stderr = failure(train(&dir.join("tiny.toml"), &dir.join("run")).args(["--steps", "0"]));
    assert!(stderr.contains("`training.total_steps` must be at least 1") && stderr.contains("--steps"), "{stderr}");
    assert!(!dir.join("run").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_that_stopped_before_its_first_checkpoint_starts_over() {
    let dir = scratch("unstarted");
    let (config, run) = (dir.join("tiny.toml"), dir.join("run"));
    // What a kill before the first checkpoint leaves.
    std::fs::create_dir_all(&run).unwrap();
    std::fs::write(run.join("config.toml"), TINY).unwrap();
    std::fs::write(run.join("progress.csv"), "").unwrap();
    std::fs::write(run.join("learner-000001.tmp"), "half a file").unwrap();
    let out = rlmpc().args(["train", "--resume"]).arg(&run).assert().success().get_output().clone();
    assert!(String::from_utf8_lossy(&out.stdout).contains("before its first checkpoint: starting it over"));
    assert!(run.join("trainer_state.json").exists() && !run.join("learner-000001.tmp").exists());
    // Trained again into the same directory after the same kill: also a fresh start.
    std::fs::remove_file(run.join("trainer_state.json")).unwrap();
    train(&config, &run).assert().success();
    let log = std::fs::read_to_string(run.join("progress.csv")).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    // A run with a checkpoint is resumed, never started over.
    let stderr = failure(&mut train(&config, &run));
    assert!(stderr.contains("already holds a training run") && stderr.contains("--resume"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_refuses_a_directory_holding_other_files() {
    let dir = scratch("foreign");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let stderr = failure(&mut train(&dir.join("tiny.toml"), &dir));
    assert!(stderr.contains("not empty and not an rlmpc run") && stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("tiny.toml")).unwrap(), TINY);
    for written in ["config.toml", "progress.csv", "train.lock"] {
        assert!(!dir.join(written).exists(), "{written}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_in_training_cannot_be_trained_by_a_second_process() {
    let dir = scratch("lock");
    let run = dir.join("run");
    train(&dir.join("tiny.toml"), &run).assert().success();
    let holder = RunLock::acquire(&run).unwrap();
    let progress = std::fs::read_to_string(run.join("progress.csv")).unwrap();
    let stderr = failure(rlmpc().args(["train", "--steps", "128", "--resume"]).arg(&run));
    assert!(stderr.contains(&format!("in use by process {}", std::process::id())), "{stderr}");
    assert_eq!(std::fs::read_to_string(run.join("progress.csv")).unwrap(), progress);
    drop(holder);
    // Released; a child that another test thread forks at this moment may still share the
    // lock's file until it execs, hence a few tries.
    let resumed = (0..50).any(|_| {
        let done = rlmpc().args(["train", "--steps", "128", "--resume"]).arg(&run).output().unwrap().status.success();
        done || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            false
        }
    });
    assert!(resumed, "the released run resumes");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn results_and_inputs_are_never_replaced_by_nothing() {
    let dir = scratch("results");
    let run = dir.join("run");
    train(&dir.join("tiny.toml"), &run).assert().success();
    rlmpc().args(["eval", "--episodes", "1", "--run"]).arg(&run).assert().success();
    let good = std::fs::read_to_string(run.join("eval.json")).unwrap();
    let stderr = failure(rlmpc().args(["eval", "--episodes", "0", "--run"]).arg(&run));
    assert!(stderr.contains("--episodes must be at least 1"), "{stderr}");
    assert_eq!(std::fs::read_to_string(run.join("eval.json")).unwrap(), good);
    let out = rlmpc().args(["eval", "--episodes", "1", "--seed", "9", "--run"]).arg(&run).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("replacing the previous") && stdout.contains("1 episodes from seed 2"), "{stdout}");
    let config = dir.join("tiny.toml");
    let stderr = failure(rlmpc().args(["render", "--config"]).arg(&config).arg("--out").arg(&config));
    assert!(stderr.contains("is the input") && stderr.contains("destroy"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), TINY);
    let stderr = failure(rlmpc().args(["render", "--run"]).arg(&run).arg("--out").arg(run.join("config.toml")));
    assert!(stderr.contains("is a file of the run"), "{stderr}");
    let stderr = failure(rlmpc().args(["curves", "--runs"]).arg(&run).arg("--svg").arg(run.join("progress.csv")));
    assert!(stderr.contains("is a file of the run"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_learner_file_is_named_and_the_previous_checkpoint_is_the_way_out() {
    let dir = scratch("corrupt");
    let (config, run) = (dir.join("every.toml"), dir.join("run"));
    std::fs::write(&config, TINY.replace("n_steps = 32", "n_steps = 32\ncheckpoint_every = 1")).unwrap();
    train(&config, &run).assert().success();
    // One flipped bit in the middle of the last checkpoint's weights.
    let last = run.join("learner-000002.safetensors");
    let mut bytes = std::fs::read(&last).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&last, &bytes).unwrap();
    let stderr = failure(rlmpc().args(["eval", "--episodes", "1", "--run"]).arg(&run));
    assert!(stderr.contains("learner-000002.safetensors does not match the checksum"), "{stderr}");
    assert!(stderr.contains("previous checkpoint (update 1) is intact: `mv "), "{stderr}");
    std::fs::rename(run.join("trainer_state.previous.json"), run.join("trainer_state.json")).unwrap();
    rlmpc().args(["eval", "--episodes", "1", "--run"]).arg(&run).assert().success();
    rlmpc().args(["train", "--resume"]).arg(&run).assert().success();
    // With nothing to fall back to, the way out is a copy or training again.
    std::fs::write(run.join("learner-000002.safetensors"), "not tensors").unwrap();
    std::fs::remove_file(run.join("trainer_state.previous.json")).unwrap();
    let stderr = failure(rlmpc().args(["eval", "--episodes", "1", "--run"]).arg(&run));
    assert!(stderr.contains("learner-000002.safetensors") && stderr.contains("train the run again"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_file_names_its_cause_once() {
    let stderr = failure(rlmpc().args(["train", "--config", "/nonexistent/experiment.toml"]));
    assert_eq!(stderr.matches("No such file or directory").count(), 1, "{stderr}");
}

#[test]
fn a_rollout_that_overflows_is_an_error_not_null() {
    let dir = scratch("overflow");
    let rollout = |initial_state: &str| {
        let fixture = dir.join("huge.json");
        let text =
            format!(r#"{{"trajectories": [{{"id": 0, "initial_state": {initial_state}, "torques": [0.0, 0.0]}}]}}"#);
        std::fs::write(&fixture, text).unwrap();
        let mut cmd = rlmpc();
        // Acrobot's angle wrap once looped forever on 1e308.
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd.args(["rollout", "--env", "acrobot", "--fixture"]).arg(&fixture);
        cmd
    };
    let stderr = failure(&mut rollout("[0.0, 0.0, 1e308, 0.0]"));
    assert!(stderr.contains("non-finite value at step 1"), "{stderr}");
    let out = rollout("[1e308, 0.0, 0.0, 0.0]").assert().success().get_output().stdout.clone();
    let stdout = String::from_utf8(out).unwrap();
    assert!(!stdout.contains("null"), "an angle of 1e308 is some angle: {stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rlmpc"))
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.is_empty(), "{stderr}");
}

/// progress.csv without the wall-clock column.
fn log_without_wall_time(run: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(run.join("progress.csv")).unwrap();
    csv.lines()
        .map(|line| line.split(',').enumerate().filter(|(i, _)| *i != 2).map(|(_, f)| f).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn a_run_killed_while_training_resumes_to_the_same_log_and_releases_its_lock() {
    let dir = scratch("kill");
    let config = dir.join("long.toml");
    let text = TINY
        .replace("total_steps = 64", "total_steps = 640")
        .replace("n_steps = 32", "n_steps = 32\ncheckpoint_every = 1");
    std::fs::write(&config, text).unwrap();
    let (whole, killed) = (dir.join("whole"), dir.join("killed"));
    train(&config, &whole).assert().success();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rlmpc"))
        .args(["train", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&killed)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    while !killed.join("trainer_state.json").exists() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    rlmpc().args(["train", "--resume"]).arg(&killed).assert().success();
    assert_eq!(log_without_wall_time(&killed), log_without_wall_time(&whole));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_trainings_of_one_run_at_once_are_one_too_many() {
    let dir = scratch("concurrent");
    let config = dir.join("long.toml");
    // No checkpoint while the test runs: the lock alone must keep the second process off.
    let text = TINY.replace("total_steps = 64", "total_steps = 100000\ncheckpoint_every = 100000");
    std::fs::write(&config, text).unwrap();
    let run = dir.join("run");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_rlmpc"))
        .args(["train", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&run)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = first.id().to_string();
    while std::fs::read_to_string(run.join("train.lock")).unwrap_or_default() != pid {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let stderr = failure(&mut train(&config, &run));
    assert!(stderr.contains(&format!("in use by process {pid}")), "{stderr}");
    let stderr = failure(rlmpc().args(["train", "--resume"]).arg(&run));
    assert!(stderr.contains(&format!("in use by process {pid}")), "{stderr}");
    first.kill().unwrap();
    first.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
