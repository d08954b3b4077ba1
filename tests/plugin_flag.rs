//! `--plugin PATH` on the commands that build an environment or an experiment: the template
//! plugin's `effort` cost, named in a config that does not list the library, works with
//! `mppi`, `render` and `train`, and a run trained so keeps the library for `eval`.

use std::path::{Path, PathBuf};
use std::process;

use assert_cmd::Command;

/// Builds `plugins/template` (incrementally, into `target/plugin-template`) and returns it.
fn template_library() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/plugin-template");
    let status = process::Command::new(env!("CARGO"))
        .args(["build", "--locked", "--quiet", "--manifest-path"])
        .arg(root.join("plugins/template/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root)
        .status()
        .expect("running cargo");
    assert!(status.success(), "building plugins/template failed");
    let name = format!("{}rlmpc_plugin_template{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    target.join("debug").join(name)
}

const CONFIG: &str = r#"
[env]
name = "pendulum"
[mppi]
num_samples = 32
horizon = 5
candidates = 2
[[costs]]
name = "negative-reward"
[[costs]]
name = "effort"   # registered by the template plugin
weight = 0.1
[planner]
action_dim = 1
[learner]
name = "ppo"
params = { batch_size = 16, n_epochs = 1 }
[training]
total_steps = 32
n_steps = 32
"#;

#[test]
fn plugin_flag_loads_the_library_for_mppi_render_train_and_the_runs_eval() {
    let library = template_library();
    let dir = std::env::temp_dir().join(format!("rlmpc-plugin-flag-{}", process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("effort.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let rlmpc = || Command::cargo_bin("rlmpc").unwrap();

    let without = rlmpc().args(["mppi", "--episodes", "1", "--config"]).arg(&config).assert().code(2);
    let stderr = String::from_utf8(without.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("unknown cost `effort`"), "{stderr}");
    rlmpc().args(["mppi", "--episodes", "1", "--config"]).arg(&config).arg("--plugin").arg(&library).assert().success();
    let svg = dir.join("effort.svg");
    let render = |plugin: &[&Path]| {
        let mut cmd = rlmpc();
        cmd.args(["render", "--config"]).arg(&config).arg("--out").arg(&svg);
        for path in plugin {
            cmd.arg("--plugin").arg(path);
        }
        cmd.assert()
    };
    render(&[]).code(2);
    render(&[&library]).success();
    assert!(svg.exists());

    let run = dir.join("run");
    rlmpc()
        .args(["train", "--config"])
        .arg(&config)
        .arg("--plugin")
        .arg(&library)
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    let resolved = std::fs::read_to_string(run.join("config.toml")).unwrap();
    assert!(resolved.contains(&*std::path::absolute(&library).unwrap().to_string_lossy()), "{resolved}");
    rlmpc().args(["eval", "--episodes", "1", "--run"]).arg(&run).assert().success();
    std::fs::remove_dir_all(&dir).unwrap();
}
