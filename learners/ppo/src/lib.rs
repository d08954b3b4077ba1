//! PPO (Schulman et al. 2017) with Stable-Baselines3's semantics on dfdx, the policy learner of
//! the hierarchy (paper Sec. 4, Table 3).
//!
//! - [`PpoConfig`]: the settings, Table 3's defaults.
//! - [`Ppo`]: the learner — `Ppo::new(config, observation_dim, action_dim, seed)` — driven
//!   through [`PolicyLearner`](rlmpc_core::policy::PolicyLearner): M actions and log π_old per
//!   step (Eq. 4), V(s) and the D value heads (Alg. 2), the Eq. 10 update, checkpoints.
//! - [`ppo_loss`]: SB3's minibatch loss on dfdx tensors, the one the update minimises (by
//!   default through a fused forward and backward pass of the same function, [`Backprop`]);
//!   [`clip_grad_norm`] and [`explained_variance`], SB3's helpers.
//!
//! Networks (SB3's `ActorCriticPolicy`, `ortho_init`): the policy mean μ(s) is a tanh MLP
//! (64-64), σ = exp(log σ) a state-independent parameter (initially 1), actions are not
//! squashed; the critic is D separate tanh MLPs (64-64), initialised one after another, trained
//! on the same targets, V = their mean.
//!
//! ```
//! use rlmpc_core::policy::{Batch, Mixing, PolicyLearner};
//! use rlmpc_ppo::{Ppo, PpoConfig};
//!
//! let mut ppo = Ppo::new(PpoConfig { batch_size: 4, n_epochs: 2, ..PpoConfig::default() }, 3, 2, 7).unwrap();
//! let s = [0.1, -0.2, 0.3];
//! let (mut actions, mut log_probs) = ([0.0; 4 * 2], [0.0; 4]); // M = 4 candidates
//! ppo.sample(&s, &mut actions, &mut log_probs);
//! let mut real = Batch::default();
//! for (a, lp) in actions.chunks(2).zip(log_probs) {
//!     real.push(&s, a, lp, 1.0 - a[0].abs(), 0.5, 0.0);
//! }
//! let report = ppo.update(&real, &Batch::default(), Mixing::loss_weighted(0.0));
//! assert_eq!(report.n_epochs, 2);
//! ```

mod actor_critic;
mod checkpoint;
mod clip_grad_norm;
mod config;
mod epochs;
mod inference;
mod learner;
mod loss;
mod loss_gradient;
mod minibatch;
mod minibatch_gradient;
mod network;
mod registration;
mod value_ensemble;

pub use clip_grad_norm::clip_grad_norm;
pub use config::{AdvantageNormalization, PpoConfig};
pub use learner::Ppo;
pub use loss::{
    explained_variance, normalize_advantages, normalize_advantages_pooled, ppo_loss, LossStats, LossTargets,
};
pub use rlmpc_learner_kit::dense::Backprop;

use dfdx::prelude::{Cpu, NoneTape, OwnedTape, Tensor};

/// The tape that records a training forward pass for backpropagation.
pub type Taped = OwnedTape<f32, Cpu>;
/// A vector of f32 on dfdx's CPU device, with tape `T`.
pub type Vector<T = NoneTape> = Tensor<(usize,), f32, Cpu, T>;
/// A matrix `[rows][cols]` of f32 on dfdx's CPU device, with tape `T`.
pub type Matrix<T = NoneTape> = Tensor<(usize, usize), f32, Cpu, T>;
/// A recorded scalar: the loss of a minibatch.
pub type Scalar = Tensor<(), f32, Cpu, Taped>;
