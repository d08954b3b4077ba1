//! Range checks of the experiment's own settings (the plugins check theirs, and MPPI its
//! `[mppi]`): every number finite and in range, so that nothing NaN reaches a run.

use rlmpc_core::Error;

use super::ExperimentConfig;

fn setting(key: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Setting { key: key.into(), message: message.into() }
}

impl ExperimentConfig {
    /// Refuses the first setting out of range, naming its key.
    pub fn check(&self) -> Result<(), Error> {
        for (i, term) in self.costs.iter().enumerate() {
            if !term.weight.is_finite() {
                return Err(setting(
                    format!("costs[{i}].weight"),
                    format!(
                        "must be a finite number, got {}; it multiplies the `{}` term of Eq. 38",
                        term.weight, term.name
                    ),
                ));
            }
        }
        if let Some(i) = self.planner.action.iter().position(|a| !a.is_finite()) {
            return Err(setting(
                "planner.action",
                format!("must hold finite numbers, but entry {i} is {}", self.planner.action[i]),
            ));
        }
        let training = &self.training;
        for (name, value) in [("gamma", training.gamma), ("gae_lambda", training.gae_lambda)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(setting(format!("training.{name}"), format!("must lie in [0, 1], got {value}")));
            }
        }
        for (key, value, hint) in [
            ("training.total_steps", training.total_steps, " (`rlmpc train --steps` sets it too)"),
            ("training.n_steps", training.n_steps, ""),
            ("training.checkpoint_every", training.checkpoint_every, ""),
            ("evaluation.episodes", self.evaluation.episodes, ""),
        ] {
            if value == 0 {
                return Err(setting(key, format!("must be at least 1, got 0{hint}")));
            }
        }
        Ok(())
    }
}
