//! PPO-MPPI (Alg. 1) from Rust: train on Acrobot-DZ for a small budget into a run directory,
//! watching each update, then evaluate the saved policy as `rlmpc eval` does. The run
//! directory is a temporary one, removed at the end.
//!
//! Run: `cargo run --release --example 04-train-ppo-mppi`

use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::{run_episode, summarize};
use rlmpc::runner::factory::Assembly;
use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::{last_learner_path, Trainer};

/// The paper's Acrobot-DZ setting (ρ = 0.3, M = 4 candidates) on a budget of seconds:
/// a few short updates instead of Table 3's 2048-step ones.
const CONFIG: &str = r#"
seed = 1

[env]
name = "acrobot"
params = { danger_zone = { x = 1.4, y = 0.6, width = 0.6, height = 0.6 } }

[mppi]
num_samples = 64
horizon = 10
candidates = 4

[[costs]]
name = "target-tracking"      # the RL action sets the target angles
weight = 50.0
params = { scale = [3.141592653589793, 3.141592653589793] }

[[costs]]
name = "danger"
weight = 50.0

[planner]
action_dim = 2

[learner]
name = "ppo"
params = { batch_size = 64, n_epochs = 2 }

[scheduler]
name = "fixed"
params = { rho = 0.3 }

[training]
total_steps = 1024
n_steps = 256
"#;

fn main() -> Result<(), rlmpc::core::Error> {
    let experiment = Experiment::parse("<example 04>", CONFIG)?;
    let dir = std::env::temp_dir().join(format!("rlmpc-example-04-{}", std::process::id()));
    let run = RunDir::create(&dir, CONFIG)?;

    // Alg. 1; the callback sees every update (the CLI draws its progress bar from it).
    let mut trainer = Trainer::new(&experiment)?;
    trainer.train(&run, 0.0, &mut |progress| {
        let record = progress.record;
        println!(
            "update {}: {} / {} steps, ρ = {}, {} virtual tuples, value loss {:.3}",
            record.update,
            record.env_steps,
            progress.total_steps,
            record.rho,
            record.virtual_tuples,
            record.report.value_loss
        );
    })?;

    // Evaluation acts with the policy's mean action through one MPPI candidate, from the
    // learner the last checkpoint saved.
    let mut evaluation = experiment.clone();
    evaluation.config.mppi.candidates = 1;
    let Assembly { mut env, mut planner, mut learner } = evaluation.assemble()?;
    learner.load(&last_learner_path(&run)?)?;
    let results = (0..3)
        .map(|episode| run_episode(env.as_mut(), planner.as_mut(), learner.as_mut(), episode))
        .collect::<Result<Vec<_>, _>>()?;
    for metric in summarize(&results) {
        println!("{:>12}: {:8.2} ± {:.2}", metric.name, metric.mean, metric.std);
    }
    std::fs::remove_dir_all(run.path())
        .map_err(|source| rlmpc::core::Error::Io { path: dir.display().to_string(), source })
}
