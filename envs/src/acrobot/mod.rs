//! Acrobot-DZ (paper App. B.1): Gymnasium's Acrobot-v1 physics with a continuous torque
//! u ∈ [−1, 1], reward −1 per step until the tip reaches the goal height, and an optional
//! square danger zone on the tip (−50 per step inside, zone in the observation).

mod model;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rlmpc_core::registry::{BuildError, EnvRegistration, Params};
use rlmpc_core::{BoxSpace, DangerZone, Environment, StateMap};
use serde::Deserialize;

pub use model::AcrobotModel;

use crate::model_env::{square_zone_features, ModelDomain, ModelEnv};

/// The Acrobot environment: [`AcrobotModel`] stepped in f64 (the paper's model is exact).
pub type Acrobot = ModelEnv<AcrobotModel>;

/// Parameters of the `acrobot` environment (config table `env.params`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AcrobotParams {
    /// Square danger zone on the tip position; absent = plain Acrobot (Acrobot-DZ sets it).
    pub danger_zone: Option<DangerZone>,
    /// Reward subtracted per step with the tip inside the zone (App. B.1: 50).
    pub danger_penalty: f64,
    /// Steps after which the episode is truncated (Acrobot-v1: 500).
    pub max_episode_steps: usize,
}

impl Default for AcrobotParams {
    fn default() -> Self {
        Self { danger_zone: None, danger_penalty: 50.0, max_episode_steps: 500 }
    }
}

impl AcrobotParams {
    /// The Acrobot environment these parameters describe.
    pub fn build(self) -> Result<Acrobot, BuildError> {
        if !self.danger_penalty.is_finite() {
            return Err(BuildError::Invalid(format!("danger_penalty must be finite, got {}", self.danger_penalty)));
        }
        ModelEnv::new(AcrobotModel::new(self.danger_penalty), self.danger_zone, self.max_episode_steps)
    }
}

/// ψ (App. B.1): [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2], Gymnasium's `_get_obs()` in f64
/// (Gymnasium casts to f32), then the zone's (x_D, y_D, s_D) in Acrobot-DZ.
impl StateMap for AcrobotModel {
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64> {
        let mut observation = vec![x[0].cos(), x[0].sin(), x[1].cos(), x[1].sin(), x[2], x[3]];
        observation.extend(square_zone_features(zone));
        observation
    }

    /// The tip is above height 1: −cos θ1 − cos(θ1 + θ2) > 1.
    fn terminated(&self, x: &[f64]) -> bool {
        self.tip_above_goal(x)
    }
}

impl ModelDomain for AcrobotModel {
    const NAME: &'static str = "acrobot";

    /// Gymnasium's bounds: [1, 1, 1, 1, 4π, 9π] and their negatives.
    fn observation_space(&self) -> BoxSpace {
        let high = vec![1.0, 1.0, 1.0, 1.0, Self::MAX_VEL_1, Self::MAX_VEL_2];
        BoxSpace { low: high.iter().map(|h| -h).collect(), high }
    }

    fn action_space(&self) -> BoxSpace {
        BoxSpace { low: vec![-1.0], high: vec![1.0] }
    }

    /// `uniform(−0.1, 0.1, size=4).astype(float32)`, as Gymnasium, from our generator.
    fn initial_state(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
        (0..4).map(|_| f64::from(rng.gen_range(-0.1..0.1) as f32)).collect()
    }
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn Environment>, BuildError> {
    Ok(Box::new(erased_serde::deserialize::<AcrobotParams>(params)?.build()?))
}

inventory::submit! {
    EnvRegistration::new(
        "acrobot",
        "Gymnasium Acrobot-v1 physics, continuous torque in [-1, 1], optional square danger zone (App. B.1)",
        build,
        module_path!(),
    )
}
