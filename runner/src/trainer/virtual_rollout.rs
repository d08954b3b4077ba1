//! Virtual tuples (paper Eq. 6–7; decision record §1.5, §2): what MPPI's unexecuted candidate m
//! would have done from x_t according to the surrogate model.

use rlmpc_core::geometry::DangerZone;
use rlmpc_core::model::{SurrogateIn, SurrogateModel};
use rlmpc_core::BoxSpace;

/// The surrogate's rollout of one candidate's sequence U^(m) from x_t: r̂ and ψ(x̂) per step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VirtualRollout {
    /// r̂(x̂_τ, u_τ, x̂_{τ+1}) for τ = 0..L.
    pub rewards: Vec<f64>,
    /// ψ(x̂_{τ+1}) for τ = 0..L, row-major `[L][observation_dim]`.
    pub observations: Vec<f64>,
    /// Whether x̂_L is terminal (the rollout stopped there).
    pub terminated: bool,
}

/// Where a virtual rollout starts (l. 8): x_t, the first controls of candidate m's U^(m) and the
/// episode's danger zone, stored during collection and rolled out at the update.
#[derive(Clone, Debug, PartialEq)]
pub struct RolloutStart {
    /// x_t, the model state of the real step.
    pub state: Vec<f64>,
    /// The controls to roll through P̂, `[steps][nu]`.
    pub plan: Vec<f64>,
    /// The episode's danger zone.
    pub zone: Option<DangerZone>,
}

impl RolloutStart {
    /// Rolls `plan` (each control clipped to the action space, as the real environment clips)
    /// through P̂ from `state`, stopping at a terminal state.
    pub fn roll_out(&self, model: &dyn SurrogateModel, action_space: &BoxSpace) -> VirtualRollout {
        let zone = self.zone.as_ref();
        let mut out = VirtualRollout::default();
        let mut x = self.state.clone();
        let mut next = vec![0.0; x.len()];
        for u in self.plan.chunks_exact(action_space.dim()) {
            let u = action_space.clip(u);
            SurrogateIn::<f64>::step(model, &x, &u, &mut next);
            out.rewards.push(SurrogateIn::<f64>::reward(model, &x, &u, &next, zone));
            out.observations.extend(model.observe(&next, zone));
            std::mem::swap(&mut x, &mut next);
            if model.terminated(&x) {
                out.terminated = true;
                break;
            }
        }
        out
    }
}

/// GAE(γ, λ) at τ = 0 of a virtual rollout: `values[0]` = V(s_t), `values[τ]` = V(ψ(x̂_τ)) for
/// τ = 1..=L. After a terminal x̂_L nothing is bootstrapped; otherwise V(ψ(x̂_L)) is.
pub fn advantage_at_start(rewards: &[f64], values: &[f64], terminated: bool, gamma: f64, gae_lambda: f64) -> f64 {
    let steps = rewards.len();
    let mut advantage = 0.0;
    for t in (0..steps).rev() {
        let last = t + 1 == steps;
        let next_value = if last && terminated { 0.0 } else { values[t + 1] };
        let delta = rewards[t] + gamma * next_value - values[t];
        advantage = delta + gamma * gae_lambda * advantage;
    }
    advantage
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advantage_is_the_discounted_sum_of_td_errors() {
        // Two steps, γ = 0.5, λ = 1: A = δ0 + 0.5·δ1.
        let (r, v) = ([1.0, 2.0], [0.0, 4.0, 8.0]);
        let d0 = 1.0 + 0.5 * 4.0 - 0.0;
        let d1 = 2.0 + 0.5 * 8.0 - 4.0;
        assert_eq!(advantage_at_start(&r, &v, false, 0.5, 1.0), d0 + 0.5 * d1);
        // Terminal after the second step: no bootstrap from V(x̂_2).
        let d1_terminal = 2.0 - 4.0;
        assert_eq!(advantage_at_start(&r, &v, true, 0.5, 1.0), d0 + 0.5 * d1_terminal);
        // λ = 0 keeps only the first TD error (the one-step target).
        assert_eq!(advantage_at_start(&r, &v, false, 0.5, 0.0), d0);
    }
}
