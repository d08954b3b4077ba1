//! The gradient of one minibatch's loss, computed in independent pieces on rayon's pool so that
//! an update keeps every core busy.
//!
//! A minibatch has one or two parts: its real tuples and, with loss-weighted mixing, as many
//! virtual ones, weighted (1 − ρ) and ρ (Eq. 10). Each part is one piece; a lone part is cut
//! into two (halves, or its real and its virtual rows under per-sample mixing when only the
//! real ones fit the critic). Every piece records its own tape and backpropagates on its own;
//! the pieces' gradients are then added in a fixed order. The pieces depend on the data alone,
//! never on the number of threads, so an update gives the same parameters on one core or many.

use std::ops::Range;

use dfdx::prelude::Backward;
use rayon::prelude::*;

use rlmpc_learner_kit::dense::Backprop;

use super::config::AdvantageNormalization;
use super::learner::Ppo;
use super::loss::{normalize_advantages, normalize_advantages_pooled, ppo_loss_part, LossStats, LossTargets};
use super::loss_gradient::Share;
use super::minibatch::Columns;

/// One part of a minibatch: its rows, their weight in the minibatch's loss, and its pieces —
/// consecutive row ranges that cover it, each with the weight of its value term.
pub(crate) struct Part {
    pub(crate) columns: Columns,
    pub(crate) weight: f32,
    pieces: Vec<(Range<usize>, f32)>,
}

impl Part {
    /// All of `columns` as one piece whose value term has weight `value_weight`.
    pub(crate) fn whole(columns: Columns, weight: f32, value_weight: f32) -> Self {
        let n = columns.log_probs.len();
        Self { columns, weight, pieces: vec![(0..n, value_weight)] }
    }

    /// `columns` alone in its minibatch, cut in halves so that two threads share it.
    pub(crate) fn halves(columns: Columns) -> Self {
        let n = columns.log_probs.len();
        Self::cut(columns, n.div_ceil(2), 1.0)
    }

    /// `columns` alone in its minibatch, cut before row `at`; the value term of the rows from
    /// `at` on has weight `rest_value_weight`.
    pub(crate) fn cut(columns: Columns, at: usize, rest_value_weight: f32) -> Self {
        let n = columns.log_probs.len();
        let pieces = [(0..at, 1.0), (at..n, rest_value_weight)].into_iter().filter(|(rows, _)| !rows.is_empty());
        Self { pieces: pieces.collect(), columns, weight: 1.0 }
    }
}

/// What one minibatch's backpropagation yields.
pub(crate) struct MinibatchGradient {
    /// Per parameter, in the order of the learner's parameters.
    pub(crate) gradient: Vec<Vec<f32>>,
    /// Σ weight · loss over the parts: the minimised loss.
    pub(crate) loss: f32,
    /// The first part's logged terms (the real tuples' under loss-weighted mixing).
    pub(crate) first_part: LossStats,
}

/// A slice of one part's rows, with the part's advantages normalised over all its rows.
struct Piece<'a> {
    part: usize,
    columns: &'a Columns,
    advantages: &'a [f32],
    rows: Range<usize>,
    weight: f32,
    value_weight: f32,
}

impl Ppo {
    /// The gradient of Σ weight_p · L_p over `parts` (each L_p SB3's minibatch loss of its
    /// rows), with the loss and the first part's logged terms.
    pub(crate) fn minibatch_gradient(&self, parts: &[Part]) -> MinibatchGradient {
        let normalize = self.config.normalize_advantage;
        let advantages: Vec<Vec<f32>> = match self.config.advantage_normalization {
            AdvantageNormalization::PerPart => {
                parts.iter().map(|part| normalize_advantages(&part.columns.advantages, normalize)).collect()
            }
            AdvantageNormalization::Pooled => {
                let columns: Vec<&[f32]> = parts.iter().map(|part| part.columns.advantages.as_slice()).collect();
                normalize_advantages_pooled(&columns, normalize)
            }
        };
        let pieces: Vec<Piece> = parts
            .iter()
            .zip(&advantages)
            .enumerate()
            .flat_map(|(index, (part, advantages))| {
                part.pieces.iter().map(move |(rows, value_weight)| Piece {
                    part: index,
                    columns: &part.columns,
                    advantages,
                    rows: rows.clone(),
                    weight: part.weight,
                    value_weight: *value_weight,
                })
            })
            .collect();
        let results: Vec<(Vec<Vec<f32>>, LossStats)> = pieces.par_iter().map(|piece| self.piece(piece)).collect();

        let mut stats: Vec<Option<LossStats>> = vec![None; parts.len()];
        let mut gradient: Option<Vec<Vec<f32>>> = None;
        for (piece, (piece_gradient, piece_stats)) in pieces.iter().zip(results) {
            let part = &mut stats[piece.part];
            *part = Some(part.map_or(piece_stats, |sum| sum + piece_stats));
            gradient = Some(match gradient {
                None => piece_gradient,
                Some(mut sum) => {
                    for (s, g) in sum.iter_mut().zip(&piece_gradient) {
                        s.iter_mut().zip(g).for_each(|(s, g)| *s += g);
                    }
                    sum
                }
            });
        }
        let stats: Vec<LossStats> = stats.into_iter().map(|s| s.expect("every part has rows")).collect();
        MinibatchGradient {
            gradient: gradient.expect("a minibatch has rows"),
            loss: parts.iter().zip(&stats).map(|(part, s)| s.loss * part.weight).sum(),
            first_part: stats[0],
        }
    }

    /// SB3's `evaluate_actions` on one piece's rows, its share of the part's loss, weighted,
    /// and that share's gradient.
    fn piece(&self, piece: &Piece) -> (Vec<Vec<f32>>, LossStats) {
        let rows = piece.columns.range(piece.rows.clone());
        let targets = LossTargets {
            old_log_prob: &rows.log_probs,
            advantages: &piece.advantages[piece.rows.clone()],
            old_values: &rows.values,
            returns: &rows.returns,
        };
        let total = piece.columns.log_probs.len();
        if self.config.backprop == Backprop::Fused {
            let share = Share { total, value_weight: piece.value_weight, weight: piece.weight };
            return self.net.loss_gradient(&rows.observations, &rows.actions, &targets, share, &self.config);
        }
        let observations = self.net.matrix(rows.observations, self.observation_dim);
        let actions = self.net.matrix(rows.actions, self.action_dim);
        let eval = self.net.evaluate(&observations, &actions);
        let (loss, stats) =
            ppo_loss_part(eval.log_prob, eval.entropy, eval.values, &targets, total, piece.value_weight, &self.config);
        let loss = if piece.weight == 1.0 { loss } else { loss * piece.weight };
        let grads = loss.backward();
        (self.net.params().iter().map(|(_, p)| p.gradient(&grads)).collect(), stats)
    }
}

#[cfg(test)]
mod tests {
    use dfdx::prelude::{AsArray, Backward};
    use rlmpc_core::policy::{Batch, PolicyLearner};

    use super::super::loss::ppo_loss;
    use super::super::PpoConfig;
    use super::*;

    /// A learner and a batch of `n` tuples drawn from its own policy, with made-up targets.
    fn learner_and_batch(n: usize) -> (Ppo, Columns) {
        learner_and_batch_with(PpoConfig::default(), n)
    }

    /// The same with these settings.
    fn learner_and_batch_with(config: PpoConfig, n: usize) -> (Ppo, Columns) {
        let mut ppo = Ppo::new(config, 3, 2, 11).unwrap();
        let mut batch = Batch::default();
        for i in 0..n {
            let s = [(i as f64 * 0.37).sin(), (i as f64 * 0.11).cos(), i as f64 / n as f64];
            let (mut action, mut log_prob) = ([0.0; 2], [0.0; 1]);
            ppo.sample(&s, &mut action, &mut log_prob);
            batch.push(&s, &action, log_prob[0], (i as f64 * 0.7).sin(), 0.3 * s[0], (i % 5) as f64);
        }
        let features = ppo.features(&batch.observations);
        (ppo, Columns::new(&batch, features, 3, 2))
    }

    /// `ppo`'s gradient of `parts` by the fused pass and by dfdx's tape agree to rounding.
    fn fused_and_taped_agree(config: PpoConfig, parts: impl Fn(&Columns) -> Vec<Part>, what: &str) {
        let (mut ppo, mut columns) = learner_and_batch_with(config, 48);
        // Old log-probabilities away from the current ones, so that ratios fall on both sides
        // of the clip range.
        columns.log_probs.iter_mut().enumerate().for_each(|(i, lp)| *lp += (i % 5) as f32 * 0.15 - 0.3);
        let fused = ppo.minibatch_gradient(&parts(&columns));
        ppo.config.backprop = Backprop::Tape;
        let taped = ppo.minibatch_gradient(&parts(&columns));
        let close = |got: f32, want: f32| (got - want).abs() <= 1e-5 * want.abs().max(1e-2);
        assert!(close(fused.loss, taped.loss), "{what}: loss {} vs {}", fused.loss, taped.loss);
        let (f, t) = (fused.first_part, taped.first_part);
        for (name, got, want) in [
            ("policy_loss", f.policy_loss, t.policy_loss),
            ("value_loss", f.value_loss, t.value_loss),
            ("entropy_loss", f.entropy_loss, t.entropy_loss),
            ("approx_kl", f.approx_kl, t.approx_kl),
            ("clip_fraction", f.clip_fraction, t.clip_fraction),
        ] {
            assert!(close(got, want), "{what}: {name} {got} vs {want}");
        }
        assert!(t.clip_fraction > 0.0 && t.clip_fraction < 1.0, "{what}: some ratios are clipped, not all");
        for ((name, _), (got, want)) in ppo.net.params().iter().zip(fused.gradient.iter().zip(&taped.gradient)) {
            let scale = want.iter().fold(0.0f32, |m, g| m.max(g.abs()));
            let worst = got.iter().zip(want).fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
            assert!(
                worst <= 1e-4 * scale.max(1e-6),
                "{what}, {name}: fused differs from the tape by {worst} (largest |g| {scale})"
            );
        }
    }

    #[test]
    fn the_fused_pass_computes_the_tapes_gradient() {
        let halves = |c: &Columns| vec![Part::halves(c.clone())];
        fused_and_taped_agree(PpoConfig::default(), halves, "Table 3");
        let entropy_and_value_clip = PpoConfig { ent_coef: 0.01, clip_range_vf: Some(0.05), ..PpoConfig::default() };
        fused_and_taped_agree(entropy_and_value_clip, halves, "ent_coef and clip_range_vf");
        for (critic_hidden, value_heads) in [(vec![16], 1), (vec![], 3), (vec![8, 8, 8], 2)] {
            let config = PpoConfig { critic_hidden: critic_hidden.clone(), value_heads, ..PpoConfig::default() };
            fused_and_taped_agree(config, halves, &format!("critic {critic_hidden:?} × {value_heads}"));
        }
        let config = PpoConfig { actor_hidden: vec![], ..PpoConfig::default() };
        fused_and_taped_agree(config, halves, "a linear policy");
        let weighted =
            |c: &Columns| vec![Part::whole(c.range(0..24), 0.7, 1.0), Part::whole(c.range(24..48), 0.3, 0.0)];
        fused_and_taped_agree(PpoConfig::default(), weighted, "two weighted parts, one without its value term");
    }

    #[test]
    fn halves_add_up_to_the_gradient_of_one_tape_over_the_whole_minibatch() {
        let (ppo, columns) = learner_and_batch(64);
        let observations = ppo.net.matrix(columns.observations.clone(), 3);
        let actions = ppo.net.matrix(columns.actions.clone(), 2);
        let eval = ppo.net.evaluate(&observations, &actions);
        let targets = LossTargets {
            old_log_prob: &columns.log_probs,
            advantages: &columns.advantages,
            old_values: &columns.values,
            returns: &columns.returns,
        };
        let (loss, stats) = ppo_loss(eval.log_prob, eval.entropy, eval.values, &targets, &ppo.config);
        let whole_loss = loss.array();
        let grads = loss.backward();
        let whole: Vec<Vec<f32>> = ppo.net.params().iter().map(|(_, p)| p.gradient(&grads)).collect();

        let halves = ppo.minibatch_gradient(&[Part::halves(columns)]);
        assert!((halves.loss - whole_loss).abs() <= 1e-5 * whole_loss.abs().max(1.0));
        for (got, want) in
            [(halves.first_part.approx_kl, stats.approx_kl), (halves.first_part.value_loss, stats.value_loss)]
        {
            assert!((got - want).abs() <= 1e-5 * want.abs().max(1e-3), "{got} vs {want}");
        }
        for ((name, _), (got, want)) in ppo.net.params().iter().zip(halves.gradient.iter().zip(&whole)) {
            let scale = want.iter().fold(0.0f32, |m, g| m.max(g.abs())).max(1e-6);
            let worst = got.iter().zip(want).fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
            assert!(worst <= 1e-4 * scale, "{name}: halves differ from one tape by {worst} (largest |g| {scale})");
        }
    }

    #[test]
    fn two_parts_give_the_weighted_sum_of_their_gradients() {
        let (ppo, columns) = learner_and_batch(48);
        let (real, virtual_) = (columns.range(0..24), columns.range(24..48));
        let alone = |c: &Columns| ppo.minibatch_gradient(&[Part::halves(c.clone())]);
        let (g_real, g_virtual) = (alone(&real), alone(&virtual_));
        let mixed = ppo.minibatch_gradient(&[Part::whole(real, 0.7, 1.0), Part::whole(virtual_, 0.3, 1.0)]);
        assert!((mixed.loss - (0.7 * g_real.loss + 0.3 * g_virtual.loss)).abs() <= 1e-5);
        // The logged terms are the first part's (cut in halves when alone: equal up to rounding).
        let (logged, real_alone) = (mixed.first_part, g_real.first_part);
        for (got, want) in [(logged.value_loss, real_alone.value_loss), (logged.entropy_loss, real_alone.entropy_loss)]
        {
            assert!((got - want).abs() <= 1e-5 * want.abs(), "{got} vs {want}");
        }
        for (got, (r, v)) in mixed
            .gradient
            .iter()
            .flatten()
            .zip(g_real.gradient.iter().flatten().zip(g_virtual.gradient.iter().flatten()))
        {
            let want = 0.7 * r + 0.3 * v;
            assert!((got - want).abs() <= 1e-5 * want.abs().max(1e-3), "{got} vs {want}");
        }
    }

    #[test]
    fn a_piece_without_its_value_term_leaves_the_critic_alone() {
        let (ppo, columns) = learner_and_batch(32);
        let gradient = ppo.minibatch_gradient(&[Part::whole(columns.clone(), 0.3, 0.0)]).gradient;
        let with_value = ppo.minibatch_gradient(&[Part::whole(columns, 0.3, 1.0)]).gradient;
        for ((name, _), (without, with)) in ppo.net.params().iter().zip(gradient.iter().zip(&with_value)) {
            let largest = |g: &[f32]| g.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            if name.starts_with("critic") {
                assert_eq!(largest(without), 0.0, "{name}: the value heads get no gradient");
                assert!(largest(with) > 0.0, "{name}: but do with the value term");
            } else {
                assert_eq!(without, with, "{name}: the policy's gradient is the same either way");
            }
        }
    }
}
