//! One collection period of Alg. 1: the real steps (future D_RL) and the virtual rollouts
//! (future D_MPPI), kept raw until the update, when the critic — fixed during collection —
//! values every state in one batched call and the tuples get their targets.

use rayon::prelude::*;
use rlmpc_core::model::SurrogateModel;
use rlmpc_core::policy::{Batch, Critic};
use rlmpc_core::BoxSpace;

use super::virtual_rollout::{advantage_at_start, RolloutStart, VirtualRollout};
use crate::gae::{gae, GaeInput};

/// The critic's values of everything a [`Storage`] holds (see [`Storage::value_states`]).
pub(crate) struct StoredValues {
    /// V(s_t) of each real step.
    real: Vec<f64>,
    /// V of the state after the last real step.
    next: f64,
    /// V of the last state of each time-limit truncation.
    truncated: Vec<f64>,
    /// V(ψ(x̂_τ)) of each virtual rollout's states, rollout after rollout.
    virtual_: Vec<f64>,
}

/// Raw data of one collection period.
#[derive(Default)]
pub(crate) struct Storage {
    observation_dim: usize,
    action_dim: usize,
    // Real steps, one row each (Eq. 5).
    observations: Vec<f64>,
    actions: Vec<f64>,
    log_probs: Vec<f64>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
    /// s_{t+1} of each step: the episode's last observation when it ended there.
    next_observations: Vec<f64>,
    /// (step, ψ of the last state) of steps cut by the time limit, for SB3's bootstrap.
    truncated_observations: Vec<(usize, Vec<f64>)>,
    /// Whether the first real step starts an episode.
    pub first_episode_start: bool,
    // Virtual tuples (Eq. 7): the real step whose s_t they start from, a^(m), log π_old, where
    // the rollout starts, and the rollout once [`Storage::roll_out_virtual`] has made it.
    virtual_steps: Vec<usize>,
    virtual_actions: Vec<f64>,
    virtual_log_probs: Vec<f64>,
    virtual_starts: Vec<RolloutStart>,
    virtual_rollouts: Vec<VirtualRollout>,
}

impl Storage {
    pub fn new(observation_dim: usize, action_dim: usize) -> Self {
        Self { observation_dim, action_dim, first_episode_start: true, ..Self::default() }
    }

    /// Real steps stored.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// Stores a real step from `observation` (D_RL, Eq. 5); returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn push_real(
        &mut self,
        observation: &[f64],
        action: &[f64],
        log_prob: f64,
        reward: f64,
        terminated: bool,
        truncated: bool,
        last_observation: &[f64],
    ) {
        if truncated && !terminated {
            self.truncated_observations.push((self.len(), last_observation.to_vec()));
        }
        self.observations.extend_from_slice(observation);
        self.actions.extend_from_slice(action);
        self.log_probs.push(log_prob);
        self.rewards.push(reward);
        self.terminated.push(terminated);
        self.truncated.push(truncated);
        self.next_observations.extend_from_slice(last_observation);
    }

    /// Stores a virtual tuple starting at the next real step's s_t (D_MPPI, Eq. 7).
    pub fn push_virtual(&mut self, action: &[f64], log_prob: f64, start: RolloutStart) {
        self.virtual_steps.push(self.len());
        self.virtual_actions.extend_from_slice(action);
        self.virtual_log_probs.push(log_prob);
        self.virtual_starts.push(start);
    }

    /// Rolls out every stored virtual tuple's start through `model`, in parallel; the rollouts
    /// keep the tuples' order.
    pub fn roll_out_virtual(&mut self, model: &dyn SurrogateModel, action_space: &BoxSpace) {
        self.virtual_rollouts =
            self.virtual_starts.par_iter().map(|start| start.roll_out(model, action_space)).collect();
    }

    /// V of every stored state from `critic` in one call: the real steps' s_t, the state after
    /// the last of them (`next_observation`), the last states of time-limit truncations, and
    /// every state of every virtual rollout.
    pub fn value_states(&self, critic: &dyn Critic, next_observation: &[f64]) -> StoredValues {
        let n = self.len();
        assert_eq!(self.virtual_rollouts.len(), self.virtual_starts.len(), "virtual tuples not rolled out");
        let rows = n + 1 + self.truncated_observations.len();
        let virtual_rows: usize = self.virtual_rollouts.iter().map(|r| r.observations.len()).sum();
        let mut all = Vec::with_capacity(rows * self.observation_dim + virtual_rows);
        all.extend_from_slice(&self.observations);
        all.extend_from_slice(next_observation);
        for (_, o) in &self.truncated_observations {
            all.extend_from_slice(o);
        }
        for r in &self.virtual_rollouts {
            all.extend_from_slice(&r.observations);
        }
        let mut values = vec![0.0; all.len() / self.observation_dim];
        critic.value(&all, &mut values);
        let virtual_ = values.split_off(n + 1 + self.truncated_observations.len());
        let truncated = values.split_off(n + 1);
        let next = values.pop().expect("the value of the next state");
        StoredValues { real: values, next, truncated, virtual_ }
    }

    /// D_RL (Eq. 5 tuples): GAE(γ, λ) over the real steps, bootstrapping time-limit
    /// truncations with the value of their last state, as SB3 does; each tuple with its
    /// outcome (r_t, s_{t+1}, terminated, truncated) for an off-policy learner's replay.
    pub fn real_batch(&self, values: &StoredValues, gamma: f64, gae_lambda: f64) -> Batch {
        let mut terminal_values = vec![None; self.len()];
        for ((step, _), v) in self.truncated_observations.iter().zip(&values.truncated) {
            terminal_values[*step] = Some(*v);
        }
        let targets = gae(
            &GaeInput {
                rewards: &self.rewards,
                terminated: &self.terminated,
                truncated: &self.truncated,
                terminal_values: &terminal_values,
                values: &values.real,
                first_episode_start: self.first_episode_start,
                last_value: values.next,
            },
            gamma,
            gae_lambda,
        );
        Batch {
            observations: self.observations.clone(),
            actions: self.actions.clone(),
            log_probs: self.log_probs.clone(),
            advantages: targets.advantages,
            returns: targets.returns,
            values: values.real.clone(),
            rewards: self.rewards.clone(),
            next_observations: self.next_observations.clone(),
            terminated: self.terminated.clone(),
            truncated: self.truncated.clone(),
        }
    }

    /// D_MPPI (Eq. 7 tuples): each virtual tuple's advantage is GAE(γ, λ) at τ = 0 over its
    /// rollout from the real step's s_t, and its value target that plus V(s_t) (decision
    /// record §2). Each tuple's outcome is the rollout's first step (r̂_0, ψ(x̂_1), terminal),
    /// the one-step transition an off-policy learner replays.
    pub fn virtual_batch(&self, values: &StoredValues, gamma: f64, gae_lambda: f64) -> Batch {
        let od = self.observation_dim;
        let mut batch = Batch::default();
        let mut rollout_values = Vec::new();
        let mut remaining = &values.virtual_[..];
        for (i, rollout) in self.virtual_rollouts.iter().enumerate() {
            let t = self.virtual_steps[i];
            let steps = rollout.rewards.len();
            rollout_values.clear();
            rollout_values.push(values.real[t]);
            rollout_values.extend_from_slice(&remaining[..steps]);
            remaining = &remaining[steps..];
            let advantage =
                advantage_at_start(&rollout.rewards, &rollout_values, rollout.terminated, gamma, gae_lambda);
            batch.push(
                &self.observations[t * od..(t + 1) * od],
                &self.virtual_actions[i * self.action_dim..(i + 1) * self.action_dim],
                self.virtual_log_probs[i],
                advantage,
                advantage + values.real[t],
                values.real[t],
            );
            let first_terminal = rollout.terminated && steps == 1;
            batch.push_outcome(rollout.rewards[0], &rollout.observations[..od], first_terminal, false);
        }
        batch
    }

    /// Empties the storage for the next period (PPO is on-policy, decision record §3), keeping
    /// its buffers' capacity; the next period starts an episode when this one's last step
    /// ended one.
    pub fn clear(&mut self) {
        self.first_episode_start =
            self.terminated.last().copied().unwrap_or(false) || self.truncated.last().copied().unwrap_or(false);
        let Self {
            observation_dim: _,
            action_dim: _,
            first_episode_start: _,
            observations,
            actions,
            log_probs,
            rewards,
            terminated,
            truncated,
            next_observations,
            truncated_observations,
            virtual_steps,
            virtual_actions,
            virtual_log_probs,
            virtual_starts,
            virtual_rollouts,
        } = self;
        for floats in [observations, actions, log_probs, rewards, next_observations, virtual_actions, virtual_log_probs]
        {
            floats.clear();
        }
        terminated.clear();
        truncated.clear();
        truncated_observations.clear();
        virtual_steps.clear();
        virtual_starts.clear();
        virtual_rollouts.clear();
    }
}
