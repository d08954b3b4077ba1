//! MPPI conformance: every `command()` call recorded from pytorch-mppi 0.9.1
//! (`tests/data/mppi_vectors.json`) reproduced in f64 to 1e-9 relative, and by the f32 lane
//! backend and the dfdx graph backend on dfdx's CPU device (issue 18) within 1e-4.
//! `RLMPC_CONFORMANCE_BACKEND=cuda` (or `cuda-fused`) runs the same vectors on a GPU build.

use rlmpc::core::mppi::{Backend, Mppi, MppiConfig, NoiseInput, NoiseSigma};
use rlmpc::core::{Cost, DangerZone};
use rlmpc::core::{CostCoupling, Dynamics, Needs, Real, RewardModel, StateLayout, StateMap, StepView, SurrogateModel};
use rlmpc::envs::acrobot::AcrobotModel;
use rlmpc::envs::pendulum::PendulumModel;
use serde_json::Value;

/// The vectors, from the source tree this test was built in, or from `RLMPC_REPO/tests/data`
/// when the binary runs elsewhere (the GPU machine of scripts/gpu-check.sh).
fn vectors() -> Value {
    let root = std::env::var("RLMPC_REPO").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let text = std::fs::read_to_string(format!("{root}/tests/data/mppi_vectors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap()],
        other => panic!("expected numbers, got {other}"),
    }
}

fn opt_vec(v: &Value) -> Option<Vec<f64>> {
    (!v.is_null()).then(|| flat(v))
}

/// The `linear2d_nu2` model of the vectors: a 2-state, 2-control linear system.
struct Linear2d;

impl Dynamics for Linear2d {
    fn layout(&self) -> StateLayout {
        StateLayout { state_dim: 2, control_dim: 2, tracked: vec![], has_position: false }
    }
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let c = R::splat;
        next[0] = x[0] + c(0.1) * x[1] + c(0.005) * u[0] + c(0.002) * u[1];
        next[1] = x[1] + c(0.1) * u[0] - c(0.04) * u[1];
    }
}

impl RewardModel for Linear2d {
    fn reward<R: Real>(&self, _x: &[R], _u: &[R], _next: &[R], _zone: Option<&DangerZone>) -> R {
        R::zero()
    }
}

impl StateMap for Linear2d {
    fn observe(&self, x: &[f64], _zone: Option<&DangerZone>) -> Vec<f64> {
        x.to_vec()
    }
}

/// Each case's running cost q(x', u), as the vectors' `running_cost` strings state.
enum CaseCost {
    Linear2d,
    Acrobot,
    Pendulum,
}

impl CostCoupling for CaseCost {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        let (x, u, c) = (step.state, step.control, R::splat);
        match self {
            CaseCost::Linear2d => {
                c(1.0) * x[0] * x[0] + c(0.1) * x[1] * x[1] + c(0.01) * u[0] * u[0] + c(0.02) * u[1] * u[1]
            }
            CaseCost::Acrobot => {
                (x[0] - c(std::f64::consts::PI)).angle_normalize().square()
                    + x[1].square()
                    + c(0.1) * x[2].square()
                    + c(0.1) * x[3].square()
                    + c(0.01) * u[0].square()
            }
            CaseCost::Pendulum => x[0].angle_normalize().square() + c(0.1) * x[1].square() + c(0.001) * u[0].square(),
        }
    }
}

fn case_parts(name: &str) -> (Box<dyn SurrogateModel>, CaseCost) {
    match name {
        "linear2d_nu2" => (Box::new(Linear2d), CaseCost::Linear2d),
        "acrobot" => (Box::new(AcrobotModel::default()), CaseCost::Acrobot),
        "pendulum" => (Box::new(PendulumModel::default()), CaseCost::Pendulum),
        other => panic!("unknown model {other}"),
    }
}

fn config(case: &Value, backend: Backend) -> MppiConfig {
    let nu = case["nu"].as_u64().unwrap() as usize;
    let sigma = flat(&case["noise_sigma"]);
    MppiConfig {
        num_samples: case["K"].as_u64().unwrap() as usize,
        horizon: case["H"].as_u64().unwrap() as usize,
        lambda: case["lambda_"].as_f64().unwrap(),
        noise_sigma: NoiseSigma::Matrix(sigma.chunks(nu).map(<[f64]>::to_vec).collect()),
        noise_mu: Some(flat(&case["noise_mu"])),
        u_min: opt_vec(&case["u_min"]),
        u_max: opt_vec(&case["u_max"]),
        u_init: Some(flat(&case["u_init"])),
        noise_abs_cost: case["noise_abs_cost"].as_bool().unwrap(),
        candidates: 1,
        backend,
    }
}

/// Largest |got − want| / max(1, |want|).
fn max_rel_error(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter().zip(want).map(|(g, w)| (g - w).abs() / w.abs().max(1.0)).fold(0.0, f64::max)
}

/// Runs every call of every case on `backend` and returns the worst error per quantity.
fn worst_errors(backend: Backend) -> Vec<(String, f64)> {
    let data = vectors();
    let mut worst: Vec<(String, f64)> = Vec::new();
    for case in data["cases"].as_array().unwrap() {
        let (model, cost) = case_parts(case["model"].as_str().unwrap());
        let nu = case["nu"].as_u64().unwrap() as usize;
        assert!(case["terminal_state_cost"].is_null());
        let mut mppi = Mppi::new(&config(case, backend), nu, None, 0).unwrap();
        for call in case["calls"].as_array().unwrap() {
            mppi.set_nominal(&flat(&call["U_before_call"]));
            let noise = flat(&call["noise_sampled"]);
            let state = flat(&call["state"]);
            mppi.optimize(model.as_ref(), &cost as &dyn Cost, &state, &[], None, NoiseInput::Given(&noise)).unwrap();
            let checks = [
                ("U_shifted", mppi.shifted_nominal(), flat(&call["U_shifted"])),
                ("noise_clamped", mppi.effective_noise(), flat(&call["noise_clamped"])),
                ("perturbation_cost", mppi.perturbation_costs(), flat(&call["perturbation_cost"])),
                ("cost_total", mppi.total_costs(0), flat(&call["cost_total"])),
                ("omega", mppi.weights(0), flat(&call["omega"])),
                ("U_after_update", mppi.plan(0), flat(&call["U_after_update"])),
                ("action", mppi.action(0), flat(&call["action"])),
            ];
            for (name, got, want) in checks {
                let label = format!("{}/{name}", case["name"].as_str().unwrap());
                let error = max_rel_error(got, &want);
                match worst.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, e)) => *e = e.max(error),
                    None => worst.push((label, error)),
                }
            }
            mppi.commit(0);
        }
    }
    worst
}

#[test]
fn f64_backend_reproduces_every_pytorch_mppi_call() {
    for (label, error) in worst_errors(Backend::Scalar) {
        assert!(error <= 1e-9, "{label}: error {error:e} > 1e-9");
    }
}

#[test]
fn f32_lane_backend_agrees_with_pytorch_mppi_within_1e_4() {
    for (label, error) in worst_errors(Backend::Lanes) {
        assert!(error <= 1e-4, "{label}: error {error:e} > 1e-4");
    }
}

#[test]
fn dfdx_graph_backend_on_cpu_agrees_with_pytorch_mppi_within_1e_4() {
    for (label, error) in worst_errors(Backend::DfdxCpu) {
        assert!(error <= 1e-4, "{label}: error {error:e} > 1e-4");
    }
}

/// The GPU check (`scripts/gpu-check.sh`) names a device backend; CI leaves this unset.
#[test]
fn backend_named_by_the_environment_agrees_with_pytorch_mppi_within_1e_4() {
    let Ok(name) = std::env::var("RLMPC_CONFORMANCE_BACKEND") else { return };
    let backend: Backend = serde_json::from_value(Value::String(name.clone())).unwrap();
    for (label, error) in worst_errors(backend) {
        println!("{name} {label}: worst relative error {error:e}");
        assert!(error <= 1e-4, "{name} {label}: error {error:e} > 1e-4");
    }
}

#[test]
fn noise_transform_maps_standard_normal_draws_like_pytorch_mppi() {
    let data = vectors();
    for case in data["cases"].as_array().unwrap() {
        let nu = case["nu"].as_u64().unwrap() as usize;
        let mppi = Mppi::new(&config(case, Backend::Scalar), nu, None, 0).unwrap();
        for call in case["calls"].as_array().unwrap() {
            let z = flat(&call["z_standard_normal"]);
            let mut noise = vec![0.0; z.len()];
            mppi.noise_from_standard_normal(&z, &mut noise);
            let error = max_rel_error(&noise, &flat(&call["noise_sampled"]));
            assert!(error <= 1e-12, "{}: noise transform error {error:e}", case["name"]);
        }
    }
}
