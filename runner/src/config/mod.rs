//! Experiment files (TOML): which plugins to use and their parameters.
//!
//! ```toml
//! seed = 0
//! plugins = ["plugins/libmy_costs.so"]   # optional: plugin libraries to load first
//!
//! [env]
//! name = "acrobot"
//! params = { danger_zone = { x = 1.4, y = 0.6, width = 0.6, height = 0.6 } }
//!
//! [mppi]            # paper Table 5
//! num_samples = 100
//! horizon = 10
//!
//! [[costs]]         # Eq. 38: Σ weight · term
//! name = "target-tracking"
//! weight = 50.0
//!
//! [planner]
//! action = [3.14159, 0.0]
//! ```
//!
//! Unknown keys, missing keys and wrong types are errors naming the key and where it is.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use rlmpc_core::mppi::MppiConfig;
use rlmpc_core::params::PluginSpec;
use rlmpc_core::Error;

mod checks;
mod location;
mod overrides;
mod training;

pub use overrides::{describe as describe_overrides, Override};
pub use training::{Controller, TrainingConfig, UpdatePeriod, VirtualTarget};

fn default_weight() -> f64 {
    1.0
}
fn default_episodes() -> usize {
    50
}

/// One term of Eq. 38: a cost plugin with its weight.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CostTerm {
    /// Registry name of the cost plugin.
    pub name: String,
    /// Its weight w in Eq. 38 (w_RL, w_D, …; default 1).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// The plugin's own parameters.
    #[serde(default)]
    pub params: Option<toml::Table>,
}

/// `[planner]`: the high-level action a that conditions the cost.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlannerConfig {
    /// The RL action a given to every cost term when MPPI runs without a learned policy
    /// (e.g. target angles); empty for costs that ignore it.
    #[serde(default)]
    pub action: Vec<f64>,
    /// Size of a when a learner chooses it (default: the length of `action`).
    #[serde(default)]
    pub action_dim: Option<usize>,
}

impl PlannerConfig {
    /// Size of the RL action a.
    pub fn action_dim(&self) -> usize {
        self.action_dim.unwrap_or(self.action.len())
    }
}

/// `[evaluation]`: how results are measured.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationConfig {
    /// Episodes per evaluation (paper: 50).
    #[serde(default = "default_episodes")]
    pub episodes: usize,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        Self { episodes: default_episodes() }
    }
}

/// A whole experiment file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentConfig {
    /// Master seed: episode resets and MPPI noise derive from it.
    #[serde(default)]
    pub seed: u64,
    /// Plugin libraries (`.so`, `.dylib`, `.dll`) that register more environments, costs or
    /// schedulers; loaded before anything is built (see the book's Plugins chapter). Relative
    /// paths resolve against the config file's directory.
    #[serde(default)]
    pub plugins: Vec<PathBuf>,
    /// The environment plugin.
    pub env: PluginSpec,
    /// MPPI settings (paper Table 5).
    #[serde(default)]
    pub mppi: MppiConfig,
    /// The terms of Eq. 38. None means pure MPPI's cost, −r̂ (`negative-reward`).
    #[serde(default)]
    pub costs: Vec<CostTerm>,
    /// The fixed high-level action for pure MPPI.
    #[serde(default)]
    pub planner: PlannerConfig,
    /// Evaluation settings.
    #[serde(default)]
    pub evaluation: EvaluationConfig,
    /// How the trainer collects data and updates (Alg. 1).
    #[serde(default)]
    pub training: TrainingConfig,
    /// The policy learner (default `ppo` with its defaults).
    #[serde(default)]
    pub learner: Option<PluginSpec>,
    /// The influence scheduler that sets ρ (default `fixed` with ρ = 0).
    #[serde(default)]
    pub scheduler: Option<PluginSpec>,
}

/// A parsed experiment file together with its text (for error locations).
#[derive(Clone, Debug)]
pub struct Experiment {
    /// The parsed settings.
    pub config: ExperimentConfig,
    /// Where they came from (a path, or a name such as `<bench>`), for messages.
    pub origin: String,
    /// Directory that relative paths in the file resolve against: the file's own directory,
    /// or `None` (the working directory) for text that did not come from a file.
    pub dir: Option<PathBuf>,
    /// The file's text, to find the line of a setting named in an error.
    text: String,
}

impl Experiment {
    /// Parses TOML text; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self, Error> {
        let config = toml::from_str(text).map_err(|e: toml::de::Error| Error::Config {
            origin: origin.to_string(),
            message: describe_toml_error(text, &e),
        })?;
        Ok(Self { config, origin: origin.to_string(), dir: None, text: text.to_string() })
    }

    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        let mut experiment = Self::parse(&path.display().to_string(), &text)?;
        experiment.dir = Some(path.parent().unwrap_or(Path::new("")).to_path_buf());
        Ok(experiment)
    }

    /// [`ExperimentConfig::check`], its error pointing at the file and the line.
    pub fn check(&self) -> Result<(), Error> {
        self.config.check().map_err(|e| self.locate(e))
    }

    /// An [`Error::Setting`] as a [`Error::Config`] naming this file and, where the file
    /// writes the setting, its line; other errors as they are.
    pub fn locate(&self, error: Error) -> Error {
        match error {
            Error::Setting { key, message } => {
                let origin = match location::line_of(&self.text, &key) {
                    Some(line) => format!("{}, line {line}", self.origin),
                    None => self.origin.clone(),
                };
                Error::Config { origin, message: format!("`{key}` {message}") }
            }
            other => other,
        }
    }

    /// A plugin's refusal of its parameters (in `table`, e.g. `env.params`) with the line of
    /// the key it names in backticks, where the file writes it; other errors as they are.
    pub fn locate_in(&self, table: &str, error: Error) -> Error {
        let Error::PluginParams { origin, kind, name, message } = error else { return error };
        let named = message.split('`').skip(1).step_by(2);
        let line = named
            .flat_map(|key| [key, key.split('.').next().unwrap_or(key)])
            .find_map(|key| location::line_of(&self.text, &format!("{table}.{key}")));
        let origin = match line {
            Some(line) => format!("{origin}, line {line}"),
            None => origin,
        };
        Error::PluginParams { origin, kind, name, message }
    }

    /// The `plugins` libraries, relative paths resolved against [`Experiment::dir`]. Loading
    /// them is up to the caller (`rlmpc_loader::load_all`): the runner does not open libraries.
    pub fn plugin_paths(&self) -> Vec<PathBuf> {
        let dir = self.dir.as_deref().unwrap_or(Path::new(""));
        self.config.plugins.iter().map(|path| dir.join(path)).collect()
    }
}

/// toml's message with the line it points at.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}
