//! MPPI (paper Eq. 2–3), with pytorch-mppi 0.9.1's exact update and the paper's M candidates
//! that share one noise set and one set of rollouts (decision record §1).

mod chunk;
mod config;
mod config_checks;
mod engine;
mod limits;
mod linalg;
mod rollout;
mod sampling;

pub use config::{Backend, MppiConfig, NoiseSigma};
pub use engine::{Mppi, WarmStart};
pub use sampling::NoiseInput;
