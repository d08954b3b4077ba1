//! Eq. 42: the danger-zone indicator.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J_danger(x) = 1 if the model's planar position lies in the episode's danger zone, else 0.
#[derive(Clone, Debug, Default)]
pub struct Danger;

impl CostCoupling for Danger {
    fn needs(&self) -> Needs {
        Needs { position: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        match step.zone {
            Some(zone) => R::indicator(zone.contains(step.position)),
            None => R::zero(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DangerParams {}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let DangerParams {} = rlmpc_core::erased_serde::deserialize(params)?;
    if !context.layout.has_position {
        return Err(BuildError::Invalid(
            "this environment's model has no planar position to test against a zone".into(),
        ));
    }
    Ok(Box::new(Danger))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new("danger", "Eq. 42: 1 while the model's (x, y) is inside the danger zone", build, module_path!())
}

#[cfg(test)]
mod tests {
    use rlmpc_core::{DangerZone, Lanes};

    use super::*;

    #[test]
    fn indicator_is_one_inside_the_zone_and_zero_outside_or_without_one() {
        let zone = DangerZone::square(1.0, 0.5, 0.4);
        let xs: Vec<f64> = (0..16).map(|i| 0.61 + 0.05 * i as f64).collect();
        let position = [Lanes::load(&xs), Lanes::splat(0.6)];
        let step = |zone| StepView {
            prev_state: &[],
            state: &[],
            control: &[],
            actuation: &[],
            reward: Lanes::splat(0.0),
            tracked: &[],
            position,
            zone,
        };
        let mut got = [0.0; 16];
        CostCoupling::running(&Danger, &step(Some(&zone)), &[]).store(&mut got);
        for (x, g) in xs.iter().zip(got) {
            let inside = (x - 1.0).abs() <= 0.2;
            assert_eq!(g, f64::from(u8::from(inside)), "x = {x}");
        }
        CostCoupling::running(&Danger, &step(None), &[]).store(&mut got);
        assert!(got.iter().all(|g| *g == 0.0));
    }
}
