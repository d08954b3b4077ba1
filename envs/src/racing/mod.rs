//! Racing-DZ (paper App. B.3, decision record §6 "Racing stand-in"): a 2-D racing simulator with
//! the structure of the paper's CARLA domain. The ego car is a dynamic bicycle with Pacejka
//! tyres ([`car`]) on a closed circuit ([`track`], [`circuits`]), racing one opponent that
//! drives the centreline at a set speed, past a square danger zone. MPPI plans with a
//! kinematic bicycle ([`model`]): the strongly misspecified end of the paper's spectrum.

pub mod car;
pub mod circuits;
mod env;
pub mod model;
mod observation;
mod picture;
pub mod rewards;
pub mod track;

use rlmpc_core::registry::{BuildError, EnvRegistration, Params};
use rlmpc_core::Environment;
use serde::Deserialize;

pub use car::{CarParams, CarState};
pub use env::Racing;
pub use model::RacingModel;
pub use rewards::{Events, RewardParams};
pub use track::Track;

/// The opponent (config table `env.params.opponent`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpponentParams {
    /// Its constant speed along the centreline (m/s).
    pub speed: f64,
    /// How far ahead of the ego it starts, in progress (m).
    pub gap: f64,
    /// The start gap is drawn uniformly within ± this (m) at each reset.
    pub gap_jitter: f64,
    /// Its constant lateral offset from the centreline (m, positive left).
    pub lateral: f64,
}

impl Default for OpponentParams {
    fn default() -> Self {
        Self { speed: 15.0, gap: 40.0, gap_jitter: 10.0, lateral: 0.0 }
    }
}

/// The square danger zone, placed relative to the track (config table
/// `env.params.danger_zone`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneParams {
    /// Progress of the zone's centre along the centreline (m).
    pub progress: f64,
    /// Lateral offset of the centre from the centreline (m, positive left).
    pub lateral: f64,
    /// Side length s_D (m).
    pub side: f64,
    /// Draw a new place at each reset: progress uniform in [0.15 L, 0.85 L] and lateral
    /// uniform within ± half the half-width.
    #[serde(default)]
    pub randomize: bool,
}

/// Parameters of the `racing` environment (config table `env.params`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RacingParams {
    /// A built-in circuit (`default`, `oval`, `circle`) or a CSV file of `x,y,half_width`.
    pub track: String,
    /// Laps to the finish.
    pub laps: f64,
    /// The ego car.
    pub car: CarParams,
    /// The opponent.
    pub opponent: OpponentParams,
    /// The danger zone; absent = no zone (Racing-DZ sets one).
    pub danger_zone: Option<ZoneParams>,
    /// Reward subtracted per step inside the zone (App. B.3: 150).
    pub danger_penalty: f64,
    /// Reward weights.
    pub rewards: RewardParams,
    /// Ego–opponent distance (m) at or below which they collide (two cars' half-lengths).
    pub contact_distance: f64,
    /// Ego speed at the start (m/s): a rolling start.
    pub initial_speed: f64,
    /// Control period (s); MPPI's model steps by the same dt.
    pub dt: f64,
    /// Integration sub-steps of the car per control period.
    pub substeps: usize,
    /// Distances ahead (m) at which the observation carries the edge points.
    pub boundary_lookahead: Vec<f64>,
    /// Steps after which the episode is truncated.
    pub max_episode_steps: usize,
}

impl Default for RacingParams {
    fn default() -> Self {
        Self {
            track: "default".into(),
            laps: 1.0,
            car: CarParams::default(),
            opponent: OpponentParams::default(),
            danger_zone: None,
            danger_penalty: 150.0,
            rewards: RewardParams::default(),
            contact_distance: 3.5,
            initial_speed: 10.0,
            dt: 0.1,
            substeps: 10,
            boundary_lookahead: vec![5.0, 15.0, 30.0, 50.0],
            max_episode_steps: 1000,
        }
    }
}

impl RacingParams {
    /// Checks the scalar parameters, naming the first bad one and its valid range.
    pub fn validate(&self) -> Result<(), String> {
        self.car.validate()?;
        self.rewards.validate()?;
        let positive = [
            ("laps", self.laps),
            ("dt", self.dt),
            ("contact_distance", self.contact_distance),
            ("opponent.speed", self.opponent.speed),
        ];
        let finite = [
            ("danger_penalty", self.danger_penalty),
            ("initial_speed", self.initial_speed),
            ("opponent.gap", self.opponent.gap),
            ("opponent.gap_jitter", self.opponent.gap_jitter),
            ("opponent.lateral", self.opponent.lateral),
        ];
        if let Some((name, v)) = positive.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
            return Err(format!("{name} must be finite and > 0, got {v}"));
        }
        if let Some((name, v)) = finite.iter().find(|(_, v)| !v.is_finite()) {
            return Err(format!("{name} must be finite, got {v}"));
        }
        if self.opponent.gap_jitter < 0.0 {
            return Err(format!("opponent.gap_jitter must be ≥ 0, got {}", self.opponent.gap_jitter));
        }
        if self.substeps == 0 || self.max_episode_steps == 0 {
            return Err("substeps and max_episode_steps must be at least 1".into());
        }
        if let Some(zone) = &self.danger_zone {
            if ![zone.progress, zone.lateral, zone.side].iter().all(|v| v.is_finite()) || zone.side <= 0.0 {
                return Err(format!("danger_zone needs finite progress and lateral and side > 0, got {zone:?}"));
            }
        }
        Ok(())
    }
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn Environment>, BuildError> {
    Ok(Box::new(Racing::from_params(erased_serde::deserialize(params)?)?))
}

inventory::submit! {
    EnvRegistration::new(
        "racing",
        "Racing-DZ: dynamic-bicycle race car vs one opponent on a closed track with a danger zone (App. B.3)",
        build,
        module_path!(),
    )
}
