//! A cost coupling of your own: written once over the number type, registered by name, and
//! picked from a config file like any built-in term.
//!
//! Run: `cargo run --release --example 02-custom-cost`

use rlmpc::core::policy::ConstantAction;
use rlmpc::core::registry::{BuildError, CostRegistration, Params};
use rlmpc::core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::run_episode;
use rlmpc::runner::planner::Planner;

/// ‖u‖²: penalise control effort.
struct Effort;

impl CostCoupling for Effort {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        step.control.iter().fold(R::zero(), |acc, u| acc + u.square())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EffortParams {}

fn build(params: Params<'_, '_>, _context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let EffortParams {} = rlmpc::core::erased_serde::deserialize(params)?;
    Ok(Box::new(Effort))
}

rlmpc::core::inventory::submit! {
    CostRegistration::new("effort", "‖u‖²: control effort (example 02)", build, module_path!())
}

const CONFIG: &str = r#"
[env]
name = "pendulum"

[mppi]
horizon = 15
noise_sigma = 1.0

[[costs]]
name = "target-tracking"
params = { coordinates = ["theta"] }

[[costs]]
name = "effort"       # the plugin registered above
weight = 0.1

[planner]
action = [0.0]        # upright
"#;

fn main() -> Result<(), rlmpc::core::Error> {
    let experiment = Experiment::parse("<example 02>", CONFIG)?;
    let mut env = experiment.build_env()?;
    let mut planner = Planner::from_experiment(&experiment, env.as_ref(), 1)?;
    let result = run_episode(env.as_mut(), Some(&mut planner), &mut ConstantAction(vec![0.0]), 0)?;
    println!("pendulum with tracking + effort: return {:.1} over {} steps", result.episode_return, result.steps);
    Ok(())
}
