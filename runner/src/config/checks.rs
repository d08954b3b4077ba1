//! Range checks of the experiment's own settings (the plugins check theirs, and MPPI its
//! `[mppi]`): every number finite and in range, so that nothing NaN reaches a run.

use rlmpc_core::Error;

use super::ExperimentConfig;

/// The dotted key of the first NaN or infinite float in `value` (a plugin's parameters, at
/// `key`), searching tables and arrays.
fn non_finite_float(key: &str, value: &toml::Value) -> Option<(String, f64)> {
    match value {
        toml::Value::Float(x) if !x.is_finite() => Some((key.to_string(), *x)),
        toml::Value::Table(table) => table.iter().find_map(|(k, v)| non_finite_float(&format!("{key}.{k}"), v)),
        toml::Value::Array(items) => items.iter().find_map(|v| non_finite_float(key, v)),
        _ => None,
    }
}

fn setting(key: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Setting { key: key.into(), message: message.into() }
}

impl ExperimentConfig {
    /// Refuses the first setting out of range, naming its key.
    pub fn check(&self) -> Result<(), Error> {
        let plugin_params = [("env.params".to_string(), self.env.params.as_ref())]
            .into_iter()
            .chain(self.costs.iter().enumerate().map(|(i, term)| (format!("costs[{i}].params"), term.params.as_ref())))
            .chain([("learner.params".into(), self.learner.as_ref().and_then(|l| l.params.as_ref()))])
            .chain([("scheduler.params".into(), self.scheduler.as_ref().and_then(|s| s.params.as_ref()))]);
        for (key, params) in plugin_params {
            let Some(params) = params else { continue };
            if let Some((key, value)) = non_finite_float(&key, &toml::Value::Table(params.clone())) {
                return Err(setting(
                    key,
                    format!("must be a finite number, got {value}: no parameter takes NaN or infinity"),
                ));
            }
        }
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
            ("training.log_every_steps", training.log_every_steps, ""),
            ("evaluation.episodes", self.evaluation.episodes, ""),
        ] {
            if value == 0 {
                return Err(setting(key, format!("must be at least 1, got 0{hint}")));
            }
        }
        Ok(())
    }
}
