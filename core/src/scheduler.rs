//! Influence schedulers (paper Sec. 4.4): anything that maps training statistics to the
//! influence ratio ρ ∈ [0, 1] that weighs virtual (MPPI) data against real data (Eq. 8–10).

/// Statistics a scheduler sees once per policy update.
#[derive(Clone, Debug, Default)]
pub struct UpdateStats<'a> {
    /// Index of the update (0 for the first).
    pub update: usize,
    /// Real environment steps so far.
    pub env_steps: usize,
    /// Value-ensemble predictions on a batch of real states, row-major `[B][D]`
    /// (Alg. 2's input); empty when the learner has no ensemble.
    pub ensemble_values: &'a [f64],
    /// D, the ensemble size (columns of `ensemble_values`).
    pub ensemble_size: usize,
}

/// Maps training statistics to ρ.
pub trait InfluenceScheduler: Send {
    /// The ρ to use for the next update.
    fn rho(&self) -> f64;
    /// Advances the schedule by one update and returns the new ρ.
    fn update(&mut self, stats: &UpdateStats<'_>) -> f64;
    /// The schedule's state for a checkpoint; stateless schedulers keep the default (null).
    fn state(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    /// Restores a [`InfluenceScheduler::state`]; stateless schedulers ignore it.
    fn restore(&mut self, _state: &serde_json::Value) -> Result<(), crate::Error> {
        Ok(())
    }
}
