//! Eq. 43: Lunar Lander's domain term, altitude above the pad and control effort.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J_other^LL = w_y·y(x)² + w_act·‖u‖² (Eq. 43), with y the model's planar position's second
/// coordinate (0 at the pad in Lunar Lander) and u the control of the step — or, with
/// [`Effort::Actuation`], what the actuators deliver for u.
#[derive(Clone, Debug, PartialEq)]
pub struct AltitudeEffort {
    /// w_y (Table 5: 10).
    pub w_y: f64,
    /// w_act (Table 5: 20).
    pub w_act: f64,
    /// What ‖·‖² is taken of.
    pub effort: Effort,
}

/// What the effort term of Eq. 43 charges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effort {
    /// ‖u‖², the control as MPPI samples it (Eq. 43 as written).
    Control,
    /// ‖g(u)‖², with g the model's [`rlmpc_core::Dynamics::actuation`]: in Lunar Lander the
    /// engines' power, which jumps from 0 to one half as u₀ crosses 0.
    Actuation,
}

impl CostCoupling for AltitudeEffort {
    fn needs(&self) -> Needs {
        Needs { position: true, actuation: self.effort == Effort::Actuation, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        let charged = match self.effort {
            Effort::Control => step.control,
            Effort::Actuation => step.actuation,
        };
        let effort = charged.iter().fold(R::zero(), |sum, &u| sum + u * u);
        R::splat(self.w_y) * step.position[1].square() + R::splat(self.w_act) * effort
    }
}

/// `[costs.params]` of `altitude-effort`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AltitudeEffortParams {
    /// w_y, the weight of the squared altitude (Table 5, LunarLander: 10).
    w_y: f64,
    /// w_act, the weight of the squared control norm (Table 5, LunarLander: 20).
    w_act: f64,
    /// `"control"` (Eq. 43, the default) or `"actuation"`: what the effort is taken of.
    #[serde(default = "control_effort")]
    effort: Effort,
}

fn control_effort() -> Effort {
    Effort::Control
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let AltitudeEffortParams { w_y, w_act, effort } = rlmpc_core::erased_serde::deserialize(params)?;
    if !context.layout.has_position {
        return Err(BuildError::Invalid("this environment's model has no planar position whose y to penalise".into()));
    }
    for (name, value) in [("w_y", w_y), ("w_act", w_act)] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(BuildError::Invalid(format!("{name} must be finite and >= 0 (Eq. 43), got {value}")));
        }
    }
    Ok(Box::new(AltitudeEffort { w_y, w_act, effort }))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "altitude-effort",
        "Eq. 43: w_y·y² + w_act·‖u‖² (Lunar Lander's altitude above the pad and control effort; effort = \"actuation\" charges the engines' power instead of u)",
        build,
        module_path!(),
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::Lanes;

    use super::*;

    fn step<'a>(control: &'a [Lanes], actuation: &'a [Lanes], ys: &[f64]) -> StepView<'a, Lanes> {
        StepView {
            prev_state: &[],
            state: &[],
            control,
            actuation,
            reward: Lanes::splat(0.0),
            tracked: &[],
            position: [Lanes::splat(3.0), Lanes::load(ys)],
            zone: None,
        }
    }

    #[test]
    fn altitude_and_effort_add_with_their_weights() {
        let cost = AltitudeEffort { w_y: 10.0, w_act: 20.0, effort: Effort::Control };
        let control = [Lanes::splat(0.5), Lanes::splat(-1.0)];
        let actuation = [Lanes::splat(0.75), Lanes::splat(1.0)];
        let ys: Vec<f64> = (0..16).map(|i| 0.1 * i as f64 - 0.5).collect();
        let mut got = [0.0; 16];
        cost.running(&step(&control, &actuation, &ys), &[]).store(&mut got);
        for (y, g) in ys.iter().zip(got) {
            let expected = 10.0 * y * y + 20.0 * 1.25;
            assert!((g - expected).abs() < 1e-4, "y = {y}: {g} vs {expected}");
        }
        assert!(
            !CostCoupling::needs(&cost).actuation,
            "Eq. 43 as written must not make the rollout compute the actuation"
        );
    }

    #[test]
    fn actuation_effort_charges_what_the_actuators_deliver() {
        let cost = AltitudeEffort { w_y: 10.0, w_act: 20.0, effort: Effort::Actuation };
        assert!(CostCoupling::needs(&cost).actuation);
        let control = [Lanes::splat(0.01), Lanes::splat(0.2)];
        let actuation = [Lanes::splat(0.505), Lanes::splat(0.0)];
        let ys = [0.0; 16];
        let mut got = [0.0; 16];
        cost.running(&step(&control, &actuation, &ys), &[]).store(&mut got);
        let expected = 20.0 * 0.505 * 0.505;
        for g in got {
            assert!((g - expected).abs() < 1e-4, "{g} vs {expected}");
        }
    }
}
