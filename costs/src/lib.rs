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
//! | `quadratic` | Eq. 40: zᵀQ(a)z + p(a)ᵀz, z = [x; u] | state, control, the RL action |
//! | `terminal-value` | Eq. 41: −V(ψ(x_H)) | the learner's critic (batched over K) |
//!
//! Weights (w_RL, w_D, …) are not part of a term: the config gives each term its weight.

mod danger;
mod negative_reward;
mod quadratic;
mod target_tracking;
mod terminal_value;

pub use danger::Danger;
pub use negative_reward::NegativeReward;
pub use quadratic::Quadratic;
pub use target_tracking::TargetTracking;
pub use terminal_value::TerminalValue;
