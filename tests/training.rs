//! The RL–MPPI trainer end to end on a small budget: reproducibility, the flat baseline, the
//! run directory, and evaluation of a trained run.

use assert_cmd::Command;
use rlmpc::runner::config::Experiment;
use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::Trainer;

/// A small PPO-MPPI experiment: Acrobot-DZ, K = 32, M = 3, 128-step updates.
fn small(rho: f64, controller: &str) -> String {
    format!(
        r#"
seed = 5
[env]
name = "acrobot"
params = {{ danger_zone = {{ x = 1.4, y = 0.6, width = 0.6, height = 0.6 }} }}
[mppi]
num_samples = 32
horizon = 5
candidates = 3
[[costs]]
name = "target-tracking"
weight = 50.0
[[costs]]
name = "danger"
weight = 50.0
[planner]
action_dim = 2
[learner]
name = "ppo"
params = {{ batch_size = 32, n_epochs = 2 }}
[scheduler]
name = "fixed"
params = {{ rho = {rho} }}
[training]
controller = "{controller}"
total_steps = 384
n_steps = 128
log_every_steps = 1
"#
    )
}

/// Every update's record, as comparable text (wall time excluded).
fn records(text: &str) -> Vec<String> {
    let experiment = Experiment::parse("small.toml", text).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    let mut rows = Vec::new();
    while !trainer.is_done() {
        rows.push(format!("{:?}", trainer.iterate().unwrap()));
    }
    rows
}

#[test]
fn the_same_seed_and_config_give_the_same_training_log() {
    let first = records(&small(0.3, "hierarchical"));
    assert_eq!(first.len(), 3);
    assert_eq!(first, records(&small(0.3, "hierarchical")));
    assert_ne!(first, records(&small(0.3, "hierarchical").replace("seed = 5", "seed = 6")));
}

/// `records` on a rayon pool of `threads` threads.
fn records_on(threads: usize, text: &str) -> Vec<String> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| records(text))
}

#[test]
fn one_thread_or_two_give_the_same_training_log() {
    // Loss-weighted mixing (two parts per minibatch), per-sample mixing and the flat baseline
    // (one part, cut in halves), and K = 512 (MPPI's chunks in parallel).
    let hierarchical = small(0.3, "hierarchical");
    let per_sample = hierarchical.replace("n_steps = 128", "n_steps = 128\nmixing = \"per-sample\"");
    let wide = hierarchical.replace("num_samples = 32", "num_samples = 512");
    for text in [hierarchical, per_sample, small(0.0, "flat"), wide] {
        assert_eq!(records_on(1, &text), records_on(2, &text), "{text}");
    }
}

#[test]
fn hierarchical_training_stores_m_minus_one_virtual_tuples_per_step_and_uses_rho() {
    let experiment = Experiment::parse("small.toml", &small(0.3, "hierarchical")).unwrap();
    let record = Trainer::new(&experiment).unwrap().iterate().unwrap();
    assert_eq!(record.env_steps, 128);
    assert_eq!(record.virtual_tuples, 2 * 128);
    assert_eq!(record.rho, 0.3);
    assert!(record.ensemble_variance > 0.0, "independently initialised heads disagree");
}

#[test]
fn updating_every_n_steps_over_m_collects_a_third_of_the_real_steps_with_m_3() {
    let text = small(0.3, "hierarchical").replace("n_steps = 128", "n_steps = 128\nupdate_every = \"n_steps / M\"");
    let experiment = Experiment::parse("small.toml", &text).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    assert_eq!(trainer.update_period(), 42);
    let (first, second) = (trainer.iterate().unwrap(), trainer.iterate().unwrap());
    assert_eq!((first.env_steps, second.env_steps), (42, 84));
    assert_eq!(first.virtual_tuples, 2 * 42, "an update still sees about n_steps tuples in all");
    // The flat controller has no candidates to divide by.
    let flat = Experiment::parse("small.toml", &text.replace("\"hierarchical\"", "\"flat\"")).unwrap();
    assert_eq!(Trainer::new(&flat).unwrap().update_period(), 128);
}

#[test]
fn flat_training_acts_on_the_control_without_virtual_data() {
    let experiment = Experiment::parse("small.toml", &small(0.0, "flat")).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    assert_eq!(trainer.learner().action_dim(), 1, "the action is the torque");
    let record = trainer.iterate().unwrap();
    assert_eq!(record.virtual_tuples, 0);
}

#[test]
fn a_hierarchy_needs_at_least_two_candidates() {
    let text = small(0.3, "hierarchical").replace("candidates = 3", "candidates = 1");
    let experiment = Experiment::parse("small.toml", &text).unwrap();
    let error = Trainer::new(&experiment).err().expect("M = 1 leaves no virtual tuples").to_string();
    assert!(error.contains("candidates ≥ 2"), "{error}");
}

#[test]
fn train_writes_a_run_directory_that_eval_reads() {
    let dir = scratch("train-eval");
    let config = dir.join("small.toml");
    // 100-step episodes, so that the log has finished episodes to average.
    let text = small(0.3, "hierarchical").replace("height = 0.6 } }", "height = 0.6 }, max_episode_steps = 100 }");
    std::fs::write(&config, text).unwrap();
    let run = dir.join("run");
    let rlmpc = || Command::cargo_bin("rlmpc").unwrap();
    rlmpc().args(["train", "--config"]).arg(&config).arg("--out").arg(&run).assert().success();
    let csv = std::fs::read_to_string(run.join("progress.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("update,env_steps,wall_seconds,mean_return,success_rate,rho"), "{}", lines[0]);
    assert_eq!(lines.len(), 4, "a header and one row per update");
    assert!(lines[1].starts_with("1,128,") && !lines[1].contains("NaN"), "{}", lines[1]);
    assert!(run.join("learner-000003.safetensors").exists() && run.join("trainer_state.json").exists());
    let again = rlmpc().args(["train", "--config"]).arg(&config).arg("--out").arg(&run).assert().code(2);
    let stderr = String::from_utf8(again.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("already holds a training run"), "{stderr}");
    let out = rlmpc().args(["eval", "--run"]).arg(&run).args(["--episodes", "2"]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("| success") && run.join("eval.json").exists(), "{stdout}");
    // A run compared with itself: same metrics, t = 0, p = 1 (or no variance at all).
    let out = rlmpc().args(["compare", "--runs"]).arg(&run).arg(&run).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("steps to reach") && stdout.contains("Welch"), "{stdout}");
    assert!(stdout.contains("| 0.000 ") || stdout.contains("no variance"), "{stdout}");
    // The same run twice is one curve of two seeds that agree.
    let svg = dir.join("curves.svg");
    let mut curves = rlmpc();
    curves.args(["curves", "--every", "128", "--svg"]).arg(&svg).arg("--runs").arg(&run).arg(&run);
    let stdout = String::from_utf8(curves.assert().success().get_output().stdout.clone()).unwrap();
    assert!(stdout.contains(" 128 |") && stdout.contains(" 384 |") && stdout.contains("| run "), "{stdout}");
    let (curves, evaluation) = stdout.split_once("evaluation: ").expect("the run was evaluated");
    assert!(curves.contains(" ± 0.0") && !curves.contains(" - |"), "every mark has a value: {stdout}");
    assert!(evaluation.contains("per-seed `return`") && evaluation.contains(" ± 0.00 |"), "{stdout}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<polyline"));
    // On the states the trained controller visits, Acrobot's surrogate (the env's own model) is exact.
    let out = rlmpc().args(["mismatch", "--samples", "300", "--run"]).arg(&run).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("300 transitions of the trained controller"), "{stdout}");
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("| x[") || l.starts_with("| reward")).collect();
    assert_eq!(rows.len(), 5, "four state components and the reward: {stdout}");
    assert!(rows.iter().all(|row| row.trim_end().ends_with("| 0.000e0 |")), "{stdout}");
    let missing = rlmpc().args(["compare", "--runs"]).arg(&run).arg(dir.join("nowhere")).assert().code(2);
    let stderr = String::from_utf8(missing.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("progress.csv"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rlmpc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_resumed_trainer_continues_exactly_as_the_uninterrupted_one() {
    let text = small(0.3, "hierarchical");
    let uninterrupted = records(&text);
    let dir = scratch("resume-lib");
    let experiment = Experiment::parse("small.toml", &text).unwrap();
    let run = RunDir::create(&dir.join("run"), &text).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    let first_two = [trainer.iterate().unwrap(), trainer.iterate().unwrap()];
    trainer.checkpoint(&run, 1.5).unwrap();
    drop(trainer);
    let (mut resumed, seconds) = Trainer::resume(&experiment, &run).unwrap();
    assert_eq!(seconds, 1.5);
    assert_eq!(format!("{:?}", first_two[1]), uninterrupted[1]);
    assert_eq!(format!("{:?}", resumed.iterate().unwrap()), uninterrupted[2], "the third update after resuming");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// progress.csv without the wall-clock column.
fn progress_without_wall_time(run: &std::path::Path) -> Vec<String> {
    let csv = std::fs::read_to_string(run.join("progress.csv")).unwrap();
    csv.lines()
        .map(|line| line.split(',').enumerate().filter(|(i, _)| *i != 2).map(|(_, f)| f).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn train_resume_after_a_stop_writes_the_same_log_as_one_run() {
    let dir = scratch("resume-cli");
    let config = dir.join("small.toml");
    std::fs::write(&config, small(0.3, "hierarchical")).unwrap();
    let rlmpc = || Command::cargo_bin("rlmpc").unwrap();
    let (whole, split) = (dir.join("whole"), dir.join("split"));
    rlmpc().args(["train", "--config"]).arg(&config).arg("--out").arg(&whole).assert().success();
    rlmpc().args(["train", "--steps", "256", "--config"]).arg(&config).arg("--out").arg(&split).assert().success();
    rlmpc().args(["train", "--steps", "384", "--resume"]).arg(&split).assert().success();
    assert_eq!(progress_without_wall_time(&split), progress_without_wall_time(&whole));
    std::fs::remove_dir_all(&dir).unwrap();
}
