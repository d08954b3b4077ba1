//! # rlmpc
//!
//! Adaptive hierarchical RL–MPC: a reinforcement-learning policy chooses high-level
//! parameters (a target state, QP weights, a terminal value) that shape the cost of an MPPI
//! controller, and MPPI's unexecuted candidates become virtual rollouts for the policy.
//!
//! This facade re-exports the workspace crates and links every built-in plugin, so that
//! `rlmpc::core::registry` sees them all:
//!
//! - [`core`]: the plugin API — traits, number types, registry, MPPI engine;
//! - [`envs`]: environments (`acrobot`, `pendulum`, `racing`);
//! - [`costs`]: cost couplings (`target-tracking`, `danger`, `negative-reward`, `collision`,
//!   `boundary`);
//! - [`schedulers`]: influence schedulers (`fixed`);
//! - [`ppo`]: the PPO policy learner;
//! - [`runner`]: experiment files, the trainer (Alg. 1), evaluation, run directories;
//! - [`lab`]: reference replay and Welch's t-test;
//! - [`loader`]: out-of-tree plugin loading.

pub use rlmpc_core as core;
pub use rlmpc_costs as costs;
pub use rlmpc_envs as envs;
pub use rlmpc_lab as lab;
pub use rlmpc_loader as loader;
pub use rlmpc_ppo as ppo;
pub use rlmpc_runner as runner;
pub use rlmpc_schedulers as schedulers;

pub mod bench;
pub mod default_configs;
