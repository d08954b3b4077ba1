//! The high-level policy π(a | s) of the hierarchy (paper Sec. 4): it proposes RL actions
//! that condition MPPI's cost. A learner is a policy that also trains.

/// Proposes high-level actions.
pub trait HighLevelPolicy: Send {
    /// Length of one action a.
    fn action_dim(&self) -> usize;
    /// Fills `out` (`candidates × action_dim`, row-major) with actions for observation `s`:
    /// draws a^(m) ~ π(·|s) (Eq. 4), or the mean action in every row when `deterministic`.
    fn propose(&mut self, observation: &[f64], candidates: usize, deterministic: bool, out: &mut [f64]);
}

/// A policy learner (PPO, SAC, …): a [`HighLevelPolicy`] whose value estimate and update
/// the RL–MPPI trainer drives.
pub trait PolicyLearner: HighLevelPolicy {
    /// log π(a | s) for each row of `actions` (`n × action_dim`) at observation `s`.
    fn log_prob(&self, observation: &[f64], actions: &[f64], out: &mut [f64]);
    /// Per-head value predictions for `n` observations, row-major `[n][D]` (Alg. 2's input).
    fn value_heads(&self, observations: &[f64], out: &mut [f64]);
    /// D, the number of value heads.
    fn ensemble_size(&self) -> usize;
}

/// Pure MPPI's "policy": the same RL action every step (empty when the cost ignores it).
#[derive(Clone, Debug)]
pub struct ConstantAction(pub Vec<f64>);

impl HighLevelPolicy for ConstantAction {
    fn action_dim(&self) -> usize {
        self.0.len()
    }
    fn propose(&mut self, _observation: &[f64], candidates: usize, _deterministic: bool, out: &mut [f64]) {
        for row in out.chunks_mut(self.0.len().max(1)).take(candidates) {
            row.copy_from_slice(&self.0[..row.len().min(self.0.len())]);
        }
    }
}
