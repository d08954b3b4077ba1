//! Pure MPPI's cost (paper App. E): the reward model, negated.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J = −r̂(x_τ, u_τ, x_{τ+1}).
#[derive(Clone, Debug, Default)]
pub struct NegativeReward;

impl CostCoupling for NegativeReward {
    fn needs(&self) -> Needs {
        Needs { reward: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        -step.reward
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NegativeRewardParams {}

fn build(params: Params<'_, '_>, _context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let NegativeRewardParams {} = rlmpc_core::erased_serde::deserialize(params)?;
    Ok(Box::new(NegativeReward))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new("negative-reward", "−r̂: the reward model as a cost (pure MPPI)", build, module_path!())
}
