//! GAE against Stable-Baselines3 2.9.2 (`tests/data/sb3_gae_ppo_vectors.json`, `gae_cases`):
//! every case in f64 against the float64 replica to 1e-12, and in f32 against SB3's own float32
//! `RolloutBuffer` results bit for bit, with the stored (bootstrapped) rewards and episode starts.

use rlmpc_runner::gae::{gae, GaeInput};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/sb3_gae_ppo_vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap();
    let cases = file["gae_cases"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 4, "the file's README lists 4 GAE cases");
    cases
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn flags(v: &Value) -> Vec<bool> {
    v.as_array().unwrap().iter().map(|x| x.as_bool().unwrap()).collect()
}

fn options(v: &Value) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(Value::as_f64).collect()
}

/// f64 → f32 for inputs the file states are float32-representable.
fn to_f32(x: f64) -> f32 {
    let y = x as f32;
    assert_eq!(f64::from(y), x, "input {x} is not float32-representable");
    y
}

fn bool_of(v: &Value) -> bool {
    v.as_bool().unwrap_or_else(|| v.as_f64().unwrap() != 0.0)
}

/// The case's recorded inputs in float type F.
struct Inputs<F> {
    rewards: Vec<F>,
    terminal_values: Vec<Option<F>>,
    values: Vec<F>,
    last_value: F,
}

fn inputs<F: Copy>(case: &Value, cast: impl Fn(f64) -> F) -> Inputs<F> {
    Inputs {
        rewards: floats(&case["raw_rewards"]).into_iter().map(&cast).collect(),
        terminal_values: options(&case["terminal_values"]).into_iter().map(|v| v.map(&cast)).collect(),
        values: floats(&case["values"]).into_iter().map(&cast).collect(),
        last_value: cast(case["last_values"].as_f64().unwrap()),
    }
}

fn run<F: num_traits::Float>(case: &Value, x: &Inputs<F>) -> rlmpc_runner::Gae<F> {
    let terminated = flags(&case["terminated"]);
    let truncated = flags(&case["truncated"]);
    // SB3's `dones` argument is derived by `gae` from the last step's flags; check that it agrees.
    let last = terminated.len() - 1;
    assert_eq!(bool_of(&case["dones"]), terminated[last] || truncated[last]);
    gae(
        &GaeInput {
            rewards: &x.rewards,
            terminated: &terminated,
            truncated: &truncated,
            terminal_values: &x.terminal_values,
            values: &x.values,
            first_episode_start: bool_of(&case["first_episode_start"]),
            last_value: x.last_value,
        },
        case["gamma"].as_f64().unwrap(),
        case["gae_lambda"].as_f64().unwrap(),
    )
}

fn max_abs_error(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
}

#[test]
fn f64_matches_the_float64_replica_to_1e_12() {
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let out = run(&case, &inputs(&case, |x| x));
        let errors = [
            max_abs_error(&out.rewards, &floats(&case["buffer_rewards_f64"])),
            max_abs_error(&out.advantages, &floats(&case["advantages_f64"])),
            max_abs_error(&out.returns, &floats(&case["returns_f64"])),
        ];
        assert!(errors.iter().all(|&e| e <= 1e-12), "{name}: max errors (rewards, advantages, returns) {errors:?}");
        let starts: Vec<bool> = case["episode_starts"].as_array().unwrap().iter().map(bool_of).collect();
        assert_eq!(out.episode_starts, starts, "{name}: episode starts");
    }
}

#[test]
fn f32_matches_sb3_float32_bit_for_bit() {
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let out = run(&case, &inputs(&case, to_f32));
        let widen = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
        for (what, got, want) in [
            ("buffer_rewards", widen(&out.rewards), floats(&case["buffer_rewards"])),
            ("advantages", widen(&out.advantages), floats(&case["advantages"])),
            ("returns", widen(&out.returns), floats(&case["returns"])),
        ] {
            assert_eq!(got, want, "{name}: {what} (max error {:e})", max_abs_error(&got, &want));
        }
        let starts: Vec<bool> = case["episode_starts"].as_array().unwrap().iter().map(bool_of).collect();
        assert_eq!(out.episode_starts, starts, "{name}: episode starts");
    }
}

#[test]
fn the_cases_exercise_bootstraps_and_cuts() {
    // Guards the two tests above against vacuous inputs: some step is bootstrapped (stored reward
    // differs from the raw one) and some recursion is cut inside the rollout.
    let cases = cases();
    let bootstrapped = cases.iter().any(|c| floats(&c["raw_rewards"]) != floats(&c["buffer_rewards_f64"]));
    let cut = cases.iter().any(|c| c["episode_starts"].as_array().unwrap()[1..].iter().any(bool_of));
    assert!(bootstrapped && cut);
}
