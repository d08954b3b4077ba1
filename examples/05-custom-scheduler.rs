//! An influence scheduler of your own (Sec. 4.4): how much the virtual MPPI data weigh against
//! the real data at each update. This one trusts MPPI fully at first and hands over to the
//! real data in steps; the trainer calls it once per update, before the learner's update.
//!
//! Run: `cargo run --release --example 05-custom-scheduler`

use rlmpc::core::registry::{BuildError, Params, SchedulerRegistration};
use rlmpc::core::scheduler::{InfluenceScheduler, UpdateStats};
use rlmpc::runner::config::Experiment;
use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::Trainer;

/// ρ = 1 for the first `hold` updates, then halved at every update after.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Halving {
    /// Updates at ρ = 1 before the halving starts.
    hold: usize,
}

impl InfluenceScheduler for Halving {
    /// `stats` also carries the value ensemble's predictions on the update's real states,
    /// which Alg. 2 (`adaptive`) reads; this schedule only needs the update's index.
    fn update(&mut self, stats: &UpdateStats<'_>) -> f64 {
        0.5f64.powi((stats.update + 1).saturating_sub(self.hold) as i32)
    }
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError> {
    let halving: Halving = rlmpc::core::erased_serde::deserialize(params)?;
    Ok(Box::new(halving))
}

rlmpc::core::inventory::submit! {
    SchedulerRegistration::new("halving", "ρ = 1, then halved every update (example 05)", build, module_path!())
}

/// Pendulum with a target-tracking cost, trained for five short updates under the schedule.
const CONFIG: &str = r#"
[env]
name = "pendulum"

[mppi]
num_samples = 32
horizon = 10
candidates = 3

[[costs]]
name = "target-tracking"
params = { coordinates = ["theta"] }

[planner]
action_dim = 1

[learner]
name = "ppo"
params = { batch_size = 32, n_epochs = 1 }

[scheduler]
name = "halving"      # the registration above
params = { hold = 2 }

[training]
total_steps = 320
n_steps = 64
"#;

fn main() -> Result<(), rlmpc::core::Error> {
    let experiment = Experiment::parse("<example 05>", CONFIG)?;
    let dir = std::env::temp_dir().join(format!("rlmpc-example-05-{}", std::process::id()));
    let run = RunDir::create(&dir, CONFIG)?;
    Trainer::new(&experiment)?.train(&run, 0.0, &mut |progress| {
        println!("update {}: ρ = {}", progress.record.update, progress.record.rho);
    })?;
    std::fs::remove_dir_all(&dir).map_err(|source| rlmpc::core::Error::Io { path: dir.display().to_string(), source })
}
