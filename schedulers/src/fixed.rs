//! A constant influence ratio.

use rlmpc_core::registry::{BuildError, Params, SchedulerRegistration};
use rlmpc_core::scheduler::{InfluenceScheduler, UpdateStats};
use serde::Deserialize;

/// ρ_t = ρ for every update.
#[derive(Clone, Debug, PartialEq)]
pub struct Fixed {
    rho: f64,
}

impl Fixed {
    /// A constant ρ; must lie in [0, 1].
    pub fn new(rho: f64) -> Result<Self, String> {
        if (0.0..=1.0).contains(&rho) {
            Ok(Self { rho })
        } else {
            Err(format!("rho must lie in [0, 1], got {rho}"))
        }
    }
}

impl InfluenceScheduler for Fixed {
    fn update(&mut self, _stats: &UpdateStats<'_>) -> f64 {
        self.rho
    }
}

/// `[scheduler.params]` of `fixed`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixedParams {
    /// The influence ratio ρ ∈ [0, 1].
    rho: f64,
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError> {
    let FixedParams { rho } = rlmpc_core::erased_serde::deserialize(params)?;
    Ok(Box::new(Fixed::new(rho).map_err(BuildError::Invalid)?))
}

rlmpc_core::inventory::submit! {
    SchedulerRegistration::new("fixed", "ρ constant: virtual data always weighs the same", build, module_path!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rho_never_changes_and_rejects_out_of_range() {
        let mut s = Fixed::new(0.3).unwrap();
        for update in 0..5 {
            assert_eq!(s.update(&UpdateStats { update, ..Default::default() }), 0.3);
        }
        assert!(Fixed::new(1.5).is_err());
        assert!(Fixed::new(-0.1).is_err());
    }
}
