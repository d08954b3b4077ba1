//! Steps 1–5 of a gradient step (see `gradient_step`) without a tape: the networks' forward
//! and backward passes in plain Rust over `gemm` ([`rlmpc_learner_kit::dense`]) and the losses'
//! gradients in closed form. The actor loss needs only dL/da from the critics, so their weight
//! gradients, which a tape computes and the step throws away, are never formed.

use rlmpc_learner_kit::dense::{Rows, Wanted};
use rlmpc_learner_kit::Param;

use super::gradient_step::{mean, StepNoise, StepRecord};
use super::replay_buffer::Transitions;
use super::Sac;

/// The parameters' names (from `params`) beside their gradients.
fn named(params: Vec<(String, &dyn Param)>, gradients: &[Vec<f32>]) -> Vec<(String, Vec<f32>)> {
    params.into_iter().zip(gradients).map(|((name, _), g)| (name, g.clone())).collect()
}

/// ½·Σ_k mean((Q_k − y)²), and dL/dQ_k = (Q_k − y)/n.
fn critic_loss(q: &[Vec<f32>; 2], target: &[f32]) -> (f32, [Vec<f32>; 2]) {
    let n = target.len() as f32;
    let errors = q.clone().map(|q| q.iter().zip(target).map(|(q, y)| q - y).collect::<Vec<f32>>());
    let squares = errors.clone().map(|e| mean(&e.iter().map(|e| e * e).collect::<Vec<_>>()));
    ((squares[0] + squares[1]) * 0.5, errors.map(|e| e.into_iter().map(|e| e / n).collect()))
}

/// min_k Q_k per row, and dL/dQ_k of L = −mean(min_k Q_k): −1/n to the smaller, half each on
/// a tie (dfdx's `minimum`).
fn min_and_gradient(q: &[Vec<f32>; 2]) -> (Vec<f32>, [Vec<f32>; 2]) {
    let n = q[0].len() as f32;
    let share: Vec<f32> = q[0]
        .iter()
        .zip(&q[1])
        .map(|(a, b)| match a.partial_cmp(b) {
            Some(std::cmp::Ordering::Less) => 1.0,
            Some(std::cmp::Ordering::Greater) => 0.0,
            _ => 0.5,
        })
        .collect();
    let min = q[0].iter().zip(&q[1]).map(|(a, b)| a.min(*b)).collect();
    (min, [share.iter().map(|s| -s / n).collect(), share.iter().map(|s| -(1.0 - s) / n).collect()])
}

impl Sac {
    /// Steps 1–5 of [`gradient_step`](Sac::gradient_step), fused.
    pub(crate) fn fused_step(&mut self, batch: &Transitions, noise: &StepNoise) -> StepRecord {
        let (o, a, n) = (self.observation_dim, self.action_dim, batch.len());
        let observations = Rows::packed(&batch.observations, o);

        // 1. The current policy's draw, with what its backward pass needs; beside it, on the
        // other core, the draw at the next observations for step 3 (the actor does not change
        // in between).
        let next_observations = Rows::packed(&batch.next_observations, o);
        let ((pi, pi_latent), (next, _)) = rayon::join(
            || self.actor.sample_recorded(observations, &noise.pi),
            || self.actor.sample_recorded(next_observations, &noise.next),
        );

        // 2. α before its update, then the update of log α.
        let (ent_coef, ent_coef_loss) = self.update_ent_coef(&pi.log_prob);

        // 3. The TD target, from the target critics and the actor before its update.
        let target = self.critic_target.forward_recorded(&batch.next_observations, &next.actions, a);
        let next_q_values = [target.q(0).to_vec(), target.q(1).to_vec()];
        let [next_q_min, next_q_minus_ent, target_q_values] =
            self.td_target(batch, &next_q_values, &next.log_prob, ent_coef);

        // 4. The critics' loss and step.
        let current = self.critic.forward_recorded(&batch.observations, &batch.actions, a);
        let current_q_values = [current.q(0).to_vec(), current.q(1).to_vec()];
        let (critic_loss, d_q) = critic_loss(&current_q_values, &target_q_values);
        let (gradients, _) = self.critic.backward(&current, d_q, Wanted { parameters: true, input: false });
        let critic_grads = named(self.critic.params(), &gradients);
        self.optimizers.critic.step(&mut self.critic.params_mut(), &gradients);

        // 5. The actor's loss mean(α·log π − min_k Q_k(s, a_π)) through the updated critics.
        let updated = self.critic.forward_recorded(&batch.observations, &pi.actions, a);
        let q_values_pi = [updated.q(0).to_vec(), updated.q(1).to_vec()];
        let (min_qf_pi, d_q) = min_and_gradient(&q_values_pi);
        let losses: Vec<f32> = pi.log_prob.iter().zip(&min_qf_pi).map(|(lp, q)| lp * ent_coef - q).collect();
        let actor_loss = mean(&losses);
        let (_, d_actions) = self.critic.backward(&updated, d_q, Wanted { parameters: false, input: true });
        let d_actions = d_actions.expect("asked for");
        let d_log_prob = vec![ent_coef / n as f32; n];
        let gradients = self.actor.backward(observations, (&pi, &pi_latent), &noise.pi, &d_actions, &d_log_prob);
        let actor_grads = named(self.actor.params(), &gradients);
        self.optimizers.actor.step(&mut self.actor.params_mut(), &gradients);

        StepRecord {
            ent_coef,
            ent_coef_loss,
            pi,
            next,
            next_q_values,
            next_q_min,
            next_q_minus_ent,
            target_q_values,
            current_q_values,
            critic_loss,
            q_values_pi,
            min_qf_pi,
            actor_loss,
            target_updated: false,
            critic_grads,
            actor_grads,
        }
    }
}
