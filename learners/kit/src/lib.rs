//! What rlmpc's dfdx learners ([`rlmpc-ppo`], [`rlmpc-sac`]) share, kept in one place so that
//! the two cannot drift apart:
//!
//! - [`Parameter`] and [`Param`]: a trainable dfdx tensor paired with a plain copy of its
//!   values, and the flat view of it that the optimiser and checkpoints use;
//! - [`Adam`]: `torch.optim.Adam` on flat f32 arrays, written out so that its moments can be
//!   checkpointed, with the first-moment update of each learner's reference ([`FirstMoment`]);
//! - [`dense`]: dense layers' forward and backward passes in plain Rust over `gemm`, for the
//!   learners' fused training passes;
//! - [`ObservationNormalizer`]: SB3's `VecNormalize` for observations, and its checkpoint entries;
//! - [`tanh`]: tanh over slices, a fast rational function for training and `wide`'s for acting;
//! - [`checkpoint_file`], [`f32_bytes`] and [`rng_state`]: the safetensors container of a
//!   checkpoint, and how it encodes f32 tensors and ChaCha streams.
//!
//! Nothing here knows a learner: file layouts and format tags stay with each learner.
//!
//! [`rlmpc-ppo`]: ../rlmpc_ppo/index.html
//! [`rlmpc-sac`]: ../rlmpc_sac/index.html

mod adam;
pub mod checkpoint_file;
pub mod dense;
pub mod f32_bytes;
pub mod observation_normalizer;
mod parameter;
pub mod rng_state;
pub mod tanh;

pub use adam::{Adam, FirstMoment};
pub use observation_normalizer::ObservationNormalizer;
pub use parameter::{Param, Parameter};
