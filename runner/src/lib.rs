//! # rlmpc-runner
//!
//! Everything that runs experiments on top of the plugin API (`rlmpc-core`):
//!
//! - [`config`]: experiment files (TOML) and the plugins they name;
//! - [`evaluation`]: the hierarchical controller's episodes and their metrics;
//! - [`trainer`]: the RL–MPPI trainer (Alg. 1) and the flat baseline, with checkpoints;
//! - [`run_dir`]: a training run's directory;
//! - [`gae`](mod@gae): SB3's advantage estimation for the learner's real tuples.

pub mod config;
pub mod evaluation;
pub mod gae;
pub mod run_dir;
pub mod trainer;

pub use gae::{gae, Gae, GaeInput};
