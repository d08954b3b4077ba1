//! The PPO loss of one minibatch, line for line as Stable-Baselines3's `PPO.train` computes it,
//! on dfdx tensors so that the learner backpropagates through it.

use dfdx::prelude::*;

use super::{Matrix, PpoConfig, Scalar, Taped, Vector};

/// A minibatch's data that carries no gradient (SB3's `rollout_data`), row-aligned with the
/// tensors given to [`ppo_loss`].
#[derive(Clone, Copy, Debug)]
pub struct LossTargets<'a> {
    /// log π_old(a | s).
    pub old_log_prob: &'a [f32],
    /// Advantages as stored, not normalised: [`ppo_loss`] normalises them.
    pub advantages: &'a [f32],
    /// V_old(s), the value when the tuple was collected; the centre of the value clip.
    pub old_values: &'a [f32],
    /// Value targets.
    pub returns: &'a [f32],
}

/// One minibatch's loss terms, as SB3 logs them (f32).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossStats {
    /// −mean(min(A·r, A·clip(r, 1 − ε, 1 + ε))), r = π/π_old.
    pub policy_loss: f32,
    /// Mean over heads of mean((returns − V_d)²), V_d optionally clipped around V_old.
    pub value_loss: f32,
    /// −mean(entropy).
    pub entropy_loss: f32,
    /// policy_loss + ent_coef·entropy_loss + vf_coef·value_loss.
    pub loss: f32,
    /// mean((r − 1) − log r), the approximate KL(π_old ‖ π).
    pub approx_kl: f32,
    /// Fraction of rows with |r − 1| > ε.
    pub clip_fraction: f32,
}

/// SB3's per-minibatch advantage normalisation: (A − mean) / (std + 1e-8), std with Bessel's
/// correction; a minibatch of one is left as it is (SB3 issue #325), as is everything when
/// `normalize` is false. Mean and std are accumulated in f64 and rounded to f32.
pub fn normalize_advantages(advantages: &[f32], normalize: bool) -> Vec<f32> {
    normalize_with(advantages, normalize.then(|| advantage_statistics(&[advantages])).flatten())
}

/// The parts' advantages, each normalised with the mean and std of all of them together (see
/// [`normalize_advantages`]).
pub fn normalize_advantages_pooled(parts: &[&[f32]], normalize: bool) -> Vec<Vec<f32>> {
    let statistics = normalize.then(|| advantage_statistics(parts)).flatten();
    parts.iter().map(|part| normalize_with(part, statistics)).collect()
}

/// Mean and ddof-1 std of all rows of `parts`, or `None` for fewer than two rows.
fn advantage_statistics(parts: &[&[f32]]) -> Option<(f32, f32)> {
    let rows = || parts.iter().flat_map(|part| part.iter()).map(|&a| f64::from(a));
    let n: usize = parts.iter().map(|part| part.len()).sum();
    if n < 2 {
        return None;
    }
    let mean = rows().sum::<f64>() / n as f64;
    let var = rows().map(|a| (a - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some((mean as f32, var.sqrt() as f32))
}

fn normalize_with(advantages: &[f32], statistics: Option<(f32, f32)>) -> Vec<f32> {
    match statistics {
        Some((mean, std)) => advantages.iter().map(|&a| (a - mean) / (std + 1e-8)).collect(),
        None => advantages.to_vec(),
    }
}

/// The PPO loss of one minibatch (SB3 `PPO.train`, one iteration of its minibatch loop):
///
/// ```text
/// A      = normalize_advantages(advantages)
/// r      = exp(log_prob − old_log_prob)
/// L_clip = −mean(min(A·r, A·clamp(r, 1 − ε, 1 + ε)))
/// L_V    = (1/D) Σ_d mean((returns − V̂_d)²),   V̂_d = V_d, or V_old + clamp(V_d − V_old, ±ε_vf)
/// L_H    = −mean(entropy)
/// L      = L_clip + ent_coef·L_H + vf_coef·L_V
/// ```
///
/// `log_prob`, `entropy` and the `values` `[D][n]` of the D heads are the new policy's, recorded on tapes; the
/// returned loss carries them for backpropagation. With D = 1 this is SB3's loss exactly; with
/// D heads each is trained on the same targets and clipped around the old *mean* value, the
/// value the rollout stored (decision record §4). Scalars of `config` are rounded to f32 where they
/// meet a tensor, as PyTorch does with Python floats.
///
/// # Panics
/// If there are no heads or the lengths disagree.
pub fn ppo_loss(
    log_prob: Vector<Taped>,
    entropy: Vector<Taped>,
    values: Matrix<Taped>,
    targets: &LossTargets<'_>,
    config: &PpoConfig,
) -> (Scalar, LossStats) {
    let advantages = normalize_advantages(targets.advantages, config.normalize_advantage);
    let targets = LossTargets { advantages: &advantages, ..*targets };
    ppo_loss_part(log_prob, entropy, values, &targets, targets.returns.len(), 1.0, config)
}

/// What `targets.returns.len()` rows of a minibatch of `total` rows add to its [`ppo_loss`]:
/// every mean over the minibatch becomes this part's sum divided by `total`, so that the losses,
/// the logged terms and the gradients of a minibatch's parts add up to the whole minibatch's.
/// `targets.advantages` are already normalised over the whole minibatch. The value term is
/// scaled by `value_weight` (0 for rows whose value targets the critic does not fit).
pub(crate) fn ppo_loss_part(
    log_prob: Vector<Taped>,
    entropy: Vector<Taped>,
    values: Matrix<Taped>,
    targets: &LossTargets<'_>,
    total: usize,
    value_weight: f32,
    config: &PpoConfig,
) -> (Scalar, LossStats) {
    let n = targets.returns.len();
    let heads = values.shape().0;
    assert!(heads > 0, "ppo_loss: no value heads");
    assert_eq!(values.shape().1, n, "ppo_loss: values of a different length");
    for len in [targets.old_log_prob.len(), targets.advantages.len(), targets.old_values.len()] {
        assert_eq!(len, n, "ppo_loss: targets of different lengths");
    }
    let dev = log_prob.device().clone();
    let column = |v: &[f32]| -> Vector { dev.tensor_from_vec(v.to_vec(), (n,)) };
    let clip = config.clip_range;
    let per_row = 1.0 / total as f32;

    let advantages = column(targets.advantages);
    let log_ratio = log_prob - column(targets.old_log_prob);
    let (log_ratio, tape) = log_ratio.split_tape();
    let ratio = log_ratio.clone().put_tape(tape).exp();
    let (ratio, tape) = ratio.split_tape();
    let surrogate = ratio.clone().put_tape(tape) * advantages.clone();
    let clipped = ratio.retaped::<Taped>().clamp((1.0 - clip) as f32, (1.0 + clip) as f32) * advantages;
    let policy_loss = -surrogate.minimum(clipped).sum::<Rank0, _>() * per_row;

    // Every head has n rows, so the mean over [D][n] is the mean over heads of each head's MSE.
    let shape = (heads, n);
    let returns = column(targets.returns).broadcast_like::<_, Axis<0>>(&shape);
    let predicted = match config.clip_range_vf {
        None => values,
        Some(c) => {
            let old = column(targets.old_values).broadcast_like::<_, Axis<0>>(&shape);
            // SB3: old + clamp(v − old, ±c); addition commutes exactly.
            (values - old.clone()).clamp(-c as f32, c as f32) + old
        }
    };
    // SB3: mse(returns, predicted); (r − p)² = (p − r)² exactly.
    let value_loss = (predicted - returns).square().sum::<Rank0, _>() * (per_row / heads as f32);
    let entropy_loss = -entropy.sum::<Rank0, _>() * per_row;

    let mut stats = LossStats {
        policy_loss: policy_loss.array(),
        value_loss: value_loss.array(),
        entropy_loss: entropy_loss.array(),
        loss: 0.0,
        approx_kl: part_mean(log_ratio.as_vec().iter().zip(ratio.as_vec()).map(|(&lr, r)| (r - 1.0) - lr), total),
        clip_fraction: part_mean(
            ratio.as_vec().iter().map(|&r| f32::from(u8::from((r - 1.0).abs() > clip as f32))),
            total,
        ),
    };
    let loss =
        policy_loss + entropy_loss * config.ent_coef as f32 + value_loss * (config.vf_coef as f32 * value_weight);
    stats.loss = loss.array();
    (loss, stats)
}

impl std::ops::Add for LossStats {
    type Output = Self;

    /// The terms of two parts of one minibatch (see [`ppo_loss_part`]) added: the whole's.
    fn add(self, other: Self) -> Self {
        Self {
            policy_loss: self.policy_loss + other.policy_loss,
            value_loss: self.value_loss + other.value_loss,
            entropy_loss: self.entropy_loss + other.entropy_loss,
            loss: self.loss + other.loss,
            approx_kl: self.approx_kl + other.approx_kl,
            clip_fraction: self.clip_fraction + other.clip_fraction,
        }
    }
}

/// The sum of f32 values divided by `total`, in f64 and rounded once.
pub(crate) fn part_mean(values: impl Iterator<Item = f32>, total: usize) -> f32 {
    (values.map(f64::from).sum::<f64>() / total as f64) as f32
}

/// SB3's `explained_variance(values, returns)` = 1 − Var(returns − values) / Var(returns)
/// (population variances), NaN when Var(returns) = 0, as `train/explained_variance` logs it
/// over the whole rollout.
pub fn explained_variance(values: &[f64], returns: &[f64]) -> f64 {
    let var_returns = population_variance(returns);
    if var_returns == 0.0 {
        return f64::NAN;
    }
    let residuals: Vec<f64> = returns.iter().zip(values).map(|(r, v)| r - v).collect();
    1.0 - population_variance(&residuals) / var_returns
}

fn population_variance(x: &[f64]) -> f64 {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / x.len() as f64
}
