//! Guards of the training loop: a non-finite action, plan, loss or parameter stops the run
//! before the update is logged or checkpointed, so that NaN never reaches the run directory
//! and the last good checkpoint stays the one a resume starts from.

use rlmpc_core::policy::UpdateReport;
use rlmpc_core::Error;

use super::Trainer;

/// What usually makes a learner diverge, and what is safe.
const LEARNER_CAUSE: &str = "the learner diverged; lower `learning_rate` or `max_grad_norm`, or check the rewards' \
                             scale. Nothing of this update was written; `rlmpc train --resume` restarts from the \
                             last checkpoint";

impl Trainer {
    /// ` at update U, real step S`: the update being collected and the step being taken.
    fn position(&self) -> String {
        format!(" at update {}, real step {}", self.updates + 1, self.env_steps + 1)
    }

    /// `error` with the trainer's position when it is a [`Error::Diverged`] without one.
    pub(super) fn locate_divergence(&self, error: Error) -> Error {
        match error {
            Error::Diverged { what, at, cause } if at.is_empty() => {
                Error::Diverged { what, at: self.position(), cause }
            }
            other => other,
        }
    }

    /// Every entry of `values` (the policy's actions, the critic's values) is finite.
    pub(super) fn check_finite(&self, what: &str, values: &[f64]) -> Result<(), Error> {
        match values.iter().position(|a| !a.is_finite()) {
            Some(i) => Err(Error::Diverged {
                what: format!("{what} (entry {i}: {})", values[i]),
                at: self.position(),
                cause: LEARNER_CAUSE.into(),
            }),
            None => Ok(()),
        }
    }

    /// The scheduler's ρ lies in [0, 1] (a NaN would otherwise reach the learner's update).
    pub(super) fn check_rho(&self, rho: f64) -> Result<(), Error> {
        if (0.0..=1.0).contains(&rho) {
            return Ok(());
        }
        Err(Error::Diverged {
            what: format!("the influence scheduler's ρ ({rho}, outside [0, 1])"),
            at: format!(" in update {}", self.updates + 1),
            cause: "the scheduler's parameters or the value heads it reads are out of range; nothing of this \
                    update was written"
                .into(),
        })
    }

    /// The update's losses are finite, and so is the learner afterwards: its log-probability
    /// and value at the current observation (which read every parameter, and draw no random
    /// numbers, so that checking changes nothing).
    pub(super) fn check_update(&self, report: &UpdateReport) -> Result<(), Error> {
        let at = format!(" in update {}", self.updates + 1);
        let losses = [
            ("policy_gradient_loss", report.policy_gradient_loss),
            ("value_loss", report.value_loss),
            ("entropy_loss", report.entropy_loss),
            ("loss", report.loss),
            ("approx_kl", report.approx_kl),
        ];
        if let Some((name, _)) = losses.iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::Diverged { what: format!("the learner's `{name}`"), at, cause: LEARNER_CAUSE.into() });
        }
        let zero_action = vec![0.0; self.learner.action_dim()];
        let (mut log_prob, mut value) = ([0.0], [0.0]);
        self.learner.log_prob(&self.observation, &zero_action, &mut log_prob);
        self.learner.value(&self.observation, &mut value);
        for (what, v) in [("the policy (its log-probability)", log_prob[0]), ("the critic (its value)", value[0])] {
            if !v.is_finite() {
                return Err(Error::Diverged {
                    what: format!("{what} after the step"),
                    at,
                    cause: LEARNER_CAUSE.into(),
                });
            }
        }
        Ok(())
    }
}
