//! SB3's SAC `Actor` for Box actions: a ReLU latent network, then two linear heads — the mean
//! and a state-dependent log σ clamped to [−20, 2] — and the squashed Gaussian
//! (`SquashedDiagGaussianDistribution`) on top: a = tanh(μ + σ·z), z ~ N(0, I).

use dfdx::prelude::*;
use rand::Rng;
use rlmpc_learner_kit::dense::{self, Activation, Rows, Wanted};
use rlmpc_learner_kit::Param;

use super::network::{Linear, Mlp};
use super::{Matrix, Vector};

/// SB3's `LOG_STD_MIN` and `LOG_STD_MAX`: log σ is clamped to this range.
pub const LOG_STD_RANGE: (f32, f32) = (-20.0, 2.0);
/// SB3's ε inside the tanh correction log(1 − a² + ε).
pub const SQUASH_EPSILON: f32 = 1e-6;
/// ½·ln(2π), the Gaussian's normalising term per action dimension.
const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// The policy's draw for a batch of observations (SB3's `actor.action_log_prob`): the actions
/// and their log-probabilities on the tape `T`, and every value as numbers.
pub(crate) struct PolicySample<T: Tape<f32, Cpu>> {
    /// a = tanh(u), `[n][A]`, in [−1, 1].
    pub(crate) actions: Matrix<T>,
    /// log π(a|s), `[n]`, with the tanh correction.
    pub(crate) log_prob: Vector<T>,
    /// The same and every intermediate, as numbers.
    pub(crate) values: SampleValues,
}

/// The numbers of one [`PolicySample`] (what SB3's `action_log_prob` computes on the way).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SampleValues {
    /// μ(s), `[n][A]`.
    pub mean: Vec<f32>,
    /// The log σ head's output before the clamp, `[n][A]`.
    pub log_std_raw: Vec<f32>,
    /// log σ after the clamp, `[n][A]`.
    pub log_std: Vec<f32>,
    /// u = μ + σ·z, `[n][A]`.
    pub gaussian_actions: Vec<f32>,
    /// a = tanh(u), `[n][A]`.
    pub actions: Vec<f32>,
    /// log π(a|s), `[n]`.
    pub log_prob: Vec<f32>,
}

/// The actor's networks.
#[derive(Clone)]
pub(crate) struct Actor {
    dev: Cpu,
    latent: Mlp,
    mu: Linear,
    log_std: Linear,
}

impl Actor {
    /// PyTorch's default init, drawn in SB3's order: the latent layers, μ, then log σ.
    pub(crate) fn new(
        dev: &Cpu,
        observation_dim: usize,
        hidden: &[usize],
        action_dim: usize,
        rng: &mut impl Rng,
    ) -> Self {
        let sizes: Vec<usize> = std::iter::once(observation_dim).chain(hidden.iter().copied()).collect();
        let latent = Mlp::new(dev, &sizes, true, rng);
        let last = *sizes.last().expect("at least the observation size");
        let mu = Linear::new(dev, last, action_dim, rng);
        let log_std = Linear::new(dev, last, action_dim, rng);
        Self { dev: dev.clone(), latent, mu, log_std }
    }

    /// The latent network's layer outputs, μ(s) and the log σ head's output before the clamp,
    /// for the rows of `observations`, in plain Rust.
    fn heads(&self, observations: Rows) -> (Vec<Vec<f32>>, Vec<f32>, Vec<f32>) {
        let latent = self.latent.forward_recorded(observations);
        let features = latent_rows(observations, &latent);
        let mean = dense::forward(features, self.mu.as_layer(), Activation::Identity, true);
        let log_std_raw = dense::forward(features, self.log_std.as_layer(), Activation::Identity, true);
        (latent, mean, log_std_raw)
    }

    /// μ(s) and the clamped log σ(s) for the rows of `observations`, in plain Rust.
    pub(crate) fn gaussian(&self, observations: Rows) -> (Vec<f32>, Vec<f32>) {
        let (_, mean, mut log_std) = self.heads(observations);
        log_std.iter_mut().for_each(|l| *l = l.clamp(LOG_STD_RANGE.0, LOG_STD_RANGE.1));
        (mean, log_std)
    }

    /// [`sample`](Self::sample) in plain Rust, with the latent network's outputs that
    /// [`backward`](Self::backward) needs.
    pub(crate) fn sample_recorded(&self, observations: Rows, noise: &[f32]) -> (SampleValues, Vec<Vec<f32>>) {
        let (latent, mean, log_std_raw) = self.heads(observations);
        let action_dim = self.mu.as_layer().outputs();
        let log_std: Vec<f32> = log_std_raw.iter().map(|l| l.clamp(LOG_STD_RANGE.0, LOG_STD_RANGE.1)).collect();
        let gaussian_actions: Vec<f32> =
            mean.iter().zip(&log_std).zip(noise).map(|((m, l), z)| m + l.exp() * z).collect();
        let actions: Vec<f32> = gaussian_actions.iter().map(|u| u.tanh()).collect();
        let log_prob = (0..observations.rows)
            .map(|i| {
                let row = i * action_dim..(i + 1) * action_dim;
                let log_std_sum: f32 = log_std[row.clone()].iter().sum();
                let constant =
                    noise[row.clone()].iter().map(|&z| -0.5 * f64::from(z).powi(2) - HALF_LN_2PI).sum::<f64>() as f32;
                let correction: f32 = actions[row].iter().map(|a| ((-(a * a) + 1.0) + SQUASH_EPSILON).ln()).sum();
                -log_std_sum + constant - correction
            })
            .collect();
        let values = SampleValues { mean, log_std_raw, log_std, gaussian_actions, actions, log_prob };
        (values, latent)
    }

    /// The gradient of every parameter, in the order of [`params`](Self::params), given dL/da
    /// (`d_actions`, `[n][A]`) and dL/d log π (`d_log_prob`, `[n]`) of a draw of
    /// [`sample_recorded`](Self::sample_recorded) on `observations` with `noise`:
    /// ```text
    /// ∂L/∂u = (∂L/∂a + ∂L/∂log π · 2a/(1 − a² + ε))·(1 − a²),   ∂L/∂μ = ∂L/∂u
    /// ∂L/∂log σ = (−∂L/∂log π + ∂L/∂u·σ·z)·[−20 ≤ raw log σ ≤ 2]
    /// ```
    pub(crate) fn backward(
        &self,
        observations: Rows,
        (draw, latent): (&SampleValues, &[Vec<f32>]),
        noise: &[f32],
        d_actions: &[f32],
        d_log_prob: &[f32],
    ) -> Vec<Vec<f32>> {
        let action_dim = self.mu.as_layer().outputs();
        let mut d_mean = vec![0.0f32; d_actions.len()];
        let mut d_log_std = vec![0.0f32; d_actions.len()];
        for (k, (d_mean, d_log_std)) in d_mean.iter_mut().zip(&mut d_log_std).enumerate() {
            let (a, d_lp) = (draw.actions[k], d_log_prob[k / action_dim]);
            let d_u = (d_actions[k] + d_lp * (2.0 * a / (1.0 - a * a + SQUASH_EPSILON))) * (1.0 - a * a);
            *d_mean = d_u;
            let inside = (LOG_STD_RANGE.0..=LOG_STD_RANGE.1).contains(&draw.log_std_raw[k]);
            *d_log_std = if inside { -d_lp + d_u * draw.log_std[k].exp() * noise[k] } else { 0.0 };
        }
        let features = latent_rows(observations, latent);
        let both = Wanted { parameters: true, input: true };
        let mu = dense::backward(features, self.mu.as_layer(), &d_mean, both, true);
        let log_std = dense::backward(features, self.log_std.as_layer(), &d_log_std, both, true);
        let mut d_latent = mu.input.expect("asked for");
        d_latent.iter_mut().zip(log_std.input.expect("asked for")).for_each(|(d, e)| *d += e);
        let (mut gradients, _) =
            self.latent.backward(observations, latent, d_latent, Wanted { parameters: true, input: false });
        gradients.extend([mu.weight, mu.bias, log_std.weight, log_std.bias]);
        gradients
    }

    /// The squashed-Gaussian draw with the standard normals `noise` (`[n][A]`), as SB3's
    /// `action_log_prob` with `rsample`:
    /// ```text
    /// log σ = clamp(W_σ·h + b_σ, −20, 2),  u = μ + exp(log σ)·z,  a = tanh(u)
    /// log π = Σ_j [−z_j²/2 − log σ_j − ½ln 2π] − Σ_j ln(1 − a_j² + 1e-6)
    /// ```
    /// The Gaussian term is torch's `Normal.log_prob(u)`, whose −(u − μ)²/(2σ²) is −z²/2:
    /// written so, it has the same value and the same gradient (none, through μ and u).
    pub(crate) fn sample<T: Tape<f32, Cpu>>(&self, observations: Matrix<T>, noise: &[f32]) -> PolicySample<T> {
        let latent = self.latent.forward(observations);
        let latent_copy = latent.with_empty_tape();
        let mean = self.mu.forward(latent);
        let shape = *mean.shape();
        let log_std_raw = self.log_std.forward(latent_copy);
        let log_std_raw_values = log_std_raw.as_vec();
        let log_std = log_std_raw.clamp(LOG_STD_RANGE.0, LOG_STD_RANGE.1);
        let log_std_values = log_std.as_vec();
        let z = self.dev.tensor_from_vec(noise.to_vec(), shape);
        let mean_values = mean.as_vec();
        let std = log_std.with_empty_tape().exp();
        let gaussian = mean + std * z;
        let gaussian_values = gaussian.as_vec();
        let actions = gaussian.tanh();
        let actions_copy = actions.with_empty_tape();
        // Σ_j (−z_j²/2 − ½ln 2π) per row: no gradient.
        let constant: Vec<f32> = noise
            .chunks(shape.1)
            .map(|z| z.iter().map(|&z| -0.5 * f64::from(z).powi(2) - HALF_LN_2PI).sum::<f64>() as f32)
            .collect();
        let constant = self.dev.tensor_from_vec(constant, (shape.0,));
        let correction = ((-actions_copy.square() + 1.0) + SQUASH_EPSILON).ln().sum::<(usize,), Axis<1>>();
        let log_prob = -log_std.sum::<(usize,), Axis<1>>() + constant - correction;
        let values = SampleValues {
            mean: mean_values,
            log_std_raw: log_std_raw_values,
            log_std: log_std_values,
            gaussian_actions: gaussian_values,
            actions: actions.as_vec(),
            log_prob: log_prob.as_vec(),
        };
        PolicySample { actions, log_prob, values }
    }

    /// Its parameters under their SB3 `state_dict` names: `latent_pi.<0, 2, …>.weight|bias`,
    /// `mu.weight|bias`, `log_std.weight|bias`.
    pub(crate) fn params(&self) -> Vec<(String, &dyn Param)> {
        let mut out = Vec::new();
        self.latent.params("latent_pi", &mut out);
        out.push(("mu.weight".into(), &self.mu.weight));
        out.push(("mu.bias".into(), &self.mu.bias));
        out.push(("log_std.weight".into(), &self.log_std.weight));
        out.push(("log_std.bias".into(), &self.log_std.bias));
        out
    }

    /// Its parameters in the order of [`params`](Self::params).
    pub(crate) fn params_mut(&mut self) -> Vec<&mut dyn Param> {
        let mut out = Vec::new();
        self.latent.params_mut(&mut out);
        out.push(&mut self.mu.weight);
        out.push(&mut self.mu.bias);
        out.push(&mut self.log_std.weight);
        out.push(&mut self.log_std.bias);
        out
    }
}

/// The latent network's output rows: its last layer's, or the observations when it has none.
fn latent_rows<'a>(observations: Rows<'a>, latent: &'a [Vec<f32>]) -> Rows<'a> {
    latent.last().map_or(observations, |y| Rows::packed(y, y.len() / observations.rows.max(1)))
}

/// log π of one component of a squashed action `action` ∈ [−1, 1] under N(μ, exp(log σ)²),
/// in f64: SB3's `log_prob_from_params` for a given action, u = atanh(a) with a clipped one
/// f32 ε inside ±1 (`TanhBijector.inverse`), then the Gaussian term and the tanh correction.
pub(crate) fn squashed_log_density(action: f32, mean: f32, log_std: f32) -> f64 {
    let a = f64::from(action.clamp(-1.0 + f32::EPSILON, 1.0 - f32::EPSILON));
    let (mean, log_std) = (f64::from(mean), f64::from(log_std));
    let z = (a.atanh() - mean) / log_std.exp();
    -0.5 * z * z - log_std - HALF_LN_2PI - (1.0 - a * a + f64::from(SQUASH_EPSILON)).ln()
}
