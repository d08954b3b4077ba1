//! # rlmpc-costs
//!
//! Cost couplings, the terms of the MPPI cost J (paper App. C, Eq. 38). Each is written once
//! over the number type and registers itself by name:
//!
//! | name | equation | reads |
//! |---|---|---|
//! | `target-tracking` | Eq. 39: ‖x_sel − x*(a)‖ | tracked coordinates, the RL action |
//! | `danger` | Eq. 42: 1[(x, y) ∈ D] | planar position, the episode's zone |
//! | `negative-reward` | −r̂(x, u, x') (pure MPPI, App. E) | the reward model |
//! | `altitude-effort` | Eq. 43: w_y·y² + w_act·‖u‖² (Lunar Lander) | planar position, the control |
//! | `quadratic` | Eq. 40: zᵀQ(a)z + p(a)ᵀz, z = [x; u] | state, control, the RL action |
//! | `terminal-value` | Eq. 41: −V(ψ(x_H)) | the learner's critic (batched over K) |
//! | `collision` | Eq. 44: 1[‖p − p_opponent‖ ≤ d_contact] | planar position, tracked `opponent_x`, `opponent_y` |
//! | `boundary` | Eq. 45: [max(0, BP − 1)]² | tracked `boundary_proportion` |
//! | `setpoint` | Σ w_i·(x_i − c_i)², fixed set-points (a J_other term) | named tracked coordinates |
//!
//! Weights (w_RL, w_D, …) are not part of a term: the config gives each term its weight.

mod altitude_effort;
mod boundary;
mod collision;
mod danger;
mod negative_reward;
mod quadratic;
mod setpoint;
mod target_tracking;
mod terminal_value;

pub use altitude_effort::AltitudeEffort;
pub use boundary::Boundary;
pub use collision::Collision;
pub use danger::Danger;
pub use negative_reward::NegativeReward;
pub use quadratic::Quadratic;
pub use setpoint::Setpoint;
pub use target_tracking::TargetTracking;
pub use terminal_value::TerminalValue;

use rlmpc_core::registry::BuildError;
use rlmpc_core::CostContext;

/// The index of the tracked coordinate `name` that cost `cost` reads, or an error naming what
/// the model tracks instead.
fn named_coordinate(context: &CostContext, cost: &str, name: &str) -> Result<usize, BuildError> {
    let tracked = &context.layout.tracked;
    tracked.iter().position(|t| t.name == name).ok_or_else(|| {
        let known = tracked.iter().map(|t| t.name).collect::<Vec<_>>().join(", ");
        BuildError::Invalid(format!(
            "`{cost}` reads the tracked coordinate `{name}`, which this model does not have (it tracks: {known}); \
             use it with an environment whose model tracks `{name}`, e.g. `racing`"
        ))
    })
}
