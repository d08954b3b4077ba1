//! LunarLander-DZ (paper App. B.2): Gymnasium 1.4.0's `LunarLanderContinuous-v3` ported onto
//! Box2D 2.3.1 (the engine Gymnasium's `box2d` package wraps), plus a random danger zone.
//!
//! The port keeps Gymnasium's logic and arithmetic: the env computes in f64 from the f32 body
//! state Box2D reports and rounds to f32 wherever pybox2d hands a number to Box2D. All
//! randomness goes through one [`RandomSource`], so the recorded Gymnasium draws replay an
//! episode exactly (`rlmpc rollout --env lunar-lander --fixture …`).
//!
//! **Model state** x (what MPPI plans from, [`Environment::model_state`]) is Gymnasium's
//! observation before its float32 cast — `[x, y, ẋ, ẏ, φ, φ̇, leg_left, leg_right]` in the
//! observation's units (the pad at (0, 0), x = ±1 the viewport's edges) — so ψ(x) = s_t is
//! that cast plus the zone's (x_D, y_D, w_D, h_D).

mod constants;
mod heuristic;
mod model;
mod picture;
mod randomness;
mod scene;
mod zone;

use std::sync::Arc;

use rlmpc_core::picture::Picture;
use rlmpc_core::registry::{BuildError, EnvRegistration, Params};
use rlmpc_core::{BoxSpace, DangerZone, EnvSpec, Environment, StateMap, StepInfo, SurrogateModel, Transition};
use serde::Deserialize;

pub use constants::*;
pub use heuristic::heuristic;
pub use model::LunarLanderModel;
pub use randomness::{RandomSource, ReplaySource, SeededSource};
pub use scene::{LanderState, Terrain};
pub use zone::ZoneRanges;

use scene::Scene;

/// Parameters of the `lunar-lander` environment (config table `env.params`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LunarLanderParams {
    /// Gravity (m/s²), in (−12, 0) as Gymnasium requires (default −10).
    pub gravity: f64,
    /// Gymnasium's wind and turbulence (off by default, as in `LunarLanderContinuous-v3`).
    pub enable_wind: bool,
    /// Maximum wind force (Gymnasium's default 15).
    pub wind_power: f64,
    /// Maximum turbulence torque (Gymnasium's default 1.5).
    pub turbulence_power: f64,
    /// Ranges of the random danger zone; absent = Gymnasium's task (the conformance replays).
    pub danger_zone: Option<ZoneRanges>,
    /// Reward subtracted per step that ends inside the zone (App. B.2: 5).
    pub danger_penalty: f64,
    /// Steps after which the episode is truncated (Gymnasium: 1000).
    pub max_episode_steps: usize,
    /// Give MPPI's surrogate a ground (`LunarLanderModel::with_ground`); App. B.2's surrogate
    /// has none (default `false`).
    pub surrogate_ground: bool,
}

impl Default for LunarLanderParams {
    fn default() -> Self {
        Self {
            gravity: -10.0,
            enable_wind: false,
            wind_power: 15.0,
            turbulence_power: 1.5,
            danger_zone: None,
            danger_penalty: 5.0,
            max_episode_steps: MAX_EPISODE_STEPS,
            surrogate_ground: false,
        }
    }
}

/// The Lunar Lander environment on Box2D.
pub struct LunarLander {
    params: LunarLanderParams,
    spec: EnvSpec,
    model: Arc<LunarLanderModel>,
    source: Box<dyn RandomSource>,
    scene: Option<Scene>,
    /// Gymnasium's `state` list (f64, before the float32 cast): the model state x.
    state: Vec<f64>,
    zone: Option<DangerZone>,
    /// The current episode's terrain (for its picture); `None` before the first reset.
    terrain: Option<Terrain>,
    prev_shaping: Option<f64>,
    wind_idx: i64,
    torque_idx: i64,
    elapsed: usize,
    /// Why the current episode ended so far (`None` while it runs).
    ending: Option<Ending>,
}

/// Why a Lunar Lander episode ended: Gymnasium's three terminations and the time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The lander came to rest (Box2D put it to sleep): +100, the task's success.
    Landed,
    /// The hull touched the ground: −100.
    Crashed,
    /// |x| ≥ 1, the lander left the viewport: −100.
    OutOfBounds,
    /// Truncated by `max_episode_steps` while still flying or sliding.
    TimeLimit,
}

impl Ending {
    /// Every ending with its metric name, in the order `episode_metrics` reports them.
    pub const ALL: [(Ending, &'static str); 4] = [
        (Ending::Landed, "landed"),
        (Ending::Crashed, "crashed"),
        (Ending::OutOfBounds, "out_of_bounds"),
        (Ending::TimeLimit, "time_limit"),
    ];
}

impl LunarLander {
    /// A lander from its parameters; its generator starts from seed 0.
    pub fn from_params(params: LunarLanderParams) -> Result<Self, BuildError> {
        if !(params.gravity > -12.0 && params.gravity < 0.0) {
            return Err(BuildError::Invalid(format!(
                "gravity must lie in (-12, 0) as in Gymnasium, got {}",
                params.gravity
            )));
        }
        for (name, value) in [("wind_power", params.wind_power), ("turbulence_power", params.turbulence_power)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(BuildError::Invalid(format!("{name} must be finite and >= 0, got {value}")));
            }
        }
        if !params.danger_penalty.is_finite() {
            return Err(BuildError::Invalid(format!("danger_penalty must be finite, got {}", params.danger_penalty)));
        }
        if params.max_episode_steps == 0 {
            return Err(BuildError::Invalid("max_episode_steps must be at least 1".into()));
        }
        if let Some(ranges) = &params.danger_zone {
            ranges.validate()?;
        }
        let high = vec![2.5, 2.5, 10.0, 10.0, std::f64::consts::TAU, 10.0, 1.0, 1.0];
        let mut low: Vec<f64> = high.iter().map(|h| -h).collect();
        low[6..].fill(0.0);
        let mut observation_space = BoxSpace { low, high };
        if params.danger_zone.is_some() {
            observation_space.low.extend([f64::NEG_INFINITY, f64::NEG_INFINITY, 0.0, 0.0]);
            observation_space.high.extend([f64::INFINITY; 4]);
        }
        let spec = EnvSpec {
            name: "lunar-lander",
            observation_space,
            action_space: BoxSpace { low: vec![-1.0; 2], high: vec![1.0; 2] },
            max_episode_steps: params.max_episode_steps,
        };
        let model =
            Arc::new(LunarLanderModel::new(params.gravity, params.danger_penalty).with_ground(params.surrogate_ground));
        Ok(Self {
            params,
            spec,
            model,
            source: Box::new(SeededSource::new(0)),
            scene: None,
            state: vec![0.0; 8],
            zone: None,
            terrain: None,
            prev_shaping: None,
            wind_idx: 0,
            torque_idx: 0,
            elapsed: 0,
            ending: None,
        })
    }

    /// Why the current episode ended; `None` while it runs (and before the first reset).
    pub fn ending(&self) -> Option<Ending> {
        self.ending
    }

    /// The lander's raw Box2D state; `None` before the first reset.
    pub fn lander(&self) -> Option<LanderState> {
        self.scene.as_ref().map(Scene::lander)
    }

    /// Gymnasium's `reset` from the current source: terrain, lander, initial force, wind
    /// offsets, legs, then one `step([0, 0])`; the zone is drawn last, so Gymnasium's draws
    /// come first and in its order.
    fn start_episode(&mut self) -> Vec<f64> {
        let heights = std::array::from_fn(|_| self.source.uniform(0.0, H / 2.0));
        let terrain = Terrain::new(heights);
        let force = [0, 1].map(|_| self.source.uniform(-INITIAL_RANDOM, INITIAL_RANDOM));
        if self.params.enable_wind {
            self.wind_idx = self.source.integer(-9999, 9999);
            self.torque_idx = self.source.integer(-9999, 9999);
        }
        self.scene = Some(Scene::new(self.params.gravity, &terrain, force));
        self.terrain = Some(terrain);
        self.prev_shaping = None;
        self.elapsed = 0;
        self.ending = None;
        self.zone = None;
        self.physics_step([0.0, 0.0]);
        self.zone = self.params.danger_zone.as_ref().map(|ranges| ranges.draw(self.source.as_mut()));
        self.observe()
    }

    /// Gymnasium's `step` without the time limit: wind, engines, `world.Step`, observation,
    /// shaping reward, termination. Returns (reward, ending), the ending being Gymnasium's
    /// termination of this step, if any.
    fn physics_step(&mut self, action: [f64; 2]) -> (f64, Option<Ending>) {
        let scene = self.scene.as_mut().expect("reset() must be called before step()");
        let before = scene.lander();
        if self.params.enable_wind && !(before.leg_contact[0] || before.leg_contact[1]) {
            let gust = |idx: i64| {
                let idx = idx as f64;
                ((0.02 * idx).sin() + (std::f64::consts::PI * 0.01 * idx).sin()).tanh()
            };
            let wind = gust(self.wind_idx) * self.params.wind_power;
            let torque = gust(self.torque_idx) * self.params.turbulence_power;
            self.wind_idx += 1;
            self.torque_idx += 1;
            scene.apply_wind(wind, torque);
        }
        let action = action.map(|a| a.clamp(-1.0, 1.0));
        // Tip: the body's up axis; side: its right axis.
        let tip = [before.angle.sin(), before.angle.cos()];
        let side = [-tip[1], tip[0]];
        let dispersion = [0, 1].map(|_| self.source.uniform(-1.0, 1.0) / SCALE);
        let position = before.position;

        let (m_power, s_power) = LunarLanderModel::powers(&action);
        if m_power > 0.0 {
            let reach = MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * dispersion[0];
            let ox = tip[0] * reach + side[0] * dispersion[1];
            let oy = -tip[1] * reach - side[1] * dispersion[1];
            let at = [position[0] + ox, position[1] + oy];
            scene.apply_impulse([-ox * MAIN_ENGINE_POWER * m_power, -oy * MAIN_ENGINE_POWER * m_power], at);
        }
        if s_power > 0.0 {
            let direction = action[1].signum();
            let lever = 3.0 * dispersion[1] + direction * SIDE_ENGINE_AWAY / SCALE;
            let ox = tip[0] * dispersion[0] + side[0] * lever;
            let oy = -tip[1] * dispersion[0] - side[1] * lever;
            // Gymnasium offsets x by 17 px (not SIDE_ENGINE_HEIGHT = 14) along the tip: an
            // orientation-dependent torque it keeps for compatibility.
            let at = [position[0] + ox - tip[0] * 17.0 / SCALE, position[1] + oy + tip[1] * SIDE_ENGINE_HEIGHT / SCALE];
            scene.apply_impulse([-ox * SIDE_ENGINE_POWER * s_power, -oy * SIDE_ENGINE_POWER * s_power], at);
        }
        scene.step();

        let after = scene.lander();
        self.state = observation_of(&after);
        let shaping = model::shaping(&self.state);
        let mut reward = self.prev_shaping.map_or(0.0, |prev| shaping - prev);
        self.prev_shaping = Some(shaping);
        reward -= m_power * 0.30;
        reward -= s_power * 0.03;
        // Gymnasium's order: a crash or leaving the viewport, then overridden by rest.
        let mut ending = None;
        if after.game_over {
            ending = Some(Ending::Crashed);
        } else if self.state[0].abs() >= 1.0 {
            ending = Some(Ending::OutOfBounds);
        }
        if ending.is_some() {
            reward = -100.0;
        }
        if !after.awake {
            ending = Some(Ending::Landed);
            reward = 100.0;
        }
        (reward, ending)
    }

    fn observe(&self) -> Vec<f64> {
        StateMap::observe(self.model.as_ref(), &self.state, self.zone.as_ref())
    }

    fn in_zone(&self) -> bool {
        self.zone.is_some_and(|z| z.contains([self.state[0], self.state[1]]))
    }
}

/// Gymnasium's `state` list from the lander's Box2D state (f64 arithmetic on f32 inputs).
pub fn observation_of(lander: &LanderState) -> Vec<f64> {
    let ([px, py], [vx, vy]) = (lander.position, lander.velocity);
    vec![
        (px - VIEWPORT_W / SCALE / 2.0) / (VIEWPORT_W / SCALE / 2.0),
        (py - (HELIPAD_Y + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2.0),
        vx * (VIEWPORT_W / SCALE / 2.0) / FPS,
        vy * (VIEWPORT_H / SCALE / 2.0) / FPS,
        lander.angle,
        20.0 * lander.angular_velocity / FPS,
        f64::from(u8::from(lander.leg_contact[0])),
        f64::from(u8::from(lander.leg_contact[1])),
    ]
}

impl Environment for LunarLander {
    fn spec(&self) -> &EnvSpec {
        &self.spec
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.source = Box::new(SeededSource::new(seed));
        }
        self.start_episode()
    }

    /// Gymnasium's `step` plus the `TimeLimit` and the zone penalty (−5 per step that ends in
    /// the zone). The episode may be stepped past termination, as Gymnasium's can.
    fn step(&mut self, u: &[f64]) -> Transition {
        let (mut reward, ending) = self.physics_step([u[0], u[1]]);
        self.elapsed += 1;
        let truncated = self.elapsed >= self.spec.max_episode_steps;
        if self.ending.is_none() {
            self.ending = ending.or(truncated.then_some(Ending::TimeLimit));
        }
        let in_danger_zone = self.in_zone();
        if in_danger_zone {
            reward -= self.params.danger_penalty;
        }
        Transition {
            observation: self.observe(),
            reward,
            terminated: ending.is_some(),
            truncated,
            info: StepInfo { success: ending == Some(Ending::Landed), in_danger_zone },
        }
    }

    fn model_state(&self) -> &[f64] {
        &self.state
    }

    /// A new episode (terrain and zone from the generator) whose lander is placed at `state`:
    /// hull and legs are moved rigidly from the spawn pose, velocities set, contacts as stated
    /// by the physics after placement (the state's leg flags are not imposed).
    fn reset_to_state(&mut self, state: &[f64]) -> Vec<f64> {
        assert_eq!(state.len(), 8, "lunar-lander: the model state has 8 components");
        self.start_episode();
        let scene = self.scene.as_mut().expect("start_episode builds the scene");
        scene.place(model::to_world(state));
        self.state = observation_of(&scene.lander());
        self.prev_shaping = None;
        self.observe()
    }

    fn reset_with_draws(&mut self, draws: &[f64]) -> Result<Vec<f64>, rlmpc_core::Error> {
        if self.params.danger_zone.is_some() {
            return Err(rlmpc_core::Error::Invalid(
                "lunar-lander replays Gymnasium's draws only without a danger zone (Gymnasium draws none for it)"
                    .into(),
            ));
        }
        self.source = Box::new(ReplaySource::new(draws.to_vec()));
        Ok(self.start_episode())
    }

    fn danger_zone(&self) -> Option<DangerZone> {
        self.zone
    }

    fn surrogate(&self) -> Arc<dyn SurrogateModel> {
        self.model.clone()
    }

    /// Table 1's distance to the goal: ‖(x, y)‖ of the lander from the pad centre, in
    /// observation units, at the end of the episode; and why the episode ended, as one flag
    /// (1.0 or 0.0) per [`Ending`], so that their means are the termination rates.
    fn episode_metrics(&self) -> Vec<(&'static str, f64)> {
        let mut metrics = vec![("distance_to_goal", self.state[0].hypot(self.state[1]))];
        metrics.extend(Ending::ALL.map(|(ending, name)| (name, f64::from(u8::from(self.ending == Some(ending))))));
        metrics
    }

    /// The terrain, pad, flags, zone, path and hull poses in metres (see `picture.rs`).
    fn picture(&self, states: &[Vec<f64>]) -> Picture {
        self.episode_picture(states)
    }

    /// The hull's body origin in metres, the frame of `picture`.
    fn picture_point(&self, x: &[f64]) -> [f64; 2] {
        model::to_world(x).position
    }
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn Environment>, BuildError> {
    Ok(Box::new(LunarLander::from_params(erased_serde::deserialize(params)?)?))
}

inventory::submit! {
    EnvRegistration::new(
        "lunar-lander",
        "Gymnasium LunarLanderContinuous-v3 on Box2D 2.3, optional random rectangular danger zone (App. B.2)",
        build,
        module_path!(),
    )
}
