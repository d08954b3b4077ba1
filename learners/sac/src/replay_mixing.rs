//! How tuples reach the replay buffers and batches leave them: real tuples into the replay
//! buffer, virtual ones (D_MPPI, with their one-step outcomes) into a second one when ρ > 0, and
//! each slot of a batch drawn from the virtual buffer with probability ρ (Eq. 8), its raw
//! observations normalised on the way out when `normalize_observations` is on.

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
        let batch = self.draw_batch(rho);
        self.normalized(batch)
    }

    fn draw_batch(&mut self, rho: f64) -> Transitions {
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

    /// A batch sampled from the replay buffers as the networks see it: its raw observations
    /// normalised with the statistics of the moment, as SB3's `ReplayBuffer.sample` does under
    /// `VecNormalize`.
    fn normalized(&self, mut batch: Transitions) -> Transitions {
        if let Some(normalizer) = &self.normalizer {
            batch.observations = normalizer.normalize_stored(&batch.observations);
            batch.next_observations = normalizer.normalize_stored(&batch.next_observations);
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SacConfig;
    use rlmpc_core::policy::{Mixing, PolicyLearner};

    /// SB3's `VecNormalize` under SAC: the statistics take in each observation acted on, the
    /// buffer keeps it raw, and a sampled batch is normalised with the statistics of the moment.
    #[test]
    fn normalised_observations_are_counted_when_acted_on_and_stored_raw() {
        let config =
            SacConfig { normalize_observations: true, learning_starts: 2, batch_size: 4, ..SacConfig::default() };
        let mut sac = Sac::new(config, 2, 1, None, 3).unwrap();
        let observations: Vec<[f64; 2]> = (0..6).map(|t| [100.0 + t as f64, -3.0 * t as f64]).collect();
        for (t, o) in observations.iter().enumerate() {
            let (mut action, mut log_prob) = ([0.0], [0.0]);
            sac.sample(o, &mut action, &mut log_prob);
            let mut real = Batch::default();
            real.push(o, &action, log_prob[0], 0.0, 0.0, 0.0);
            real.push_outcome(1.0, &observations[(t + 1) % 6], false, false);
            sac.update(&real, &Batch::default(), Mixing::per_sample(0.0));
        }
        let normalizer = sac.normalizer.clone().expect("normalize_observations is on");
        let mean = observations.iter().map(|o| o[0]).sum::<f64>() / 6.0;
        assert!((normalizer.count - 6.0).abs() < 1e-3 && (normalizer.mean[0] - mean).abs() < 0.01, "{normalizer:?}");
        assert_eq!(&sac.replay.observations[..2], &[100.0f32, 0.0], "the buffer keeps raw observations");
        let batch = sac.normalized(sac.replay.rows(&[5]));
        assert_eq!(batch.observations, normalizer.normalize(&observations[5]));
        assert!(batch.observations.iter().all(|x| x.abs() < 3.0), "{batch:?}");
    }
}
