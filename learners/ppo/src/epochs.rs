//! The minibatch passes of one PPO update: SB3's `PPO.train` loop with ρ-mixing (Eq. 8, 10).

use rand::Rng;
use rlmpc_core::policy::{Batch, Mixing, MixingMode};

use super::learner::Ppo;
use super::loss::LossStats;
use super::minibatch::{permutation, Columns, VirtualRows};
use super::minibatch_gradient::Part;

/// What the passes of one update leave for its report.
pub(crate) struct Epochs {
    /// Each minibatch's logged terms, in order.
    pub(crate) logged: Vec<LossStats>,
    /// The approximate KL of each minibatch of the last pass.
    pub(crate) last_epoch_kl: Vec<f32>,
    /// The last minibatch's minimised loss.
    pub(crate) loss: f32,
    /// Passes begun (fewer than `n_epochs` when the target-KL test stops the update).
    pub(crate) n_epochs: usize,
}

impl Ppo {
    /// `n_epochs` passes over `real` in shuffled minibatches, each with its virtual part (see
    /// [`PolicyLearner::update`](rlmpc_core::policy::PolicyLearner::update) on [`Ppo`]).
    pub(crate) fn epochs(&mut self, real: &Batch, virtual_: &Batch, mixing: Mixing) -> Epochs {
        let rho = mixing.rho;
        let (o, a) = (self.observation_dim, self.action_dim);
        let real_columns = Columns::new(real, self.features(&real.observations), o, a);
        let virtual_columns = (rho > 0.0 && !virtual_.is_empty()).then(|| {
            let columns = Columns::new(virtual_, self.features(&virtual_.observations), o, a);
            match mixing.mode {
                MixingMode::LossWeighted => columns,
                MixingMode::PerSample => real_columns.clone().concat(&columns),
            }
        });
        let mut virtual_rows = VirtualRows::default();

        let mut logged: Vec<LossStats> = Vec::new();
        let mut last_epoch_kl: Vec<f32> = Vec::new();
        let mut loss = f32::NAN;
        let mut n_epochs = 0;
        'epochs: for _ in 0..self.config.n_epochs {
            n_epochs += 1;
            last_epoch_kl.clear();
            for rows in permutation(real.len(), &mut self.streams.real).chunks(self.config.batch_size) {
                // The virtual tuples' value term: fitted (Alg. 1 l. 9) unless configured off.
                let virtual_value = if self.config.virtual_value_loss { 1.0 } else { 0.0 };
                let parts = match (&virtual_columns, mixing.mode) {
                    (None, _) => vec![Part::halves(real_columns.gather(rows))],
                    (Some(virtual_columns), MixingMode::LossWeighted) => {
                        let drawn = virtual_rows.take(rows.len(), virtual_.len(), &mut self.streams.virtual_);
                        vec![
                            Part::whole(real_columns.gather(rows), (1.0 - rho) as f32, 1.0),
                            Part::whole(virtual_columns.gather(&drawn), rho as f32, virtual_value),
                        ]
                    }
                    (Some(all), MixingMode::PerSample) => {
                        // `all` holds the real rows, then the virtual ones (Eq. 8's z_t = 1).
                        let mut slots: Vec<usize> = rows
                            .iter()
                            .map(|&row| {
                                let rng = &mut self.streams.virtual_;
                                if rng.gen_bool(rho) {
                                    real.len() + virtual_rows.next_row(virtual_.len(), rng)
                                } else {
                                    row
                                }
                            })
                            .collect();
                        if self.config.virtual_value_loss {
                            vec![Part::halves(all.gather(&slots))]
                        } else {
                            // The minibatch's loss is a sum over its rows: its real rows first,
                            // then its virtual ones without their value term.
                            slots.sort_by_key(|&slot| slot >= real.len());
                            let real_slots = slots.iter().filter(|&&slot| slot < real.len()).count();
                            vec![Part::cut(all.gather(&slots), real_slots, 0.0)]
                        }
                    }
                };
                let minibatch = self.minibatch_gradient(&parts);
                let stats = minibatch.first_part;
                loss = minibatch.loss;
                logged.push(stats);
                last_epoch_kl.push(stats.approx_kl);
                if self.config.target_kl.is_some_and(|kl| f64::from(stats.approx_kl) > 1.5 * kl) {
                    break 'epochs;
                }
                self.step(minibatch.gradient);
            }
        }
        Epochs { logged, last_epoch_kl, loss, n_epochs }
    }
}
