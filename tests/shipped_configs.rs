//! Every experiment file under `configs/` builds, and every training config runs an update:
//! switching the scheduler, the mixing mode or the cost form is a config change and nothing
//! else (issue 6).

use std::path::{Path, PathBuf};

use rlmpc::core::MixingMode;
use rlmpc::runner::config::Experiment;
use rlmpc::runner::config::UpdatePeriod;
use rlmpc::runner::planner::Planner;
use rlmpc::runner::trainer::{Trainer, UpdateRecord};

fn configs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // Sweep files name experiments; tests/sweep.rs plans each of them.
        if path.is_dir() && !path.ends_with("sweeps") {
            configs(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// The first update of a training config, on a budget of 32 steps with K = 32 (a smoke run:
/// the settings that differ between the files are kept).
fn first_update(experiment: &mut Experiment) -> UpdateRecord {
    experiment.config.training.total_steps = 32;
    experiment.config.training.n_steps = 32;
    experiment.config.mppi.num_samples = 32;
    Trainer::new(experiment).unwrap_or_else(|e| panic!("{}: {e}", experiment.origin)).iterate().unwrap()
}

#[test]
fn every_shipped_config_builds_and_every_training_config_updates() {
    let mut paths = Vec::new();
    configs(Path::new("configs"), &mut paths);
    paths.sort();
    for expected in ["acrobot/pure_mppi.toml", "lunar_lander/ppo_mppi_rho0.8.toml", "racing/ppo_mppi_rho0.3.toml"] {
        assert!(paths.iter().any(|p| p.ends_with(expected)), "{expected} not found in {paths:?}");
    }
    for path in paths {
        let mut experiment = Experiment::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if experiment.config.learner.is_none() {
            let env = experiment.build_env().unwrap();
            let action_dim = experiment.config.planner.action_dim();
            Planner::from_experiment(&experiment, env.as_ref(), action_dim)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let record = first_update(&mut experiment);
        let name = path.display().to_string();
        let period = match experiment.config.training.update_every {
            UpdatePeriod::NSteps => 32,
            UpdatePeriod::NStepsPerCandidate => 32 / experiment.config.mppi.candidates,
        };
        assert_eq!(record.env_steps, period, "{name}");
        let scheduler = experiment.config.scheduler.as_ref().map(|s| s.name.as_str());
        if scheduler == Some("adaptive") {
            let confidence = record.confidence.unwrap_or_else(|| panic!("{name}: adaptive logs ω and Ω"));
            assert!(confidence.omega > 0.0 && confidence.omega <= 1.0, "{name}: {confidence:?}");
            assert!(record.rho > 0.0 && record.rho < 0.5, "{name}: ρ = {} after one annealing step", record.rho);
        }
        if experiment.config.training.mixing == MixingMode::PerSample {
            assert!(record.virtual_tuples > 0, "{name}");
        }
    }
}
