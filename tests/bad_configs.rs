//! The bad-config corpus: settings a user could plausibly write that would train NaN, abort,
//! or panic. Each must be refused when the experiment is built, with an error that names the
//! file, the key (and its line, where the file writes it) and what to do, and never panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rlmpc::runner::config::Experiment;
use rlmpc::runner::trainer::Trainer;

/// A PPO-MPPI experiment on Acrobot (one control); `{mppi}`, `{costs}`, `{planner}`,
/// `{learner}`, `{training}` and `{evaluation}` mark where a case adds lines.
const BASE: &str = r#"seed = 0
[env]
name = "acrobot"
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
[training]
total_steps = 256
n_steps = 64
{training}
[evaluation]
{evaluation}
"#;

/// (case, where it goes, the lines it adds or replaces, what the error must contain besides
/// the file and, outside the learner's inline table, the line of the first added line).
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
    ("NaN initial log σ", "learner", "log_std_init = nan", &["[learner.params]", "`log_std_init`", "finite"]),
    ("huge initial log σ", "learner", "log_std_init = 100.0", &["`log_std_init`", "[-20, 20]"]),
    ("learning rate 1e10", "learner", "learning_rate = 1e10", &["[learner.params]", "`learning_rate`", "less than 1"]),
    ("learning rate 1", "learner", "learning_rate = 1.0", &["`learning_rate`", "diverges"]),
    ("NaN learning rate", "learner", "learning_rate = nan", &["`learning_rate` must be a positive number"]),
    ("zero-width critic layer", "learner", "critic_hidden = [0]", &["`critic_hidden`", "at least 1"]),
    ("zero-width actor layer", "learner", "actor_hidden = [64, 0]", &["`actor_hidden`", "at least 1"]),
    ("a billion value heads", "learner", "value_heads = 1000000000", &["`value_heads` 1000000000", "GiB"]),
    ("a huge hidden layer", "learner", "actor_hidden = [10000000000]", &["`actor_hidden`", "GiB"]),
    ("NaN entropy weight", "learner", "ent_coef = nan", &["`ent_coef`", "finite"]),
    ("negative value weight", "learner", "vf_coef = -1.0", &["`vf_coef`", "≥ 0"]),
    ("infinite gradient clip", "learner", "max_grad_norm = inf", &["`max_grad_norm`", "positive"]),
    ("NaN Adam ε", "learner", "adam_eps = nan", &["`adam_eps`", "positive"]),
    ("zero clip range", "learner", "clip_range = 0.0", &["`clip_range`", "positive"]),
    ("negative target KL", "learner", "target_kl = -1.0", &["`target_kl`", "positive"]),
    ("NaN value clip", "learner", "clip_range_vf = nan", &["`clip_range_vf`", "positive"]),
    ("no epochs", "learner", "n_epochs = 0", &["`n_epochs`", "at least 1"]),
    ("no value heads", "learner", "value_heads = 0", &["`value_heads`", "at least 1"]),
];

/// The base with `lines` added at `place` (replacing the base's lines of the same keys), the
/// other marks removed.
fn config_with(place: &str, lines: &str) -> String {
    let keys: Vec<&str> = lines.lines().filter_map(|l| l.split(" = ").next()).collect();
    let mut text: String = BASE
        .lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k} = "))))
        .map(|l| format!("{l}\n"))
        .collect();
    let line = lines;
    for mark in ["mppi", "costs", "planner", "learner", "training", "evaluation"] {
        let added = if mark == place { line } else { "" };
        let added = if mark == "learner" && added.is_empty() { "n_epochs = 1" } else { added };
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
                let number = text.lines().position(|l| l == first).map_or(0, |i| i + 1);
                let location =
                    if *place == "learner" { "[learner.params]".to_string() } else { format!("line {number}") };
                let missing: Vec<&str> =
                    expected.iter().copied().chain([location.as_str()]).filter(|s| !message.contains(s)).collect();
                if !message.contains("bad.toml") || !missing.is_empty() {
                    failures.push(format!("{case}: lacks {missing:?} or the file in: {message}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}
