//! A fixed set-point on named tracked coordinates: a J_other term (Eq. 38) such as keeping a
//! lander upright.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

use crate::named_coordinate;

/// J = Σ_i w_i·(x_i − c_i)² over named tracked coordinates x_i, with fixed weights w_i and
/// set-points c_i that the RL action does not move. Periodic coordinates compare through
/// `angle_normalize`.
#[derive(Clone, Debug)]
pub struct Setpoint {
    /// Index into the tracked coordinates, weight, set-point and periodicity of each term.
    terms: Vec<SetpointTerm>,
}

#[derive(Clone, Debug)]
struct SetpointTerm {
    index: usize,
    weight: f64,
    target: f64,
    periodic: bool,
}

impl CostCoupling for Setpoint {
    fn needs(&self) -> Needs {
        Needs { tracked: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        self.terms.iter().fold(R::zero(), |sum, term| {
            let error = step.tracked[term.index] - R::splat(term.target);
            let error = if term.periodic { error.angle_normalize() } else { error };
            sum + R::splat(term.weight) * error * error
        })
    }
}

/// `[costs.params]` of `setpoint`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetpointParams {
    /// Names of the tracked coordinates held, e.g. `["angle", "angular_velocity"]`.
    coordinates: Vec<String>,
    /// w_i, one weight ≥ 0 per coordinate.
    weights: Vec<f64>,
    /// c_i, one set-point per coordinate (default: all 0).
    #[serde(default)]
    targets: Option<Vec<f64>>,
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let SetpointParams { coordinates, weights, targets } = rlmpc_core::erased_serde::deserialize(params)?;
    let targets = targets.unwrap_or_else(|| vec![0.0; coordinates.len()]);
    if coordinates.is_empty() || weights.len() != coordinates.len() || targets.len() != coordinates.len() {
        return Err(BuildError::Invalid(format!(
            "`setpoint` needs one weight and one target per coordinate: got {} coordinates, {} weights, {} targets",
            coordinates.len(),
            weights.len(),
            targets.len()
        )));
    }
    let mut terms = Vec::with_capacity(coordinates.len());
    for ((name, &weight), &target) in coordinates.iter().zip(&weights).zip(&targets) {
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(BuildError::Invalid(format!("the weight of `{name}` must be finite and ≥ 0, got {weight}")));
        }
        if !target.is_finite() {
            return Err(BuildError::Invalid(format!("the target of `{name}` must be finite, got {target}")));
        }
        let index = named_coordinate(context, "setpoint", name)?;
        terms.push(SetpointTerm { index, weight, target, periodic: context.layout.tracked[index].periodic });
    }
    Ok(Box::new(Setpoint { terms }))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "setpoint",
        "Σ w_i·(x_i − c_i)² on named tracked coordinates, fixed set-points (a J_other term, e.g. attitude)",
        build,
        module_path!()
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::{Lanes, StateLayout, TrackedCoordinate};

    use super::*;

    fn context() -> CostContext {
        let tracked = vec![
            TrackedCoordinate { name: "speed", periodic: false },
            TrackedCoordinate { name: "heading", periodic: true },
        ];
        CostContext {
            layout: StateLayout { state_dim: 2, control_dim: 1, tracked, has_position: false },
            action_dim: 0,
        }
    }

    #[test]
    fn weighted_squared_errors_add_and_angles_wrap() {
        let cost = Setpoint {
            terms: vec![
                SetpointTerm { index: 0, weight: 2.0, target: 1.0, periodic: false },
                SetpointTerm { index: 1, weight: 3.0, target: 0.0, periodic: true },
            ],
        };
        let tracked = [Lanes::splat(4.0), Lanes::splat(2.0 * std::f64::consts::PI + 0.5)];
        let step = StepView {
            prev_state: &[],
            state: &[],
            control: &[],
            actuation: &[],
            reward: Lanes::splat(0.0),
            tracked: &tracked,
            position: [Lanes::splat(0.0); 2],
            zone: None,
        };
        let mut got = [0.0; 16];
        cost.running(&step, &[]).store(&mut got);
        let expected = 2.0 * 9.0 + 3.0 * 0.25;
        assert!(got.iter().all(|g| (g - expected).abs() < 1e-3), "{got:?} vs {expected}");
    }

    #[test]
    fn unknown_names_and_mismatched_lengths_are_refused() {
        let error = |params: &str| {
            let params: toml::Table = toml::from_str(params).unwrap();
            let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(toml::Value::Table(params));
            format!("{:?}", build(&mut de, &context()).err())
        };
        let unknown = error("coordinates = [\"altitude\"]\nweights = [1.0]");
        assert!(unknown.contains("altitude") && unknown.contains("speed, heading"), "{unknown}");
        let lengths = error("coordinates = [\"speed\"]\nweights = [1.0, 2.0]");
        assert!(lengths.contains("1 coordinates, 2 weights"), "{lengths}");
        let negative = error("coordinates = [\"speed\"]\nweights = [-1.0]");
        assert!(negative.contains("≥ 0"), "{negative}");
    }
}
