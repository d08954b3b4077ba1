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
//!
//! Weights (w_RL, w_D, …) are not part of a term: the config gives each term its weight.

mod altitude_effort;
mod danger;
mod negative_reward;
mod target_tracking;

pub use altitude_effort::AltitudeEffort;
pub use danger::Danger;
pub use negative_reward::NegativeReward;
pub use target_tracking::TargetTracking;
