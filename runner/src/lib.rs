//! # rlmpc-runner
//!
//! Everything that runs experiments on top of the plugin API (`rlmpc-core`):
//!
//! - [`config`]: experiment files (TOML), the schema alone;
//! - [`factory`]: the plugins an experiment names, built, and the controller assembled;
//! - [`planner`]: the low level of the hierarchy, MPPI with the surrogate and the cost;
//! - [`evaluation`]: episodes of a controller and their metrics;
//! - [`trainer`]: the RL–MPPI trainer (Alg. 1) and the flat baseline, with checkpoints;
//! - [`run_dir`]: a training run's directory;
//! - [`gae`](mod@gae): SB3's advantage estimation for the learner's real tuples.

pub mod config;
pub mod evaluation;
pub mod factory;
pub mod gae;
pub mod planner;
pub mod run_dir;
pub mod run_lock;
pub mod trainer;

pub use gae::{gae, Gae, GaeInput};
