//! The PPO loss against Stable-Baselines3 2.9.2 (`tests/data/sb3_gae_ppo_vectors.json`,
//! `ppo_loss_cases`): each case's new log-probs, entropies and values go through [`ppo_loss`],
//! the function the learner's update minimises, and the logged terms are compared with what
//! SB3's `PPO.train` logged in float32.

use dfdx::prelude::*;
use rlmpc_ppo::{explained_variance, normalize_advantages, ppo_loss, LossTargets, Matrix, PpoConfig, Vector};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/sb3_gae_ppo_vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap();
    let cases = file["ppo_loss_cases"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 3, "the file's README lists 3 PPO-loss cases");
    cases
}

/// A column of float32-representable numbers.
fn column(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let x = x.as_f64().unwrap();
            assert_eq!(f64::from(x as f32), x, "{x} is not float32-representable");
            x as f32
        })
        .collect()
}

fn traced(dev: &Cpu, values: Vec<f32>) -> Vector<rlmpc_ppo::Taped> {
    let n = values.len();
    dev.tensor_from_vec(values, (n,)).leaky_traced()
}

/// The value heads' predictions `[D][n]`, one row per head.
fn traced_heads(dev: &Cpu, heads: Vec<Vec<f32>>) -> Matrix<rlmpc_ppo::Taped> {
    let shape = (heads.len(), heads[0].len());
    dev.tensor_from_vec(heads.concat(), shape).leaky_traced()
}

fn config(case: &Value) -> PpoConfig {
    PpoConfig {
        clip_range: case["clip_range"].as_f64().unwrap(),
        clip_range_vf: case["clip_range_vf"].as_f64(),
        normalize_advantage: case["normalize_advantage"].as_bool().unwrap(),
        ent_coef: case["ent_coef"].as_f64().unwrap(),
        vf_coef: case["vf_coef"].as_f64().unwrap(),
        ..PpoConfig::default()
    }
}

fn relative_error(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
}

#[test]
fn logged_terms_match_sb3_float32() {
    let dev = Cpu::default();
    let mut worst = 0.0f64;
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let sb3 = &case["sb3_float32"];
        let old_log_prob = column(&case["old_log_prob"]);
        let advantages = column(&case["advantages"]);
        let old_values = column(&case["old_values"]);
        let returns = column(&case["returns"]);
        let targets = LossTargets {
            old_log_prob: &old_log_prob,
            advantages: &advantages,
            old_values: &old_values,
            returns: &returns,
        };
        let (loss, stats) = ppo_loss(
            traced(&dev, column(&case["log_prob"])),
            traced(&dev, column(&case["entropy"])),
            traced_heads(&dev, vec![column(&case["values"])]),
            &targets,
            &config(&case),
        );
        assert_eq!(loss.array(), stats.loss, "{name}: the returned loss is the logged one");
        for (what, got) in [
            ("policy_loss", stats.policy_loss),
            ("value_loss", stats.value_loss),
            ("entropy_loss", stats.entropy_loss),
            ("loss", stats.loss),
            ("approx_kl", stats.approx_kl),
        ] {
            let error = relative_error(f64::from(got), sb3[what].as_f64().unwrap());
            assert!(error <= 1e-6, "{name}: {what} = {got}, SB3 {}, relative error {error:e}", sb3[what]);
            worst = worst.max(error);
        }
        assert_eq!(f64::from(stats.clip_fraction), sb3["clip_fraction"].as_f64().unwrap(), "{name}: clip_fraction");

        let widen = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
        let ev = explained_variance(&widen(&old_values), &widen(&returns));
        match sb3["explained_variance"].as_f64() {
            Some(want) => {
                let error = relative_error(ev, want);
                assert!(error <= 1e-6, "{name}: explained_variance {ev}, SB3 {want}, relative error {error:e}");
                worst = worst.max(error);
            }
            None => assert!(ev.is_nan(), "{name}: SB3 logged NaN (Var(returns) = 0), got {ev}"),
        }
    }
    eprintln!("worst relative error against SB3 float32: {worst:e}");
}

#[test]
fn advantage_normalisation_matches_sb3() {
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let sb3 = &case["sb3_float32"];
        let used = normalize_advantages(&column(&case["advantages"]), case["normalize_advantage"].as_bool().unwrap());
        let want = column(&sb3["advantages_used"]);
        let error = used.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(error <= 1e-6, "{name}: normalised advantages differ by {error:e}");
        // b = 1: SB3 skips normalisation even though it is on.
        if case["batch_size"].as_u64() == Some(1) {
            assert_eq!(used, column(&case["advantages"]), "{name}");
        }
    }
}

#[test]
fn value_heads_average_their_losses() {
    // Two heads with the same predictions give the one-head loss; a second head that is exact
    // halves it (the value loss is the mean over heads of each head's MSE).
    let dev = Cpu::default();
    let case = &cases()[0];
    let returns = column(&case["returns"]);
    let zeros = vec![0.0f32; returns.len()];
    let targets = LossTargets { old_log_prob: &zeros, advantages: &zeros, old_values: &zeros, returns: &returns };
    let loss = |heads: Vec<Vec<f32>>| {
        let values = traced_heads(&dev, heads);
        ppo_loss(traced(&dev, zeros.clone()), traced(&dev, zeros.clone()), values, &targets, &PpoConfig::default()).1
    };
    let predictions = column(&case["values"]);
    let one = loss(vec![predictions.clone()]).value_loss;
    assert!(one > 0.0);
    let doubled = loss(vec![predictions.clone(), predictions.clone()]).value_loss;
    assert!((doubled - one).abs() <= 1e-6 * one, "{doubled} vs {one}");
    let halved = loss(vec![predictions, returns.clone()]).value_loss;
    assert!((halved - one / 2.0).abs() <= 1e-6 * one, "{halved} vs {one}/2");
}
