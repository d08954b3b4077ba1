//! MPPI (paper Eq. 2–3), with pytorch-mppi 0.9.1's exact update and the paper's M candidates
//! that share one noise set and one set of rollouts (decision record §1).

mod chunk;
mod config;
mod config_checks;
mod device;
mod engine;
#[cfg(feature = "cuda")]
mod fused_path;
mod graph_path;
pub(crate) mod limits;
mod linalg;
mod parallel_rollouts;
pub(crate) mod rollout;
mod sampling;
mod update;

pub use config::{Backend, MppiConfig, NoiseSigma};
pub use engine::{Mppi, WarmStart};
pub use sampling::NoiseInput;
