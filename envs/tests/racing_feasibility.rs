//! Racing-DZ is winnable as configured: a slow reference driver finishes the lap in time, past
//! the opponent and around the danger zone, in the real car.
//!
//! The driver exists only to show feasibility (issue 13 §1). It reads the track and the
//! configured zone directly, which no learned controller or cost may do; nothing outside this
//! test uses it. Run with `--nocapture` for a line per episode (lap time, top speed, closest
//! approach to the opponent).

use rlmpc_core::Environment;
use rlmpc_envs::racing::model::index;
use rlmpc_envs::racing::{CarParams, Racing, RacingParams, ZoneParams};

/// Gravitational acceleration (m/s²), as the car model uses it.
const GRAVITY: f64 = 9.81;

/// The configs' Racing-DZ: the zone 2 m left of the centreline at s = 300 m, 6 m square.
fn racing_dz() -> RacingParams {
    RacingParams {
        danger_zone: Some(ZoneParams { progress: 300.0, lateral: 2.0, side: 6.0, randomize: false }),
        ..RacingParams::default()
    }
}

/// Lateral offset the driver aims for at progress `s`: the right-hand side of the track near
/// the zone and while passing the opponent, the centreline otherwise.
fn planned_offset(s: f64, lap: f64, passing: bool, zone: &ZoneParams) -> f64 {
    let lap_s = s.rem_euclid(lap);
    let near_zone = (zone.progress - 60.0..zone.progress + 15.0).contains(&lap_s);
    if near_zone || passing {
        -4.0
    } else {
        0.0
    }
}

/// The speed the driver allows at progress `s`: each point within the next 120 m, reached
/// braking at half of μg, at 60 % of its cornering limit √(μ g / κ).
fn allowed_speed(env: &Racing, s: f64) -> f64 {
    let track = &env.model().track;
    let mu_g = CarParams::default().friction * GRAVITY;
    let brake = 0.3 * mu_g;
    (0..=60)
        .map(|i| {
            let d = 2.0 * f64::from(i);
            let curve = track.eval(s + d);
            let t = curve.tangent;
            let speed2 = t[0] * t[0] + t[1] * t[1];
            let curvature = (t[0] * curve.second[1] - t[1] * curve.second[0]).abs() / speed2.powf(1.5);
            let corner = (0.6 * mu_g / curvature.max(1e-4)).sqrt();
            (corner * corner + 2.0 * brake * d).sqrt()
        })
        .fold(40.0, f64::min)
}

/// One control (steer, throttle) of the reference driver: pure pursuit of the planned line,
/// a proportional speed controller with the throttle capped below 23 m/s (no traction control).
fn reference_control(env: &Racing, zone: &ZoneParams) -> [f64; 2] {
    let x = env.model_state();
    let track = &env.model().track;
    let (s, v) = (x[index::PROGRESS], x[index::SPEED]);
    let opponent = track.project_near([x[index::OPPONENT_X], x[index::OPPONENT_Y]], s, 200.0);
    let opponent_ahead = opponent.progress - s;
    // Keep right of the opponent while near it; pass only where the road ahead is straight,
    // otherwise follow at a distance.
    let passing = (-12.0..60.0).contains(&opponent_ahead);
    let following = allowed_speed(env, s) < 25.0 && (3.0..30.0).contains(&opponent_ahead);
    let lookahead = 6.0 + 0.5 * v;
    let aim = track.point_at(s + lookahead, planned_offset(s + lookahead, track.length(), passing, zone));
    let (sin, cos) = x[index::YAW].sin_cos();
    let (dx, dy) = (aim[0] - x[index::X], aim[1] - x[index::Y]);
    let left = -sin * dx + cos * dy;
    let distance2 = dx * dx + dy * dy;
    let car = CarParams::default();
    let wheelbase = car.wheelbase();
    let grip_limit = (wheelbase * car.friction * GRAVITY / (v * v).max(1.0)).atan();
    let steer = (2.0 * left / distance2 * wheelbase).atan().clamp(-grip_limit, grip_limit) / car.max_steer;
    let cap = if v < 23.0 { 0.35 } else { 1.0 };
    let brake_cap = if steer.abs() > 0.1 { -0.3 } else { -0.6 };
    let target_speed = if following {
        allowed_speed(env, s).min(13.0 + 0.5 * (opponent_ahead - 10.0).max(0.0))
    } else {
        allowed_speed(env, s)
    };
    let throttle = (2.0 * (target_speed - v)).clamp(brake_cap, cap);
    [steer.clamp(-1.0, 1.0), throttle]
}

struct Episode {
    finished: bool,
    seconds: f64,
    top_speed: f64,
    closest_approach: f64,
    steps_in_zone: usize,
    ending: &'static str,
}

fn ending(env: &Racing, finished: bool) -> &'static str {
    let metrics = env.episode_metrics();
    let flag = |name: &str| metrics.iter().any(|(n, v)| *n == name && *v > 0.5);
    match (flag("collision"), flag("off_track")) {
        (true, _) => "collision",
        (_, true) => "off track",
        _ if finished => "finished",
        _ => "time limit",
    }
}

fn drive_episode(env: &mut Racing, zone: &ZoneParams, seed: u64) -> Episode {
    env.reset(Some(seed));
    let mut episode = Episode {
        finished: false,
        seconds: 0.0,
        top_speed: 0.0,
        closest_approach: f64::INFINITY,
        steps_in_zone: 0,
        ending: "",
    };
    loop {
        let u = reference_control(env, zone);
        let step = env.step(&u);
        let x = env.model_state();
        episode.seconds += 0.1;
        episode.top_speed = episode.top_speed.max(x[index::SPEED]);
        let gap = (x[index::X] - x[index::OPPONENT_X]).hypot(x[index::Y] - x[index::OPPONENT_Y]);
        episode.closest_approach = episode.closest_approach.min(gap);
        episode.steps_in_zone += usize::from(step.info.in_danger_zone);
        if step.terminated || step.truncated {
            episode.finished = step.info.success;
            episode.ending = ending(env, episode.finished);
            return episode;
        }
    }
}

#[test]
fn a_reference_driver_finishes_racing_dz_within_the_time_limit() {
    let params = racing_dz();
    let zone = params.danger_zone.clone().unwrap();
    let limit_seconds = params.max_episode_steps as f64 * params.dt;
    let mut env = Racing::from_params(params).unwrap();
    let episodes: Vec<Episode> = (0..10).map(|seed| drive_episode(&mut env, &zone, seed)).collect();
    for (seed, e) in episodes.iter().enumerate() {
        println!(
            "seed {seed}: {} after {:.1} s, top speed {:.1} m/s, closest approach {:.1} m, {} steps in the zone",
            e.ending, e.seconds, e.top_speed, e.closest_approach, e.steps_in_zone
        );
    }
    // A crude driver: it need not always finish, only show that a lap is possible in time.
    let finished: Vec<&Episode> = episodes.iter().filter(|e| e.finished).collect();
    assert!(finished.len() >= 5, "only {} of 10 episodes finished", finished.len());
    assert!(
        finished.iter().all(|e| e.seconds < 0.8 * limit_seconds),
        "a finished lap took over 80 % of the time limit"
    );
    assert!(episodes.iter().all(|e| e.steps_in_zone == 0), "the driver entered the danger zone");
}
