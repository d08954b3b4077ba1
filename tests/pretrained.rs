//! The trained policies shipped under `pretrained/` load and act: each directory (config,
//! trainer state, final learner checkpoint and the `eval.json` its row of the book's table
//! came from) evaluates with `rlmpc eval --run`, in a copy so that the shipped `eval.json`
//! stays as it is.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn pretrained_runs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pretrained");
    let mut runs = Vec::new();
    let directories = |dir: &Path| -> Vec<PathBuf> {
        let entries = std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path());
        entries.filter(|path| path.is_dir()).collect()
    };
    for domain in directories(&root) {
        runs.extend(directories(&domain));
    }
    runs.sort();
    runs
}

fn summary(eval: &Value) -> Vec<(String, f64)> {
    let rows = eval["summary"].as_array().unwrap();
    rows.iter().map(|m| (m["name"].as_str().unwrap().to_string(), m["mean"].as_f64().unwrap())).collect()
}

#[test]
fn every_pretrained_run_evaluates_from_its_directory() {
    let runs = pretrained_runs();
    assert!(runs.len() >= 5, "the LunarLander rows ship their seed-0 runs: {runs:?}");
    let scratch = std::env::temp_dir().join(format!("rlmpc-pretrained-{}", std::process::id()));
    for run in runs {
        let shipped: Value = serde_json::from_str(&std::fs::read_to_string(run.join("eval.json")).unwrap()).unwrap();
        let names: Vec<String> = summary(&shipped).into_iter().map(|(name, _)| name).collect();
        assert_eq!(shipped["episodes"].as_array().unwrap().len(), 50, "{}: 50 evaluation episodes", run.display());
        let copy = scratch.join(run.file_name().unwrap());
        std::fs::create_dir_all(&copy).unwrap();
        for file in std::fs::read_dir(&run).unwrap() {
            let file = file.unwrap().path();
            std::fs::copy(&file, copy.join(file.file_name().unwrap())).unwrap();
        }
        // Two short episodes (an unoptimised build steps MPPI slowly): enough to load and act.
        Command::cargo_bin("rlmpc")
            .unwrap()
            .args(["eval", "--episodes", "2", "--set", "env.params.max_episode_steps=50", "--run"])
            .arg(&copy)
            .assert()
            .success();
        let fresh: Value = serde_json::from_str(&std::fs::read_to_string(copy.join("eval.json")).unwrap()).unwrap();
        let fresh = summary(&fresh);
        assert_eq!(fresh.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>(), names, "{}", run.display());
        assert!(fresh.iter().all(|(_, value)| value.is_finite()), "{}: {fresh:?}", run.display());
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// A policy's actions feed back through MPPI and the environment, so evaluating it with
/// arithmetic that rounds differently from the build that trained it gives other episodes.
/// The first episode of a shipped run (315 steps) must come out as its `eval.json` recorded it.
#[test]
fn a_pretrained_run_evaluates_as_its_shipped_record_says() {
    let run = Path::new(env!("CARGO_MANIFEST_DIR")).join("pretrained/lunar_lander/ppo_mppi_rho0.3_pooled");
    let shipped: Value = serde_json::from_str(&std::fs::read_to_string(run.join("eval.json")).unwrap()).unwrap();
    let copy = std::env::temp_dir().join(format!("rlmpc-pretrained-exact-{}", std::process::id()));
    std::fs::create_dir_all(&copy).unwrap();
    for file in std::fs::read_dir(&run).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, copy.join(file.file_name().unwrap())).unwrap();
    }
    Command::cargo_bin("rlmpc").unwrap().args(["eval", "--episodes", "1", "--run"]).arg(&copy).assert().success();
    let fresh: Value = serde_json::from_str(&std::fs::read_to_string(copy.join("eval.json")).unwrap()).unwrap();
    std::fs::remove_dir_all(&copy).unwrap();
    assert_eq!(
        fresh["episodes"][0], shipped["episodes"][0],
        "the first evaluation episode differs from the shipped one"
    );
}
