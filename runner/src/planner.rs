//! The low level of the hierarchy: MPPI planning with the surrogate model under the cost that
//! the high-level action conditions (Eq. 2–3, 38), plus the critic's terminal value (Eq. 41).

use std::sync::Arc;

use rlmpc_core::geometry::DangerZone;
use rlmpc_core::model::SurrogateModel;
use rlmpc_core::mppi::{Mppi, NoiseInput};
use rlmpc_core::policy::Critic;
use rlmpc_core::{Cost, Error};

/// The low level of the hierarchy: MPPI with its model and cost.
pub struct Planner {
    /// The MPPI engine (holds the warm start).
    pub mppi: Mppi,
    /// The surrogate model M̂.
    pub model: Arc<dyn SurrogateModel>,
    /// The cost J(·; a) (Eq. 38).
    pub cost: Box<dyn Cost>,
}

impl Planner {
    /// One MPPI call from `state` under the M candidate RL actions (see [`Mppi::optimize`]).
    /// When the cost has a critic term (Eq. 41), the K final states are mapped through ψ and
    /// valued by `critic` in one batch, and −w·V(ψ(x_H)) joins every candidate's cost.
    pub fn optimize(
        &mut self,
        state: &[f64],
        actions: &[f64],
        zone: Option<&DangerZone>,
        critic: Option<&dyn Critic>,
    ) -> Result<(), Error> {
        let Self { mppi, model, cost } = self;
        let weight = cost.critic_weight();
        // Checked before the call starts, so that a refused call leaves MPPI as it was.
        let critic = match critic {
            None if weight != 0.0 => {
                return Err(Error::Invalid(
                    "the cost has a `terminal-value` term (Eq. 41), which needs a learner's critic: \
                     pure MPPI has none; train a policy and evaluate its run instead"
                        .into(),
                ))
            }
            critic => critic,
        };
        mppi.roll_out(model.as_ref(), cost.as_ref(), state, actions, zone, NoiseInput::Sampled)?;
        if let Some(critic) = critic.filter(|_| weight != 0.0) {
            let nx = model.layout().state_dim;
            let observations: Vec<f64> =
                mppi.final_states().chunks_exact(nx).flat_map(|x| model.observe(x, zone)).collect();
            let mut values = vec![0.0; mppi.final_states().len() / nx];
            critic.value(&observations, &mut values);
            values.iter_mut().for_each(|v| *v *= -weight);
            mppi.add_terminal_costs(&values);
        }
        mppi.finish();
        check_plans(mppi)
    }
}

/// Every candidate's plan is finite; a NaN plan would otherwise be clipped to the lower
/// bound and acted on as if it were a decision.
fn check_plans(mppi: &Mppi) -> Result<(), Error> {
    let candidates = mppi.shape().3;
    match (0..candidates).find(|&m| mppi.plan(m).iter().any(|u| !u.is_finite())) {
        Some(m) => Err(Error::Diverged {
            what: format!("MPPI's plan for candidate {m}"),
            at: String::new(),
            cause: "every rollout cost was NaN or infinite; a cost term, its weight, the RL action or the model \
                    produced a non-finite value (try `rlmpc mppi` with the same config to see it without a policy)"
                .into(),
        }),
        None => Ok(()),
    }
}
