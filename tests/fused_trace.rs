//! The fused CUDA path's CPU-testable half (issue 18, part 2): the Acrobot-DZ model and the
//! paper's cost plugins (target tracking, Eq. 39, and danger, Eq. 42), traced once into a
//! [`RolloutProgram`] and interpreted in f64, reproduce the f64 backend's rollout costs and
//! final states; the emitted CUDA C is well-formed. `RLMPC_FUSED_CUDA_OUT=file.cu` writes
//! the emitted source so that nvcc or NVRTC can compile it (scripts/gpu-check.sh does).

use rlmpc::core::fused::{emit_cuda, RolloutProgram, KERNEL_NAME};
use rlmpc::core::mppi::{Backend, NoiseInput};
use rlmpc::runner::config::Experiment;
use rlmpc::runner::planner::Planner;

const ACROBOT_TRACKING: &str = include_str!("../configs/acrobot/tracking_mppi.toml");

fn acrobot_planner(backend: Backend, horizon: usize) -> (Planner, Experiment) {
    let mut experiment = Experiment::parse("<test>", ACROBOT_TRACKING).unwrap();
    experiment.config.mppi.backend = backend;
    experiment.config.mppi.horizon = horizon;
    let env = experiment.build_env().unwrap();
    let action_dim = experiment.config.planner.action.len();
    (Planner::from_experiment(&experiment, env.as_ref(), action_dim).unwrap(), experiment)
}

#[test]
fn interpreted_trace_matches_the_f64_backend_on_acrobot_dz() {
    let (mut planner, experiment) = acrobot_planner(Backend::Scalar, 30);
    let env = experiment.build_env().unwrap();
    let zone = env.danger_zone();
    let action = experiment.config.planner.action.clone();
    let state = [0.3, -0.2, 1.0, -1.5];
    let Planner { mppi, model, cost } = &mut planner;
    mppi.optimize(model.as_ref(), cost.as_ref(), &state, &action, zone.as_ref(), NoiseInput::Sampled).unwrap();
    let program = RolloutProgram::record(model.as_ref(), cost.as_ref(), 1, action.len(), zone.as_ref()).unwrap();
    let (k, h, nu, _) = mppi.shape();
    let hn = h * nu;
    for sample in (0..k).step_by(7) {
        let controls: Vec<f64> = mppi
            .shifted_nominal()
            .iter()
            .zip(&mppi.effective_noise()[sample * hn..(sample + 1) * hn])
            .map(|(u, e)| u + e)
            .collect();
        let (costs, final_state) = program.interpret(&state, &controls, &action);
        let want_cost = mppi.total_costs(0)[sample] - mppi.perturbation_costs()[sample];
        assert!(
            (costs[0] - want_cost).abs() <= 1e-9 * want_cost.abs().max(1.0),
            "sample {sample}: {costs:?} vs {want_cost}"
        );
        let want_state = &mppi.final_states()[sample * 4..(sample + 1) * 4];
        for (got, want) in final_state.iter().zip(want_state) {
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "sample {sample}: {final_state:?} vs {want_state:?}"
            );
        }
    }
}

#[test]
fn emitted_cuda_has_one_kernel_with_the_horizon_loop_inside() {
    let (planner, experiment) = acrobot_planner(Backend::Scalar, 30);
    let zone = experiment.build_env().unwrap().danger_zone();
    let program = RolloutProgram::record(planner.model.as_ref(), planner.cost.as_ref(), 4, 2, zone.as_ref()).unwrap();
    let source = emit_cuda(&program, 30, false);
    assert_eq!(source.matches("__global__").count(), 1);
    assert!(source.contains(&format!("void {KERNEL_NAME}(")));
    assert!(source.contains("#define H 30") && source.contains("#define M 4"));
    if let Ok(path) = std::env::var("RLMPC_FUSED_CUDA_OUT") {
        std::fs::write(path, &source).unwrap();
    }
    assert!(!source.contains("NaN") && !source.contains("inff"), "every constant is a C literal");
}
