//! Racing-DZ's rewards and terminations (paper App. B.3). The dense terms are r̂, the
//! surrogate's reward model; the environment adds the terminal terms (off-track, collision,
//! goal), which r̂ leaves out ("we exclude the terminal reward", App. B.3).

use rlmpc_core::{DangerZone, Real, RewardModel};
use serde::Deserialize;

use super::model::{index, RacingModel};
use crate::model_env::zone_penalty;

/// Reward weights (config table `env.params.rewards`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RewardParams {
    /// Progress reward per metre of centreline progress.
    pub progress: f64,
    /// Passing reward per m/s by which the ego's progress rate exceeds the opponent's speed
    /// along the ego's heading, while the two are within `passing_range`.
    pub passing: f64,
    /// Distance (m) within which the opponent counts as nearby for the passing reward.
    pub passing_range: f64,
    /// Boundary penalty per step: this times b².
    pub boundary: f64,
    /// Terminal penalty for leaving the track (|b| > 1): App. B.3's 100.
    pub off_track: f64,
    /// Terminal penalty for a collision with the opponent: App. B.3's 1000.
    pub collision: f64,
    /// Terminal reward for finishing: App. B.3's 1000.
    pub goal: f64,
}

impl Default for RewardParams {
    fn default() -> Self {
        Self {
            progress: 2.0,
            passing: 0.5,
            passing_range: 15.0,
            boundary: 1.0,
            off_track: 100.0,
            collision: 1000.0,
            goal: 1000.0,
        }
    }
}

impl RewardParams {
    /// Checks that every weight is finite and ≥ 0 (penalties are given as magnitudes).
    pub fn validate(&self) -> Result<(), String> {
        let weights = [
            ("progress", self.progress),
            ("passing", self.passing),
            ("passing_range", self.passing_range),
            ("boundary", self.boundary),
            ("off_track", self.off_track),
            ("collision", self.collision),
            ("goal", self.goal),
        ];
        match weights.iter().find(|(_, w)| !(w.is_finite() && *w >= 0.0)) {
            Some((name, w)) => Err(format!("rewards.{name} must be finite and ≥ 0 (a magnitude), got {w}")),
            None => Ok(()),
        }
    }
}

/// How a state ends the episode (App. B.3's terminations), if it does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Events {
    /// |b| > 1: the car left the track.
    pub off_track: bool,
    /// The ego is within the contact distance of the opponent.
    pub collision: bool,
    /// Progress reached laps × L.
    pub finished: bool,
}

impl Events {
    /// Any termination.
    pub fn any(&self) -> bool {
        self.off_track || self.collision || self.finished
    }
}

impl RacingModel {
    /// The terminations of model state `x`.
    pub fn events(&self, x: &[f64]) -> Events {
        Events {
            off_track: x[index::BOUNDARY].abs() > 1.0,
            collision: Self::opponent_distance(x) <= self.contact_distance,
            finished: x[index::PROGRESS] >= self.goal_progress,
        }
    }

    /// The terminal reward of arriving in a state with `events`: −100 off-track, −1000
    /// collision, +1000 goal (App. B.3).
    pub fn terminal_reward(&self, events: Events) -> f64 {
        let term = |happened: bool, value: f64| if happened { value } else { 0.0 };
        term(events.off_track, -self.rewards.off_track)
            + term(events.collision, -self.rewards.collision)
            + term(events.finished, self.rewards.goal)
    }
}

impl RewardModel for RacingModel {
    /// r̂ (App. B.3 without terminal terms):
    /// progress·Δs + passing·max(0, Δs/dt − v_o·h)·1[‖p − p_o‖ < range] − boundary·b² − 150·1[p ∈ D],
    /// with h the ego's heading and everything but Δs read at `next`.
    fn reward<R: Real>(&self, x: &[R], _u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        let c = R::splat;
        let w = &self.rewards;
        let advance = next[index::PROGRESS] - x[index::PROGRESS];
        let (sin, cos) = next[index::YAW].sin_cos();
        let opponent_forward = next[index::OPPONENT_VX] * cos + next[index::OPPONENT_VY] * sin;
        let closing = (advance / c(self.dt) - opponent_forward).max(R::zero());
        let near = Self::opponent_distance(next).lt(c(w.passing_range));
        let boundary = next[index::BOUNDARY];
        c(w.progress) * advance + c(w.passing) * closing * R::indicator(near)
            - c(w.boundary) * boundary * boundary
            - zone_penalty(zone, self.danger_penalty, [next[index::X], next[index::Y]])
    }
}
