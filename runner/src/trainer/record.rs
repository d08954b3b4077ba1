//! What one update saw and did, and its row in the run's `progress.csv`.

use serde::Serialize;

use rlmpc_core::policy::UpdateReport;
use rlmpc_core::scheduler::Confidence;

/// One row of the training log: what one update saw and did.
#[derive(Clone, Debug, Serialize)]
pub struct UpdateRecord {
    /// Updates done, this one included.
    pub update: usize,
    /// Real environment steps so far.
    pub env_steps: usize,
    /// Mean return of the last (up to) 100 finished episodes; NaN before the first ends.
    pub mean_return: f64,
    /// Success rate over the same episodes; NaN before the first ends.
    pub success_rate: f64,
    /// ρ used by this update.
    pub rho: f64,
    /// Alg. 2's ω and Ω after this update (adaptive schedulers only).
    pub confidence: Option<Confidence>,
    /// The learner's report.
    pub report: UpdateReport,
    /// σ̄²: the value ensemble's variance across heads, averaged over the real batch (Alg. 2).
    pub ensemble_variance: f64,
    /// Virtual tuples used by this update.
    pub virtual_tuples: usize,
}

/// One row of `progress.csv`: an [`UpdateRecord`] flattened, plus wall-clock time.
#[derive(Serialize)]
pub struct ProgressRow {
    update: usize,
    env_steps: usize,
    wall_seconds: f64,
    mean_return: f64,
    success_rate: f64,
    rho: f64,
    /// Alg. 2's ω (empty for schedulers without it).
    omega: Option<f64>,
    /// Alg. 2's Ω.
    omega_ema: Option<f64>,
    policy_loss: f64,
    value_loss: f64,
    entropy_loss: f64,
    approx_kl: f64,
    clip_fraction: f64,
    explained_variance: f64,
    ensemble_variance: f64,
    virtual_tuples: usize,
}

impl UpdateRecord {
    /// The record's `progress.csv` row, `wall_seconds` after training started.
    pub fn progress_row(&self, wall_seconds: f64) -> ProgressRow {
        let r = &self.report;
        ProgressRow {
            update: self.update,
            env_steps: self.env_steps,
            wall_seconds,
            mean_return: self.mean_return,
            success_rate: self.success_rate,
            rho: self.rho,
            omega: self.confidence.map(|c| c.omega),
            omega_ema: self.confidence.map(|c| c.omega_ema),
            policy_loss: r.policy_gradient_loss,
            value_loss: r.value_loss,
            entropy_loss: r.entropy_loss,
            approx_kl: r.approx_kl,
            clip_fraction: r.clip_fraction,
            explained_variance: r.explained_variance,
            ensemble_variance: self.ensemble_variance,
            virtual_tuples: self.virtual_tuples,
        }
    }
}
