//! # rlmpc
//!
//! Adaptive hierarchical RL–MPC: a reinforcement-learning policy chooses high-level
//! parameters (a target state, QP weights, a terminal value) that shape the cost of an MPPI
//! controller, and MPPI's unexecuted candidates become virtual rollouts for the policy.
//!
//! This facade re-exports the workspace crates and links every built-in plugin, so that
//! `rlmpc::core::registry` sees them all:
//!
//! - [`core`]: traits, registry, config, MPPI engine, evaluation;
//! - [`envs`]: environments (`acrobot`, `pendulum`, `racing`);
//! - [`costs`]: cost couplings (`target-tracking`, `danger`, `negative-reward`, `collision`,
//!   `boundary`);
//! - [`schedulers`]: influence schedulers (`fixed`);
//! - [`plugins`]: policy learners and out-of-tree plugin loading.

pub use rlmpc_core as core;
pub use rlmpc_costs as costs;
pub use rlmpc_envs as envs;
pub use rlmpc_plugins as plugins;
pub use rlmpc_schedulers as schedulers;

pub mod bench;
pub mod default_configs;
