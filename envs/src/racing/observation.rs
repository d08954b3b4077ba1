//! ψ for Racing-DZ: the App. B.3 observation of a model state. The real environment observes
//! through this same map, so ψ(x_t) = s_t.

use rlmpc_core::{DangerZone, StateMap};

use super::model::{index, RacingModel};
use crate::model_env::square_zone_features;

impl RacingModel {
    /// Length of the observation without the zone's three features.
    pub fn observation_dim(&self) -> usize {
        // Vehicle (5), track state (2), edge points (4 per lookahead), opponent (4), progress (1).
        5 + 2 + 4 * self.boundary_lookahead.len() + 4 + 1
    }

    /// Heading error Δψ ∈ (−π, π] of state x: the heading relative to the centreline tangent.
    pub fn heading_error(&self, x: &[f64]) -> f64 {
        let t = self.track.tangent(x[index::PROGRESS]);
        let (sin, cos) = x[index::YAW].sin_cos();
        (t[0] * sin - t[1] * cos).atan2(t[0] * cos + t[1] * sin)
    }
}

/// App. B.3's observation, in SI units:
/// - vehicle state: x, y, v, cos ψ, sin ψ;
/// - TrackState: b, Δψ;
/// - TrackPoint: for each lookahead distance d, the left and right edge points at progress s + d
///   in the vehicle frame (forward, left);
/// - the opponent's position and velocity relative to the ego, in the vehicle frame (not in
///   App. B.3's list, but the passing reward and the collision depend on them);
/// - the fraction of the race completed, s / (laps × L);
/// - DangerZone: (x_D, y_D, s_D) when the episode has a zone.
impl StateMap for RacingModel {
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64> {
        let (px, py, yaw) = (x[index::X], x[index::Y], x[index::YAW]);
        let (sin, cos) = yaw.sin_cos();
        let to_vehicle = |dx: f64, dy: f64| [cos * dx + sin * dy, -sin * dx + cos * dy];
        let mut observation = Vec::with_capacity(self.observation_dim() + 3);
        observation.extend([px, py, x[index::SPEED], cos, sin, x[index::BOUNDARY], self.heading_error(x)]);
        for d in &self.boundary_lookahead {
            for edge in self.track.edges(x[index::PROGRESS] + d) {
                observation.extend(to_vehicle(edge[0] - px, edge[1] - py));
            }
        }
        observation.extend(to_vehicle(x[index::OPPONENT_X] - px, x[index::OPPONENT_Y] - py));
        let ego_velocity = [x[index::SPEED] * cos, x[index::SPEED] * sin];
        observation
            .extend(to_vehicle(x[index::OPPONENT_VX] - ego_velocity[0], x[index::OPPONENT_VY] - ego_velocity[1]));
        observation.push(x[index::PROGRESS] / self.goal_progress);
        observation.extend(square_zone_features(zone));
        observation
    }

    /// Off-track, collision or finished (App. B.3's terminations).
    fn terminated(&self, x: &[f64]) -> bool {
        self.events(x).any()
    }
}
