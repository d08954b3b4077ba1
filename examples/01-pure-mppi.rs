//! Pure MPPI on Acrobot-DZ from a config file, in a dozen lines.
//!
//! Run: `cargo run --release --example 01-pure-mppi`

use rlmpc::core::policy::ConstantAction;
use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::{run_episode, summarize};
use rlmpc::runner::planner::Planner;

fn main() -> Result<(), rlmpc::core::Error> {
    let experiment = Experiment::load("configs/acrobot/tracking_mppi.toml".as_ref())?;
    let mut env = experiment.build_env()?;
    let action = experiment.config.planner.action.clone();
    let mut planner = Planner::from_experiment(&experiment, env.as_ref(), action.len())?;
    let mut policy = ConstantAction(action);

    let results = (0..5)
        .map(|episode| run_episode(env.as_mut(), Some(&mut planner), &mut policy, episode))
        .collect::<Result<Vec<_>, _>>()?;
    for (episode, result) in results.iter().enumerate() {
        println!("episode {episode}: {result:?}");
    }
    for metric in summarize(&results) {
        println!("{:>12}: {:8.2} ± {:.2}", metric.name, metric.mean, metric.std);
    }
    Ok(())
}
