//! SAC (Haarnoja et al. 2018) with Stable-Baselines3 2.9.2's semantics on dfdx: the paper's
//! second flat baseline (Table 1), with Table 4's settings.
//!
//! - [`SacConfig`]: the settings, Table 4's defaults and SB3's for the rest.
//! - [`Sac`]: the learner — `Sac::new(config, observation_dim, action_dim, action_space, seed)` —
//!   driven through [`PolicyLearner`](rlmpc_core::policy::PolicyLearner): it acts (uniformly at
//!   random for `learning_starts` steps, then by the squashed Gaussian), stores each update's
//!   transitions in its replay buffer and takes `gradient_steps` steps of SB3's `train()`.
//! - [`Sac::gradient_step`]: one step of `train()` with its random normals given, and the
//!   [`StepRecord`] of everything it computed (the conformance tests replay SB3's steps).
//!
//! Networks (SB3's `SACPolicy`, `MlpPolicy`): the actor is a ReLU MLP (256-256) with two linear
//! heads, μ and log σ (clamped to [−20, 2]); actions are a = tanh(μ + σ·z), rescaled to the
//! action space. The critic is two ReLU MLPs Q_k(s, a) (256-256); the target critics start as
//! their copy and follow them by Polyak averaging. α is learned (log α, target entropy −dim A)
//! or fixed. Three Adam optimisers (ε = 1e-8). Parameters are f32, as SB3's.
//!
//! ```
//! use rlmpc_core::env::BoxSpace;
//! use rlmpc_core::policy::{Batch, Mixing, PolicyLearner};
//! use rlmpc_sac::{Sac, SacConfig};
//!
//! let config = SacConfig { learning_starts: 2, batch_size: 4, ..SacConfig::default() };
//! let space = BoxSpace { low: vec![-2.0], high: vec![2.0] };
//! let mut sac = Sac::new(config, 3, 1, Some(&space), 7).unwrap();
//! let mut real = Batch::default();
//! let s = [0.1, -0.2, 0.3];
//! for _ in 0..3 {
//!     let (mut action, mut log_prob) = ([0.0], [0.0]);
//!     sac.sample(&s, &mut action, &mut log_prob);
//!     assert!(action[0].abs() <= 2.0);
//!     real.push(&s, &action, log_prob[0], 0.0, 0.0, 0.0);
//!     real.push_outcome(-action[0].abs(), &s, false, false);
//! }
//! // Three steps taken, more than `learning_starts`: one gradient step.
//! let report = sac.update(&real, &Batch::default(), Mixing::loss_weighted(0.0));
//! assert_eq!(report.n_epochs, 1);
//! ```

mod action_scale;
mod actor;
mod checkpoint;
mod config;
mod critic;
mod fused_step;
mod gradient_step;
mod learner;
mod network;
mod registration;
mod replay_buffer;
mod replay_mixing;

pub use actor::{SampleValues, LOG_STD_RANGE, SQUASH_EPSILON};
pub use config::{EntCoef, NetArch, SacConfig, TargetEntropy};
pub use gradient_step::{StepNoise, StepRecord};
pub use learner::Sac;
pub use replay_buffer::Transitions;
pub use rlmpc_learner_kit::dense::Backprop;

use dfdx::prelude::{Cpu, NoneTape, OwnedTape, Tensor};

/// The tape that records a training forward pass for backpropagation.
pub(crate) type Taped = OwnedTape<f32, Cpu>;
/// A vector of f32 on dfdx's CPU device, with tape `T`.
pub(crate) type Vector<T = NoneTape> = Tensor<(usize,), f32, Cpu, T>;
/// A matrix `[rows][cols]` of f32 on dfdx's CPU device, with tape `T`.
pub(crate) type Matrix<T = NoneTape> = Tensor<(usize, usize), f32, Cpu, T>;
