//! Welch's t-test (unequal variances, two-sided), as SciPy's
//! `ttest_ind(a, b, equal_var=False)` computes it: the paper's Table 6 compares settings with it.

use serde::Serialize;

/// The result of [`welch_t_test`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WelchTest {
    /// t = (mean a − mean b) / √(v_a/n_a + v_b/n_b): positive when a's mean is larger.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom (not rounded).
    pub df: f64,
    /// Two-sided p = P(|T_df| > |t|) = I_x(df/2, 1/2) with x = df / (df + t²).
    pub p: f64,
}

/// Mean and sample variance (ddof = 1).
fn mean_and_variance(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let variance = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance)
}

/// Welch's t-test of `a` against `b`. The tail comes straight from the regularised incomplete
/// beta function, not from 1 − cdf, so p values as small as 1e-25 keep their digits.
/// `None` when a sample has fewer than 2 values or both have zero variance (t undefined).
pub fn welch_t_test(a: &[f64], b: &[f64]) -> Option<WelchTest> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let ((mean_a, var_a), (mean_b, var_b)) = (mean_and_variance(a), mean_and_variance(b));
    let (se_a, se_b) = (var_a / a.len() as f64, var_b / b.len() as f64);
    let se2 = se_a + se_b;
    if se2 == 0.0 || !se2.is_finite() {
        return None;
    }
    let t = (mean_a - mean_b) / se2.sqrt();
    let df = se2 * se2 / (se_a * se_a / (a.len() as f64 - 1.0) + se_b * se_b / (b.len() as f64 - 1.0));
    let p = statrs::function::beta::beta_reg(df / 2.0, 0.5, df / (df + t * t));
    Some(WelchTest { t, df, p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_give_t_zero_and_p_one() {
        let r = welch_t_test(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(r.t, 0.0);
        assert!((r.p - 1.0).abs() < 1e-12, "{r:?}");
        assert!(welch_t_test(&[1.0], &[1.0, 2.0]).is_none());
        assert!(welch_t_test(&[2.0, 2.0], &[2.0, 2.0]).is_none());
    }
}
