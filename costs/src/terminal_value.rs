//! Eq. 41: the learner's critic as MPPI's terminal cost.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J_RL^V = −V(ψ(x_H)) (Eq. 41), V the learner's current critic (the mean of its value heads).
/// It has no running part; the planner evaluates the critic once per call on all K final
/// states and adds −w·V to every candidate's rollout cost (pytorch-mppi's terminal cost).
/// Combine it with `target-tracking` or `quadratic` in one config (App. D, Fig. 5).
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalValue;

impl CostCoupling for TerminalValue {
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

/// `[costs.params]` of `terminal-value`: none (the term's `weight` scales it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TerminalValueParams {}

fn build(params: Params<'_, '_>, _context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let TerminalValueParams {} = rlmpc_core::erased_serde::deserialize(params)?;
    Ok(Box::new(TerminalValue))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "terminal-value",
        "Eq. 41: −V(ψ(x_H)) from the learner's critic, one batched evaluation per MPPI call",
        build,
        module_path!()
    )
}
