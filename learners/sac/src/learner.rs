//! [`Sac`]: the learner the trainer drives through [`PolicyLearner`], acting as SB3's
//! `OffPolicyAlgorithm` does between calls of `train()`.

use std::path::Path;

use dfdx::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rlmpc_core::env::BoxSpace;
use rlmpc_core::policy::{Batch, Critic, HighLevelPolicy, Mixing, PolicyLearner, UpdateReport};
use rlmpc_core::{Error, Result};
use rlmpc_learner_kit::dense::Rows;
use rlmpc_learner_kit::{Adam, FirstMoment, ObservationNormalizer, Param, Parameter};

use super::action_scale::ActionScale;
use super::actor::Actor;
use super::checkpoint::Replay;
use super::critic::TwinCritic;
use super::gradient_step::{StepNoise, StepRecord};
use super::replay_buffer::ReplayBuffer;
use super::SacConfig;

/// Adam's ε: torch's default, since SB3's `SACPolicy` passes no optimiser arguments (its PPO
/// uses 1e-5).
const ADAM_EPS: f64 = 1e-8;

/// The random streams of a learner, all from its seed (ChaCha8 streams 0–3), so that each use
/// is reproducible on its own.
#[derive(Clone)]
pub(crate) struct Streams {
    /// Actions: the uniform warm-up draws and the policy's z while acting.
    pub(crate) actions: ChaCha8Rng,
    /// The rows of each sampled batch, and each slot's real-or-virtual draw (Eq. 8).
    pub(crate) replay: ChaCha8Rng,
    /// The z of the two draws of each gradient step.
    pub(crate) noise: ChaCha8Rng,
}

fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// The three Adam optimisers of SB3's SAC.
#[derive(Clone)]
pub(crate) struct Optimizers {
    pub(crate) actor: Adam,
    pub(crate) critic: Adam,
    /// log α's, for a learned α.
    pub(crate) ent_coef: Option<Adam>,
}

/// SAC with Stable-Baselines3 2.9.2's semantics: squashed-Gaussian actor, twin critics with
/// Polyak-averaged targets, learned or fixed α, a replay buffer, random actions until
/// `learning_starts`. Parameters are f32 on dfdx's CPU device; everything public is f64, and
/// actions at the [`PolicyLearner`] boundary are in the action space's units.
#[derive(Clone)]
pub struct Sac {
    pub(crate) config: SacConfig,
    pub(crate) observation_dim: usize,
    pub(crate) action_dim: usize,
    pub(crate) scale: ActionScale,
    pub(crate) dev: Cpu,
    pub(crate) actor: Actor,
    pub(crate) critic: TwinCritic,
    pub(crate) critic_target: TwinCritic,
    /// log α, when α is learned.
    pub(crate) log_ent_coef: Option<Parameter<(usize,)>>,
    /// α, when it is fixed (SB3: `float32(ent_coef)`).
    pub(crate) fixed_ent_coef: f32,
    pub(crate) target_entropy: f64,
    pub(crate) optimizers: Optimizers,
    pub(crate) replay: ReplayBuffer,
    /// Virtual tuples (D_MPPI, Eq. 7) with their one-step outcomes, drawn with probability ρ.
    pub(crate) virtual_replay: ReplayBuffer,
    pub(crate) streams: Streams,
    /// Environment steps so far (SB3's `num_timesteps`): one per [`PolicyLearner::sample`] call.
    pub(crate) steps: u64,
    /// Gradient steps so far (SB3's `_n_updates`).
    pub(crate) gradient_steps: u64,
    /// Running observation statistics, when `normalize_observations` is on.
    pub(crate) normalizer: Option<ObservationNormalizer>,
}

impl Sac {
    /// A fresh learner for observations of `observation_dim` and actions of `action_dim`
    /// components in `action_space` (`None`: the squashed draw in [−1, 1] is the action):
    /// PyTorch's default init from stream 0 of `seed`, the target critics a copy of the
    /// critics, zero Adam moments, an empty replay buffer.
    pub fn new(
        config: SacConfig,
        observation_dim: usize,
        action_dim: usize,
        action_space: Option<&BoxSpace>,
        seed: u64,
    ) -> Result<Self> {
        config.validate().map_err(Error::Invalid)?;
        if observation_dim == 0 || action_dim == 0 {
            return Err(Error::Invalid(format!(
                "sac: observation and action dimensions must be positive, got {observation_dim} and {action_dim}"
            )));
        }
        let scale = ActionScale::new(action_space, action_dim).map_err(Error::Invalid)?;
        let dev = Cpu::default();
        let mut init = stream(seed, 0);
        let actor = Actor::new(&dev, observation_dim, &config.net_arch.pi, action_dim, &mut init);
        let critic = TwinCritic::new(&dev, observation_dim, action_dim, &config.net_arch.qf, &mut init);
        let sizes =
            |params: Vec<(String, &dyn Param)>| params.iter().map(|(_, p)| p.values().len()).collect::<Vec<_>>();
        let log_ent_coef = config.ent_coef.initial_log().map_err(Error::Invalid)?;
        let optimizers = Optimizers {
            actor: Adam::new(config.learning_rate, ADAM_EPS, FirstMoment::Interpolated, sizes(actor.params())),
            critic: Adam::new(config.learning_rate, ADAM_EPS, FirstMoment::Interpolated, sizes(critic.params())),
            ent_coef: log_ent_coef.map(|_| Adam::new(config.learning_rate, ADAM_EPS, FirstMoment::Interpolated, [1])),
        };
        let fixed_ent_coef = match config.ent_coef {
            crate::EntCoef::Fixed(alpha) => alpha as f32,
            crate::EntCoef::Learned(_) => f32::NAN,
        };
        let normalizer = config.normalize_observations.then(|| ObservationNormalizer::new(observation_dim));
        Ok(Self {
            target_entropy: config.target_entropy_value(action_dim),
            log_ent_coef: log_ent_coef.map(|x| Parameter::new(&dev, vec![x as f32], (1,))),
            fixed_ent_coef,
            replay: ReplayBuffer::new(config.buffer_size, observation_dim, action_dim),
            virtual_replay: ReplayBuffer::new(config.buffer_size, observation_dim, action_dim),
            critic_target: critic.clone(),
            config,
            observation_dim,
            action_dim,
            scale,
            dev,
            actor,
            critic,
            optimizers,
            streams: Streams { actions: stream(seed, 1), replay: stream(seed, 2), noise: stream(seed, 3) },
            steps: 0,
            gradient_steps: 0,
            normalizer,
        })
    }

    /// The settings.
    pub fn config(&self) -> &SacConfig {
        &self.config
    }

    /// Every parameter as SB3's `state_dict` names and lays it out: `actor.<name>`,
    /// `critic.<name>`, `critic_target.<name>` (weights `[outputs][inputs]`), and
    /// `log_ent_coef` for a learned α.
    pub fn parameters(&self) -> Vec<(String, Vec<f32>)> {
        self.named_params().into_iter().map(|(name, p)| (name, p.values().to_vec())).collect()
    }

    /// Overwrites the parameters named as [`parameters`](Self::parameters) names them.
    ///
    /// # Errors
    /// If a name is unknown or a size differs.
    pub fn set_parameter(&mut self, name: &str, values: &[f32]) -> Result<()> {
        let sizes: Vec<(String, usize)> = self.named_params().into_iter().map(|(n, p)| (n, p.values().len())).collect();
        let index = sizes.iter().position(|(n, _)| n == name);
        match index {
            Some(i) if sizes[i].1 == values.len() => {
                self.named_params_mut().swap_remove(i).assign(values);
                Ok(())
            }
            Some(i) => Err(Error::Invalid(format!("sac: `{name}` has {} values, got {}", sizes[i].1, values.len()))),
            None => Err(Error::Invalid(format!("sac: no parameter `{name}`"))),
        }
    }

    pub(crate) fn named_params(&self) -> Vec<(String, &dyn Param)> {
        let mut out = Vec::new();
        for (prefix, params) in [
            ("actor", self.actor.params()),
            ("critic", self.critic.params()),
            ("critic_target", self.critic_target.params()),
        ] {
            out.extend(params.into_iter().map(|(name, p)| (format!("{prefix}.{name}"), p)));
        }
        if let Some(log_ent_coef) = &self.log_ent_coef {
            out.push(("log_ent_coef".into(), log_ent_coef as &dyn Param));
        }
        out
    }

    pub(crate) fn named_params_mut(&mut self) -> Vec<&mut dyn Param> {
        let mut out = self.actor.params_mut();
        out.extend(self.critic.params_mut());
        out.extend(self.critic_target.params_mut());
        if let Some(log_ent_coef) = &mut self.log_ent_coef {
            out.push(log_ent_coef as &mut dyn Param);
        }
        out
    }

    /// The observations as the networks see them, f32, row-major: normalised when configured.
    fn observations(&self, observations: &[f64]) -> Vec<f32> {
        assert_eq!(observations.len() % self.observation_dim, 0, "sac: observations of the wrong length");
        match &self.normalizer {
            Some(normalizer) => normalizer.normalize(observations),
            None => observations.iter().map(|&x| x as f32).collect(),
        }
    }

    /// tanh(μ(s)) for each observation, `[n][A]` in [−1, 1]: the deterministic action.
    fn deterministic(&self, observations: &[f64]) -> Vec<f32> {
        let observations = self.observations(observations);
        let (mean, _) = self.actor.gaussian(Rows::packed(&observations, self.observation_dim));
        mean.into_iter().map(f32::tanh).collect()
    }

    /// Q_0 and Q_1 at the deterministic action, row-major `[n][2]`.
    fn twin_values(&self, observations: &[f64]) -> Vec<f64> {
        let actions = self.deterministic(observations);
        let q = self.critic.forward_recorded(&self.observations(observations), &actions, self.action_dim);
        q.q(0).iter().zip(q.q(1)).flat_map(|(&a, &b)| [f64::from(a), f64::from(b)]).collect()
    }

    /// Draws the z of one gradient step, `[B][A]` for each draw.
    fn draw_noise(&mut self, rows: usize) -> StepNoise {
        let n = rows * self.action_dim;
        let rng = &mut self.streams.noise;
        let pi = (0..n).map(|_| rng.sample::<f32, _>(StandardNormal)).collect();
        let next = (0..n).map(|_| rng.sample::<f32, _>(StandardNormal)).collect();
        StepNoise { pi, next }
    }
}

impl HighLevelPolicy for Sac {
    fn action_dim(&self) -> usize {
        self.action_dim
    }

    /// The deterministic action tanh(μ(s)), rescaled to the action space (SB3's `predict(…,
    /// deterministic=True)`).
    fn propose(&mut self, observation: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&self.scale.unscale_action(&self.deterministic(observation)));
    }

    fn critic(&self) -> Option<&dyn Critic> {
        Some(self)
    }
}

/// SAC has no V(s); its value is min_k Q_k(s, tanh μ(s)), the twin critics at the deterministic
/// action.
impl Critic for Sac {
    fn value(&self, observations: &[f64], out: &mut [f64]) {
        for (v, q) in out.iter_mut().zip(self.twin_values(observations).chunks_exact(2)) {
            *v = q[0].min(q[1]);
        }
    }
}

impl PolicyLearner for Sac {
    fn observation_dim(&self) -> usize {
        self.observation_dim
    }

    /// The two critics are the "heads" Alg. 2 reads.
    fn ensemble_size(&self) -> usize {
        2
    }

    /// One environment step's actions (SB3's `_sample_action`): before `learning_starts` steps,
    /// uniform draws from the action space; after, squashed-Gaussian draws. Every call counts
    /// as one environment step (Alg. 1 draws once per real step).
    fn sample(&mut self, observation: &[f64], actions: &mut [f64], log_probs: &mut [f64]) {
        let (a, m) = (self.action_dim, log_probs.len());
        assert_eq!(actions.len(), m * a, "sac: `actions` must be [M][action_dim]");
        // Training acts on every observation once: SB3's VecNormalize updates on each step.
        if let Some(normalizer) = &mut self.normalizer {
            normalizer.update(observation);
        }
        if self.steps < self.config.learning_starts as u64 {
            for row in actions.chunks_mut(a) {
                self.scale.sample_uniform(&mut self.streams.actions, row);
            }
            self.log_prob(observation, actions, log_probs);
        } else {
            let rng = &mut self.streams.actions;
            let noise: Vec<f32> = (0..m * a).map(|_| rng.sample::<f32, _>(StandardNormal)).collect();
            let repeated: Vec<f64> = observation.iter().copied().cycle().take(m * self.observation_dim).collect();
            let repeated = self.observations(&repeated);
            let (draw, _) = self.actor.sample_recorded(Rows::packed(&repeated, self.observation_dim), &noise);
            actions.copy_from_slice(&self.scale.unscale_action(&draw.actions));
            for (lp, &x) in log_probs.iter_mut().zip(&draw.log_prob) {
                *lp = f64::from(x);
            }
        }
        self.steps += 1;
    }

    /// log π(a|s) of actions in the action space's units: SB3's `log_prob_from_params` after
    /// rescaling to [−1, 1], with u = atanh(a) and a clipped 1 f32 ε inside ±1.
    fn log_prob(&self, observation: &[f64], actions: &[f64], out: &mut [f64]) {
        let observation = self.observations(observation);
        let (mean, log_std) = self.actor.gaussian(Rows::packed(&observation, self.observation_dim));
        for (lp, action) in out.iter_mut().zip(actions.chunks(self.action_dim)) {
            *lp = self
                .scale
                .scale_action(action)
                .iter()
                .zip(mean.iter().zip(&log_std))
                .map(|(&a, (&mu, &ls))| crate::actor::squashed_log_density(a, mu, ls))
                .sum();
        }
    }

    fn value_heads(&self, observations: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&self.twin_values(observations));
    }

    /// SB3's `learn` after a rollout of `real.len()` steps (`train_freq`): the tuples go into the
    /// replay buffer (virtual ones, with ρ > 0, into a second one), then, once more than
    /// `learning_starts` steps were taken, `gradient_steps` gradient steps (−1: one per real
    /// tuple). SAC mixes per sample (Eq. 8) whichever mixing mode is configured: each slot of
    /// a batch is a virtual tuple with probability ρ.
    ///
    /// The report carries SB3's SAC log: `policy_gradient_loss` is `train/actor_loss`,
    /// `value_loss` `train/critic_loss`, `entropy_loss` `train/ent_coef_loss` (0 for a fixed
    /// α), `loss` `train/ent_coef` (α), each a mean over the update's gradient steps (0 when
    /// none was taken), `n_epochs` the gradient steps taken, and PPO's KL, clip fraction and
    /// explained variance 0 (SAC computes none of them).
    ///
    /// # Panics
    /// If a batch lacks its transition columns (rewards, next observations, terminated,
    /// truncated) or does not fit the learner's dimensions, or ρ ∉ [0, 1].
    fn update(&mut self, real: &Batch, virtual_: &Batch, mixing: Mixing) -> UpdateReport {
        let rho = mixing.rho;
        assert!((0.0..=1.0).contains(&rho), "sac: ρ = {rho} is outside [0, 1]");
        for (name, batch) in [("real", real), ("virtual", virtual_)] {
            if let Err(e) = batch.check_transitions(self.observation_dim, self.action_dim) {
                panic!("sac: {name} batch: {e}");
            }
        }
        self.remember(real, virtual_, rho);
        let learning = self.steps > 0 && self.steps > self.config.learning_starts as u64;
        let steps = match self.config.gradient_steps {
            -1 => real.len(),
            n => usize::try_from(n).unwrap_or(0),
        };
        let records: Vec<StepRecord> = if learning && self.replay.len() > 0 {
            (0..steps)
                .map(|index| {
                    let batch = self.sample_batch(rho);
                    let noise = self.draw_noise(batch.len());
                    self.gradient_step(&batch, &noise, index)
                })
                .collect()
        } else {
            Vec::new()
        };
        self.gradient_steps += records.len() as u64;
        // The trainer's divergence guard reads every loss: a quantity SAC does not compute,
        // or an update without gradient steps, reports 0 rather than NaN.
        let mean = |f: &dyn Fn(&StepRecord) -> f32| {
            if records.is_empty() {
                return 0.0;
            }
            records.iter().map(|r| f64::from(f(r))).sum::<f64>() / records.len() as f64
        };
        UpdateReport {
            policy_gradient_loss: mean(&|r| r.actor_loss),
            value_loss: mean(&|r| r.critic_loss),
            entropy_loss: mean(&|r| r.ent_coef_loss.map_or(0.0, |(loss, _)| loss)),
            loss: mean(&|r| r.ent_coef),
            approx_kl: 0.0,
            clip_fraction: 0.0,
            explained_variance: 0.0,
            n_epochs: records.len(),
        }
    }

    fn save(&self, path: &Path) -> Result<()> {
        self.save_checkpoint(path, Replay::Kept)
    }

    fn save_policy(&self, path: &Path) -> Result<()> {
        self.save_checkpoint(path, Replay::Omitted)
    }

    fn load(&mut self, path: &Path) -> Result<()> {
        self.load_checkpoint(path)
    }
}
