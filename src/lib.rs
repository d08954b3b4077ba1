//! # rlmpc
//!
//! Adaptive hierarchical RL–MPC: a reinforcement-learning policy chooses high-level
//! parameters (a target state, QP weights, a terminal value) that shape the cost of an MPPI
//! controller, and MPPI's unexecuted candidates become virtual rollouts for the policy.
//!
//! This facade re-exports the workspace crates and links every built-in plugin, so that
//! `rlmpc::core::registry` sees them all (`rlmpc list` prints them):
//!
//! - [`core`]: the plugin API — traits, number types, registry, MPPI engine;
//! - [`envs`]: environments, each a real environment with its surrogate model and ψ;
//! - [`costs`]: cost couplings, the terms of Eq. 38;
//! - [`schedulers`]: influence schedulers that set ρ (Sec. 4.4);
//! - [`learner_kit`]: what the dfdx learners share — parameters, Adam, checkpoint files;
//! - [`ppo`]: the PPO policy learner;
//! - [`sac`]: the SAC policy learner (the paper's second flat baseline);
//! - [`runner`]: experiment files, the planner, the trainer (Alg. 1), evaluation, run directories;
//! - [`lab`]: replay of reference recordings, Welch's t-test;
//! - [`loader`]: out-of-tree plugin libraries.
//!
//! The book's Architecture chapter draws the same crates as a graph.

pub use rlmpc_core as core;
pub use rlmpc_costs as costs;
pub use rlmpc_envs as envs;
pub use rlmpc_lab as lab;
pub use rlmpc_learner_kit as learner_kit;
pub use rlmpc_loader as loader;
pub use rlmpc_ppo as ppo;
pub use rlmpc_runner as runner;
pub use rlmpc_sac as sac;
pub use rlmpc_schedulers as schedulers;

pub mod bench;
pub mod default_configs;
