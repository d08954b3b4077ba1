//! The planner (MPPI with a model and a cost) with the critic's terminal value (Eq. 41): the
//! critic values the rollouts' final states through ψ, and a cost that needs one refuses to
//! plan without it.

use rlmpc_core::mppi::{Backend, Mppi, MppiConfig};
use rlmpc_core::{CostCoupling, DangerZone, Dynamics, Needs, Real, RewardModel, StateLayout, StateMap, StepView};
use rlmpc_runner::planner::Planner;

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

/// V(s) = −100 (s₀ − goal)²: the critic likes positions near `goal` (sharply, against λ = 1).
struct Likes {
    goal: f64,
}

impl rlmpc_core::Critic for Likes {
    fn value(&self, observations: &[f64], out: &mut [f64]) {
        for (v, s) in out.iter_mut().zip(observations.chunks_exact(2)) {
            *v = -100.0 * (s[0] - self.goal).powi(2);
        }
    }
}

fn critic_planner(seed: u64) -> Planner {
    let config = MppiConfig { num_samples: 256, horizon: 12, backend: Backend::Lanes, ..MppiConfig::default() };
    Planner {
        mppi: Mppi::new(&config, 1, Some((&[-1.0], &[1.0])), seed).unwrap(),
        model: std::sync::Arc::new(DoubleIntegrator),
        cost: Box::new(CriticOnly),
    }
}

#[test]
fn terminal_value_cost_steers_towards_what_the_critic_values() {
    let final_position = |goal: f64| {
        let mut planner = critic_planner(3);
        planner.optimize(&[0.0, 0.0], &[], None, Some(&Likes { goal })).unwrap();
        let mut x = [0.0, 0.0];
        for u in planner.mppi.plan(0) {
            x = [x[0] + 0.1 * (x[1] + 0.1 * u), x[1] + 0.1 * u];
        }
        x[0]
    };
    let (up, down) = (final_position(0.5), final_position(-0.5));
    assert!(up > 0.2 && down < -0.2, "plans end at {up} (critic likes 0.5) and {down} (likes −0.5)");

    // The critic valued exactly the rollouts' final states, through ψ (the identity here).
    let mut planner = critic_planner(3);
    let critic = Recording::default();
    planner.optimize(&[0.0, 0.0], &[], None, Some(&critic)).unwrap();
    assert_eq!(planner.mppi.final_states().len(), 256 * 2);
    assert_eq!(*critic.seen.borrow(), planner.mppi.final_states());
}

/// A critic that values everything 0 and keeps what it was asked about.
#[derive(Default)]
struct Recording {
    seen: std::cell::RefCell<Vec<f64>>,
}

impl rlmpc_core::Critic for Recording {
    fn value(&self, observations: &[f64], out: &mut [f64]) {
        self.seen.borrow_mut().extend_from_slice(observations);
        out.fill(0.0);
    }
}

#[test]
fn terminal_value_cost_without_a_critic_is_an_error_that_says_why() {
    let mut refused = critic_planner(0);
    let err = refused.optimize(&[0.0, 0.0], &[], None, None).unwrap_err().to_string();
    assert!(err.contains("terminal-value") && err.contains("critic"), "{err}");
    // The refused call left MPPI as it was: the next call plans as a fresh planner's first.
    let critic = Likes { goal: 0.5 };
    refused.optimize(&[0.0, 0.0], &[], None, Some(&critic)).unwrap();
    let mut fresh = critic_planner(0);
    fresh.optimize(&[0.0, 0.0], &[], None, Some(&critic)).unwrap();
    assert_eq!(refused.mppi.plan(0), fresh.mppi.plan(0));
}
