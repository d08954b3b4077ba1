//! PPO's settings, with the paper's defaults (Table 3) and Stable-Baselines3's for the rest.

use rlmpc_learner_kit::dense::Backprop;
use serde::{Deserialize, Serialize};

/// Settings of [`Ppo`](super::Ppo). Defaults: paper Table 3, and SB3's `PPO` defaults where the
/// paper is silent. Table 3's n_steps, γ and λ_GAE belong to data collection: they are the
/// trainer's `[training]` settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PpoConfig {
    /// Adam step size α (Table 3: 3e-4).
    pub learning_rate: f64,
    /// Adam ε; SB3 sets 1e-5 for PPO (PyTorch's default is 1e-8).
    pub adam_eps: f64,
    /// Minibatch size B (Table 3: 64); with mixing, B real plus B virtual tuples per step.
    pub batch_size: usize,
    /// Passes over the real batch per update (Table 3: 10).
    pub n_epochs: usize,
    /// Surrogate clip ε: the ratio is clipped to [1 − ε, 1 + ε] (Table 3: 0.2).
    pub clip_range: f64,
    /// Value clip: each head's prediction is kept within this of the old mean value; none by default.
    pub clip_range_vf: Option<f64>,
    /// Normalise advantages per minibatch (mean 0, ddof-1 std + 1e-8); skipped for a minibatch of 1.
    pub normalize_advantage: bool,
    /// Normalise observations by running statistics, as SB3's `VecNormalize` (off by default);
    /// stored tuples are normalised at update time with the latest statistics.
    pub normalize_observations: bool,
    /// Weight of the entropy bonus (Table 3: 0.0).
    pub ent_coef: f64,
    /// Weight of the value loss (Table 3: 0.5).
    pub vf_coef: f64,
    /// Global gradient-norm clip over all parameters (SB3: 0.5).
    pub max_grad_norm: f64,
    /// Stop the update when a minibatch's approximate KL exceeds 1.5 × this; none by default.
    pub target_kl: Option<f64>,
    /// Hidden layer widths of the policy network (SB3: [64, 64], tanh).
    pub actor_hidden: Vec<usize>,
    /// Hidden layer widths of each value head (SB3: [64, 64], tanh).
    pub critic_hidden: Vec<usize>,
    /// D, the number of independently initialised value heads (decision record §4: 5).
    pub value_heads: usize,
    /// Initial log σ of the Gaussian policy (SB3: 0).
    pub log_std_init: f64,
    /// Fit the value heads on the virtual tuples' value targets too (Alg. 1 l. 9, Eq. 10's
    /// L_MPPI with its value term: the default). `false` fits them on the real tuples alone,
    /// while the policy still learns from both (a deviation, see the LunarLander chapter).
    pub virtual_value_loss: bool,
    /// Whose statistics normalise the advantages of a minibatch with a real and a virtual part
    /// (loss-weighted mixing, Eq. 10): each part its own (`"per-part"`, the default), or both
    /// parts' rows together (`"pooled"`), which keeps the two parts in one scale, as one mixed
    /// minibatch under per-sample mixing is.
    pub advantage_normalization: AdvantageNormalization,
    /// How an update computes a minibatch's gradient: `"fused"` (the default), each layer's
    /// forward and backward pass as `gemm` calls and one loop, or `"tape"`, dfdx's taped forward
    /// and backward pass, an allocation and a pass over memory per tensor op. The same function,
    /// up to rounding; the tape is the reference the fused pass is tested against.
    pub backprop: Backprop,
}

/// See [`PpoConfig::advantage_normalization`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdvantageNormalization {
    /// Each part of the minibatch is normalised over its own rows (SB3's rule applied to each
    /// of Eq. 10's two losses).
    #[default]
    PerPart,
    /// Every part is normalised with the mean and std of all the minibatch's rows.
    Pooled,
}

impl Default for PpoConfig {
    fn default() -> Self {
        Self {
            learning_rate: 3e-4,
            adam_eps: 1e-5,
            batch_size: 64,
            n_epochs: 10,
            clip_range: 0.2,
            clip_range_vf: None,
            normalize_advantage: true,
            normalize_observations: false,
            ent_coef: 0.0,
            vf_coef: 0.5,
            max_grad_norm: 0.5,
            target_kl: None,
            actor_hidden: vec![64, 64],
            critic_hidden: vec![64, 64],
            value_heads: 5,
            log_std_init: 0.0,
            virtual_value_loss: true,
            advantage_normalization: AdvantageNormalization::PerPart,
            backprop: Backprop::Fused,
        }
    }
}

/// Most memory the networks may take, in bytes (parameters, gradients and Adam's two moments,
/// f32): a larger `value_heads` or hidden width is refused, naming the estimate, instead of
/// aborting in the allocator.
const MAX_NETWORK_BYTES: usize = 4 << 30;

impl PpoConfig {
    /// Checks the settings that would make an update meaningless, NaN, or impossible to build.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |x: f64| x > 0.0 && x.is_finite();
        let optional = [("clip_range_vf", self.clip_range_vf), ("target_kl", self.target_kl)];
        let required = [
            ("learning_rate", Some(self.learning_rate)),
            ("adam_eps", Some(self.adam_eps)),
            ("clip_range", Some(self.clip_range)),
            ("max_grad_norm", Some(self.max_grad_norm)),
        ];
        if let Some((name, Some(value))) =
            required.iter().chain(&optional).find(|(_, v)| v.is_some_and(|v| !positive(v)))
        {
            return Err(format!("ppo: `{name}` must be a positive number, got {value}"));
        }
        if self.learning_rate >= 1.0 {
            return Err(format!(
                "ppo: `learning_rate` = {} moves every weight by about its own size each step, and training \
                 diverges to NaN; use less than 1 (Table 3: 3e-4)",
                self.learning_rate
            ));
        }
        for (name, value) in [("ent_coef", self.ent_coef), ("vf_coef", self.vf_coef)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(format!("ppo: `{name}` must be a finite number ≥ 0, got {value}"));
            }
        }
        if !(self.log_std_init.is_finite() && self.log_std_init.abs() <= 20.0) {
            return Err(format!(
                "ppo: `log_std_init` must be a finite number in [-20, 20] (σ = e^log_std_init), got {}; SB3 uses 0",
                self.log_std_init
            ));
        }
        for (name, value) in
            [("batch_size", self.batch_size), ("n_epochs", self.n_epochs), ("value_heads", self.value_heads)]
        {
            if value == 0 {
                return Err(format!("ppo: `{name}` must be at least 1"));
            }
        }
        for (name, widths) in [("actor_hidden", &self.actor_hidden), ("critic_hidden", &self.critic_hidden)] {
            if widths.contains(&0) {
                return Err(format!("ppo: every width in `{name}` must be at least 1, got {widths:?}"));
            }
        }
        Ok(())
    }

    /// Checks that the networks for these dimensions fit in [`MAX_NETWORK_BYTES`].
    pub(crate) fn check_size(&self, observation_dim: usize, action_dim: usize) -> Result<(), String> {
        let weights = |hidden: &[usize], outputs: usize| -> Option<usize> {
            let sizes: Vec<usize> =
                std::iter::once(observation_dim).chain(hidden.iter().copied()).chain([outputs]).collect();
            sizes.windows(2).try_fold(0usize, |sum, w| sum.checked_add(w[0].checked_add(1)?.checked_mul(w[1])?))
        };
        let bytes = (|| {
            let critic = weights(&self.critic_hidden, 1)?.checked_mul(self.value_heads)?;
            let all = weights(&self.actor_hidden, action_dim)?.checked_add(critic)?.checked_add(action_dim)?;
            all.checked_mul(4 * 4)
        })();
        match bytes {
            Some(bytes) if bytes <= MAX_NETWORK_BYTES => Ok(()),
            _ => Err(format!(
                "ppo: the networks (`actor_hidden` {:?}, `critic_hidden` {:?} × `value_heads` {}) need {} with \
                 their gradients and Adam's moments, more than the {} GiB allowed; use fewer heads or narrower layers",
                self.actor_hidden,
                self.critic_hidden,
                self.value_heads,
                bytes.map_or_else(
                    || "more than 2^64 bytes".into(),
                    |b| format!("about {:.1} GiB", b as f64 / f64::from(1u32 << 30))
                ),
                MAX_NETWORK_BYTES >> 30
            )),
        }
    }
}
