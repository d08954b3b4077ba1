//! The `rlmpc` binary end to end: plugin listing, fixture replay, pure MPPI, errors.

use assert_cmd::Command;
use serde_json::Value;

fn rlmpc() -> Command {
    let mut cmd = Command::cargo_bin("rlmpc").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(numbers).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap()],
        other => panic!("expected numbers, got {other}"),
    }
}

#[test]
fn list_shows_every_builtin_plugin_by_kind() {
    let out = stdout_of(rlmpc().arg("list"));
    for expected in [
        "environments:",
        "acrobot",
        "pendulum",
        "lunar-lander",
        "racing",
        "costs:",
        "target-tracking",
        "danger",
        "negative-reward",
        "altitude-effort",
        "quadratic",
        "terminal-value",
        "collision",
        "boundary",
        "schedulers:",
        "fixed",
        "adaptive",
    ] {
        assert!(out.contains(expected), "missing {expected} in\n{out}");
    }
}

#[test]
fn rollout_reproduces_the_gymnasium_acrobot_recordings() {
    let out =
        stdout_of(rlmpc().args(["rollout", "--env", "acrobot", "--fixture", "tests/data/acrobot_continuous.json"]));
    let ours: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(ours["env"], "acrobot");
    let recorded = data("acrobot_continuous.json");
    let recorded: Vec<&Value> =
        recorded["sets"].as_object().unwrap().values().flat_map(|s| s.as_array().unwrap()).collect();
    let ours = ours["trajectories"].as_array().unwrap();
    assert_eq!(ours.len(), recorded.len());
    for (mine, theirs) in ours.iter().zip(recorded) {
        let tolerance = if theirs["states"].as_array().unwrap().len() > 51 { 1e-7 } else { 1e-10 };
        for (a, b) in numbers(&mine["observations"]).iter().zip(numbers(&theirs["observations"])) {
            assert!((a - b).abs() <= tolerance, "{}: {a} vs {b}", mine["id"]);
        }
        assert_eq!(numbers(&mine["rewards"]), numbers(&theirs["rewards"]), "{}", mine["id"]);
    }
}

#[test]
fn rollout_reproduces_the_gymnasium_pendulum_recordings() {
    let out = stdout_of(rlmpc().args(["rollout", "--env", "pendulum", "--fixture", "tests/data/pendulum.json"]));
    let ours: Value = serde_json::from_str(&out).unwrap();
    let recorded = data("pendulum.json");
    for (mine, theirs) in
        ours["trajectories"].as_array().unwrap().iter().zip(recorded["trajectories"].as_array().unwrap())
    {
        for key in ["states", "observations", "rewards"] {
            for (a, b) in numbers(&mine[key]).iter().zip(numbers(&theirs[key])) {
                assert!((a - b).abs() <= 1e-12, "{key}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn rollout_replays_the_recorded_lunar_lander_draws() {
    let out = stdout_of(rlmpc().args([
        "rollout",
        "--env",
        "lunar-lander",
        "--fixture",
        "tests/data/lunar_lander_continuous.json",
    ]));
    let ours: Value = serde_json::from_str(&out).unwrap();
    let recorded = data("lunar_lander_continuous.json");
    let runs: Vec<&Value> =
        ["random_action_runs", "heuristic_runs"].iter().flat_map(|kind| recorded[kind].as_array().unwrap()).collect();
    let ours = ours["trajectories"].as_array().unwrap();
    assert_eq!(ours.len(), 7);
    assert_eq!(ours[0]["id"], "random_action_runs/0");
    for (mine, theirs) in ours.iter().zip(runs) {
        let observations = mine["observations"].as_array().unwrap();
        assert_eq!(numbers(&observations[0]), numbers(&theirs["initial_observation"]), "{}", mine["id"]);
        // Open-loop replay of the recorded actions: the envs agree within 1e-4 after touchdown
        // (envs/tests/lunar_lander_conformance.rs has the bit-exact part).
        for (a, b) in numbers(&Value::Array(observations[1..].to_vec())).iter().zip(numbers(&theirs["observations"])) {
            assert!((a - b).abs() <= 1e-4, "{}: {a} vs {b}", mine["id"]);
        }
        let terminated: Vec<bool> =
            mine["terminated"].as_array().unwrap().iter().map(|t| t.as_bool().unwrap()).collect();
        assert_eq!(terminated.last(), Some(&true), "{}", mine["id"]);
    }
}

/// The `--json` output of `rlmpc mismatch` for `args`.
fn mismatch(args: &[&str], name: &str) -> Value {
    let path = std::env::temp_dir().join(format!("rlmpc-mismatch-{name}-{}.json", std::process::id()));
    let out = stdout_of(rlmpc().arg("mismatch").args(args).arg("--json").arg(&path));
    assert!(out.contains("| reward"), "{out}");
    let json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    json
}

#[test]
fn mismatch_is_zero_where_the_model_is_the_env_and_not_for_the_lander() {
    let acrobot = mismatch(&["--env", "acrobot", "--samples", "600"], "acrobot");
    let errors = acrobot["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 5, "4 state components and the reward");
    for row in errors {
        assert_eq!(row["max"], 0.0, "{row}");
    }
    let lander = mismatch(&["--config", "configs/lunar_lander/pure_mppi.toml", "--samples", "300"], "lander");
    let errors = lander["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 9, "8 state components and the reward");
    let velocity = &errors[3];
    assert!(velocity["mean"].as_f64().unwrap() > 1e-4, "{velocity}");
    assert!(errors[8]["mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn mppi_runs_episodes_and_prints_the_summary_table() {
    let out = stdout_of(rlmpc().args(["mppi", "--config", "configs/acrobot/tracking_mppi.toml", "--episodes", "2"]));
    for expected in ["| episode", "| success", "| steps", "| return", "| danger_steps"] {
        assert!(out.contains(expected), "missing {expected} in\n{out}");
    }
}

#[test]
fn errors_name_the_cause_and_exit_nonzero() {
    let assert =
        rlmpc().args(["rollout", "--env", "acrobat", "--fixture", "tests/data/pendulum.json"]).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("did you mean `acrobot`?"), "{err}");
    let assert = rlmpc().args(["mppi", "--config", "no/such/file.toml"]).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("no/such/file.toml"), "{err}");
}

#[test]
fn demo_trains_evaluates_and_compares_with_pure_mppi() {
    let out = std::env::temp_dir().join(format!("rlmpc-demo-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let stdout = stdout_of(rlmpc().args(["demo", "--steps", "256", "--episodes", "2", "--out"]).arg(&out));
    assert!(
        stdout.contains("| metric") && stdout.contains("PPO-MPPI ρ=0.3") && stdout.contains("pure MPPI"),
        "{stdout}"
    );
    assert!(stdout.contains("| success") && stdout.contains("| danger_steps"), "{stdout}");
    assert!(out.join("eval.json").exists());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn render_draws_the_lander_with_terrain_poses_and_predictions_and_traces_every_step() {
    let dir = std::env::temp_dir().join(format!("rlmpc-render-lander-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (svg, trace) = (dir.join("lander.svg"), dir.join("trace.csv"));
    let config = short_config("lunar_lander/attitude/tracking_mppi.toml", &dir);
    let args = ["render", "--predict-every", "5", "--config"];
    let out = stdout_of(rlmpc().args(args).arg(&config).arg("--out").arg(&svg).arg("--trace").arg(&trace));
    assert!(out.contains("episode 0 (seed 0): 15 steps"), "{out}");
    let drawn = std::fs::read_to_string(&svg).unwrap();
    for expected in [
        "terrain",
        "pad",
        "flags",
        "danger zone",
        "hull every 25 steps",
        "prediction, every 5 steps",
        "end: time limit",
        "height (m)",
    ] {
        assert!(drawn.contains(expected), "missing {expected} in the lander SVG");
    }
    // One row per step: episode, step, the 8 model-state entries, the 2 RL-action entries, the 2 controls.
    let rows: Vec<Vec<f64>> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| line.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 15);
    for (step, row) in rows.iter().enumerate() {
        assert_eq!((row.len(), row[0], row[1]), (14, 0.0, (step + 1) as f64));
        assert_eq!(&row[10..12], &[0.0, -0.2], "the fixed target is the RL action");
        assert!(row[12..].iter().all(|u| (-1.0..=1.0).contains(u)), "controls inside the action space: {row:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A copy of `configs/<path>` with a short time limit, written into a temporary directory.
fn short_config(path: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(format!("{}/configs/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let short = dir.join(path.replace('/', "_"));
    std::fs::write(
        &short,
        text.replace("max_episode_steps = 1000", "max_episode_steps = 15")
            .replace("max_episode_steps = 500", "max_episode_steps = 15"),
    )
    .unwrap();
    short
}

#[test]
fn render_draws_racing_and_acrobot_episodes_as_svg() {
    let dir = std::env::temp_dir().join(format!("rlmpc-render-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let racing = dir.join("racing.svg");
    let config = short_config("racing/pure_mppi.toml", &dir);
    let out = stdout_of(rlmpc().args(["render", "--episodes", "2", "--config"]).arg(&config).arg("--out").arg(&racing));
    assert!(out.contains("episode 1 (seed 1): 15 steps"), "{out}");
    let svg = std::fs::read_to_string(&racing).unwrap();
    for expected in
        ["<svg", "track edges", "opponent", "ego speed (m/s)", "danger zone", "end: time limit", "<polyline"]
    {
        assert!(svg.contains(expected), "missing {expected} in the racing SVG");
    }
    // Two panels side by side.
    assert!(svg.contains("width=\"1800\""), "{}", &svg[..200]);
    let acrobot = dir.join("acrobot.svg");
    let config = short_config("acrobot/pure_mppi.toml", &dir);
    stdout_of(rlmpc().args(["render", "--config"]).arg(&config).arg("--out").arg(&acrobot));
    let svg = std::fs::read_to_string(&acrobot).unwrap();
    for expected in ["acrobot", "path", "danger zone", "start", "end"] {
        assert!(svg.contains(expected), "missing {expected} in the acrobot SVG");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
