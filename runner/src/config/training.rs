//! `[training]`: how the RL–MPPI trainer (Alg. 1) collects data and when it updates.

use serde::{Deserialize, Serialize};

use rlmpc_core::policy::MixingMode;

/// How virtual tuples get their value targets (decision record §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VirtualTarget {
    /// Roll candidate m's sequence through P̂ for H steps; GAE(γ, λ) at τ = 0 with V(ψ(x̂_τ))
    /// and the bootstrap V(ψ(x̂_H)).
    #[default]
    HorizonGae,
    /// δ = r̂ + γ V(ŝ_{t+1}) − V(s_t).
    OneStep,
}

/// Which controller the learner drives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Controller {
    /// PPO-MPPI (Alg. 1): the learner's action shapes MPPI's cost; MPPI acts.
    #[default]
    Hierarchical,
    /// Flat PPO: the learner's action is the control u, applied directly; no MPPI, no
    /// virtual data.
    Flat,
}

/// How many real steps the trainer collects between updates (decision record §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpdatePeriod {
    /// Every `n_steps` real steps, as standard PPO.
    #[default]
    #[serde(rename = "n_steps")]
    NSteps,
    /// Every `n_steps / M` real steps (Sec. 4.2): with M − 1 virtual tuples per real step, an
    /// update still sees about `n_steps` tuples in all. The flat controller has M = 1.
    #[serde(rename = "n_steps / M")]
    NStepsPerCandidate,
}

fn default_total_steps() -> usize {
    1_000_000
}
fn default_n_steps() -> usize {
    2048
}
fn default_gamma() -> f64 {
    0.99
}
fn default_gae_lambda() -> f64 {
    0.95
}
fn default_checkpoint_every() -> usize {
    10
}
fn default_log_every_steps() -> usize {
    1000
}

/// `[training]` (defaults: paper Table 3 and decision record §1–3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingConfig {
    /// Real environment steps to train for (the paper: 1M).
    #[serde(default = "default_total_steps")]
    pub total_steps: usize,
    /// N_upd: real steps collected between policy updates (Table 3's n_steps).
    #[serde(default = "default_n_steps")]
    pub n_steps: usize,
    /// `"n_steps"` (default) or `"n_steps / M"`, Sec. 4.2's more frequent updates.
    #[serde(default)]
    pub update_every: UpdatePeriod,
    /// γ of the value targets (Table 3).
    #[serde(default = "default_gamma")]
    pub gamma: f64,
    /// λ of GAE (Table 3).
    #[serde(default = "default_gae_lambda")]
    pub gae_lambda: f64,
    /// Value targets of virtual tuples: `"horizon-gae"` (default) or `"one-step"`.
    #[serde(default)]
    pub virtual_target: VirtualTarget,
    /// How ρ mixes virtual tuples in: `"loss-weighted"` (Eq. 10, default) or `"per-sample"`
    /// (Eq. 8).
    #[serde(default)]
    pub mixing: MixingMode,
    /// `"hierarchical"` (PPO-MPPI, default) or `"flat"` (the learner acts on u directly).
    #[serde(default)]
    pub controller: Controller,
    /// Updates between checkpoints; a final checkpoint is always written.
    #[serde(default = "default_checkpoint_every")]
    pub checkpoint_every: usize,
    /// Real steps between rows of `progress.csv` (and lines of plain output): an update that
    /// reaches or passes a multiple of this is logged, and so is the last. With Table 3's
    /// `n_steps = 2048` that is every update; an off-policy run (one step per update) logs
    /// every 1000th step, as SB3 logs SAC every few episodes rather than every step.
    #[serde(default = "default_log_every_steps")]
    pub log_every_steps: usize,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        toml::from_str("").expect("every training setting has a default")
    }
}
