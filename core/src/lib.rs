//! # rlmpc-core
//!
//! The plugin API: the pieces every rlmpc plugin plugs into, and the MPPI engine they run in.
//!
//! - [`numeric`]: the [`Real`] number-type abstraction — model code is written once and runs
//!   as f64 scalars, f32 scalars, or 16-lane f32 SIMD values ([`Lanes`]).
//! - [`model`]: the surrogate model M̂ — [`Dynamics`] (P̂), [`RewardModel`] (r̂) and
//!   [`StateMap`] (ψ).
//! - [`cost`]: [`CostCoupling`], the MPPI cost conditioned on the RL action (Eq. 2, 38).
//! - [`env`](mod@env): [`Environment`], the real MDP with Gymnasium's conventions;
//!   [`model_env`]: an [`Environment`] made of a model that is exact (clipping, time limit,
//!   seeding, danger zone).
//! - [`scheduler`], [`policy`]: the influence ratio ρ and the high-level policy.
//! - [`registry`] and [`params`]: plugins by name, built from config parameters.
//! - [`mppi`]: the MPPI engine, pytorch-mppi-exact, with M candidates on shared rollouts.
//!
//! Experiment files, training and evaluation build on this crate in `rlmpc-runner`.
//!
//! A model written once:
//!
//! ```
//! use rlmpc_core::{Dynamics, Real, StateLayout};
//!
//! /// x' = x + dt·u, on every backend.
//! struct Integrator;
//!
//! impl Dynamics for Integrator {
//!     fn layout(&self) -> StateLayout {
//!         StateLayout { state_dim: 1, control_dim: 1, tracked: vec![], has_position: false }
//!     }
//!     fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
//!         next[0] = x[0] + R::splat(0.1) * u[0].clamp(R::splat(-1.0), R::splat(1.0));
//!     }
//! }
//!
//! let mut next = [0.0f64];
//! Integrator.step(&[1.0], &[5.0], &mut next);
//! assert_eq!(next[0], 1.1);
//! ```

pub mod cost;
pub mod env;
mod error;
pub mod fused;
pub mod geometry;
pub mod model;
pub mod model_env;
pub mod mppi;
pub mod numeric;
pub mod params;
pub mod picture;
pub mod policy;
pub mod registry;
pub mod scheduler;
mod weighted_sum;

pub use cost::{Cost, CostContext, CostCoupling, Needs, StepView};
pub use env::{BoxSpace, EnvSpec, Environment, StepInfo, Transition};
pub use error::{Error, Result};
pub use geometry::DangerZone;
pub use model::{Dynamics, RewardModel, StateLayout, StateMap, SurrogateModel, TrackedCoordinate};
pub use numeric::{Graph, Lanes, Mask, Packed, Real};
pub use policy::{Batch, Critic, HighLevelPolicy, Mixing, MixingMode, PolicyLearner, UpdateReport};
pub use weighted_sum::WeightedSum;

/// This crate's version; out-of-tree plugins record the one they were built against.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Re-exported so plugins deserialize parameters with the same `erased-serde` as core.
pub use erased_serde;
/// Re-exported so plugins register with the same `inventory` version as core.
pub use inventory;
