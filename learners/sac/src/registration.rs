//! `sac` in the learner registry: `[learner] name = "sac"` with [`SacConfig`]'s fields as
//! `params`. Under the flat controller its actions are rescaled to the environment's action
//! space; under the hierarchy, where a is a cost parameter without bounds, the squashed draw in
//! [−1, 1] is the action.

use rlmpc_core::policy::PolicyLearner;
use rlmpc_core::registry::{BuildError, LearnerRegistration, LearnerShape, Params};

use super::{Sac, SacConfig};

fn build(params: Params<'_, '_>, shape: &LearnerShape) -> Result<Box<dyn PolicyLearner>, BuildError> {
    let config: SacConfig = rlmpc_core::erased_serde::deserialize(params)?;
    let sac = Sac::new(config, shape.observation_dim, shape.action_dim, shape.action_space.as_ref(), shape.seed)
        .map_err(|e| BuildError::Invalid(e.to_string()))?;
    Ok(Box::new(sac))
}

rlmpc_core::inventory::submit! {
    LearnerRegistration::new(
        "sac",
        "SAC with Stable-Baselines3 semantics on dfdx: squashed Gaussian, twin critics, learned α, replay buffer",
        build,
        module_path!()
    )
}
