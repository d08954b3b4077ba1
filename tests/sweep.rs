//! Sweeps end to end: `--set`, every shipped sweep file's plan, a tiny Acrobot sweep run
//! locally, interrupted and re-run, its status and its table, and the Slurm script.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn rlmpc() -> Command {
    let mut cmd = Command::cargo_bin("rlmpc").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn stderr_of_failure(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().code(2).get_output().stderr.clone()).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rlmpc-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small PPO-MPPI experiment on Acrobot-DZ: K = 32, M = 3, 128-step updates, 50-step episodes.
const SMALL: &str = r#"
seed = 0
[env]
name = "acrobot"
params = { danger_zone = { x = 1.4, y = 0.6, width = 0.6, height = 0.6 }, max_episode_steps = 50 }
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
params = { batch_size = 32, n_epochs = 2 }
[scheduler]
name = "fixed"
params = { rho = 0.3 }
[training]
total_steps = 1000
n_steps = 128
log_every_steps = 1
checkpoint_every = 1
"#;

const PURE: &str = r#"
[env]
name = "acrobot"
params = { max_episode_steps = 50 }
[mppi]
num_samples = 32
horizon = 5
[[costs]]
name = "negative-reward"
# Unused by pure MPPI; there so that a sweep-wide scheduler override applies to every run.
[scheduler]
name = "fixed"
"#;

/// Writes the experiments and a sweep file (PPO-MPPI and pure MPPI, each with H ∈ {4, 5}, × 2 seeds)
/// into `dir`; returns the sweep file.
fn tiny_sweep(dir: &Path, out: &Path, extra: &str) -> PathBuf {
    std::fs::write(dir.join("small.toml"), SMALL).unwrap();
    std::fs::write(dir.join("pure.toml"), PURE).unwrap();
    let sweep = dir.join(format!("tiny{}.toml", out.file_name().unwrap().to_string_lossy()));
    let text = format!(
        "out = {out:?}\ntrain = [\"small.toml\"]\nmppi = [\"pure.toml\"]\nseeds = [0, 1]\nsteps = 256\nepisodes = 2\n\
         baseline = \"small-horizon5\"\n{extra}\n[grid]\nmppi.horizon = [4, 5]\n[slurm]\ncpus_per_task = 2\n\
         time = \"1:00:00\"\nextra = [\"--qos=short\"]\n",
        out = out.display().to_string()
    );
    std::fs::write(&sweep, text).unwrap();
    sweep
}

/// `progress.csv` without its wall-clock column.
fn progress_without_time(run: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(run.join("progress.csv")).unwrap();
    text.lines()
        .map(|line| line.split(',').enumerate().filter(|(i, _)| *i != 2).map(|(_, c)| c).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn set_overrides_reach_the_run_directory_and_bad_ones_name_the_key() {
    let dir = scratch("set");
    std::fs::write(dir.join("small.toml"), SMALL).unwrap();
    let run = dir.join("run");
    let config = dir.join("small.toml");
    let train = || {
        let mut cmd = rlmpc();
        cmd.args(["train", "--steps", "128", "--config"]).arg(&config);
        cmd
    };
    train()
        .args(["--set", "mppi.num_samples=16", "--set", "scheduler.params.rho=0.5", "--out"])
        .arg(&run)
        .assert()
        .success();
    let resolved = std::fs::read_to_string(run.join("config.toml")).unwrap();
    assert!(resolved.starts_with("# resolved from") && resolved.contains("--set mppi.num_samples=16"), "{resolved}");
    assert!(resolved.contains("num_samples = 16") && resolved.contains("rho = 0.5"), "{resolved}");

    // Evaluation-time settings: eval.json records them.
    let short = ["--episodes", "1", "--set", "env.params.max_episode_steps=20"];
    rlmpc().args(["eval", "--run"]).arg(&run).args(short).assert().success();
    let eval: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("eval.json")).unwrap()).unwrap();
    assert_eq!(eval["overrides"][0], "env.params.max_episode_steps=20");
    assert!(eval["episodes"][0]["steps"].as_u64().is_some_and(|steps| steps <= 20), "{eval}");

    let e = stderr_of_failure(train().args(["--set", "mppi.num_sample=16", "--out"]).arg(dir.join("bad")));
    assert!(e.contains("--set mppi.num_sample=16") && e.contains("`num_samples`"), "{e}");
    let e = stderr_of_failure(train().args(["--set", "scheduler.params.rho=high", "--out"]).arg(dir.join("bad")));
    assert!(e.contains("scheduler.params.rho=high") && e.contains("rho"), "{e}");
    let e = stderr_of_failure(rlmpc().args(["mppi", "--episodes", "1", "--set", "mppi.horizon"]));
    assert!(e.contains("key=value"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_shipped_sweep_file_plans() {
    for (domain, trained, pure) in [("acrobot", 20, 5), ("lunar_lander", 20, 5), ("racing", 20, 5)] {
        let plan = stdout_of(rlmpc().args(["sweep", "plan", &format!("configs/sweeps/{domain}_table1.toml")]));
        assert!(plan.starts_with("25 runs: 5 settings × 5 seeds"), "{plan}");
        assert!(plan.contains(&format!("runs/sweeps/{domain}_table1/flat_sac-seed4")), "{plan}");
        assert_eq!(plan.matches("train 1000000").count(), trained, "{plan}");
        assert_eq!(plan.matches("pure MPPI").count(), pure, "{plan}");
        let plan = stdout_of(rlmpc().args(["sweep", "plan", &format!("configs/sweeps/{domain}_table2.toml")]));
        assert!(plan.starts_with("25 runs: 5 settings × 5 seeds"), "{plan}");
        let plan = stdout_of(rlmpc().args(["sweep", "plan", &format!("configs/sweeps/{domain}_fig9.toml")]));
        assert!(plan.starts_with("45 runs: 9 settings × 5 seeds"), "{plan}");
        assert!(
            plan.contains(&format!("runs/sweeps/{domain}_fig9/ppo_mppi_rho0.3-horizon20-num_samples50-seed4")),
            "{plan}"
        );
    }
}

#[test]
fn a_sweep_runs_here_resumes_what_was_interrupted_and_makes_its_table() {
    let dir = scratch("local");
    let out = dir.join("out");
    let sweep = tiny_sweep(&dir, &out, "");
    let plan = stdout_of(rlmpc().args(["sweep", "plan"]).arg(&sweep));
    assert!(plan.starts_with("8 runs: 4 settings × 2 seeds"), "{plan}");
    for name in ["small-horizon4-seed0", "small-horizon5-seed1", "pure-horizon4-seed0"] {
        assert!(plan.contains(name), "{name} in {plan}");
    }

    // Run 1 interrupted after its first checkpoint: what `train` leaves when killed there.
    let interrupted = out.join("small-horizon4-seed1");
    rlmpc()
        .args(["train", "--steps", "128", "--seed", "1", "--set", "mppi.horizon=4", "--config"])
        .arg(dir.join("small.toml"))
        .arg("--out")
        .arg(&interrupted)
        .assert()
        .success();
    let status = stdout_of(rlmpc().args(["sweep", "status"]).arg(&sweep));
    assert!(
        status.contains("8 runs: 0 done, 0 running, 0 failed, 8 pending") && status.contains("128/256"),
        "{status}"
    );

    let ran = stdout_of(rlmpc().args(["sweep", "run", "--jobs", "2"]).arg(&sweep));
    assert!(ran.contains("8 to run") && ran.contains("all 8 runs are done"), "{ran}");
    assert!(std::fs::read_to_string(out.join("logs/small-horizon4-seed1.log")).unwrap().contains("resuming"));
    let status = stdout_of(rlmpc().args(["sweep", "status"]).arg(&sweep));
    assert!(status.contains("8 runs: 8 done"), "{status}");

    // Again: nothing to do, nothing touched.
    let before = std::fs::read_to_string(interrupted.join("progress.csv")).unwrap();
    let again = stdout_of(rlmpc().args(["sweep", "run"]).arg(&sweep));
    assert!(again.contains("8 done, 0 running elsewhere, 0 to run"), "{again}");
    assert_eq!(std::fs::read_to_string(interrupted.join("progress.csv")).unwrap(), before);

    // The interrupted run's log is the uninterrupted one's, run by `sweep task` alone.
    let fresh = dir.join("fresh");
    let single = tiny_sweep(&dir, &fresh, "");
    rlmpc().args(["sweep", "task", "--index", "1"]).arg(&single).assert().success();
    assert_eq!(progress_without_time(&interrupted), progress_without_time(&fresh.join("small-horizon4-seed1")));

    let markdown = stdout_of(rlmpc().arg("table").arg(&sweep));
    for row in ["| small-horizon4 ", "| small-horizon5 ", "| pure-horizon4 ", "| pure-horizon5 "] {
        assert!(markdown.contains(row), "{row} in {markdown}");
    }
    assert!(markdown.contains("against small-horizon5") && markdown.contains("wall time / run"), "{markdown}");
    let csv = stdout_of(rlmpc().arg("table").arg(&sweep).args(["--format", "csv"]));
    assert!(csv.starts_with("setting,seeds,success_mean,success_std,"), "{csv}");
    assert_eq!(csv.lines().count(), 5, "{csv}");
    let latex = stdout_of(rlmpc().arg("table").arg(&sweep).args(["--format", "latex", "--baseline", "pure-horizon4"]));
    assert!(latex.contains("small-horizon4 & 2 & $") && latex.contains("against pure-horizon4"), "{latex}");
    // Learning curves of the trained runs (pure MPPI has none).
    let curves = stdout_of(rlmpc().args(["curves", "--every", "128", "--sweep"]).arg(&sweep));
    assert!(curves.contains("| small-horizon4 ") && !curves.contains("| pure-"), "{curves}");
    // The same rows from the run directories.
    let runs: Vec<PathBuf> = ["small-horizon4-seed0", "small-horizon4-seed1"].iter().map(|n| out.join(n)).collect();
    let from_runs = stdout_of(rlmpc().arg("table").arg("--runs").args(&runs));
    let seeds_of = |line: &str| line.split('|').nth(2).map(str::trim).map(String::from);
    assert!(
        from_runs.lines().any(|l| l.starts_with("| small-horizon4 ") && seeds_of(l).as_deref() == Some("2")),
        "{from_runs}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_run_shows_its_error_and_slurm_gets_a_job_array() {
    let dir = scratch("failed");
    let out = dir.join("out");
    let sweep = tiny_sweep(&dir, &out, "set = [\"scheduler.params.rhoo=1\"]");
    let e = stderr_of_failure(rlmpc().args(["sweep", "task", "--index", "0"]).arg(&sweep));
    assert!(e.contains("rhoo"), "{e}");
    let status = stdout_of(rlmpc().args(["sweep", "status"]).arg(&sweep));
    assert!(status.contains("failed") && status.contains("rhoo") && status.contains("1 failed, 7 pending"), "{status}");

    // A directory in a run's place that is not a run directory is not deleted.
    std::fs::create_dir_all(out.join("small-horizon4-seed1")).unwrap();
    std::fs::write(out.join("small-horizon4-seed1/notes.txt"), "mine").unwrap();
    let e = stderr_of_failure(rlmpc().args(["sweep", "task", "--index", "1"]).arg(&sweep));
    assert!(e.contains("is not a run directory") && out.join("small-horizon4-seed1/notes.txt").exists(), "{e}");

    // A run that a live process (this test) holds is neither started again nor put in the array.
    std::fs::write(out.join("status/small-horizon5-seed0.running"), format!("pid {}\n", std::process::id())).unwrap();
    let e = stderr_of_failure(rlmpc().args(["sweep", "task", "--index", "2"]).arg(&sweep));
    assert!(e.contains("is already running (pid"), "{e}");

    let written = stdout_of(rlmpc().args(["sweep", "slurm"]).arg(&sweep));
    assert!(written.contains("1 runs are running now") && written.contains("7 array tasks"), "{written}");
    let script = std::fs::read_to_string(out.join("sweep.sbatch")).unwrap();
    for line in
        ["#SBATCH --array=0-1,3-7", "#SBATCH --cpus-per-task=2", "#SBATCH --time=1:00:00", "#SBATCH --qos=short"]
    {
        assert!(script.lines().any(|l| l == line), "{line} in {script}");
    }
    assert!(script.contains("sweep task") && script.contains("--index \"$SLURM_ARRAY_TASK_ID\""), "{script}");
    let e = stderr_of_failure(rlmpc().args(["sweep", "slurm", "--submit"]).arg(&sweep).env("PATH", &dir));
    assert!(e.contains("`sbatch` is not on PATH"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
