//! The dfdx graph backend (issue 18) beyond pytorch-mppi's vectors: its device-drawn noise has
//! the configured mean and covariance, M candidates and added terminal costs give the lanes'
//! plans, and GPU backends in a build without them are a config error.

use rlmpc_core::mppi::{Backend, Mppi, MppiConfig, NoiseInput};
use rlmpc_core::{CostCoupling, DangerZone, Dynamics, Needs, Real, RewardModel, StateLayout, StateMap, StepView};

/// A pendulum-like system with a wrap, so the graph sees `sin`, comparisons and `select`.
struct Swing;

impl Dynamics for Swing {
    fn layout(&self) -> StateLayout {
        StateLayout { state_dim: 2, control_dim: 1, tracked: vec![], has_position: false }
    }
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let w = x[1] + R::splat(0.05) * (u[0] - R::splat(9.8) * x[0].sin());
        next[1] = w.clamp(R::splat(-8.0), R::splat(8.0));
        next[0] = (x[0] + R::splat(0.05) * next[1]).wrap(-std::f64::consts::PI, std::f64::consts::PI);
    }
}

impl RewardModel for Swing {
    fn reward<R: Real>(&self, _x: &[R], _u: &[R], _next: &[R], _zone: Option<&DangerZone>) -> R {
        R::zero()
    }
}

impl StateMap for Swing {
    fn observe(&self, x: &[f64], _zone: Option<&DangerZone>) -> Vec<f64> {
        x.to_vec()
    }
}

/// Drive the angle to a[0].
struct Target;

impl CostCoupling for Target {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        (step.state[0] - a[0]).angle_normalize().square() + R::splat(0.01) * step.control[0].square()
    }
    fn terminal<R: Real>(&self, state: &[R], _a: &[R]) -> R {
        R::splat(2.0) * state[1].abs()
    }
}

fn engine(k: usize, candidates: usize, backend: Backend) -> Mppi {
    let config = MppiConfig { num_samples: k, horizon: 15, candidates, backend, ..MppiConfig::default() };
    Mppi::new(&config, 1, Some((&[-2.0], &[2.0])), 5).unwrap()
}

#[test]
fn device_drawn_noise_has_the_configured_mean_and_variance() {
    let config = MppiConfig { num_samples: 4096, horizon: 12, backend: Backend::DfdxCpu, ..MppiConfig::default() };
    let mut mppi = Mppi::new(&config, 1, None, 11).unwrap();
    mppi.optimize(&Swing, &Target, &[0.5, 0.0], &[3.0], None, NoiseInput::Sampled).unwrap();
    let noise = mppi.effective_noise();
    let n = noise.len() as f64;
    let mean = noise.iter().sum::<f64>() / n;
    let variance = noise.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n;
    // Σ = 0.5 (the default noise_sigma); 49,152 draws put both within a few standard errors.
    assert!(mean.abs() < 0.02, "mean {mean}");
    assert!((variance - 0.5).abs() < 0.02, "variance {variance}");
}

#[test]
fn candidates_and_terminal_costs_give_the_lanes_plans() {
    let (k, h) = (500, 15);
    let noise: Vec<f64> = (0..k * h).map(|i| ((i * 7919) % 1000) as f64 / 250.0 - 2.0).collect();
    let actions = [3.0, -1.0, 0.5];
    let terminal: Vec<f64> = (0..k).map(|i| (i % 13) as f64 * 0.1).collect();
    let mut plans = Vec::new();
    for backend in [Backend::Lanes, Backend::DfdxCpu] {
        let mut mppi = engine(k, 3, backend);
        mppi.roll_out(&Swing, &Target, &[0.5, 0.0], &actions, None, NoiseInput::Given(&noise)).unwrap();
        mppi.add_terminal_costs(&terminal);
        mppi.finish();
        plans.push((0..3).flat_map(|m| mppi.plan(m).to_vec()).collect::<Vec<_>>());
    }
    for (lanes, graph) in plans[0].iter().zip(&plans[1]) {
        assert!((lanes - graph).abs() < 1e-4, "{lanes} vs {graph}");
    }
}

#[cfg(not(feature = "cuda"))]
#[test]
fn gpu_backends_without_the_cuda_feature_are_a_config_error() {
    for backend in [Backend::Cuda, Backend::CudaFused] {
        let config = MppiConfig { backend, ..MppiConfig::default() };
        let error = Mppi::new(&config, 1, None, 0).err().expect("refused").to_string();
        assert!(error.contains("`cuda` cargo feature"), "{error}");
    }
}
