//! The gradient of one piece of SB3's PPO loss ([`ppo_loss_part`](super::loss::ppo_loss_part))
//! in closed form, with respect to the network outputs — μ(s), log σ and each head's V_d(s) —
//! for the fused training pass, which backpropagates it through the layers by hand. Every
//! branch follows dfdx's derivatives, ties included, so the fused pass and the taped one
//! differ only by rounding.

use super::actor_critic::HALF_LN_2PI;
use super::loss::{part_mean, LossStats, LossTargets};
use super::PpoConfig;

/// dL/d(network outputs) of a piece, weighted, and its (unweighted) logged terms.
pub(crate) struct LossGradient {
    /// dL/dμ, `[n][action_dim]`.
    pub(crate) mean: Vec<f32>,
    /// dL/d log σ.
    pub(crate) log_std: Vec<f32>,
    /// dL/dV_d, `[D][n]`.
    pub(crate) values: Vec<f32>,
    pub(crate) stats: LossStats,
}

/// The network's outputs for a piece's rows.
pub(crate) struct Outputs<'a> {
    /// μ(s), `[n][action_dim]`.
    pub(crate) mean: &'a [f32],
    pub(crate) log_std: &'a [f32],
    /// V_d(s), `[D][n]`.
    pub(crate) values: &'a [f32],
}

/// A piece's place in its minibatch's loss: [`ppo_loss_part`](super::loss::ppo_loss_part)'s
/// `total` and `value_weight`, and the weight of its part (Eq. 10).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Share {
    pub(crate) total: usize,
    pub(crate) value_weight: f32,
    pub(crate) weight: f32,
}

/// The gradient of `share.weight` · [`ppo_loss_part`](super::loss::ppo_loss_part) for `actions`
/// (the rows' actions, `[n][action_dim]`), with that function's `targets`:
///
/// ```text
/// log π_i = Σ_j −(μ_ij − a_ij)²/(2σ_j²) − log σ_j − ½ln 2π      ∂/∂μ_ij = (a_ij − μ_ij)/σ_j²,  ∂/∂log σ_j = (μ_ij − a_ij)²/σ_j² − 1
/// r_i     = exp(log π_i − log π_old,i)                             ∂L_clip/∂log π_i = −A_i r_i (w_i + (1 − w_i)·[1−ε ≤ r_i ≤ 1+ε]) / total
/// L_V     = Σ_d,i (V̂_di − R_i)² / (D·total)                        ∂/∂V_di = 2(V̂_di − R_i)·[V̂ unclipped] / (D·total)
/// L_H     = −Σ_i Σ_j (log σ_j + ½ + ½ln 2π) / total                ∂/∂log σ_j = −n / total
/// ```
///
/// with w_i = 1, ½ or 0 as the unclipped term of the min is smaller, equal or larger.
pub(crate) fn ppo_loss_gradient(
    outputs: &Outputs,
    actions: &[f32],
    targets: &LossTargets<'_>,
    share: Share,
    config: &PpoConfig,
) -> LossGradient {
    let Share { total, value_weight, weight } = share;
    let n = targets.returns.len();
    let action_dim = outputs.log_std.len();
    let heads = outputs.values.len() / n;
    let per_row = 1.0 / total as f32;
    let (low, high) = ((1.0 - config.clip_range) as f32, (1.0 + config.clip_range) as f32);
    let var: Vec<f32> = outputs.log_std.iter().map(|l| l.exp() * l.exp()).collect();

    let mut d_mean = vec![0.0f32; n * action_dim];
    let mut d_log_std = vec![0.0f32; action_dim];
    let (mut policy_sum, mut log_ratios, mut ratios) = (0.0f64, Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (mean, action) = (&outputs.mean[i * action_dim..][..action_dim], &actions[i * action_dim..][..action_dim]);
        let log_prob: f32 = (0..action_dim)
            .map(|j| -(mean[j] - action[j]).powi(2) / (var[j] * 2.0) - outputs.log_std[j] - HALF_LN_2PI as f32)
            .sum();
        let log_ratio = log_prob - targets.old_log_prob[i];
        let ratio = log_ratio.exp();
        let advantage = targets.advantages[i];
        let (surrogate, clipped) = (ratio * advantage, ratio.clamp(low, high) * advantage);
        policy_sum += f64::from(surrogate.min(clipped));
        let unclipped_share = match surrogate.partial_cmp(&clipped) {
            Some(std::cmp::Ordering::Less) => 1.0,
            Some(std::cmp::Ordering::Greater) => 0.0,
            _ => 0.5,
        };
        let inside = f32::from(u8::from((low..=high).contains(&ratio)));
        let d_log_prob = -advantage * (unclipped_share + (1.0 - unclipped_share) * inside) * ratio * per_row * weight;
        for j in 0..action_dim {
            let diff = mean[j] - action[j];
            d_mean[i * action_dim + j] = -d_log_prob * diff / var[j];
            d_log_std[j] += d_log_prob * (diff * diff / var[j] - 1.0);
        }
        log_ratios.push(log_ratio);
        ratios.push(ratio);
    }
    let entropy_per_row: f32 = outputs.log_std.iter().map(|l| l + (0.5 + HALF_LN_2PI) as f32).sum();
    d_log_std.iter_mut().for_each(|d| *d -= config.ent_coef as f32 * n as f32 * per_row * weight);

    let value_scale = per_row / heads as f32;
    let value_factor = 2.0 * value_scale * config.vf_coef as f32 * value_weight * weight;
    let mut d_values = vec![0.0f32; heads * n];
    let mut value_sum = 0.0f64;
    for (d, values) in outputs.values.chunks_exact(n).enumerate() {
        for (i, &v) in values.iter().enumerate() {
            let (predicted, inside) = match config.clip_range_vf {
                None => (v, 1.0),
                Some(c) => {
                    let (c, old) = (c as f32, targets.old_values[i]);
                    ((v - old).clamp(-c, c) + old, f32::from(u8::from((-c..=c).contains(&(v - old)))))
                }
            };
            let error = predicted - targets.returns[i];
            value_sum += f64::from(error * error);
            d_values[d * n + i] = value_factor * error * inside;
        }
    }

    let policy_loss = -(policy_sum as f32) * per_row;
    let value_loss = value_sum as f32 * value_scale;
    let entropy_loss = -entropy_per_row * n as f32 * per_row;
    let loss =
        policy_loss + entropy_loss * config.ent_coef as f32 + value_loss * (config.vf_coef as f32 * value_weight);
    let clip = config.clip_range as f32;
    let stats = LossStats {
        policy_loss,
        value_loss,
        entropy_loss,
        loss,
        approx_kl: part_mean(log_ratios.iter().zip(&ratios).map(|(&lr, &r)| (r - 1.0) - lr), total),
        clip_fraction: part_mean(ratios.iter().map(|&r| f32::from(u8::from((r - 1.0).abs() > clip))), total),
    };
    LossGradient { mean: d_mean, log_std: d_log_std, values: d_values, stats }
}
