//! The environment interface, with Gymnasium's conventions: `reset(seed)` gives an
//! observation; `step(u)` gives observation, reward, `terminated` and `truncated`.
//! Beyond Gymnasium, an environment exposes the model state x_t that MPPI plans from
//! (ψ(x_t) = s_t) and the surrogate model M̂ of its domain.

use std::sync::Arc;

use crate::geometry::DangerZone;
use crate::model::SurrogateModel;
use crate::picture::Picture;

/// A box `low ≤ v ≤ high` (Gymnasium's `Box` space).
#[derive(Clone, Debug, PartialEq)]
pub struct BoxSpace {
    /// Lower bounds, one per component.
    pub low: Vec<f64>,
    /// Upper bounds, one per component.
    pub high: Vec<f64>,
}

impl BoxSpace {
    /// Number of components.
    pub fn dim(&self) -> usize {
        self.low.len()
    }

    /// Fills `out` with a uniform draw from the (bounded) box, as Gymnasium's `Box.sample`.
    pub fn sample_into(&self, rng: &mut impl rand::Rng, out: &mut [f64]) {
        for (x, (lo, hi)) in out.iter_mut().zip(self.low.iter().zip(&self.high)) {
            *x = rng.gen_range(*lo..=*hi);
        }
    }

    /// Clips `v` into the box, as Gymnasium's `ClipAction` wrapper does.
    pub fn clip(&self, v: &[f64]) -> Vec<f64> {
        v.iter().zip(self.low.iter().zip(&self.high)).map(|(x, (lo, hi))| x.max(*lo).min(*hi)).collect()
    }
}

/// Static facts about an environment.
#[derive(Clone, Debug)]
pub struct EnvSpec {
    /// Registry name, e.g. `"acrobot"`.
    pub name: &'static str,
    /// Observation space (s).
    pub observation_space: BoxSpace,
    /// Control space (u); actions outside are clipped.
    pub action_space: BoxSpace,
    /// Episode length at which `truncated` becomes true (Gymnasium's `TimeLimit`).
    pub max_episode_steps: usize,
}

/// What one `step` returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// s_{t+1}.
    pub observation: Vec<f64>,
    /// r_t.
    pub reward: f64,
    /// The episode ended in a terminal state of the MDP.
    pub terminated: bool,
    /// The episode was cut by the time limit.
    pub truncated: bool,
    /// Domain facts about the step (Gymnasium's `info`).
    pub info: StepInfo,
}

/// Typed `info` of a step: what evaluation tables are computed from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepInfo {
    /// The task was accomplished at this step (goal height, safe landing, finish line).
    pub success: bool,
    /// The tracked point is inside the danger zone after this step.
    pub in_danger_zone: bool,
}

/// A real environment (the MDP M of paper Sec. 3).
pub trait Environment: Send {
    /// Static facts.
    fn spec(&self) -> &EnvSpec;
    /// Starts an episode; `Some(seed)` reseeds the environment's generator.
    fn reset(&mut self, seed: Option<u64>) -> Vec<f64>;
    /// Applies control `u` (clipped to the action space).
    fn step(&mut self, u: &[f64]) -> Transition;
    /// The model state x_t MPPI plans from.
    fn model_state(&self) -> &[f64];
    /// Starts an episode from a given model state (fixture replay); returns ψ(x).
    fn reset_to_state(&mut self, state: &[f64]) -> Vec<f64>;
    /// Starts an episode whose random numbers are `draws`, values recorded from a reference
    /// implementation in the order it drew them (fixture replay); returns s_0. Environments
    /// whose episodes start from a model state alone refuse, naming the alternative.
    fn reset_with_draws(&mut self, draws: &[f64]) -> Result<Vec<f64>, crate::Error> {
        let _ = draws;
        Err(crate::Error::Invalid(format!(
            "environment `{}` does not replay recorded random draws; its fixtures give an `initial_state`",
            self.spec().name
        )))
    }
    /// The current episode's danger zone, if any.
    fn danger_zone(&self) -> Option<DangerZone>;
    /// The surrogate model M̂ = (P̂, r̂) of this domain.
    fn surrogate(&self) -> Arc<dyn SurrogateModel>;
    /// The domain's own Table 1–2 metrics of the episode so far, read when it ends: e.g.
    /// Lunar Lander's distance to the pad, Racing's collision and off-track flags (1.0 or
    /// 0.0). Success, steps, return and danger-zone steps are counted by the evaluator and
    /// do not belong here. Defaults to none.
    fn episode_metrics(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }
    /// What the episode whose model states were `states` (x_0 … x_T, the current episode's)
    /// looks like, for `rlmpc render`. Defaults to [`Picture::of_positions`]: the surrogate's
    /// planar position path and the danger zone.
    fn picture(&self, states: &[Vec<f64>]) -> Picture {
        Picture::of_positions(self.spec().name.to_string(), self.surrogate().as_ref(), states, self.danger_zone())
    }
    /// Where model state `x` lies in [`Environment::picture`]'s frame, so that `rlmpc render`
    /// can draw other state sequences (MPPI's predictions) over it. Defaults to the
    /// surrogate's planar position, the frame of [`Picture::of_positions`].
    fn picture_point(&self, x: &[f64]) -> [f64; 2] {
        crate::model::SurrogateIn::<f64>::position(self.surrogate().as_ref(), x)
    }
}

/// Checks a transition for non-finite numbers, naming the culprit.
pub fn check_transition(env: &str, step: usize, t: &Transition) -> Result<(), crate::Error> {
    let bad = t.observation.iter().position(|v| !v.is_finite());
    if let Some(index) = bad {
        return Err(crate::Error::NonFinite {
            env: env.to_string(),
            step,
            what: format!("observation[{index}] = {}", t.observation[index]),
        });
    }
    if !t.reward.is_finite() {
        return Err(crate::Error::NonFinite { env: env.to_string(), step, what: format!("reward = {}", t.reward) });
    }
    Ok(())
}
