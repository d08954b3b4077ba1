//! `ppo` in the learner registry: `[learner] name = "ppo"` with [`PpoConfig`]'s fields as
//! `params`.

use rlmpc_core::policy::PolicyLearner;
use rlmpc_core::registry::{BuildError, LearnerRegistration, LearnerShape, Params};

use super::{Ppo, PpoConfig};

fn build(params: Params<'_, '_>, shape: &LearnerShape) -> Result<Box<dyn PolicyLearner>, BuildError> {
    let config: PpoConfig = rlmpc_core::erased_serde::deserialize(params)?;
    let ppo = Ppo::new(config, shape.observation_dim, shape.action_dim, shape.seed)
        .map_err(|e| BuildError::Invalid(e.to_string()))?;
    Ok(Box::new(ppo))
}

rlmpc_core::inventory::submit! {
    LearnerRegistration::new(
        "ppo",
        "PPO with Stable-Baselines3 semantics on dfdx, D value heads, Eq. 10 mixing",
        build,
        module_path!()
    )
}
