//! The Racing-DZ environment: the dynamic car and the opponent stepped in f64, observed and
//! rewarded through the surrogate's own maps plus the terminal terms (App. B.3).

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rlmpc_core::picture::Picture;
use rlmpc_core::registry::BuildError;
use rlmpc_core::{
    BoxSpace, DangerZone, EnvSpec, Environment, RewardModel, StateMap, StepInfo, SurrogateModel, Transition,
};

use super::car::{CarState, G};
use super::model::{index, RacingModel, STATE_DIM};
use super::rewards::Events;
use super::{circuits, RacingParams};

/// Progress window (m) around the last progress in which the car is re-projected each step.
const PROJECTION_WINDOW: f64 = 25.0;

/// The Racing-DZ environment (see the module docs of [`super`]).
pub struct Racing {
    model: Arc<RacingModel>,
    params: RacingParams,
    spec: EnvSpec,
    car: CarState,
    /// Ego progress s (unwrapped) and signed boundary coefficient b.
    progress: f64,
    boundary: f64,
    /// Opponent progress (unwrapped), speed and lateral offset.
    opponent_progress: f64,
    opponent_speed: f64,
    opponent_lateral: f64,
    zone: Option<DangerZone>,
    /// The model state x of the current configuration (see [`super::model`]).
    state: Vec<f64>,
    events: Events,
    elapsed: usize,
    rng: ChaCha8Rng,
}

impl Racing {
    /// A Racing-DZ environment from its parameters; the track is built (or read) here.
    pub fn from_params(params: RacingParams) -> Result<Self, BuildError> {
        params.validate().map_err(BuildError::Invalid)?;
        let track = Arc::new(circuits::load(&params.track).map_err(BuildError::Invalid)?);
        let car = &params.car;
        let model = RacingModel {
            goal_progress: params.laps * track.length(),
            track,
            dt: params.dt,
            front_axle: car.front_axle,
            rear_axle: car.rear_axle,
            max_steer: car.max_steer,
            max_accel: car.friction * G * car.front_axle / car.wheelbase(),
            max_decel: car.max_brake_force / car.mass,
            rewards: params.rewards.clone(),
            danger_penalty: params.danger_penalty,
            contact_distance: params.contact_distance,
            boundary_lookahead: params.boundary_lookahead.clone(),
        };
        let mut observation_space = BoxSpace {
            low: vec![f64::NEG_INFINITY; model.observation_dim()],
            high: vec![f64::INFINITY; model.observation_dim()],
        };
        if params.danger_zone.is_some() {
            observation_space.low.extend([f64::NEG_INFINITY, f64::NEG_INFINITY, 0.0]);
            observation_space.high.extend([f64::INFINITY; 3]);
        }
        let spec = EnvSpec {
            name: "racing",
            observation_space,
            action_space: BoxSpace { low: vec![-1.0; 2], high: vec![1.0; 2] },
            max_episode_steps: params.max_episode_steps,
        };
        let mut env = Self {
            model: Arc::new(model),
            spec,
            car: CarState::default(),
            progress: 0.0,
            boundary: 0.0,
            opponent_progress: 0.0,
            opponent_speed: params.opponent.speed,
            opponent_lateral: params.opponent.lateral,
            zone: None,
            state: vec![0.0; STATE_DIM],
            events: Events::default(),
            elapsed: 0,
            rng: ChaCha8Rng::seed_from_u64(0),
            params,
        };
        env.reset(None);
        Ok(env)
    }

    /// The surrogate, with the track and the car's geometry.
    pub fn model(&self) -> &RacingModel {
        &self.model
    }

    /// Places the danger zone: at its configured place, or drawn anew when randomised.
    fn place_zone(&mut self) {
        let Some(zone) = self.params.danger_zone.clone() else { return };
        let track = &self.model.track;
        let (progress, lateral) = if zone.randomize {
            let progress = self.rng.gen_range(0.15..0.85) * track.length();
            let reach = 0.5 * track.eval(progress).half_width;
            (progress, self.rng.gen_range(-reach..=reach))
        } else {
            (zone.progress, zone.lateral)
        };
        let [x, y] = track.point_at(progress, lateral);
        self.zone = Some(DangerZone::square(x, y, zone.side));
    }

    /// Rebuilds the model state x from the car and the opponent.
    fn refresh_state(&mut self) {
        let track = &self.model.track;
        let [ox, oy] = track.point_at(self.opponent_progress, self.opponent_lateral);
        let tangent = track.tangent(self.opponent_progress);
        let c = &self.car;
        self.state.copy_from_slice(&[
            c.x,
            c.y,
            c.yaw,
            c.speed(),
            self.progress,
            self.boundary,
            ox,
            oy,
            self.opponent_speed * tangent[0],
            self.opponent_speed * tangent[1],
        ]);
        self.events = self.model.events(&self.state);
    }

    /// Re-projects the car near its last progress.
    fn project_car(&mut self) {
        let projection = self.model.track.project_near([self.car.x, self.car.y], self.progress, PROJECTION_WINDOW);
        self.progress = projection.progress;
        self.boundary = projection.boundary();
    }

    fn observe(&self) -> Vec<f64> {
        StateMap::observe(self.model.as_ref(), &self.state, self.zone.as_ref())
    }
}

impl Environment for Racing {
    fn spec(&self) -> &EnvSpec {
        &self.spec
    }

    /// A rolling start on the start line: the ego within ±1 m of the centreline, heading
    /// within ±0.05 rad of the tangent, at the initial speed ± 1 m/s; the opponent `gap` ± jitter
    /// ahead; the zone re-drawn if randomised.
    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        self.place_zone();
        let track = self.model.track.clone();
        let lateral = self.rng.gen_range(-1.0..=1.0);
        let [x, y] = track.point_at(0.0, lateral);
        let tangent = track.tangent(0.0);
        let yaw = tangent[1].atan2(tangent[0]) + self.rng.gen_range(-0.05..=0.05);
        let speed = (self.params.initial_speed + self.rng.gen_range(-1.0..=1.0)).max(0.0);
        self.car = CarState { x, y, yaw, vx: speed, ..CarState::default() };
        self.progress = 0.0;
        self.project_car();
        let jitter = self.params.opponent.gap_jitter;
        self.opponent_progress = self.params.opponent.gap + self.rng.gen_range(-jitter..=jitter);
        self.opponent_speed = self.params.opponent.speed;
        self.opponent_lateral = self.params.opponent.lateral;
        self.elapsed = 0;
        self.refresh_state();
        self.observe()
    }

    /// Clips u, integrates the car (sub-steps) and moves the opponent, then rewards the step
    /// with r̂ on the model states before and after plus the terminal terms.
    fn step(&mut self, u: &[f64]) -> Transition {
        let u = self.spec.action_space.clip(u);
        let before = self.state.clone();
        self.params.car.step(&mut self.car, u[0], u[1], self.params.dt, self.params.substeps);
        self.opponent_progress += self.opponent_speed * self.params.dt;
        self.project_car();
        self.refresh_state();
        self.elapsed += 1;
        let model = self.model.as_ref();
        let dense = RewardModel::reward(model, &before, &u, &self.state, self.zone.as_ref());
        let reward = dense + model.terminal_reward(self.events);
        let in_danger_zone = self.zone.is_some_and(|z| z.contains([self.car.x, self.car.y]));
        Transition {
            observation: self.observe(),
            reward,
            terminated: self.events.any(),
            truncated: self.elapsed >= self.spec.max_episode_steps,
            info: StepInfo { success: self.events.finished, in_danger_zone },
        }
    }

    fn model_state(&self) -> &[f64] {
        &self.state
    }

    /// Puts the ego at the state's pose and speed (driving straight: v_y = r = 0) with the
    /// state's progress as the lap count, and the opponent at the track point nearest its
    /// position, at its speed.
    fn reset_to_state(&mut self, state: &[f64]) -> Vec<f64> {
        assert_eq!(state.len(), STATE_DIM, "racing: the model state has {STATE_DIM} components");
        self.car = CarState {
            x: state[index::X],
            y: state[index::Y],
            yaw: state[index::YAW],
            vx: state[index::SPEED].max(0.0),
            ..CarState::default()
        };
        self.progress = state[index::PROGRESS];
        self.project_car();
        let opponent = self.model.track.project([state[index::OPPONENT_X], state[index::OPPONENT_Y]]);
        self.opponent_progress = opponent.progress;
        self.opponent_lateral = opponent.lateral;
        self.opponent_speed = state[index::OPPONENT_VX].hypot(state[index::OPPONENT_VY]);
        self.elapsed = 0;
        self.refresh_state();
        self.observe()
    }

    fn danger_zone(&self) -> Option<DangerZone> {
        self.zone
    }

    fn surrogate(&self) -> Arc<dyn SurrogateModel> {
        self.model.clone()
    }

    /// Collision and off-track flags (1.0 or 0.0), either of them (Table 1's "Coll./Off-track"),
    /// the time-limit flag (the episode ran out of time without another ending), the fraction
    /// of the race completed, and the average speed along the centreline (m/s).
    fn episode_metrics(&self) -> Vec<(&'static str, f64)> {
        let flag = |b: bool| f64::from(u8::from(b));
        let seconds = self.elapsed as f64 * self.params.dt;
        vec![
            ("collision", flag(self.events.collision)),
            ("off_track", flag(self.events.off_track)),
            ("collision_or_off_track", flag(self.events.collision || self.events.off_track)),
            ("time_limit", flag(!self.events.any() && self.elapsed >= self.spec.max_episode_steps)),
            ("progress", (self.progress / self.model.goal_progress).min(1.0)),
            ("average_speed", if seconds > 0.0 { self.progress.max(0.0) / seconds } else { 0.0 }),
        ]
    }

    /// The track, the zone, the opponent and the ego coloured by speed.
    fn picture(&self, states: &[Vec<f64>]) -> Picture {
        self.episode_picture(states, self.events)
    }
}
