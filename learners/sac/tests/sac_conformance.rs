//! SAC's gradient step against Stable-Baselines3 2.9.2 (`tests/data/sb3_sac_vectors.json`, a copy
//! of the shared reference file): every case starts a learner from the recorded weights, replays
//! the recorded batch with the recorded random normals through [`Sac::gradient_step`], and
//! compares everything SB3's `SAC.train` computed — both policy draws, the TD target, both
//! critics' Q, the three losses, the gradients each optimiser received, and every parameter
//! after the step — within the file's tolerances.

use rlmpc_core::env::BoxSpace;
use rlmpc_sac::{Backprop, EntCoef, NetArch, Sac, SacConfig, SampleValues, StepNoise, TargetEntropy, Transitions};
use serde_json::Value;

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/sb3_sac_vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Every number of a (nested) array, row-major.
fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        Value::Number(x) => vec![x.as_f64().unwrap()],
        Value::Bool(b) => vec![f64::from(u8::from(*b))],
        other => panic!("not a number or array: {other}"),
    }
}

fn floats(v: &Value) -> Vec<f32> {
    flat(v).into_iter().map(|x| x as f32).collect()
}

fn sizes(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

/// Fails unless |got − want| / max(1, |want|) ≤ `tolerance` everywhere.
fn check(what: &str, got: &[f32], want: &Value, tolerance: f64) {
    let want = flat(want);
    assert_eq!(got.len(), want.len(), "{what}: {} values, the reference has {}", got.len(), want.len());
    for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
        let error = (f64::from(g) - w).abs() / w.abs().max(1.0);
        assert!(error <= tolerance, "{what}[{i}]: {g} against SB3's {w} (error {error:.2e} > {tolerance:.0e})");
    }
}

/// Fails unless max|g − g_ref| / max(1e-3, max|g_ref|) ≤ `tolerance` over the tensor.
fn check_gradient(what: &str, got: &[f32], want: &Value, tolerance: f64) {
    let want = flat(want);
    assert_eq!(got.len(), want.len(), "{what}: size");
    let scale = want.iter().fold(1e-3f64, |m, x| m.max(x.abs()));
    let worst = got.iter().zip(&want).map(|(&g, &w)| (f64::from(g) - w).abs()).fold(0.0, f64::max);
    assert!(worst / scale <= tolerance, "{what}: gradient error {:.2e} relative to {scale:.2e}", worst / scale);
}

fn check_sample(what: &str, got: &SampleValues, want: &Value, tolerances: &Value) {
    let actions = tolerances["actions"].as_f64().unwrap();
    check(&format!("{what}.mean_actions"), &got.mean, &want["mean_actions"], actions);
    check(&format!("{what}.log_std_raw"), &got.log_std_raw, &want["log_std_raw"], actions);
    check(&format!("{what}.log_std"), &got.log_std, &want["log_std"], actions);
    check(&format!("{what}.gaussian_actions"), &got.gaussian_actions, &want["gaussian_actions"], actions);
    check(&format!("{what}.actions"), &got.actions, &want["actions"], actions);
    check(&format!("{what}.log_prob"), &got.log_prob, &want["log_prob"], tolerances["log_prob"].as_f64().unwrap());
}

/// A learner with the case's settings and its recorded initial parameters, computing its
/// gradients with `backprop`.
fn learner(case: &Value, backprop: Backprop) -> Sac {
    let number = |key: &str| case[key].as_f64().unwrap();
    let ent_coef = match &case["ent_coef_setting"] {
        Value::String(text) => EntCoef::Learned(text.replace("auto0", "auto_0")),
        other => EntCoef::Fixed(other.as_f64().unwrap()),
    };
    let config = SacConfig {
        learning_rate: number("learning_rate"),
        batch_size: case["batch_size"].as_u64().unwrap() as usize,
        tau: number("tau"),
        gamma: number("gamma"),
        ent_coef,
        target_entropy: TargetEntropy::Value(number("target_entropy")),
        target_update_interval: case["target_update_interval"].as_u64().unwrap() as usize,
        net_arch: NetArch { pi: sizes(&case["net_arch"]["pi"]), qf: sizes(&case["net_arch"]["qf"]) },
        backprop,
        ..SacConfig::default()
    };
    let space = BoxSpace { low: flat(&case["action_low"]), high: flat(&case["action_high"]) };
    let (o, a) = (case["obs_dim"].as_u64().unwrap() as usize, case["action_dim"].as_u64().unwrap() as usize);
    let mut sac = Sac::new(config, o, a, Some(&space), 0).unwrap();
    let initial = &case["initial_params"];
    for group in ["actor", "critic", "critic_target"] {
        for (name, values) in initial[group].as_object().unwrap() {
            sac.set_parameter(&format!("{group}.{name}"), &floats(values)).unwrap();
        }
    }
    if let Some(log_ent_coef) = initial["log_ent_coef"].as_f64() {
        sac.set_parameter("log_ent_coef", &[log_ent_coef as f32]).unwrap();
    }
    // Every parameter the learner has is set from the file.
    let expected = initial["actor"].as_object().unwrap().len()
        + 2 * initial["critic"].as_object().unwrap().len()
        + usize::from(initial["log_ent_coef"].is_number());
    assert_eq!(sac.parameters().len(), expected, "{}: parameter count", case["name"]);
    sac
}

#[test]
fn every_gradient_step_of_the_reference_matches_sb3() {
    let file = reference();
    let tolerances = &file["tolerances"];
    let tol = |key: &str| tolerances[key].as_f64().unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5, "the file's README lists 5 cases");
    for (case, backprop) in cases.iter().flat_map(|case| [(case, Backprop::Fused), (case, Backprop::Tape)]) {
        let name = &format!("{} ({backprop:?})", case["name"].as_str().unwrap());
        let mut sac = learner(case, backprop);
        for step in case["steps"].as_array().unwrap() {
            assert!(step["adam_state_before"].is_null(), "{name}: every recorded step starts from fresh optimisers");
            let b = &step["batch"];
            let batch = Transitions {
                observations: floats(&b["observations"]),
                actions: floats(&b["actions"]),
                rewards: floats(&b["rewards"]),
                next_observations: floats(&b["next_observations"]),
                dones: floats(&b["dones"]),
            };
            let noise = StepNoise { pi: floats(&step["noise_pi"]), next: floats(&step["noise_next"]) };
            let index = step["gradient_step"].as_u64().unwrap() as usize;
            let got = sac.gradient_step(&batch, &noise, index);
            let at = |what: &str| format!("{name}.{what}");

            check(&at("ent_coef"), &[got.ent_coef], &step["ent_coef"], tol("losses"));
            match (got.ent_coef_loss, step["ent_coef_loss"].as_f64()) {
                (Some((loss, gradient)), Some(_)) => {
                    check(&at("ent_coef_loss"), &[loss], &step["ent_coef_loss"], tol("losses"));
                    check_gradient(&at("grad.log_ent_coef"), &[gradient], &step["grads"]["log_ent_coef"], tol("grads"));
                }
                (None, None) => {}
                (got, want) => panic!("{name}: ent_coef_loss {got:?} against SB3's {want:?}"),
            }
            check_sample(&at("pi"), &got.pi, &step["pi"], tolerances);
            check_sample(&at("next"), &got.next, &step["next"], tolerances);
            let q = tol("q_values");
            let columns =
                |pair: &[Vec<f32>; 2]| pair[0].iter().zip(&pair[1]).flat_map(|(&x, &y)| [x, y]).collect::<Vec<_>>();
            check(&at("next_q_values"), &columns(&got.next_q_values), &step["next_q_values"], q);
            check(&at("next_q_min"), &got.next_q_min, &step["next_q_min"], q);
            check(&at("next_q_minus_ent"), &got.next_q_minus_ent, &step["next_q_minus_ent"], q);
            check(&at("target_q_values"), &got.target_q_values, &step["target_q_values"], q);
            check(&at("current_q_values"), &columns(&got.current_q_values), &step["current_q_values"], q);
            check(&at("critic_loss"), &[got.critic_loss], &step["critic_loss"], tol("losses"));
            check(&at("q_values_pi"), &columns(&got.q_values_pi), &step["q_values_pi"], q);
            check(&at("min_qf_pi"), &got.min_qf_pi, &step["min_qf_pi"], q);
            check(&at("actor_loss"), &[got.actor_loss], &step["actor_loss"], tol("losses"));
            assert_eq!(got.target_updated, step["target_updated"].as_bool().unwrap(), "{name}: target update");
            for (group, grads) in [("critic", &got.critic_grads), ("actor", &got.actor_grads)] {
                let want = step["grads"][group].as_object().unwrap();
                assert_eq!(grads.len(), want.len(), "{name}: {group} gradients");
                for (param, gradient) in grads {
                    check_gradient(&at(&format!("grad.{group}.{param}")), gradient, &want[param], tol("grads"));
                }
            }
            let after = &step["params_after"];
            for (param, values) in sac.parameters() {
                let (want, tolerance) = match param.split_once('.') {
                    Some(("critic_target", rest)) => (&after["critic_target"][rest], tol("critic_target_after")),
                    Some((group, rest)) => (&after[group][rest], tol("params_after")),
                    None => (&after["log_ent_coef"], tol("log_ent_coef_after")),
                };
                check(&at(&format!("after.{param}")), &values, want, tolerance);
            }
        }
    }
}
