//! The episode machinery shared by domains whose real environment *is* their model stepped in
//! f64 (Acrobot, paper App. B.1: "dynamics model: exactly same as the environment's"; and
//! Gymnasium's Pendulum-v1). A domain supplies its model and Gymnasium facts through
//! [`ModelDomain`]; [`ModelEnv`] adds action clipping, the time limit, seeding and the danger
//! zone. Part of the plugin API, so that an environment plugin needs `rlmpc-core` alone (see
//! the book's "Write an environment").

use std::sync::Arc;

use crate::env::{BoxSpace, EnvSpec, Environment, StepInfo, Transition};
use crate::geometry::DangerZone;
use crate::model::{Dynamics, RewardModel, StateMap, SurrogateModel};
use crate::numeric::Real;
use crate::registry::BuildError;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A domain whose model, run with `R = f64`, is the real environment.
pub trait ModelDomain: Dynamics + RewardModel + StateMap + Sized {
    /// Registry name (`"acrobot"`, `"pendulum"`).
    const NAME: &'static str;
    /// Observation space without the danger-zone features.
    fn observation_space(&self) -> BoxSpace;
    /// Action space; actions are clipped to it before the dynamics.
    fn action_space(&self) -> BoxSpace;
    /// Draws an initial state (Gymnasium's `reset` distribution, from our generator).
    fn initial_state(&self, rng: &mut ChaCha8Rng) -> Vec<f64>;
}

/// A real environment made of a [`ModelDomain`]: Gymnasium's `step`/`reset` plus the
/// `TimeLimit` wrapper, with an optional danger zone (paper App. B.1).
///
/// Randomness comes from a [`ChaCha8Rng`], not NumPy's PCG64, so `reset(Some(seed))` is
/// reproducible here but does not draw Gymnasium's initial state for the same seed. The
/// generator starts from seed 0; `reset(None)` keeps drawing from it. Before the first
/// reset the state is all zeros.
pub struct ModelEnv<D: ModelDomain> {
    model: Arc<D>,
    spec: EnvSpec,
    zone: Option<DangerZone>,
    state: Vec<f64>,
    elapsed: usize,
    rng: ChaCha8Rng,
}

impl<D: ModelDomain> ModelEnv<D> {
    /// An environment of `model`, with an optional danger zone and Gymnasium's time limit.
    ///
    /// With a zone, the observation is extended by `(x_D, y_D, s_D)` = (centre, width) as in
    /// App. B.1, so the zone must be a square with positive side.
    pub fn new(model: D, zone: Option<DangerZone>, max_episode_steps: usize) -> Result<Self, BuildError> {
        if max_episode_steps == 0 {
            return Err(BuildError::Invalid("max_episode_steps must be at least 1".into()));
        }
        let mut observation_space = model.observation_space();
        if let Some(z) = &zone {
            let valid = [z.x, z.y, z.width].iter().all(|v| v.is_finite()) && z.width > 0.0 && z.width == z.height;
            if !valid {
                return Err(BuildError::Invalid(format!(
                    "danger_zone must be a square (width == height > 0, finite centre), got {z:?}: \
                     the observation carries one side length (paper App. B.1)"
                )));
            }
            observation_space.low.extend([f64::NEG_INFINITY, f64::NEG_INFINITY, 0.0]);
            observation_space.high.extend([f64::INFINITY; 3]);
        }
        let spec = EnvSpec { name: D::NAME, observation_space, action_space: model.action_space(), max_episode_steps };
        let state = vec![0.0; model.layout().state_dim];
        Ok(Self { model: Arc::new(model), spec, zone, state, elapsed: 0, rng: ChaCha8Rng::seed_from_u64(0) })
    }

    /// Steps taken in the current episode.
    pub fn elapsed_steps(&self) -> usize {
        self.elapsed
    }

    /// s = ψ(x), through the same map MPPI's virtual tuples use.
    fn observe(&self) -> Vec<f64> {
        StateMap::observe(self.model.as_ref(), &self.state, self.zone.as_ref())
    }
}

impl<D: ModelDomain> Environment for ModelEnv<D> {
    fn spec(&self) -> &EnvSpec {
        &self.spec
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        let state = self.model.initial_state(&mut self.rng);
        self.reset_to_state(&state)
    }

    /// Clips `u` to the action space, steps the model in f64, and scores the step with the
    /// reward model (zone penalty included). Stepping past termination keeps integrating, as
    /// Gymnasium's unwrapped env does.
    fn step(&mut self, u: &[f64]) -> Transition {
        let u = self.spec.action_space.clip(u);
        let mut next = vec![0.0; self.state.len()];
        Dynamics::step(self.model.as_ref(), &self.state, &u, &mut next);
        let reward = RewardModel::reward(self.model.as_ref(), &self.state, &u, &next, self.zone.as_ref());
        self.state = next;
        self.elapsed += 1;
        let terminated = StateMap::terminated(self.model.as_ref(), &self.state);
        let in_danger_zone = self.zone.is_some_and(|z| z.contains(self.model.position(&self.state)));
        Transition {
            observation: self.observe(),
            reward,
            terminated,
            truncated: self.elapsed >= self.spec.max_episode_steps,
            info: StepInfo { success: terminated, in_danger_zone },
        }
    }

    fn model_state(&self) -> &[f64] {
        &self.state
    }

    fn reset_to_state(&mut self, state: &[f64]) -> Vec<f64> {
        assert_eq!(state.len(), self.state.len(), "{}: model state has {} components", D::NAME, self.state.len());
        self.state.copy_from_slice(state);
        self.elapsed = 0;
        self.observe()
    }

    fn danger_zone(&self) -> Option<DangerZone> {
        self.zone
    }

    fn surrogate(&self) -> Arc<dyn SurrogateModel> {
        self.model.clone()
    }
}

/// The square-zone features (x_D, y_D, s_D) that Acrobot-DZ appends to its observation
/// (App. B.1); nothing without a zone.
pub fn square_zone_features(zone: Option<&DangerZone>) -> impl Iterator<Item = f64> {
    zone.map(|z| [z.x, z.y, z.width]).into_iter().flatten()
}

/// `penalty · 1[point ∈ zone]` (the App. B.1 danger term of r̂), zero without a zone.
pub fn zone_penalty<R: Real>(zone: Option<&DangerZone>, penalty: f64, point: [R; 2]) -> R {
    match zone {
        Some(zone) => R::splat(penalty) * R::indicator(zone.contains(point)),
        None => R::zero(),
    }
}
