//! [`Ppo`]: the learner the RL–MPPI trainer drives through [`PolicyLearner`].

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rlmpc_core::policy::{Batch, Critic, HighLevelPolicy, Mixing, PolicyLearner, UpdateReport};
use rlmpc_core::{Error, Result};
use rlmpc_learner_kit::{Adam, FirstMoment};

use super::actor_critic::{ActorCritic, HALF_LN_2PI};
use super::clip_grad_norm::clip_grad_norm;
use super::epochs::Epochs;
use super::loss::{explained_variance, LossStats};
use super::PpoConfig;
use rlmpc_learner_kit::ObservationNormalizer;

/// The random streams of a learner, all from its seed (ChaCha8 streams 0–3), so that each use
/// is reproducible on its own: the real minibatch order does not depend on ρ or on how many
/// actions were sampled.
pub(super) struct Streams {
    /// Action sampling (Eq. 4).
    pub(super) actions: ChaCha8Rng,
    /// The shuffle of the real tuples in each epoch.
    pub(super) real: ChaCha8Rng,
    /// The draw of virtual tuples.
    pub(super) virtual_: ChaCha8Rng,
}

fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// PPO with Stable-Baselines3's semantics (clipped surrogate, per-minibatch advantage
/// normalisation, global gradient clip, Adam, optional target-KL stop), a diagonal Gaussian
/// policy whose actions are not squashed (the MPPI side clips), and a critic of D value heads.
/// Parameters are f32 on dfdx's CPU device; everything public is f64.
pub struct Ppo {
    pub(super) config: PpoConfig,
    pub(super) observation_dim: usize,
    pub(super) action_dim: usize,
    pub(super) net: ActorCritic,
    pub(super) adam: Adam,
    pub(super) streams: Streams,
    /// Running observation statistics, when `normalize_observations` is on.
    pub(super) normalizer: Option<ObservationNormalizer>,
}

impl Ppo {
    /// A fresh learner: SB3's initialisation (stream 0 of `seed`), Adam with zero moments.
    pub fn new(config: PpoConfig, observation_dim: usize, action_dim: usize, seed: u64) -> Result<Self> {
        config.validate().map_err(Error::Invalid)?;
        if observation_dim == 0 || action_dim == 0 {
            return Err(Error::Invalid(format!(
                "ppo: observation and action dimensions must be positive, got {observation_dim} and {action_dim}"
            )));
        }
        config.check_size(observation_dim, action_dim).map_err(Error::Invalid)?;
        let net = ActorCritic::new(&config, observation_dim, action_dim, &mut stream(seed, 0));
        let adam = Adam::new(
            config.learning_rate,
            config.adam_eps,
            FirstMoment::Weighted,
            net.params().iter().map(|(_, p)| p.values().len()),
        );
        let streams = Streams { actions: stream(seed, 1), real: stream(seed, 2), virtual_: stream(seed, 3) };
        let normalizer = config.normalize_observations.then(|| ObservationNormalizer::new(observation_dim));
        Ok(Self { config, observation_dim, action_dim, net, adam, streams, normalizer })
    }

    /// The settings.
    pub fn config(&self) -> &PpoConfig {
        &self.config
    }

    /// Every parameter tensor by name, row-major (weights are `[inputs][outputs]`).
    pub fn parameters(&self) -> Vec<(String, Vec<f32>)> {
        self.net.params().into_iter().map(|(name, p)| (name, p.values().to_vec())).collect()
    }

    /// Observations as the networks see them: normalised when configured, as f32.
    pub(crate) fn features(&self, observations: &[f64]) -> Vec<f32> {
        match &self.normalizer {
            Some(normalizer) => normalizer.normalize(observations),
            None => observations.iter().map(|&x| x as f32).collect(),
        }
    }

    /// μ(s) and log σ of π(·|s), widened to f64.
    fn gaussian(&self, observation: &[f64]) -> (Vec<f64>, Vec<f64>) {
        assert_eq!(observation.len(), self.observation_dim, "ppo: observation of the wrong length");
        let mean = self.net.mean(&self.features(observation), 1);
        (mean.into_iter().map(f64::from).collect(), self.net.log_std().iter().map(|&x| f64::from(x)).collect())
    }

    /// The value heads, row-major `[n][D]`, for `n` observations.
    fn heads(&self, observations: &[f64]) -> Vec<f32> {
        assert_eq!(observations.len() % self.observation_dim, 0, "ppo: observations of the wrong length");
        self.net.heads(&self.features(observations), observations.len() / self.observation_dim)
    }

    /// The global gradient clip and one Adam step along a minibatch's gradient.
    pub(crate) fn step(&mut self, mut gradient: Vec<Vec<f32>>) {
        clip_grad_norm(&mut gradient, self.config.max_grad_norm);
        self.adam.step(&mut self.net.params_mut(), &gradient);
    }
}

/// log N(a; μ, diag σ²) with σ = exp(log σ), in f64.
fn gaussian_log_prob(mean: &[f64], log_std: &[f64], action: &[f64]) -> f64 {
    mean.iter()
        .zip(log_std)
        .zip(action)
        .map(|((m, ls), a)| -0.5 * ((a - m) / ls.exp()).powi(2) - ls - HALF_LN_2PI)
        .sum()
}

impl HighLevelPolicy for Ppo {
    fn action_dim(&self) -> usize {
        self.action_dim
    }

    fn propose(&mut self, observation: &[f64], out: &mut [f64]) {
        let (mean, _) = self.gaussian(observation);
        for (o, m) in out.iter_mut().zip(mean) {
            *o = m;
        }
    }

    fn critic(&self) -> Option<&dyn Critic> {
        Some(self)
    }
}

impl Critic for Ppo {
    fn value(&self, observations: &[f64], out: &mut [f64]) {
        let heads = self.heads(observations);
        let d = self.config.value_heads;
        for (v, row) in out.iter_mut().zip(heads.chunks_exact(d)) {
            *v = row.iter().map(|&h| f64::from(h)).sum::<f64>() / d as f64;
        }
    }
}

impl Ppo {
    /// Fills every row of `out` with a draw μ + σ·z.
    fn draw(&mut self, mean: &[f64], log_std: &[f64], out: &mut [f64]) {
        for row in out.chunks_mut(self.action_dim) {
            for ((x, m), ls) in row.iter_mut().zip(mean).zip(log_std) {
                *x = m + ls.exp() * self.streams.actions.sample::<f64, _>(StandardNormal);
            }
        }
    }
}

impl PolicyLearner for Ppo {
    fn observation_dim(&self) -> usize {
        self.observation_dim
    }

    fn ensemble_size(&self) -> usize {
        self.config.value_heads
    }

    fn sample(&mut self, observation: &[f64], actions: &mut [f64], log_probs: &mut [f64]) {
        assert_eq!(actions.len(), log_probs.len() * self.action_dim, "ppo: `actions` must be [M][action_dim]");
        // Training sees every observation here once: SB3's VecNormalize updates on each step.
        if let Some(normalizer) = &mut self.normalizer {
            normalizer.update(observation);
        }
        // One forward pass serves the draw and the log-probabilities.
        let (mean, log_std) = self.gaussian(observation);
        self.draw(&mean, &log_std, actions);
        for (lp, a) in log_probs.iter_mut().zip(actions.chunks(self.action_dim)) {
            *lp = gaussian_log_prob(&mean, &log_std, a);
        }
    }

    fn log_prob(&self, observation: &[f64], actions: &[f64], out: &mut [f64]) {
        let (mean, log_std) = self.gaussian(observation);
        for (lp, a) in out.iter_mut().zip(actions.chunks(self.action_dim)) {
            *lp = gaussian_log_prob(&mean, &log_std, a);
        }
    }

    fn value_heads(&self, observations: &[f64], out: &mut [f64]) {
        for (x, &h) in out.iter_mut().zip(&self.heads(observations)) {
            *x = f64::from(h);
        }
    }

    /// SB3's `PPO.train` with ρ-mixing: `n_epochs` passes over `real` in shuffled minibatches
    /// of `batch_size` (the last may be shorter). With ρ > 0 and virtual tuples (drawn without
    /// replacement across the update):
    /// - loss-weighted (Eq. 10): each step adds as many virtual tuples and minimises
    ///   (1 − ρ)·L_RL + ρ·L_MPPI, each part with its own advantage normalisation; the logged
    ///   terms and the target-KL test are the real part's, `loss` is the mixed L;
    /// - per-sample (Eq. 8): each slot of the minibatch holds a virtual tuple with probability
    ///   ρ instead of its real one, under one loss; everything logged is the mixed batch's.
    ///
    /// The explained variance is the real batch's.
    ///
    /// # Panics
    /// If `real` is empty, a batch's columns do not fit the learner's dimensions, or ρ ∉ [0, 1].
    fn update(&mut self, real: &Batch, virtual_: &Batch, mixing: Mixing) -> UpdateReport {
        let rho = mixing.rho;
        assert!((0.0..=1.0).contains(&rho), "ppo: ρ = {rho} is outside [0, 1]");
        assert!(!real.is_empty(), "ppo: update with no real tuples");
        for (name, batch) in [("real", real), ("virtual", virtual_)] {
            if let Err(e) = batch.check(self.observation_dim, self.action_dim) {
                panic!("ppo: {name} batch: {e}");
            }
        }
        let Epochs { logged, last_epoch_kl, loss, n_epochs } = self.epochs(real, virtual_, mixing);
        let mean = |f: fn(&LossStats) -> f32| logged.iter().map(|s| f64::from(f(s))).sum::<f64>() / logged.len() as f64;
        UpdateReport {
            policy_gradient_loss: mean(|s| s.policy_loss),
            value_loss: mean(|s| s.value_loss),
            entropy_loss: mean(|s| s.entropy_loss),
            loss: f64::from(loss),
            approx_kl: last_epoch_kl.iter().map(|&k| f64::from(k)).sum::<f64>() / last_epoch_kl.len() as f64,
            clip_fraction: mean(|s| s.clip_fraction),
            explained_variance: explained_variance(&real.values, &real.returns),
            n_epochs,
        }
    }

    fn save(&self, path: &Path) -> Result<()> {
        self.save_checkpoint(path)
    }

    fn load(&mut self, path: &Path) -> Result<()> {
        self.load_checkpoint(path)
    }
}
