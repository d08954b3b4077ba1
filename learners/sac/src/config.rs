//! SAC's settings, with the paper's defaults (Table 4) and Stable-Baselines3 2.9.2's for the rest.

use rlmpc_learner_kit::dense::Backprop;
use serde::{Deserialize, Serialize};

/// The entropy coefficient α: SB3's `ent_coef`, `"auto"`, `"auto_<x>"` or a number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EntCoef {
    /// A fixed α (SB3: `ent_coef=0.1`): no loss, no optimiser.
    Fixed(f64),
    /// `"auto"` (log α learned from log α = 0) or `"auto_<x>"` (from log α = ln x).
    Learned(String),
}

impl EntCoef {
    /// The initial log α of a learned coefficient, `None` for a fixed one (SB3's `_setup_model`).
    pub fn initial_log(&self) -> Result<Option<f64>, String> {
        match self {
            EntCoef::Fixed(_) => Ok(None),
            EntCoef::Learned(text) => {
                let initial = match text.strip_prefix("auto") {
                    Some("") => 1.0,
                    Some(rest) => rest.strip_prefix('_').and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN),
                    None => f64::NAN,
                };
                if initial > 0.0 && initial.is_finite() {
                    Ok(Some(initial.ln()))
                } else {
                    Err(format!(
                        "sac: `ent_coef = \"{text}\"` is neither \"auto\" nor \"auto_<x>\" with x > 0; \
                         write \"auto\", \"auto_0.1\" or a number such as 0.2"
                    ))
                }
            }
        }
    }
}

/// The target entropy H̄ of the learned α: `"auto"` (−dim A) or a number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TargetEntropy {
    /// A number used as is.
    Value(f64),
    /// `"auto"`: −dim(A), SB3's `-prod(action_space.shape)`.
    Auto(String),
}

/// Hidden layer widths of the actor (`pi`) and of each critic (`qf`), SB3's `net_arch` dict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetArch {
    /// The actor's latent layers (SB3: [256, 256], ReLU after each).
    pub pi: Vec<usize>,
    /// Each Q network's hidden layers (SB3: [256, 256], ReLU after each).
    pub qf: Vec<usize>,
}

/// Settings of [`Sac`](super::Sac). Defaults: paper Table 4 (learning rate, buffer, batch, τ,
/// γ, train frequency, gradient steps, α, target update interval) and SB3's `SAC` defaults for
/// the rest. SB3's `train_freq` is the trainer's `training.n_steps`: the real steps collected
/// between two calls of the update, which is what `train_freq` counts in SB3's `learn`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SacConfig {
    /// Adam step size of the actor, both critics and log α (Table 4: 3e-4).
    pub learning_rate: f64,
    /// Replay buffer capacity in transitions (Table 4: 1e6); the oldest are overwritten.
    pub buffer_size: usize,
    /// Environment steps of uniformly random actions before learning starts (SB3: 100).
    pub learning_starts: usize,
    /// Transitions per gradient step (Table 4: 256).
    pub batch_size: usize,
    /// Polyak coefficient τ of the target critics (Table 4: 0.005).
    pub tau: f64,
    /// Discount γ of the TD target (Table 4: 0.99). `training.gamma` feeds only GAE, which SAC
    /// does not use.
    pub gamma: f64,
    /// Gradient steps per update (Table 4: 1); −1 takes as many as real steps were collected.
    pub gradient_steps: i64,
    /// α: `"auto"` (Table 4), `"auto_<x>"` or a number.
    pub ent_coef: EntCoef,
    /// H̄ of the learned α: `"auto"` (−dim A) or a number.
    pub target_entropy: TargetEntropy,
    /// Target critics are updated on gradient steps whose index within the update is a multiple
    /// of this (Table 4: 1).
    pub target_update_interval: usize,
    /// Network sizes (SB3: `{pi: [256, 256], qf: [256, 256]}`).
    pub net_arch: NetArch,
    /// How a gradient step computes its gradients: `"fused"` (the default), the networks'
    /// forward and backward passes in plain Rust with the losses' gradients in closed form, or
    /// `"tape"`, dfdx's taped passes. The same step up to rounding; both are checked against SB3.
    pub backprop: Backprop,
    /// Observations through SB3's `VecNormalize` (running mean and variance, clip ±10), as a
    /// `VecNormalize(norm_obs=True, norm_reward=False)` wrapper does for SB3's SAC: the
    /// statistics take in every observation the learner acts on, the replay buffer keeps the
    /// raw observations, and a sampled batch is normalised with the statistics of the moment.
    /// Off by default (Table 4 has none).
    pub normalize_observations: bool,
}

impl Default for SacConfig {
    fn default() -> Self {
        Self {
            learning_rate: 3e-4,
            buffer_size: 1_000_000,
            learning_starts: 100,
            batch_size: 256,
            tau: 0.005,
            gamma: 0.99,
            gradient_steps: 1,
            ent_coef: EntCoef::Learned("auto".into()),
            target_entropy: TargetEntropy::Auto("auto".into()),
            target_update_interval: 1,
            net_arch: NetArch { pi: vec![256, 256], qf: vec![256, 256] },
            backprop: Backprop::Fused,
            normalize_observations: false,
        }
    }
}

impl SacConfig {
    /// Checks every setting; the message names the setting and what to write instead.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |x: f64| x > 0.0 && x.is_finite();
        if !positive(self.learning_rate) {
            return Err(format!("sac: `learning_rate` must be a positive number, got {}", self.learning_rate));
        }
        for (name, value) in [("tau", self.tau), ("gamma", self.gamma)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!("sac: `{name}` must lie in [0, 1], got {value}"));
            }
        }
        for (name, value) in [
            ("buffer_size", self.buffer_size),
            ("batch_size", self.batch_size),
            ("target_update_interval", self.target_update_interval),
        ] {
            if value == 0 {
                return Err(format!("sac: `{name}` must be at least 1"));
            }
        }
        if self.gradient_steps < -1 {
            return Err(format!(
                "sac: `gradient_steps` must be −1 (as many as steps collected) or at least 0, got {}",
                self.gradient_steps
            ));
        }
        if let EntCoef::Fixed(alpha) = self.ent_coef {
            if !(alpha >= 0.0 && alpha.is_finite()) {
                return Err(format!("sac: a fixed `ent_coef` must be a number ≥ 0, got {alpha}"));
            }
        }
        self.ent_coef.initial_log()?;
        if let TargetEntropy::Auto(text) = &self.target_entropy {
            if text != "auto" {
                return Err(format!("sac: `target_entropy` must be \"auto\" or a number, got \"{text}\""));
            }
        }
        for (name, layers) in [("pi", &self.net_arch.pi), ("qf", &self.net_arch.qf)] {
            if layers.is_empty() || layers.contains(&0) {
                return Err(format!(
                    "sac: `net_arch.{name}` must list at least one hidden width, all positive, got {layers:?}"
                ));
            }
        }
        Ok(())
    }

    /// H̄ for actions of `action_dim` components.
    pub fn target_entropy_value(&self, action_dim: usize) -> f64 {
        match self.target_entropy {
            TargetEntropy::Value(h) => h,
            TargetEntropy::Auto(_) => -(action_dim as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ent_coef_accepts_sb3_spellings_and_explains_the_rest() {
        let parse = |text: &str| toml::from_str::<SacConfig>(text).unwrap();
        assert_eq!(parse("ent_coef = \"auto\"").ent_coef.initial_log(), Ok(Some(0.0)));
        assert_eq!(parse("ent_coef = \"auto_0.1\"").ent_coef.initial_log(), Ok(Some(0.1f64.ln())));
        assert_eq!(parse("ent_coef = 0.2").ent_coef.initial_log(), Ok(None));
        let err = parse("ent_coef = \"learned\"").validate().unwrap_err();
        assert!(err.contains("ent_coef") && err.contains("auto_0.1"), "{err}");
        assert!(parse("target_entropy = \"max\"").validate().unwrap_err().contains("target_entropy"));
        assert_eq!(parse("target_entropy = -0.5").target_entropy_value(3), -0.5);
        assert_eq!(SacConfig::default().target_entropy_value(3), -3.0);
    }

    #[test]
    fn defaults_are_table_4() {
        let c = SacConfig::default();
        assert!(c.validate().is_ok());
        assert_eq!((c.learning_rate, c.buffer_size, c.batch_size, c.tau, c.gamma), (3e-4, 1_000_000, 256, 0.005, 0.99));
        assert_eq!((c.gradient_steps, c.target_update_interval, c.learning_starts), (1, 1, 100));
        assert!(toml::from_str::<SacConfig>("n_epochs = 3").is_err(), "unknown settings are refused");
    }
}
