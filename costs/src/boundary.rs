//! Eq. 45: the boundary-violation penalty of Racing.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

use crate::named_coordinate;

/// J_bound(x) = [max(0, BP(x) − limit)]² (Eq. 45 with limit = 1), where BP is the boundary
/// proportion — the distance from the centreline over the centre-to-edge distance — that the
/// model tracks as `boundary_proportion`.
#[derive(Clone, Debug)]
pub struct Boundary {
    /// Index of `boundary_proportion` among the tracked coordinates.
    proportion: usize,
    /// BP beyond which the penalty grows (Eq. 45: 1, the edge).
    limit: f64,
}

impl CostCoupling for Boundary {
    fn needs(&self) -> Needs {
        Needs { tracked: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        (step.tracked[self.proportion] - R::splat(self.limit)).max(R::zero()).square()
    }
}

/// `[costs.params]` of `boundary`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundaryParams {
    /// BP at which the penalty starts (default 1, Eq. 45); below 1 keeps a margin to the edge.
    #[serde(default = "limit_default")]
    limit: f64,
}

fn limit_default() -> f64 {
    1.0
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let BoundaryParams { limit } = rlmpc_core::erased_serde::deserialize(params)?;
    if !(limit.is_finite() && limit >= 0.0) {
        return Err(BuildError::Invalid(format!("limit must be finite and ≥ 0, got {limit}")));
    }
    let proportion = named_coordinate(context, "boundary", "boundary_proportion")?;
    Ok(Box::new(Boundary { proportion, limit }))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "boundary",
        "Eq. 45: [max(0, BP − 1)]², BP the model's distance from the centreline over the half-width",
        build,
        module_path!()
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::{StateLayout, TrackedCoordinate};

    use super::*;

    #[test]
    fn zero_inside_the_track_and_quadratic_beyond_the_limit() {
        let tracked = vec![TrackedCoordinate { name: "boundary_proportion", periodic: false }];
        let context = CostContext {
            layout: StateLayout { state_dim: 1, control_dim: 1, tracked, has_position: false },
            action_dim: 2,
        };
        let cost_at = |limit: Option<f64>, bp: f64| {
            let mut table = toml::Table::new();
            if let Some(limit) = limit {
                table.insert("limit".into(), toml::Value::Float(limit));
            }
            let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(toml::Value::Table(table));
            let cost = build(&mut de, &context).ok().unwrap();
            let tracked = [bp];
            let step = StepView {
                prev_state: &[],
                state: &[],
                control: &[],
                actuation: &[],
                reward: 0.0,
                tracked: &tracked,
                position: [0.0; 2],
                zone: None,
            };
            rlmpc_core::cost::CostIn::<f64>::running(cost.as_ref(), &step, &[])
        };
        assert_eq!(cost_at(None, 0.0), 0.0);
        assert_eq!(cost_at(None, 1.0), 0.0);
        assert!((cost_at(None, 1.5) - 0.25).abs() < 1e-12);
        assert!((cost_at(Some(0.8), 1.0) - 0.04).abs() < 1e-12);
    }
}
