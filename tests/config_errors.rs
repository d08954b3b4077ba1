//! Bad input gets an error that names the cause, the key and where it is.

use rlmpc::runner::config::Experiment;
use rlmpc::runner::planner::Planner;

const GOOD: &str = r#"
[env]
name = "acrobot"

[mppi]
horizon = 10

[[costs]]
name = "target-tracking"
weight = 50.0

[planner]
action = [3.14, 0.0]
"#;

/// The error of parsing and building `text` (environment, then planner).
fn error_of(text: &str) -> String {
    let build = || -> Result<(), rlmpc::core::Error> {
        let experiment = Experiment::parse("test.toml", text)?;
        let env = experiment.build_env()?;
        Planner::from_experiment(&experiment, env.as_ref(), experiment.config.planner.action.len())?;
        Ok(())
    };
    build().expect_err("the config should be rejected").to_string()
}

#[test]
fn the_reference_config_builds() {
    let experiment = Experiment::parse("test.toml", GOOD).unwrap();
    let env = experiment.build_env().unwrap();
    Planner::from_experiment(&experiment, env.as_ref(), 2).unwrap();
}

#[test]
fn unknown_top_level_key_names_key_and_line() {
    let e = error_of(&GOOD.replace("horizon = 10", "horizn = 10"));
    assert!(e.contains("test.toml") && e.contains("line 6") && e.contains("horizn"), "{e}");
}

#[test]
fn missing_key_is_named() {
    let e = error_of(&GOOD.replace("name = \"target-tracking\"\n", ""));
    assert!(e.contains("missing field `name`"), "{e}");
}

#[test]
fn wrong_type_is_named() {
    let e = error_of(&GOOD.replace("horizon = 10", "horizon = \"ten\""));
    assert!(e.contains("line 6") && e.contains("invalid type"), "{e}");
}

#[test]
fn unknown_plugin_lists_known_names_and_suggests_the_closest() {
    let e = error_of(&GOOD.replace("\"target-tracking\"", "\"target-trackin\""));
    assert!(e.contains("unknown cost `target-trackin`"), "{e}");
    assert!(e.contains("did you mean `target-tracking`?"), "{e}");
    // The known names come sorted (more costs join the list as plugins are added).
    let known = e.split("Known costs: ").nth(1).and_then(|rest| rest.split('.').next()).unwrap_or_default();
    let names: Vec<&str> = known.split(", ").collect();
    assert!(names.contains(&"danger") && names.contains(&"target-tracking"), "{e}");
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{e}");
    let e = error_of(&GOOD.replace("\"acrobot\"", "\"acrobat\""));
    assert!(e.contains("unknown environment `acrobat` (did you mean `acrobot`?)"), "{e}");
}

#[test]
fn bad_plugin_parameters_name_the_table_the_key_and_the_line() {
    let text = GOOD.replace("name = \"acrobot\"", "name = \"acrobot\"\nparams = { max_episode_steps = \"long\" }");
    let e = error_of(&text);
    assert!(e.contains("test.toml, [env.params]") && e.contains("key `max_episode_steps`"), "{e}");
    let text = GOOD
        .replace("name = \"acrobot\"", "name = \"acrobot\"\n[env.params.danger_zone]\nx = 1.0\ny = 0.5\nwidth = 0.5");
    let e = error_of(&text);
    assert!(e.contains("[env.params]") && e.contains("key `danger_zone`") && e.contains("height"), "{e}");
    let text = GOOD.replace("weight = 50.0", "weight = 50.0\nparams = { coordinates = [\"theta3\"] }");
    let e = error_of(&text);
    assert!(e.contains("[costs[0].params]") && e.contains("theta3") && e.contains("theta1"), "{e}");
    let text = GOOD.replace("name = \"acrobot\"", "name = \"acrobot\"\nparams = { danger = true }");
    let e = error_of(&text);
    assert!(e.contains("unknown field `danger`"), "{e}");
}

#[test]
fn inconsistent_settings_are_explained() {
    let e = error_of(&GOOD.replace("action = [3.14, 0.0]", "action = [3.14]"));
    assert!(e.contains("RL action has 1 entries but 2 coordinates"), "{e}");
    let e = error_of(&GOOD.replace("horizon = 10", "horizon = 10\nnoise_sigma = -1.0"));
    assert!(e.contains("positive definite"), "{e}");
    let e = error_of(&GOOD.replace("horizon = 10", "horizon = 10\nu_min = [-1.0, -1.0]"));
    assert!(e.contains("`mppi.u_min` has 2 entries") && e.contains("test.toml, line 7"), "{e}");
}
