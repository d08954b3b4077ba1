//! Engine behaviour beyond pytorch-mppi's vectors: reproducibility, thread independence,
//! and the paper's M candidates on one shared noise set (decision record §1).

use rlmpc_core::mppi::{Backend, Mppi, MppiConfig, NoiseInput};
use rlmpc_core::{CostCoupling, DangerZone, Dynamics, Needs, Real, RewardModel, StateLayout, StateMap, StepView};

/// A double integrator: position and velocity, force input.
struct DoubleIntegrator;

impl Dynamics for DoubleIntegrator {
    fn layout(&self) -> StateLayout {
        StateLayout { state_dim: 2, control_dim: 1, tracked: vec![], has_position: false }
    }
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        next[1] = x[1] + R::splat(0.1) * u[0];
        next[0] = x[0] + R::splat(0.1) * next[1];
    }
}

impl RewardModel for DoubleIntegrator {
    fn reward<R: Real>(&self, _x: &[R], _u: &[R], next: &[R], _zone: Option<&DangerZone>) -> R {
        -next[0].square()
    }
}

impl StateMap for DoubleIntegrator {
    fn observe(&self, x: &[f64], _zone: Option<&DangerZone>) -> Vec<f64> {
        x.to_vec()
    }
}

/// Drive the position to the target a[0].
struct GoTo;

impl CostCoupling for GoTo {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        (step.state[0] - a[0]).square() + R::splat(0.1) * step.state[1].square()
    }
}

fn engine(k: usize, candidates: usize, backend: Backend, seed: u64) -> Mppi {
    let config = MppiConfig { num_samples: k, horizon: 12, candidates, backend, ..MppiConfig::default() };
    Mppi::new(&config, 1, Some((&[-1.0], &[1.0])), seed).unwrap()
}

fn plan(mppi: &mut Mppi, actions: &[f64]) -> Vec<f64> {
    mppi.optimize(&DoubleIntegrator, &GoTo, &[0.0, 0.0], actions, None, NoiseInput::Sampled).unwrap();
    mppi.plan(0).to_vec()
}

#[test]
fn same_seed_same_plan_and_different_seed_different_plan() {
    for backend in [Backend::Lanes, Backend::Scalar] {
        let a = plan(&mut engine(300, 1, backend, 7), &[1.0]);
        let b = plan(&mut engine(300, 1, backend, 7), &[1.0]);
        let c = plan(&mut engine(300, 1, backend, 8), &[1.0]);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let one_thread = single.install(|| plan(&mut engine(1000, 1, Backend::Lanes, 3), &[1.0]));
    let many_threads = plan(&mut engine(1000, 1, Backend::Lanes, 3), &[1.0]);
    assert_eq!(one_thread, many_threads);
}

#[test]
fn candidates_share_one_noise_set_and_differ_only_in_cost() {
    let mut single = engine(200, 1, Backend::Scalar, 11);
    let mut multi = engine(200, 3, Backend::Scalar, 11);
    let single_plan = plan(&mut single, &[1.0]);
    multi.optimize(&DoubleIntegrator, &GoTo, &[0.0, 0.0], &[-1.0, 1.0, 0.5], None, NoiseInput::Sampled).unwrap();
    assert_eq!(single.effective_noise(), multi.effective_noise(), "one noise set for all candidates");
    assert_eq!(multi.plan(1), &single_plan[..], "candidate with the same action gives the same plan");
    assert!(multi.action(0)[0] < 0.0 && multi.action(1)[0] > 0.0, "targets −1 and +1 push opposite ways");
    multi.commit(2);
    let committed = multi.plan(2).to_vec();
    multi.optimize(&DoubleIntegrator, &GoTo, &[0.0, 0.0], &[-1.0, 1.0, 0.5], None, NoiseInput::Sampled).unwrap();
    assert_eq!(&multi.shifted_nominal()[..11], &committed[1..], "warm start is U^(m*) shifted");
    assert_eq!(multi.shifted_nominal()[11], 0.0, "last entry is u_init");
}

#[test]
fn lanes_and_scalar_backends_agree_on_sampled_noise() {
    let lanes = plan(&mut engine(100, 1, Backend::Lanes, 5), &[1.0]);
    let scalar = plan(&mut engine(100, 1, Backend::Scalar, 5), &[1.0]);
    for (l, s) in lanes.iter().zip(&scalar) {
        assert!((l - s).abs() < 1e-4, "{l} vs {s}");
    }
}

#[test]
fn controls_stay_in_bounds_and_mismatched_shapes_are_errors() {
    let mut mppi = engine(64, 1, Backend::Lanes, 1);
    let _ = plan(&mut mppi, &[50.0]);
    assert!(mppi
        .effective_noise()
        .iter()
        .zip(mppi.shifted_nominal().iter().cycle())
        .all(|(e, u)| (u + e).abs() <= 1.0 + 1e-12));
    let err = mppi.optimize(&DoubleIntegrator, &GoTo, &[0.0], &[1.0], None, NoiseInput::Sampled).unwrap_err();
    assert!(err.to_string().contains("state"), "{err}");
    let err = Mppi::new(&MppiConfig { lambda: 0.0, ..MppiConfig::default() }, 1, None, 0).err().unwrap();
    assert!(err.to_string().contains("lambda"), "{err}");
}

/// [`GoTo`] plus a terminal cost φ(x_H; a) = 5 + x_H[0]².
struct GoToWithTerminal;

impl CostCoupling for GoToWithTerminal {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        GoTo.running(step, a)
    }
    fn terminal<R: Real>(&self, state: &[R], _a: &[R]) -> R {
        R::splat(5.0) + state[0].square()
    }
}

#[test]
fn the_terminal_cost_is_added_once_per_rollout_at_the_last_state() {
    let noise: Vec<f64> = (0..16 * 12).map(|i| ((i * 37 % 17) as f64 - 8.0) / 10.0).collect();
    let run = |cost: &dyn rlmpc_core::Cost| {
        let mut mppi = engine(16, 1, Backend::Scalar, 0);
        mppi.optimize(&DoubleIntegrator, cost, &[0.5, 0.0], &[1.0], None, NoiseInput::Given(&noise)).unwrap();
        (mppi.total_costs(0).to_vec(), mppi.effective_noise().to_vec(), mppi.shifted_nominal().to_vec())
    };
    let (plain, eps, nominal) = run(&GoTo);
    let (with_terminal, _, _) = run(&GoToWithTerminal);
    for (k, (p, t)) in plain.iter().zip(&with_terminal).enumerate() {
        let mut x = [0.5, 0.0];
        for step in 0..12 {
            let u = nominal[step] + eps[k * 12 + step];
            x[1] += 0.1 * u;
            x[0] += 0.1 * x[1];
        }
        let phi = 5.0 + x[0] * x[0];
        assert!((t - p - phi).abs() < 1e-9, "sample {k}: {t} − {p} ≠ φ = {phi}");
    }
}

/// No running cost; the critic's terminal term (Eq. 41) with weight 1.
struct CriticOnly;

impl CostCoupling for CriticOnly {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, _step: &StepView<'_, R>, _a: &[R]) -> R {
        R::zero()
    }
    fn critic_weight(&self) -> f64 {
        1.0
    }
}

#[test]
fn final_states_are_each_rollouts_state_after_h_steps() {
    let (k, h) = (32, 12);
    let mut mppi = engine(k, 1, Backend::Scalar, 0);
    // Given noise inside the bounds: sample k's controls are its noise (the nominal is zero).
    let noise: Vec<f64> = (0..k * h).map(|i| ((i * 37 % 19) as f64 - 9.0) / 10.0).collect();
    mppi.roll_out(&DoubleIntegrator, &GoTo, &[0.0, 0.0], &[1.0], None, NoiseInput::Given(&noise)).unwrap();
    for (sample, controls) in noise.chunks_exact(h).enumerate() {
        let mut x = [0.0, 0.0];
        for u in controls {
            x = [x[0] + 0.1 * (x[1] + 0.1 * u), x[1] + 0.1 * u];
        }
        let stored = &mppi.final_states()[2 * sample..2 * sample + 2];
        assert!(
            (stored[0] - x[0]).abs() < 1e-12 && (stored[1] - x[1]).abs() < 1e-12,
            "sample {sample}: {stored:?} vs {x:?}"
        );
    }
}

#[test]
fn a_plain_mppi_call_refuses_a_cost_with_a_critic_term() {
    let err = engine(32, 1, Backend::Lanes, 0)
        .optimize(&DoubleIntegrator, &CriticOnly, &[0.0, 0.0], &[], None, NoiseInput::Sampled)
        .unwrap_err()
        .to_string();
    assert!(err.contains("critic term") && err.contains("Planner::optimize"), "{err}");
}

/// The double integrator driven through a one-way actuator: it pushes for u > 0 and does
/// nothing for u ≤ 0 (as an engine fires or not).
struct OneWayThruster;

impl Dynamics for OneWayThruster {
    fn layout(&self) -> StateLayout {
        DoubleIntegrator.layout()
    }
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let mut pushed = [R::zero()];
        self.actuation(u, &mut pushed);
        DoubleIntegrator.step(x, &pushed, next);
    }
    fn actuation<R: Real>(&self, u: &[R], out: &mut [R]) {
        out[0] = u[0].max(R::zero());
    }
}

impl RewardModel for OneWayThruster {
    fn reward<R: Real>(&self, x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        DoubleIntegrator.reward(x, u, next, zone)
    }
}

impl StateMap for OneWayThruster {
    fn observe(&self, x: &[f64], _zone: Option<&DangerZone>) -> Vec<f64> {
        x.to_vec()
    }
}

/// Effort alone: ‖actuation‖², with or without asking the rollout for the actuation.
struct Effort {
    declared: bool,
}

impl CostCoupling for Effort {
    fn needs(&self) -> Needs {
        Needs { actuation: self.declared, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        step.actuation[0].square()
    }
}

#[test]
fn costs_that_ask_for_the_actuation_see_the_models_and_others_the_control() {
    fn planned<M: Dynamics + RewardModel + StateMap>(model: &M, backend: Backend, declared: bool) -> Vec<f64> {
        let mut mppi = engine(2000, 1, backend, 5);
        mppi.optimize(model, &Effort { declared }, &[0.0, 0.0], &[0.0], None, NoiseInput::Sampled).unwrap();
        mppi.plan(0).to_vec()
    }
    let mean = |plan: &[f64]| plan.iter().sum::<f64>() / plan.len() as f64;
    for backend in [Backend::Lanes, Backend::Scalar, Backend::DfdxCpu] {
        let on_actuation = planned(&OneWayThruster, backend, true);
        let on_control = planned(&OneWayThruster, backend, false);
        // Charged for pushing only, MPPI leans to the free side; charged for |u|, to neither.
        assert!(mean(&on_actuation) < -0.05, "{backend:?}: mean planned control {}", mean(&on_actuation));
        assert!(mean(&on_control).abs() < 0.02, "{backend:?}: mean planned control {}", mean(&on_control));
        let identity = planned(&DoubleIntegrator, backend, false);
        assert_eq!(on_control, identity, "{backend:?}: undeclared, the cost sees the control");
    }
}
