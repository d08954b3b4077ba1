//! Eq. 40: a quadratic (QP-like) cost whose weights and linear term the RL action sets.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J_RL = zᵀ Q(a) z + p(a)ᵀ z with z = [x_{τ+1}; u_τ] (Eq. 40; the state after the step, as
/// every running cost sees it). Q(a) is diagonal and positive, Q_ii = q_scale · softplus(a_i),
/// and p_i = p_scale · a_{n+i}, so the RL action has 2n entries for n = nx + nu. Per
/// coordinate the minimum lies at z_i = −p_i / (2 Q_ii): the action picks both a set-point and
/// how stiffly to hold it. decision record §5 uses it with MPPI horizon 3 (2 in Racing), Table 5.
#[derive(Clone, Debug)]
pub struct Quadratic {
    /// n = nx + nu, the length of z.
    n: usize,
    /// Factor on softplus(a_i) in Q_ii.
    q_scale: f64,
    /// Factor on a_{n+i} in p_i.
    p_scale: f64,
}

/// softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^{−|x|}) so it never overflows.
fn softplus<R: Real>(x: R) -> R {
    x.max(R::zero()) + (R::one() + (-x.abs()).exp()).ln()
}

impl CostCoupling for Quadratic {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        let (q, p) = a.split_at(self.n);
        let z = step.state.iter().chain(step.control);
        let (q_scale, p_scale) = (R::splat(self.q_scale), R::splat(self.p_scale));
        z.zip(q).zip(p).fold(R::zero(), |acc, ((&z, &q), &p)| acc + q_scale * softplus(q) * z * z + p_scale * p * z)
    }
}

/// `[costs.params]` of `quadratic`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuadraticParams {
    /// Q_ii = q_scale · softplus(a_i) (default 1).
    #[serde(default = "one")]
    q_scale: f64,
    /// p_i = p_scale · a_{n+i} (default 1).
    #[serde(default = "one")]
    p_scale: f64,
}

fn one() -> f64 {
    1.0
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let QuadraticParams { q_scale, p_scale } = rlmpc_core::erased_serde::deserialize(params)?;
    let n = context.layout.state_dim + context.layout.control_dim;
    if context.action_dim != 2 * n {
        return Err(BuildError::Invalid(format!(
            "`quadratic` needs an RL action of 2·(nx + nu) = {} entries (diag Q, then p) for this model \
             (nx = {}, nu = {}), but the planner's action has {}: set `planner.action_dim = {}`",
            2 * n,
            context.layout.state_dim,
            context.layout.control_dim,
            context.action_dim,
            2 * n
        )));
    }
    if !(q_scale > 0.0 && q_scale.is_finite() && p_scale.is_finite()) {
        return Err(BuildError::Invalid(format!(
            "`q_scale` must be positive (Q is positive definite) and `p_scale` finite, got {q_scale} and {p_scale}"
        )));
    }
    Ok(Box::new(Quadratic { n, q_scale, p_scale }))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "quadratic",
        "Eq. 40: [x; u]ᵀ Q(a) [x; u] + p(a)ᵀ [x; u], Q diagonal = softplus of the action's first half",
        build,
        module_path!()
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::Lanes;

    use super::*;

    fn view<'a, R: Real>(state: &'a [R], control: &'a [R]) -> StepView<'a, R> {
        StepView {
            prev_state: state,
            state,
            control,
            actuation: control,
            reward: R::zero(),
            tracked: &[],
            position: [R::zero(); 2],
            zone: None,
        }
    }

    #[test]
    fn matches_eq_40_computed_by_hand_on_every_backend() {
        let cost = Quadratic { n: 3, q_scale: 2.0, p_scale: 0.5 };
        // z = (1, −2, 3); a = (0, ln(e − 1), −40 | 2, 4, −6): softplus = (ln 2, 1, ≈ e^−40).
        let a = [0.0, (std::f64::consts::E - 1.0).ln(), -40.0, 2.0, 4.0, -6.0];
        let q = [2f64.ln(), 1.0, (-40f64).exp()];
        let z = [1.0, -2.0, 3.0];
        let expected: f64 = (0..3).map(|i| 2.0 * q[i] * z[i] * z[i] + 0.5 * a[3 + i] * z[i]).sum();
        let got = CostCoupling::running(&cost, &view(&z[..2], &z[2..]), &a);
        assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
        let lanes = |v: &[f64]| v.iter().map(|&x| Lanes::splat(x)).collect::<Vec<_>>();
        let (zl, al) = (lanes(&z), lanes(&a));
        let mut out = [0.0; 16];
        CostCoupling::running(&cost, &view(&zl[..2], &zl[2..]), &al).store(&mut out);
        assert!(out.iter().all(|v| (v - expected).abs() < 1e-4 * expected.abs()), "{out:?} vs {expected}");
    }

    #[test]
    fn softplus_matches_its_definition_and_does_not_overflow() {
        for x in [-5.0, -0.5, 0.0, 0.5, 5.0] {
            let s: f64 = softplus(x);
            assert!((s - (1.0 + x.exp()).ln()).abs() < 1e-12, "softplus({x}) = {s}");
        }
        // ln(1 + e^800) overflows when computed directly.
        assert_eq!(softplus(800.0f64), 800.0);
        assert_eq!(softplus(-800.0f64), 0.0);
    }
}
