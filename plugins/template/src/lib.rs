//! An out-of-tree rlmpc plugin, to copy: one cost coupling (`effort`) and one influence
//! scheduler (`linear-decay`), handed to the loader by `register` and exported with
//! `rlmpc_loader::declare_plugin!`.

use rlmpc_core::registry::{BuildError, CostRegistration, Params, SchedulerRegistration};
use rlmpc_core::scheduler::{InfluenceScheduler, UpdateStats};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use rlmpc_loader::Registrar;
use serde::Deserialize;

/// J = scale · ‖u‖²: the control effort of a step, written once over the number type.
#[derive(Clone, Debug)]
pub struct Effort {
    scale: f64,
}

impl CostCoupling for Effort {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        let mut squared = R::zero();
        for &u in step.control {
            squared += u * u;
        }
        R::splat(self.scale) * squared
    }
}

/// `[costs.params]` of `effort`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EffortParams {
    /// Factor in front of ‖u‖² (default 1).
    #[serde(default = "one")]
    scale: f64,
}

fn one() -> f64 {
    1.0
}

fn build_effort(params: Params<'_, '_>, _context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let EffortParams { scale } = rlmpc_core::erased_serde::deserialize(params)?;
    if !(scale.is_finite() && scale >= 0.0) {
        return Err(BuildError::Invalid(format!("`scale` must be finite and ≥ 0, got {scale}")));
    }
    Ok(Box::new(Effort { scale }))
}

/// ρ falls linearly from `start` to `end` over `updates` policy updates, then stays at `end`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearDecay {
    start: f64,
    end: f64,
    updates: usize,
}

impl LinearDecay {
    fn at(&self, update: usize) -> f64 {
        let progress = if self.updates == 0 { 1.0 } else { (update as f64 / self.updates as f64).min(1.0) };
        self.start + (self.end - self.start) * progress
    }
}

impl InfluenceScheduler for LinearDecay {
    fn update(&mut self, stats: &UpdateStats<'_>) -> f64 {
        self.at(stats.update + 1)
    }
}

fn build_linear_decay(params: Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError> {
    let schedule: LinearDecay = rlmpc_core::erased_serde::deserialize(params)?;
    for (key, value) in [("start", schedule.start), ("end", schedule.end)] {
        if !(0.0..=1.0).contains(&value) {
            return Err(BuildError::Invalid(format!("`{key}` must lie in [0, 1], got {value}")));
        }
    }
    Ok(Box::new(schedule))
}

/// Hands this plugin's registrations to the loader.
fn register(registrar: &mut Registrar) {
    registrar
        .cost(CostRegistration::new(
            "effort",
            "scale·‖u‖²: control effort (template plugin)",
            build_effort,
            module_path!(),
        ))
        .scheduler(SchedulerRegistration::new(
            "linear-decay",
            "ρ falls linearly from `start` to `end` over `updates` updates (template plugin)",
            build_linear_decay,
            module_path!(),
        ));
}

rlmpc_loader::declare_plugin!(register);
