//! Eq. 43: Lunar Lander's domain term, altitude above the pad and control effort.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J_other^LL = w_y·y(x)² + w_act·‖u‖² (Eq. 43), with y the model's planar position's second
/// coordinate (0 at the pad in Lunar Lander) and u the control of the step.
#[derive(Clone, Debug, PartialEq)]
pub struct AltitudeEffort {
    /// w_y (Table 5: 10).
    pub w_y: f64,
    /// w_act (Table 5: 20).
    pub w_act: f64,
}

impl CostCoupling for AltitudeEffort {
    fn needs(&self) -> Needs {
        Needs { position: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        let effort = step.control.iter().fold(R::zero(), |sum, &u| sum + u * u);
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
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let AltitudeEffortParams { w_y, w_act } = rlmpc_core::erased_serde::deserialize(params)?;
    if !context.layout.has_position {
        return Err(BuildError::Invalid("this environment's model has no planar position whose y to penalise".into()));
    }
    for (name, value) in [("w_y", w_y), ("w_act", w_act)] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(BuildError::Invalid(format!("{name} must be finite and >= 0 (Eq. 43), got {value}")));
        }
    }
    Ok(Box::new(AltitudeEffort { w_y, w_act }))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "altitude-effort",
        "Eq. 43: w_y·y² + w_act·‖u‖² (Lunar Lander's altitude above the pad and control effort)",
        build,
        module_path!(),
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::Lanes;

    use super::*;

    #[test]
    fn altitude_and_effort_add_with_their_weights() {
        let cost = AltitudeEffort { w_y: 10.0, w_act: 20.0 };
        let control = [Lanes::splat(0.5), Lanes::splat(-1.0)];
        let ys: Vec<f64> = (0..16).map(|i| 0.1 * i as f64 - 0.5).collect();
        let step = StepView {
            prev_state: &[],
            state: &[],
            control: &control,
            reward: Lanes::splat(0.0),
            tracked: &[],
            position: [Lanes::splat(3.0), Lanes::load(&ys)],
            zone: None,
        };
        let mut got = [0.0; 16];
        cost.running(&step, &[]).store(&mut got);
        for (y, g) in ys.iter().zip(got) {
            let expected = 10.0 * y * y + 20.0 * 1.25;
            assert!((g - expected).abs() < 1e-4, "y = {y}: {g} vs {expected}");
        }
    }
}
