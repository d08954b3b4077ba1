//! Eq. 44: the collision indicator of Racing.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

use crate::named_coordinate;

/// J_coll(x) = 1 if ‖p(x) − p_opponent‖ ≤ d_contact, else 0 (Eq. 44): p is the model's planar
/// position, the opponent's position is read from the tracked coordinates `opponent_x`,
/// `opponent_y` (the Racing surrogate predicts it at constant velocity).
#[derive(Clone, Debug)]
pub struct Collision {
    /// Indices of `opponent_x` and `opponent_y` among the tracked coordinates.
    opponent: [usize; 2],
    /// d_contact (m).
    contact_distance: f64,
}

impl CostCoupling for Collision {
    fn needs(&self) -> Needs {
        Needs { tracked: true, position: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        let dx = step.position[0] - step.tracked[self.opponent[0]];
        let dy = step.position[1] - step.tracked[self.opponent[1]];
        R::indicator((dx * dx + dy * dy).le(R::splat(self.contact_distance * self.contact_distance)))
    }
}

/// `[costs.params]` of `collision`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CollisionParams {
    /// d_contact (m): the distance between the cars' centres at which they touch.
    contact_distance: f64,
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let CollisionParams { contact_distance } = rlmpc_core::erased_serde::deserialize(params)?;
    if !(contact_distance.is_finite() && contact_distance > 0.0) {
        return Err(BuildError::Invalid(format!("contact_distance must be finite and > 0, got {contact_distance}")));
    }
    if !context.layout.has_position {
        return Err(BuildError::Invalid("this environment's model has no planar position".into()));
    }
    let opponent =
        [named_coordinate(context, "collision", "opponent_x")?, named_coordinate(context, "collision", "opponent_y")?];
    Ok(Box::new(Collision { opponent, contact_distance }))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "collision",
        "Eq. 44: 1 while the model's (x, y) is within d_contact of the predicted opponent",
        build,
        module_path!()
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::{Lanes, StateLayout, TrackedCoordinate};

    use super::*;

    fn context(names: &[&'static str]) -> CostContext {
        let tracked = names.iter().map(|&name| TrackedCoordinate { name, periodic: false }).collect();
        CostContext { layout: StateLayout { state_dim: 4, control_dim: 2, tracked, has_position: true }, action_dim: 2 }
    }

    #[test]
    fn indicator_is_one_within_the_contact_distance_per_lane() {
        let params = toml::Value::Table(toml::toml! { contact_distance = 3.5 });
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        let cost = build(&mut de, &context(&["vx", "opponent_x", "opponent_y"])).ok().unwrap();
        let xs: Vec<f64> = (0..16).map(|i| 10.0 + 0.5 * i as f64).collect();
        let tracked = [Lanes::splat(0.0), Lanes::splat(12.0), Lanes::splat(4.0)];
        let step = StepView {
            prev_state: &[],
            state: &[],
            control: &[],
            actuation: &[],
            reward: Lanes::splat(0.0),
            tracked: &tracked,
            position: [Lanes::load(&xs), Lanes::splat(2.0)],
            zone: None,
        };
        let mut got = [0.0; 16];
        rlmpc_core::cost::CostIn::<Lanes>::running(cost.as_ref(), &step, &[]).store(&mut got);
        for (x, g) in xs.iter().zip(got) {
            let inside = (x - 12.0f64).hypot(2.0) <= 3.5;
            assert_eq!(g, f64::from(u8::from(inside)), "x = {x}");
        }
    }

    #[test]
    fn a_model_without_an_opponent_is_rejected_by_name() {
        let params = toml::Value::Table(toml::toml! { contact_distance = 3.5 });
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        let Err(BuildError::Invalid(message)) = build(&mut de, &context(&["theta1", "theta2"])) else {
            panic!("accepted")
        };
        assert!(message.contains("opponent_x") && message.contains("theta1, theta2"), "{message}");
    }
}
