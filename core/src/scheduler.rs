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

/// Alg. 2's confidence after an update, for the training log.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Confidence {
    /// ω = 1 / (1 + σ̄²) of the last update.
    pub omega: f64,
    /// Ω, its exponential moving average.
    pub omega_ema: f64,
}

/// Maps training statistics to ρ.
///
/// The trainer calls [`update`](Self::update) once before each policy update, with the value
/// ensemble's predictions on that update's real states, and trains with the ρ it returns.
pub trait InfluenceScheduler: Send {
    /// Advances the schedule by one update and returns the new ρ.
    fn update(&mut self, stats: &UpdateStats<'_>) -> f64;
    /// The schedule's state for a checkpoint; stateless schedulers keep the default (null).
    fn state(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    /// Alg. 2's ω and Ω after the last update; `None` for schedulers that do not compute them.
    fn confidence(&self) -> Option<Confidence> {
        None
    }
    /// Restores a [`InfluenceScheduler::state`]; stateless schedulers ignore it.
    fn restore(&mut self, _state: &serde_json::Value) -> Result<(), crate::Error> {
        Ok(())
    }
}

/// σ̄² of Alg. 2: the per-sample variance across the D heads (population, 1/D), averaged over
/// the B rows of `values` (`[B][D]`, row-major). 0 when there are no rows.
pub fn mean_ensemble_variance(values: &[f64], heads: usize) -> f64 {
    let rows = values.chunks_exact(heads.max(1));
    let n = rows.len();
    let total: f64 = rows
        .map(|row| {
            let mean = row.iter().sum::<f64>() / heads as f64;
            row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / heads as f64
        })
        .sum();
    total / n.max(1) as f64
}
