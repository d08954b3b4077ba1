//! `[mppi]` settings that would make MPPI's plan NaN, or abort in the allocator, are refused
//! when the controller is built, with an error naming the key.

use rlmpc_core::mppi::{Backend, Mppi, MppiConfig, NoiseSigma};
use rlmpc_core::Error;

/// The key and message of the error that building `config` for one control in [-1, 1] gives.
fn refusal(config: MppiConfig) -> (String, String) {
    match Mppi::new(&config, 1, Some((&[-1.0], &[1.0])), 0).err().expect("the settings should be refused") {
        Error::Setting { key, message } => (key, message),
        other => panic!("expected a setting error, got {other}"),
    }
}

fn with(edit: impl FnOnce(&mut MppiConfig)) -> MppiConfig {
    let mut config = MppiConfig::default();
    edit(&mut config);
    config
}

#[test]
fn bounds_in_the_wrong_order_are_refused() {
    let (key, message) = refusal(with(|c| (c.u_min, c.u_max) = (Some(vec![2.0]), Some(vec![-2.0]))));
    assert_eq!(key, "mppi.u_min");
    assert!(message.contains("u_min ≤ u_max") && message.contains("swap"), "{message}");
    // A config bound above the environment's other bound counts too.
    let (key, _) = refusal(with(|c| c.u_min = Some(vec![1.5])));
    assert_eq!(key, "mppi.u_min");
}

#[test]
fn non_finite_vectors_are_refused_by_name() {
    for (name, config) in [
        ("mppi.noise_mu", with(|c| c.noise_mu = Some(vec![f64::NAN]))),
        ("mppi.u_init", with(|c| c.u_init = Some(vec![f64::NAN]))),
        ("mppi.u_max", with(|c| c.u_max = Some(vec![f64::INFINITY]))),
        ("mppi.noise_sigma", with(|c| c.noise_sigma = NoiseSigma::Scalar(f64::NAN))),
        ("mppi.noise_sigma", with(|c| c.noise_sigma = NoiseSigma::Matrix(vec![vec![f64::INFINITY]]))),
    ] {
        let (key, message) = refusal(config);
        assert_eq!(key, name);
        assert!(message.contains("finite") && message.contains("entry 0"), "{message}");
    }
}

#[test]
fn a_temperature_whose_inverse_overflows_is_refused() {
    for lambda in [f64::INFINITY, f64::NAN, 1e-320, 0.0, -1.0] {
        let (key, message) = refusal(with(|c| c.lambda = lambda));
        assert_eq!(key, "mppi.lambda");
        assert!(message.contains("1/λ must be finite"), "{lambda}: {message}");
    }
    assert!(Mppi::new(&with(|c| c.lambda = 1e-300), 1, None, 0).is_ok());
}

#[test]
fn a_subnormal_noise_covariance_is_refused() {
    let (key, message) = refusal(with(|c| c.noise_sigma = NoiseSigma::Scalar(1e-320)));
    assert_eq!(key, "mppi.noise_sigma");
    assert!(message.contains("too small"), "{message}");
}

#[test]
fn an_ill_conditioned_covariance_is_refused_by_f32_rollouts_only() {
    let sigma = NoiseSigma::Matrix(vec![vec![1e-8, 0.0], vec![0.0, 1.0]]);
    let config = with(|c| c.noise_sigma = sigma.clone());
    let error = Mppi::new(&config, 2, None, 0).err().expect("lanes refuse it");
    assert!(error.to_string().contains("condition number") && error.to_string().contains("scalar"), "{error}");
    assert!(Mppi::new(&with(|c| (c.noise_sigma, c.backend) = (sigma, Backend::Scalar)), 2, None, 0).is_ok());
}

#[test]
fn sizes_beyond_memory_are_refused_with_the_estimate() {
    for (config, larger) in [
        (with(|c| c.num_samples = 1_000_000_000), "mppi.num_samples"),
        (with(|c| c.horizon = 100_000_000), "mppi.horizon"),
    ] {
        let (key, message) = refusal(config);
        assert_eq!(key, larger);
        assert!(message.contains("GiB") && message.contains("lower mppi.num_samples"), "{message}");
    }
    let (_, message) = refusal(with(|c| (c.num_samples, c.horizon) = (usize::MAX, usize::MAX)));
    assert!(message.contains("more than 2^64 bytes"), "{message}");
}
