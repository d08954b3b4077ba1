//! One gradient step of SB3's `SAC.train`, in its order (sac.py), on a sampled batch with the
//! standard normals of its two policy draws given, so that a recorded step can be replayed —
//! on dfdx's tapes here, or fused (`fused_step`):
//!
//! 1. a_π, log π(a_π|s) from the current actor (noise `pi`);
//! 2. learned α: α = exp(log α) before this step's change; loss −mean(log α·(log π + H̄)) with
//!    log π detached; one Adam step on log α. A fixed α is used as is;
//! 3. without gradient: a′, log π(a′|s′) (noise `next`), the target critics' min Q̄(s′, a′) and
//!    y = r + (1 − d)·γ·(min Q̄ − α·log π(a′|s′));
//! 4. critic loss ½·Σ_k mean((Q_k(s, a) − y)²), one Adam step on both critics;
//! 5. actor loss mean(α·log π(a_π|s) − min_k Q_k(s, a_π)) through the critics just updated, one
//!    Adam step on the actor;
//! 6. when the step's index within the update is a multiple of `target_update_interval`,
//!    Polyak averaging of the target critics towards the critics.

use dfdx::prelude::*;
use rlmpc_learner_kit::dense::Backprop;
use rlmpc_learner_kit::Param;

use super::actor::SampleValues;
use super::replay_buffer::Transitions;
use super::{Sac, Taped};

/// The standard normals z of one gradient step's two draws, `[B][A]` each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepNoise {
    /// For a_π on the current observations (step 1).
    pub pi: Vec<f32>,
    /// For a′ on the next observations (step 3).
    pub next: Vec<f32>,
}

/// Everything one gradient step computed (what SB3's `train()` computes on the way), f32.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepRecord {
    /// α used in steps 3 and 5.
    pub ent_coef: f32,
    /// The entropy coefficient's loss and its gradient with respect to log α (learned α only).
    pub ent_coef_loss: Option<(f32, f32)>,
    /// The draw on the current observations.
    pub pi: SampleValues,
    /// The draw on the next observations.
    pub next: SampleValues,
    /// Q̄_0(s′, a′), Q̄_1(s′, a′) of the target critics.
    pub next_q_values: [Vec<f32>; 2],
    /// min_k Q̄_k(s′, a′).
    pub next_q_min: Vec<f32>,
    /// min_k Q̄_k(s′, a′) − α·log π(a′|s′).
    pub next_q_minus_ent: Vec<f32>,
    /// y.
    pub target_q_values: Vec<f32>,
    /// Q_k(s, a) before the critics' update.
    pub current_q_values: [Vec<f32>; 2],
    /// The critic loss.
    pub critic_loss: f32,
    /// Q_k(s, a_π) of the updated critics.
    pub q_values_pi: [Vec<f32>; 2],
    /// min_k Q_k(s, a_π).
    pub min_qf_pi: Vec<f32>,
    /// The actor loss.
    pub actor_loss: f32,
    /// Whether the target critics were averaged.
    pub target_updated: bool,
    /// The gradients the critics' optimiser received, by parameter name.
    pub critic_grads: Vec<(String, Vec<f32>)>,
    /// The gradients the actor's optimiser received, by parameter name.
    pub actor_grads: Vec<(String, Vec<f32>)>,
}

/// The mean in f64, rounded once.
pub(crate) fn mean(values: &[f32]) -> f32 {
    (values.iter().map(|&x| f64::from(x)).sum::<f64>() / values.len() as f64) as f32
}

fn named(params: Vec<(String, &dyn Param)>, grads: &Gradients<f32, Cpu>) -> Vec<(String, Vec<f32>)> {
    params.into_iter().map(|(name, p)| (name, p.gradient(grads))).collect()
}

impl Sac {
    /// One gradient step on `batch` (actions in [−1, 1]) with the draws `noise`; `index` is the
    /// step's index within its update (SB3's `gradient_step`), which decides the target update.
    ///
    /// # Panics
    /// If the batch or the noise does not fit the learner's dimensions.
    pub fn gradient_step(&mut self, batch: &Transitions, noise: &StepNoise, index: usize) -> StepRecord {
        let (o, a, n) = (self.observation_dim, self.action_dim, batch.len());
        assert!(
            batch.observations.len() == n * o && batch.next_observations.len() == n * o && batch.actions.len() == n * a,
            "sac: a batch of {n} rows must have [{n}][{o}] observations and [{n}][{a}] actions"
        );
        assert!(noise.pi.len() == n * a && noise.next.len() == n * a, "sac: noise must be [{n}][{a}] per draw");
        let mut record = match self.config.backprop {
            Backprop::Fused => self.fused_step(batch, noise),
            Backprop::Tape => self.taped_step(batch, noise),
        };
        // 6. The target critics.
        record.target_updated = index.is_multiple_of(self.config.target_update_interval);
        if record.target_updated {
            self.critic_target.polyak_towards(&self.critic, self.config.tau);
        }
        record
    }

    /// Step 2: α before its update (the return), then the update of a learned log α from the
    /// current draw's log π; the loss and its gradient with respect to log α.
    pub(crate) fn update_ent_coef(&mut self, log_prob: &[f32]) -> (f32, Option<(f32, f32)>) {
        match &mut self.log_ent_coef {
            Some(log_ent_coef) => {
                let log_alpha = log_ent_coef.values()[0];
                let shifted: Vec<f32> = log_prob.iter().map(|&lp| lp + self.target_entropy as f32).collect();
                let loss = -mean(&shifted.iter().map(|&x| log_alpha * x).collect::<Vec<_>>());
                let gradient = -mean(&shifted);
                let optimizer = self.optimizers.ent_coef.as_mut().expect("a learned α has an optimiser");
                optimizer.step(&mut [log_ent_coef as &mut dyn Param], &[vec![gradient]]);
                (log_alpha.exp(), Some((loss, gradient)))
            }
            None => (self.fixed_ent_coef, None),
        }
    }

    /// Step 3 from the target critics' Q̄_k(s′, a′) and log π(a′|s′): min_k Q̄_k, that minus
    /// α·log π, and y.
    pub(crate) fn td_target(
        &self,
        batch: &Transitions,
        next_q_values: &[Vec<f32>; 2],
        next_log_prob: &[f32],
        ent_coef: f32,
    ) -> [Vec<f32>; 3] {
        let next_q_min: Vec<f32> = next_q_values[0].iter().zip(&next_q_values[1]).map(|(x, y)| x.min(*y)).collect();
        let next_q_minus_ent: Vec<f32> =
            next_q_min.iter().zip(next_log_prob).map(|(q, lp)| q - ent_coef * lp).collect();
        let gamma = self.config.gamma as f32;
        let target_q_values: Vec<f32> = (0..batch.len())
            .map(|i| batch.rewards[i] + ((1.0 - batch.dones[i]) * gamma) * next_q_minus_ent[i])
            .collect();
        [next_q_min, next_q_minus_ent, target_q_values]
    }

    /// Steps 1–5 on dfdx's tapes.
    fn taped_step(&mut self, batch: &Transitions, noise: &StepNoise) -> StepRecord {
        let (o, a, n) = (self.observation_dim, self.action_dim, batch.len());
        let observations = self.dev.tensor_from_vec(batch.observations.clone(), (n, o));
        let next_observations = self.dev.tensor_from_vec(batch.next_observations.clone(), (n, o));

        // 1. The current policy's draw, kept on its tape for the actor loss.
        let pi = self.actor.sample(observations.retaped::<Taped>(), &noise.pi);

        // 2. α before its update, then the update of log α.
        let (ent_coef, ent_coef_loss) = self.update_ent_coef(&pi.values.log_prob);

        // 3. The TD target, from the target critics and the actor before its update.
        let next = self.actor.sample(next_observations.clone(), &noise.next);
        let next_q_values = self.critic_target.forward(&next_observations, next.actions).map(|q| q.as_vec());
        let [next_q_min, next_q_minus_ent, target_q_values] =
            self.td_target(batch, &next_q_values, &next.values.log_prob, ent_coef);

        // 4. The critics' loss and step.
        let actions = self.dev.tensor_from_vec(batch.actions.clone(), (n, a));
        let [q0, q1] = self.critic.forward(&observations, actions.retaped::<Taped>());
        let current_q_values = [q0.as_vec(), q1.as_vec()];
        let target = self.dev.tensor_from_vec(target_q_values.clone(), (n,));
        let critic_loss = ((q0 - target.clone()).square().mean() + (q1 - target).square().mean()) * 0.5;
        let critic_loss_value = critic_loss.array();
        let grads = critic_loss.backward();
        let critic_grads = named(self.critic.params(), &grads);
        let gradients: Vec<Vec<f32>> = critic_grads.iter().map(|(_, g)| g.clone()).collect();
        self.optimizers.critic.step(&mut self.critic.params_mut(), &gradients);

        // 5. The actor's loss through the updated critics, and its step.
        let [p0, p1] = self.critic.forward(&observations, pi.actions);
        let q_values_pi = [p0.as_vec(), p1.as_vec()];
        let min_qf_pi = p0.minimum(p1);
        let min_qf_pi_values = min_qf_pi.as_vec();
        let actor_loss = (pi.log_prob * ent_coef - min_qf_pi).mean();
        let actor_loss_value = actor_loss.array();
        let grads = actor_loss.backward();
        let actor_grads = named(self.actor.params(), &grads);
        let gradients: Vec<Vec<f32>> = actor_grads.iter().map(|(_, g)| g.clone()).collect();
        self.optimizers.actor.step(&mut self.actor.params_mut(), &gradients);

        StepRecord {
            ent_coef,
            ent_coef_loss,
            pi: pi.values,
            next: next.values,
            next_q_values,
            next_q_min,
            next_q_minus_ent,
            target_q_values,
            current_q_values,
            critic_loss: critic_loss_value,
            q_values_pi,
            min_qf_pi: min_qf_pi_values,
            actor_loss: actor_loss_value,
            target_updated: false,
            critic_grads,
            actor_grads,
        }
    }
}
