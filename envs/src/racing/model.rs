//! MPPI's surrogate P̂ for Racing-DZ: the kinematic bicycle model (Polack et al. 2017, paper
//! App. B.3) for the ego car, and the opponent predicted at constant velocity.
//!
//! The model state x (also what the real environment reports as `model_state()`):
//!
//! | index | name | meaning |
//! |---|---|---|
//! | 0, 1 | x, y | ego centre of mass (m) |
//! | 2 | ψ | ego heading (rad) |
//! | 3 | v | ego speed (m/s) |
//! | 4 | s | progress along the centreline since the start (m, unwrapped over laps) |
//! | 5 | b | signed boundary coefficient: lateral offset / half-width (+ left, ±1 at the edges) |
//! | 6, 7 | x_o, y_o | opponent position (m) |
//! | 8, 9 | ẋ_o, ẏ_o | opponent velocity (m/s) |
//!
//! s and b are derived from the position, but carrying them lets every step re-project the
//! new position by two Newton steps from the last progress ([`Track::project_from`]) instead of
//! a search, which keeps the model branch-free for the SIMD backends.

use std::sync::Arc;

use rlmpc_core::{Dynamics, Real, StateLayout, TrackedCoordinate};

use super::rewards::RewardParams;
use super::track::Track;

/// Index of each model-state component (see the module docs).
pub mod index {
    /// Ego x (m).
    pub const X: usize = 0;
    /// Ego y (m).
    pub const Y: usize = 1;
    /// Ego heading ψ (rad).
    pub const YAW: usize = 2;
    /// Ego speed v (m/s).
    pub const SPEED: usize = 3;
    /// Progress s (m).
    pub const PROGRESS: usize = 4;
    /// Signed boundary coefficient b.
    pub const BOUNDARY: usize = 5;
    /// Opponent x (m).
    pub const OPPONENT_X: usize = 6;
    /// Opponent y (m).
    pub const OPPONENT_Y: usize = 7;
    /// Opponent ẋ (m/s).
    pub const OPPONENT_VX: usize = 8;
    /// Opponent ẏ (m/s).
    pub const OPPONENT_VY: usize = 9;
}

/// Length of the model state.
pub const STATE_DIM: usize = 10;

/// Newton steps per model step when re-projecting the ego position onto the centreline.
const PROJECTION_ITERATIONS: usize = 2;
/// Largest progress change per Newton step (m): a car at 60 m/s moves 6 m in 0.1 s.
const PROJECTION_MAX_STEP: f64 = 10.0;

/// The Racing-DZ surrogate M̂ = (P̂, r̂, ψ): kinematic bicycle + constant-velocity opponent,
/// the environment's reward without its terminal terms, and the environment's observation.
#[derive(Clone, Debug)]
pub struct RacingModel {
    /// The circuit (shared with the environment).
    pub track: Arc<Track>,
    /// Step length (s), the environment's.
    pub dt: f64,
    /// Centre of mass to front axle l_f (m), the car's.
    pub front_axle: f64,
    /// Centre of mass to rear axle l_r (m), the car's.
    pub rear_axle: f64,
    /// Steering angle at u_steer = 1 (rad), the car's.
    pub max_steer: f64,
    /// Acceleration at u_throttle = 1 (m/s²): the rear tyres' traction limit at standstill,
    /// μ·g·l_f/(l_f + l_r) — constant here, where the real car is power-limited and dragged.
    pub max_accel: f64,
    /// Deceleration at u_throttle = −1 (m/s²): the car's brake force over its mass.
    pub max_decel: f64,
    /// Reward weights (App. B.3).
    pub rewards: RewardParams,
    /// Reward subtracted per step inside the danger zone (App. B.3: 150).
    pub danger_penalty: f64,
    /// Ego–opponent distance at or below which they collide (m).
    pub contact_distance: f64,
    /// Progress at which the race is finished (laps × L).
    pub goal_progress: f64,
    /// Distances ahead (m) at which the observation carries the two edge points.
    pub boundary_lookahead: Vec<f64>,
}

impl RacingModel {
    /// Side-slip angle β = atan(l_r/(l_f + l_r)·tan δ) of the kinematic bicycle, returned as
    /// (sin β, cos β) without trigonometric inverses.
    fn slip<R: Real>(&self, steer: R) -> (R, R) {
        let (sin_d, cos_d) = (steer.clamp(R::splat(-1.0), R::one()) * R::splat(self.max_steer)).sin_cos();
        let z = R::splat(self.rear_axle / (self.front_axle + self.rear_axle)) * sin_d / cos_d;
        let cos_beta = R::one() / (R::one() + z * z).sqrt();
        (z * cos_beta, cos_beta)
    }

    /// Distance between ego and opponent in state x.
    pub fn opponent_distance<R: Real>(x: &[R]) -> R {
        let dx = x[index::X] - x[index::OPPONENT_X];
        let dy = x[index::Y] - x[index::OPPONENT_Y];
        (dx * dx + dy * dy).sqrt()
    }
}

impl Dynamics for RacingModel {
    fn layout(&self) -> StateLayout {
        let plain = |name| TrackedCoordinate { name, periodic: false };
        StateLayout {
            state_dim: STATE_DIM,
            control_dim: 2,
            tracked: vec![
                plain("vx"),
                plain("vy"),
                plain("boundary_proportion"),
                plain("opponent_x"),
                plain("opponent_y"),
                plain("along_track_speed"),
                plain("cross_track_speed"),
            ],
            has_position: true,
        }
    }

    /// The kinematic bicycle (Polack et al. 2017) over one step dt, midpoint rule:
    /// β = atan(l_r/(l_f + l_r)·tan δ), v̇ = a(u_throttle), ψ̇ = v/l_r·sin β,
    /// (ẋ, ẏ) = v·(cos(ψ + β), sin(ψ + β)), with δ = δ_max·u_steer and
    /// a = max(u, 0)·a_max + min(u, 0)·a_brake; the speed stays ≥ 0. Then s and b of the new
    /// position, and the opponent moved at its constant velocity.
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let c = R::splat;
        let dt = c(self.dt);
        let (sin_beta, cos_beta) = self.slip(u[0]);
        let throttle = u[1].clamp(c(-1.0), R::one());
        let accel = throttle.max(R::zero()) * c(self.max_accel) + throttle.min(R::zero()) * c(self.max_decel);
        let speed = x[index::SPEED];
        let new_speed = (speed + accel * dt).max(R::zero());
        let mean_speed = c(0.5) * (speed + new_speed);
        let yaw_rate = mean_speed * sin_beta / c(self.rear_axle);
        let (sin_h, cos_h) = (x[index::YAW] + c(0.5) * yaw_rate * dt).sin_cos();
        // cos(ψ + β) and sin(ψ + β) by angle addition.
        let course = [cos_h * cos_beta - sin_h * sin_beta, sin_h * cos_beta + cos_h * sin_beta];
        next[index::X] = x[index::X] + mean_speed * course[0] * dt;
        next[index::Y] = x[index::Y] + mean_speed * course[1] * dt;
        next[index::YAW] = x[index::YAW] + yaw_rate * dt;
        next[index::SPEED] = new_speed;
        let projection = self.track.project_from(
            [next[index::X], next[index::Y]],
            x[index::PROGRESS],
            PROJECTION_ITERATIONS,
            PROJECTION_MAX_STEP,
        );
        next[index::PROGRESS] = projection.progress;
        next[index::BOUNDARY] = projection.boundary();
        next[index::OPPONENT_X] = x[index::OPPONENT_X] + x[index::OPPONENT_VX] * dt;
        next[index::OPPONENT_Y] = x[index::OPPONENT_Y] + x[index::OPPONENT_VY] * dt;
        next[index::OPPONENT_VX] = x[index::OPPONENT_VX];
        next[index::OPPONENT_VY] = x[index::OPPONENT_VY];
    }

    /// (ẋ, ẏ) = v·(cos ψ, sin ψ), the RL action's targets in the world frame (decision record
    /// §6), then Eq. 45's BP = |b|, the opponent position Eq. 44 compares with, and the same
    /// velocity in the track frame: along the centreline tangent t(s) and across it (positive
    /// left), the targets of the `track-frame` racing configs (decision record §9).
    fn tracked<R: Real>(&self, x: &[R], out: &mut [R]) {
        let (sin, cos) = x[index::YAW].sin_cos();
        let velocity = [x[index::SPEED] * cos, x[index::SPEED] * sin];
        out[0] = velocity[0];
        out[1] = velocity[1];
        out[2] = x[index::BOUNDARY].abs();
        out[3] = x[index::OPPONENT_X];
        out[4] = x[index::OPPONENT_Y];
        let tangent = self.track.eval(x[index::PROGRESS]).tangent;
        let inverse_norm = R::one() / (tangent[0] * tangent[0] + tangent[1] * tangent[1]).sqrt();
        let t = [tangent[0] * inverse_norm, tangent[1] * inverse_norm];
        out[5] = velocity[0] * t[0] + velocity[1] * t[1];
        out[6] = t[0] * velocity[1] - t[1] * velocity[0];
    }

    /// The ego position, tested against the danger zone (Eq. 42) and the opponent (Eq. 44).
    fn position<R: Real>(&self, x: &[R]) -> [R; 2] {
        [x[index::X], x[index::Y]]
    }
}
