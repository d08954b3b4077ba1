//! The bad-config corpus: settings a user could plausibly write that would train NaN, abort,
//! or panic. Each must be refused when the experiment is built, with an error that names the
//! file, the key (and its line, where the file writes it) and what to do, and never panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rlmpc::runner::config::Experiment;
use rlmpc::runner::trainer::Trainer;

/// A PPO-MPPI experiment on Acrobot (one control); `{env}`, `{mppi}`, `{costs}`, `{planner}`,
/// `{learner}`, `{scheduler}`, `{training}` and `{evaluation}` mark where a case adds lines.
const BASE: &str = r#"seed = 0
[env]
name = "acrobot"
{env}
[mppi]
num_samples = 32
horizon = 5
candidates = 3
{mppi}
[[costs]]
name = "target-tracking"
weight = 50.0
[[costs]]
name = "danger"
{costs}
[planner]
action_dim = 2
{planner}
[learner]
name = "ppo"
params = { batch_size = 32, {learner} }
[scheduler]
name = "fixed"
{scheduler}
[training]
total_steps = 256
n_steps = 64
{training}
[evaluation]
{evaluation}
"#;

/// (case, where it goes, the lines it adds or replaces, what the error must contain besides
/// the file and the line of the first added line).
const CASES: &[(&str, &str, &str, &[&str])] = &[
    ("bounds out of order", "mppi", "u_min = [2.0]\nu_max = [-2.0]", &["`mppi.u_min`", "swap"]),
    ("NaN noise mean", "mppi", "noise_mu = [nan]", &["`mppi.noise_mu`", "finite"]),
    ("NaN warm-start control", "mppi", "u_init = [nan]", &["`mppi.u_init`", "finite"]),
    ("infinite upper bound", "mppi", "u_max = [inf]", &["`mppi.u_max`", "finite"]),
    ("infinite temperature", "mppi", "lambda = inf", &["`mppi.lambda`", "1/λ"]),
    ("subnormal temperature", "mppi", "lambda = 1e-320", &["`mppi.lambda`", "1/λ"]),
    ("NaN temperature", "mppi", "lambda = nan", &["`mppi.lambda`", "paper uses 1.0"]),
    ("zero temperature", "mppi", "lambda = 0.0", &["`mppi.lambda`"]),
    ("subnormal noise", "mppi", "noise_sigma = 1e-320", &["`mppi.noise_sigma`", "too small"]),
    ("NaN noise", "mppi", "noise_sigma = nan", &["`mppi.noise_sigma`", "finite"]),
    ("infinite noise matrix", "mppi", "noise_sigma = [[inf]]", &["`mppi.noise_sigma`", "finite"]),
    ("negative noise", "mppi", "noise_sigma = -1.0", &["positive definite"]),
    ("a billion samples", "mppi", "num_samples = 1000000000", &["`mppi.num_samples`", "GiB", "lower"]),
    ("a horizon of 1e8", "mppi", "horizon = 100000000", &["`mppi.horizon`", "GiB", "K × H"]),
    ("noise mean of the wrong size", "mppi", "noise_mu = [0.0, 0.0]", &["`mppi.noise_mu` has 2 entries"]),
    ("too many candidates", "mppi", "candidates = 17", &["at most 16 candidates"]),
    ("NaN cost weight", "costs", "weight = nan", &["`costs[1].weight`", "finite", "`danger`"]),
    ("infinite cost weight", "costs", "weight = -inf", &["`costs[1].weight`", "finite"]),
    ("NaN planner action", "planner", "action = [nan, 0.0]", &["`planner.action`", "entry 0"]),
    ("γ above 1", "training", "gamma = 1.5", &["`training.gamma`", "[0, 1]"]),
    ("NaN γ", "training", "gamma = nan", &["`training.gamma`", "[0, 1]"]),
    ("negative GAE λ", "training", "gae_lambda = -0.1", &["`training.gae_lambda`", "[0, 1]"]),
    ("no steps", "training", "total_steps = 0", &["`training.total_steps`", "at least 1", "--steps"]),
    ("no steps per update", "training", "n_steps = 0", &["`training.n_steps`", "at least 1"]),
    ("no checkpoints", "training", "checkpoint_every = 0", &["`training.checkpoint_every`", "at least 1"]),
    ("no evaluation episodes", "evaluation", "episodes = 0", &["`evaluation.episodes`", "at least 1"]),
    ("NaN initial log σ", "learner", "log_std_init = nan", &["`learner.params.log_std_init`", "finite"]),
    ("huge initial log σ", "learner", "log_std_init = 100.0", &["`log_std_init`", "[-20, 20]"]),
    ("learning rate 1e10", "learner", "learning_rate = 1e10", &["[learner.params]", "`learning_rate`", "less than 1"]),
    ("learning rate 1", "learner", "learning_rate = 1.0", &["`learning_rate`", "diverges"]),
    ("NaN learning rate", "learner", "learning_rate = nan", &["`learner.params.learning_rate` must be a finite"]),
    (
        "NaN danger zone",
        "env",
        "params = { danger_zone = { x = nan, y = 0.6, width = 0.6, height = 0.6 } }",
        &["`env.params.danger_zone.x`", "finite"],
    ),
    ("infinite cost parameter", "costs", "params = { weights = [1.0, inf] }", &["`costs[1].params.weights`", "finite"]),
    ("NaN ρ", "scheduler", "params = { rho = nan }", &["`scheduler.params.rho`", "finite"]),
    ("zero-width critic layer", "learner", "critic_hidden = [0]", &["`critic_hidden`", "at least 1"]),
    ("zero-width actor layer", "learner", "actor_hidden = [64, 0]", &["`actor_hidden`", "at least 1"]),
    ("a billion value heads", "learner", "value_heads = 1000000000", &["`value_heads` 1000000000", "GiB"]),
    ("a huge hidden layer", "learner", "actor_hidden = [10000000000]", &["`actor_hidden`", "GiB"]),
    ("NaN entropy weight", "learner", "ent_coef = nan", &["`learner.params.ent_coef`", "finite"]),
    ("negative value weight", "learner", "vf_coef = -1.0", &["`vf_coef`", "≥ 0"]),
    ("infinite gradient clip", "learner", "max_grad_norm = inf", &["`learner.params.max_grad_norm`", "finite"]),
    ("NaN Adam ε", "learner", "adam_eps = nan", &["`learner.params.adam_eps`", "finite"]),
    ("zero clip range", "learner", "clip_range = 0.0", &["`clip_range`", "positive"]),
    ("negative target KL", "learner", "target_kl = -1.0", &["`target_kl`", "positive"]),
    ("NaN value clip", "learner", "clip_range_vf = nan", &["`learner.params.clip_range_vf`", "finite"]),
    ("no epochs", "learner", "n_epochs = 0", &["`n_epochs`", "at least 1"]),
    ("no value heads", "learner", "value_heads = 0", &["`value_heads`", "at least 1"]),
];

/// The base with `lines` added at `place` (replacing the base's lines of the same keys, but
/// for the `params` of other tables), the other marks filled or removed.
fn config_with(place: &str, lines: &str) -> String {
    let keys: Vec<&str> = lines.lines().filter_map(|l| l.split(" = ").next()).filter(|k| *k != "params").collect();
    let mut text: String = BASE
        .lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k} = "))))
        .map(|l| format!("{l}\n"))
        .collect();
    let line = lines;
    for mark in ["env", "mppi", "costs", "planner", "learner", "scheduler", "training", "evaluation"] {
        let added = match (mark == place, mark) {
            (true, _) => line,
            (false, "learner") => "n_epochs = 1",
            (false, "scheduler") => "params = { rho = 0.3 }",
            (false, _) => "",
        };
        text = text.replace(&format!("{{{mark}}}"), added);
    }
    text
}

#[test]
fn the_base_config_trains() {
    let experiment = Experiment::parse("bad.toml", &config_with("", "")).unwrap();
    Trainer::new(&experiment).unwrap();
}

#[test]
fn every_bad_config_is_refused_with_its_key_and_no_panic() {
    let mut failures = Vec::new();
    for (case, place, line, expected) in CASES {
        let text = config_with(place, line);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let experiment = Experiment::parse("bad.toml", &text)?;
            Trainer::new(&experiment).map(drop)
        }));
        match outcome {
            Err(_) => failures.push(format!("{case}: panicked")),
            Ok(Ok(())) => failures.push(format!("{case}: accepted")),
            Ok(Err(e)) => {
                let message = e.to_string();
                let first = line.lines().next().unwrap_or_default();
                let number = text.lines().position(|l| l.contains(first)).map_or(0, |i| i + 1);
                let at_line = format!("line {number}");
                // The learner's own checks name its table; a key of any table is found on its line.
                let located =
                    message.contains(&at_line) || (*place == "learner" && message.contains("[learner.params]"));
                let missing: Vec<&str> = expected.iter().copied().filter(|s| !message.contains(s)).collect();
                if !message.contains("bad.toml") || !located || !missing.is_empty() {
                    failures.push(format!("{case}: lacks {missing:?}, the file or {at_line} in: {message}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}
