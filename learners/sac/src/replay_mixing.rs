//! How tuples reach the replay buffers and batches leave them: real tuples into the replay
//! buffer, virtual ones (D_MPPI, with their one-step outcomes) into a second one when ρ > 0, and
//! each slot of a batch drawn from the virtual buffer with probability ρ (Eq. 8).

use rand::Rng;
use rlmpc_core::policy::Batch;

use super::action_scale::ActionScale;
use super::replay_buffer::{ReplayBuffer, Transitions};
use super::Sac;

impl Sac {
    /// Stores every real tuple, and, when ρ > 0, every virtual one, with its outcome.
    pub(crate) fn remember(&mut self, real: &Batch, virtual_: &Batch, rho: f64) {
        let (o, a) = (self.observation_dim, self.action_dim);
        let store = |buffer: &mut ReplayBuffer, batch: &Batch, scale: &ActionScale| {
            for i in 0..batch.len() {
                let action = scale.scale_action(&batch.actions[i * a..(i + 1) * a]);
                buffer.push(
                    &batch.observations[i * o..(i + 1) * o],
                    &action,
                    batch.rewards[i],
                    &batch.next_observations[i * o..(i + 1) * o],
                    (batch.terminated[i], batch.truncated[i]),
                );
            }
        };
        store(&mut self.replay, real, &self.scale);
        if rho > 0.0 {
            store(&mut self.virtual_replay, virtual_, &self.scale);
        }
    }

    /// A batch of `batch_size` rows: from the real buffer, each slot taken from the virtual one
    /// instead with probability ρ (Eq. 8).
    pub(crate) fn sample_batch(&mut self, rho: f64) -> Transitions {
        let rng = &mut self.streams.replay;
        if rho == 0.0 || self.virtual_replay.len() == 0 {
            return self.replay.sample(self.config.batch_size, rng);
        }
        let mut batch = Transitions::default();
        for _ in 0..self.config.batch_size {
            let buffer = if rng.gen_bool(rho) { &self.virtual_replay } else { &self.replay };
            let row = buffer.rows(&[rng.gen_range(0..buffer.len())]);
            batch.observations.extend(row.observations);
            batch.actions.extend(row.actions);
            batch.rewards.extend(row.rewards);
            batch.next_observations.extend(row.next_observations);
            batch.dones.extend(row.dones);
        }
        batch
    }
}
