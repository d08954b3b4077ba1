//! The high-level policy π(a | s) of the hierarchy (paper Sec. 4): it proposes RL actions
//! that condition MPPI's cost. A learner is a policy that also trains.

use std::path::Path;

use serde::Serialize;

use crate::Result;

/// Proposes high-level actions.
pub trait HighLevelPolicy: Send {
    /// Length of one action a.
    fn action_dim(&self) -> usize;
    /// Writes the action a for observation `s` into `out` (`action_dim` entries): the policy's
    /// deterministic action, its mean, as evaluation acts (decision record §7). Training draws
    /// its candidates with [`PolicyLearner::sample`] instead.
    fn propose(&mut self, observation: &[f64], out: &mut [f64]);
    /// The policy's critic, when it has one (the terminal-value cost, Eq. 41, reads it).
    fn critic(&self) -> Option<&dyn Critic> {
        None
    }
}

/// A value function V(s), evaluated on a batch.
pub trait Critic {
    /// V(s) for `n` observations (`[n][observation_dim]`) into `out` (`[n]`); a learner's is
    /// the mean of its D value heads.
    fn value(&self, observations: &[f64], out: &mut [f64]);
}

/// How virtual tuples enter an update (Sec. 4.2, decision record §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MixingMode {
    /// Eq. 10: each minibatch step takes B real and B virtual tuples and minimises
    /// L = (1 − ρ)·L_RL + ρ·L_MPPI.
    #[default]
    LossWeighted,
    /// Eq. 8–9: one minibatch of B tuples, each drawn from D_MPPI with probability ρ (else
    /// the real tuple in its place), under one loss.
    PerSample,
}

/// The influence ratio ρ and how it is applied.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mixing {
    /// ρ ∈ [0, 1].
    pub rho: f64,
    /// Loss weighting (Eq. 10) or per-sample draws (Eq. 8).
    pub mode: MixingMode,
}

impl Mixing {
    /// Loss-weighted mixing with ratio `rho` (the paper's main setting).
    pub fn loss_weighted(rho: f64) -> Self {
        Self { rho, mode: MixingMode::LossWeighted }
    }

    /// Per-sample mixing with ratio `rho`.
    pub fn per_sample(rho: f64) -> Self {
        Self { rho, mode: MixingMode::PerSample }
    }
}

/// A policy learner (PPO, SAC, …): a [`HighLevelPolicy`] with a value ensemble, whose sampling
/// and update the RL–MPPI trainer (Alg. 1) drives. Everything at this boundary is f64, row-major.
///
/// One training iteration, in call order:
/// 1. each step, [`sample`](Self::sample) draws the M candidates a^(m) and log π_old(a^(m)|s)
///    (Eq. 4, 5, 7), and [`Critic::value`] gives V(s) for the value targets (GAE);
/// 2. before the update, [`value_heads`](Self::value_heads) on real states feeds Alg. 2 (ρ);
/// 3. [`update`](Self::update) trains on D_RL and D_MPPI with ρ (Eq. 10); the trainer then
///    empties both buffers (PPO is on-policy). An off-policy learner (SAC) keeps what it needs
///    in its own replay buffer: every tuple arrives with its outcome (r, s′, terminated,
///    truncated), so the trainer treats both kinds alike.
pub trait PolicyLearner: HighLevelPolicy + Critic {
    /// Length of one observation s.
    fn observation_dim(&self) -> usize;
    /// D, the number of value heads.
    fn ensemble_size(&self) -> usize;
    /// Draws `log_probs.len()` actions a^(m) ~ π(·|s) for one observation (Eq. 4) into
    /// `actions` (`[M][action_dim]`) and their log π_old(a^(m)|s) into `log_probs` (`[M]`).
    fn sample(&mut self, observation: &[f64], actions: &mut [f64], log_probs: &mut [f64]);
    /// log π(a | s) for each row of `actions` (`[n][action_dim]`) at one observation `s`.
    fn log_prob(&self, observation: &[f64], actions: &[f64], out: &mut [f64]);
    /// Per-head value predictions for `n` observations, `[n][D]` (Alg. 2's input).
    fn value_heads(&self, observations: &[f64], out: &mut [f64]);
    /// Trains on real tuples (D_RL) and virtual ones (D_MPPI) mixed as `mixing` says
    /// (decision record §3): loss-weighted (Eq. 10) or per-sample (Eq. 8). With ρ = 0 or an empty
    /// `virtual_`, the virtual batch is not touched, so the update is exactly the learner's
    /// plain update on `real`.
    fn update(&mut self, real: &Batch, virtual_: &Batch, mixing: Mixing) -> UpdateReport;
    /// Writes the learner's state (parameters, optimiser state) to `path`.
    fn save(&self, path: &Path) -> Result<()>;
    /// Restores a state written by [`save`](Self::save) from a learner of the same shape.
    fn load(&mut self, path: &Path) -> Result<()>;
    /// Writes what acting and evaluation need to `path`, for [`load`](Self::load): SB3's
    /// `model.save`, which leaves a replay buffer out. The default is the whole state.
    fn save_policy(&self, path: &Path) -> Result<()> {
        self.save(path)
    }
}

/// Training tuples, one column per field, `len()` rows; row i of every column is one tuple
/// (s, a, log π_old(a|s), A, V_target, V_old) of Eq. 5 or Eq. 7 with its value targets, and,
/// when the outcome columns are filled ([`push_outcome`](Self::push_outcome)), the transition
/// it led to (r, s′, terminated, truncated), which an off-policy learner stores for replay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// s, `[n][observation_dim]`.
    pub observations: Vec<f64>,
    /// a, `[n][action_dim]`.
    pub actions: Vec<f64>,
    /// log π_old(a | s), `[n]`.
    pub log_probs: Vec<f64>,
    /// Advantages A (GAE), raw: the learner normalises per minibatch. `[n]`.
    pub advantages: Vec<f64>,
    /// Value targets A + V_old, `[n]`.
    pub returns: Vec<f64>,
    /// V_old(s), the value when the tuple was collected, `[n]`.
    pub values: Vec<f64>,
    /// Outcome: the reward r of the step, `[n]` (or empty).
    pub rewards: Vec<f64>,
    /// Outcome: the observation s′ after the step, the episode's last one when it ended,
    /// `[n][observation_dim]` (or empty).
    pub next_observations: Vec<f64>,
    /// Outcome: whether s′ is terminal, `[n]` (or empty).
    pub terminated: Vec<bool>,
    /// Outcome: whether the episode was cut at s′ by a time limit, `[n]` (or empty).
    pub truncated: Vec<bool>,
}

impl Batch {
    /// Number of tuples.
    pub fn len(&self) -> usize {
        self.log_probs.len()
    }

    /// Whether there are no tuples.
    pub fn is_empty(&self) -> bool {
        self.log_probs.is_empty()
    }

    /// Appends one tuple.
    pub fn push(&mut self, observation: &[f64], action: &[f64], log_prob: f64, advantage: f64, ret: f64, value: f64) {
        self.observations.extend_from_slice(observation);
        self.actions.extend_from_slice(action);
        self.log_probs.push(log_prob);
        self.advantages.push(advantage);
        self.returns.push(ret);
        self.values.push(value);
    }

    /// Appends the outcome of the last pushed tuple: reward, next observation, and whether the
    /// episode terminated or was truncated there.
    pub fn push_outcome(&mut self, reward: f64, next_observation: &[f64], terminated: bool, truncated: bool) {
        self.rewards.push(reward);
        self.next_observations.extend_from_slice(next_observation);
        self.terminated.push(terminated);
        self.truncated.push(truncated);
    }

    /// Removes every tuple, keeping the allocations.
    pub fn clear(&mut self) {
        self.rewards.clear();
        self.next_observations.clear();
        self.terminated.clear();
        self.truncated.clear();
        self.observations.clear();
        self.actions.clear();
        self.log_probs.clear();
        self.advantages.clear();
        self.returns.clear();
        self.values.clear();
    }

    /// Checks that every column has `len()` rows of the given widths.
    pub fn check(&self, observation_dim: usize, action_dim: usize) -> Result<()> {
        let n = self.len();
        for (name, len, want) in [
            ("observations", self.observations.len(), n * observation_dim),
            ("actions", self.actions.len(), n * action_dim),
            ("advantages", self.advantages.len(), n),
            ("returns", self.returns.len(), n),
            ("values", self.values.len(), n),
        ] {
            if len != want {
                return Err(crate::Error::Invalid(format!(
                    "batch column `{name}` has {len} entries, expected {want} for {n} tuples"
                )));
            }
        }
        Ok(())
    }

    /// As [`check`](Self::check), and that every row has its outcome (the columns an
    /// off-policy learner replays).
    pub fn check_transitions(&self, observation_dim: usize, action_dim: usize) -> Result<()> {
        self.check(observation_dim, action_dim)?;
        let n = self.len();
        for (name, len, want) in [
            ("rewards", self.rewards.len(), n),
            ("next_observations", self.next_observations.len(), n * observation_dim),
            ("terminated", self.terminated.len(), n),
            ("truncated", self.truncated.len(), n),
        ] {
            if len != want {
                return Err(crate::Error::Invalid(format!(
                    "batch outcome column `{name}` has {len} entries, expected {want} for {n} tuples"
                )));
            }
        }
        Ok(())
    }
}

/// What one [`PolicyLearner::update`] did: the quantities SB3's `PPO.train` logs, on the real
/// batch, averaged as SB3 averages them. SAC fills the loss fields with its own log (actor,
/// critic and α losses, α in `loss`) and the PPO-only ones with 0 (decision record §10).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UpdateReport {
    /// Mean clipped-surrogate loss over all minibatch steps (`train/policy_gradient_loss`).
    pub policy_gradient_loss: f64,
    /// Mean value loss over all minibatch steps (`train/value_loss`).
    pub value_loss: f64,
    /// Mean −entropy over all minibatch steps (`train/entropy_loss`).
    pub entropy_loss: f64,
    /// The mixed loss L of the last minibatch step (`train/loss`).
    pub loss: f64,
    /// Mean approximate KL(π_old ‖ π) over the last epoch's minibatches (`train/approx_kl`).
    pub approx_kl: f64,
    /// Mean fraction of ratios outside [1 − ε, 1 + ε] over all minibatch steps.
    pub clip_fraction: f64,
    /// 1 − Var(returns − V_old) / Var(returns) over the real batch; NaN when Var(returns) = 0.
    pub explained_variance: f64,
    /// Epochs started; fewer than configured when the target-KL early stop fired.
    pub n_epochs: usize,
}

/// Pure MPPI's "policy": the same RL action every step (empty when the cost ignores it).
#[derive(Clone, Debug)]
pub struct ConstantAction(pub Vec<f64>);

impl HighLevelPolicy for ConstantAction {
    fn action_dim(&self) -> usize {
        self.0.len()
    }
    fn propose(&mut self, _observation: &[f64], out: &mut [f64]) {
        for (o, a) in out.iter_mut().zip(&self.0) {
            *o = *a;
        }
    }
}
