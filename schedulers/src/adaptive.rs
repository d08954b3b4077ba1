//! The adaptive influence ratio of paper Sec. 4.4, Alg. 2: ρ anneals towards 0 as the value
//! ensemble comes to agree.

use rlmpc_core::registry::{BuildError, Params, SchedulerRegistration};
use rlmpc_core::scheduler::{mean_ensemble_variance, Confidence, InfluenceScheduler, UpdateStats};
use rlmpc_core::Error;
use serde::{Deserialize, Serialize};

/// Alg. 2, run once per update on the ensemble's predictions `V ∈ R^{B×D}` for real states:
///
/// σ_b² = Var_d V_{b,d};  σ̄² = mean_b σ_b²;  ω = 1/(1 + σ̄²);  Ω ← λΩ + (1 − λ)ω;
/// η = (1 − λ)Ω;  ρ ← max(0, ρ(1 − η)).
///
/// ω ≤ 1 and Ω ≤ max(Ω_0, 1), so η ≤ 1 when Ω_0 ≤ 1/(1 − λ): ρ never increases and never
/// goes below 0. The fastest annealing (ω = 1 every update, a zero-variance ensemble) is
/// Ω_t = 1 − λ^t (1 − Ω_0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adaptive {
    /// ρ_t.
    rho: f64,
    /// λ, the EMA's smoothing factor.
    lambda: f64,
    /// Ω_t.
    omega_ema: f64,
    /// ω of the last update (none before the first).
    omega: Option<f64>,
}

impl Adaptive {
    /// ρ_0 ∈ [0, 1], λ ∈ [0, 1), Ω_0 ∈ [0, 1].
    pub fn new(rho0: f64, lambda: f64, omega0: f64) -> Result<Self, String> {
        if !(0.0..=1.0).contains(&rho0) {
            return Err(format!("rho0 must lie in [0, 1], got {rho0}"));
        }
        if !(0.0..1.0).contains(&lambda) {
            return Err(format!("lambda (the EMA factor of Alg. 2) must lie in [0, 1), got {lambda}"));
        }
        if !(0.0..=1.0).contains(&omega0) {
            return Err(format!("omega0 (Ω_0) must lie in [0, 1] like the confidence it averages, got {omega0}"));
        }
        Ok(Self { rho: rho0, lambda, omega_ema: omega0, omega: None })
    }
}

impl InfluenceScheduler for Adaptive {
    /// One pass of Alg. 2. Without predictions (no heads or no rows) ρ and Ω stay as they are.
    fn update(&mut self, stats: &UpdateStats<'_>) -> f64 {
        if stats.ensemble_size == 0 || stats.ensemble_values.is_empty() {
            return self.rho;
        }
        let variance = mean_ensemble_variance(stats.ensemble_values, stats.ensemble_size);
        let omega = 1.0 / (1.0 + variance);
        self.omega = Some(omega);
        self.omega_ema = self.lambda * self.omega_ema + (1.0 - self.lambda) * omega;
        let eta = (1.0 - self.lambda) * self.omega_ema;
        self.rho = (self.rho * (1.0 - eta)).max(0.0);
        self.rho
    }

    fn state(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain numbers serialise")
    }

    fn confidence(&self) -> Option<Confidence> {
        self.omega.map(|omega| Confidence { omega, omega_ema: self.omega_ema })
    }

    fn restore(&mut self, state: &serde_json::Value) -> Result<(), Error> {
        *self = Self::deserialize(state)
            .map_err(|e| Error::Invalid(format!("adaptive scheduler state in the checkpoint: {e}")))?;
        Ok(())
    }
}

/// `[scheduler.params]` of `adaptive`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdaptiveParams {
    /// ρ_0, the initial influence ratio.
    rho0: f64,
    /// λ ∈ [0, 1), the EMA factor: closer to 1 anneals more slowly and steadily.
    lambda: f64,
    /// Ω_0, the EMA's start (decision record §4: 0).
    #[serde(default)]
    omega0: f64,
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError> {
    let AdaptiveParams { rho0, lambda, omega0 } = rlmpc_core::erased_serde::deserialize(params)?;
    Ok(Box::new(Adaptive::new(rho0, lambda, omega0).map_err(BuildError::Invalid)?))
}

rlmpc_core::inventory::submit! {
    SchedulerRegistration::new(
        "adaptive",
        "Alg. 2: ρ anneals to 0 as the value ensemble's disagreement shrinks",
        build,
        module_path!(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(values: &[f64], heads: usize) -> UpdateStats<'_> {
        UpdateStats { ensemble_values: values, ensemble_size: heads, ..Default::default() }
    }

    #[test]
    fn follows_a_sequence_computed_by_hand() {
        // ρ_0 = 1/2, λ = 1/2, Ω_0 = 0.
        let mut s = Adaptive::new(0.5, 0.5, 0.0).unwrap();
        // Rows (1, 3) and (2, 2): σ² = 1 and 0, σ̄² = 1/2, ω = 2/3, Ω = 1/3, η = 1/6, ρ = 5/12.
        let rho = s.update(&stats(&[1.0, 3.0, 2.0, 2.0], 2));
        assert!((rho - 5.0 / 12.0).abs() < 1e-15, "{rho}");
        let c = s.confidence().unwrap();
        assert!((c.omega - 2.0 / 3.0).abs() < 1e-15 && (c.omega_ema - 1.0 / 3.0).abs() < 1e-15, "{c:?}");
        // One row (0, 0): ω = 1, Ω = 2/3, η = 1/3, ρ = 5/18.
        let rho = s.update(&stats(&[0.0, 0.0], 2));
        assert!((rho - 5.0 / 18.0).abs() < 1e-15, "{rho}");
        assert_eq!(s.rho, rho);
    }

    #[test]
    fn zero_variance_anneals_at_the_fastest_rate_the_formula_allows() {
        let (rho0, lambda, omega0) = (0.3, 0.9, 0.2);
        let mut agreeing = Adaptive::new(rho0, lambda, omega0).unwrap();
        let mut disagreeing = Adaptive::new(rho0, lambda, omega0).unwrap();
        let mut expected = rho0;
        for t in 1..=50 {
            // ω = 1 every update: Ω_t = 1 − λ^t (1 − Ω_0), ρ_t = ρ_{t−1}(1 − (1 − λ)Ω_t).
            let omega_ema = 1.0 - lambda.powi(t) * (1.0 - omega0);
            expected *= 1.0 - (1.0 - lambda) * omega_ema;
            let fast = agreeing.update(&stats(&[4.0; 15], 5));
            assert!((fast - expected).abs() < 1e-12, "update {t}: {fast} vs {expected}");
            let slow = disagreeing.update(&stats(&[0.0, 1.0, 2.0, 3.0, 4.0], 5));
            assert!(slow > fast, "update {t}: disagreement must anneal more slowly ({slow} vs {fast})");
        }
    }

    #[test]
    fn rho_never_increases_and_stays_non_negative() {
        // λ > 0, so that ρ anneals over the updates instead of reaching 0 at the first.
        let mut s = Adaptive::new(0.8, 0.9, 0.0).unwrap();
        let mut previous = s.rho;
        for t in 0..200 {
            // Variances from 0 to large, in an irregular order.
            let spread = ((t * 37) % 11) as f64 * 0.7;
            let values: Vec<f64> = (0..10).map(|i| (i % 5) as f64 * spread).collect();
            let rho = s.update(&stats(&values, 5));
            assert!(rho <= previous && rho >= 0.0, "update {t}: {previous} -> {rho}");
            previous = rho;
        }
        assert!(previous > 0.0 && previous < 0.8, "ρ annealed without reaching 0: {previous}");
        // λ = 0 and ω = 1 give η = 1: ρ reaches exactly 0 and stays there.
        let mut s = Adaptive::new(0.8, 0.0, 0.0).unwrap();
        s.update(&stats(&[1.0; 5], 5));
        assert_eq!(s.rho, 0.0);
        s.update(&stats(&[0.0, 1.0, 2.0, 3.0, 4.0], 5));
        assert_eq!(s.rho, 0.0);
    }

    #[test]
    fn rejects_parameters_outside_their_ranges() {
        assert!(Adaptive::new(1.2, 0.9, 0.0).is_err());
        assert!(Adaptive::new(0.3, 1.0, 0.0).is_err());
        assert!(Adaptive::new(0.3, 0.9, -0.1).is_err());
    }

    #[test]
    fn checkpoint_state_round_trips() {
        let mut a = Adaptive::new(0.5, 0.98, 0.0).unwrap();
        a.update(&stats(&[1.0, 2.0], 2));
        let mut b = Adaptive::new(0.5, 0.98, 0.0).unwrap();
        assert_ne!(b, a, "the update changed ρ and Ω");
        b.restore(&a.state()).unwrap();
        assert_eq!(b, a);
        assert_eq!(a.update(&stats(&[0.5, 0.7], 2)), b.update(&stats(&[0.5, 0.7], 2)));
        assert!(b.restore(&serde_json::json!({"rho": "high"})).is_err());
    }
}
