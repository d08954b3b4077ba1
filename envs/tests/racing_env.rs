//! Racing-DZ: the kinematic surrogate by hand, rewards and terminations of constructed
//! states, model-state alignment, and a lap driven by a simple controller.

use rlmpc_core::{Dynamics, Environment, Lanes, Real, RewardModel, StateMap};
use rlmpc_envs::racing::model::index;
use rlmpc_envs::racing::{Racing, RacingModel, RacingParams, ZoneParams};

fn env(params: RacingParams) -> Racing {
    Racing::from_params(params).unwrap()
}

/// A state on the start straight of the default track at (x, y) = (300, 0) heading +x.
fn straight_state(model: &RacingModel, speed: f64) -> Vec<f64> {
    let p = model.track.project([300.0, 0.0]);
    vec![300.0, 0.0, 0.0, speed, p.progress, p.boundary(), 500.0, 500.0, 0.0, 0.0]
}

#[test]
fn the_kinematic_bicycle_matches_its_equations_by_hand() {
    let racing = env(RacingParams::default());
    let model = racing.model();
    let x = straight_state(model, 20.0);
    let u = [0.5, 0.5];
    let mut next = vec![0.0; 10];
    model.step(&x, &u, &mut next);
    let (lf, lr, dt) = (model.front_axle, model.rear_axle, model.dt);
    let delta = 0.5 * model.max_steer;
    let beta = (lr / (lf + lr) * delta.tan()).atan();
    let v1 = 20.0 + 0.5 * model.max_accel * dt;
    let v_mid = 0.5 * (20.0 + v1);
    let yaw_rate = v_mid / lr * beta.sin();
    let course = 0.5 * yaw_rate * dt + beta;
    let want = [300.0 + v_mid * course.cos() * dt, v_mid * course.sin() * dt, yaw_rate * dt, v1];
    for (i, w) in want.iter().enumerate() {
        assert!((next[i] - w).abs() < 1e-12, "component {i}: {} vs {w}", next[i]);
    }
    // The projection follows the new position; the opponent moved at constant velocity.
    let exact = model.track.project([next[0], next[1]]);
    assert!(
        (next[index::PROGRESS] - exact.progress).abs() < 1e-6
            && (next[index::BOUNDARY] - exact.boundary()).abs() < 1e-6
    );
    // Braking: a = u·a_brake, and the speed never goes negative.
    model.step(&straight_state(model, 0.5), &[0.0, -1.0], &mut next);
    assert_eq!(next[index::SPEED], 0.0);
}

#[test]
fn the_lanes_surrogate_agrees_with_f64() {
    let racing = env(RacingParams::default());
    let model = racing.model();
    let x = straight_state(model, 25.0);
    let mut next = vec![0.0; 10];
    model.step(&x, &[-0.7, 0.3], &mut next);
    let xl: Vec<Lanes> = x.iter().map(|v| Lanes::splat(*v)).collect();
    let mut nl = vec![Lanes::splat(0.0); 10];
    model.step(&xl, &[Lanes::splat(-0.7), Lanes::splat(0.3)], &mut nl);
    let mut out = [0.0; 16];
    for i in 0..10 {
        nl[i].store(&mut out);
        assert!((out[0] - next[i]).abs() < 1e-3 * (1.0 + next[i].abs()), "component {i}: {} vs {}", out[0], next[i]);
    }
    let r = model.reward(&x, &[-0.7, 0.3], &next, None);
    let rl = model.reward(&xl, &[Lanes::splat(-0.7), Lanes::splat(0.3)], &nl, None);
    rl.store(&mut out);
    assert!((out[0] - r).abs() < 1e-2, "{} vs {r}", out[0]);
}

#[test]
fn rewards_and_terminations_of_constructed_states() {
    let racing = env(RacingParams::default());
    let model = racing.model();
    let x = straight_state(model, 20.0);
    // 3 m of progress on the centreline, opponent far away: 2 per metre.
    let mut next = x.clone();
    next[index::PROGRESS] += 3.0;
    next[index::BOUNDARY] = 0.0;
    assert!((model.reward(&x, &[0.0, 0.0], &next, None) - 6.0).abs() < 1e-12);
    // Boundary penalty b², and the zone's 150.
    next[index::BOUNDARY] = 0.5;
    let zone = rlmpc_core::DangerZone::square(300.0, 0.0, 4.0);
    assert!((model.reward(&x, &[0.0, 0.0], &next, Some(&zone)) - (6.0 - 0.25 - 150.0)).abs() < 1e-12);
    // Passing: 10 m behind an opponent doing 15 m/s along our heading while we progress 30 m/s.
    next[index::BOUNDARY] = 0.0;
    next[index::OPPONENT_X] = 310.0;
    next[index::OPPONENT_Y] = 0.0;
    next[index::OPPONENT_VX] = 15.0;
    let passing = 0.5 * (3.0 / 0.1 - 15.0);
    assert!((model.reward(&x, &[0.0, 0.0], &next, None) - (6.0 + passing)).abs() < 1e-9);
    assert!(!model.terminated(&next));
    // Terminations: collision, off-track, finished; and their terminal rewards.
    next[index::OPPONENT_X] = 302.0;
    assert!(model.events(&next).collision && model.terminated(&next));
    assert_eq!(model.terminal_reward(model.events(&next)), -1000.0);
    next[index::OPPONENT_X] = 500.0;
    next[index::BOUNDARY] = -1.01;
    assert!(model.events(&next).off_track);
    assert_eq!(model.terminal_reward(model.events(&next)), -100.0);
    next[index::BOUNDARY] = 0.0;
    next[index::PROGRESS] = model.goal_progress;
    assert_eq!(model.terminal_reward(model.events(&next)), 1000.0);
}

#[test]
fn the_model_state_aligns_with_the_surrogate_and_the_observation() {
    let mut racing = env(RacingParams {
        danger_zone: Some(ZoneParams { progress: 300.0, lateral: 2.0, side: 6.0, randomize: false }),
        ..RacingParams::default()
    });
    let observation = racing.reset(Some(3));
    let x = racing.model_state().to_vec();
    assert_eq!(observation, racing.model().observe(&x, racing.danger_zone().as_ref()));
    assert_eq!(observation.len(), racing.spec().observation_space.dim());
    assert!(x[index::PROGRESS].abs() < 1.5 && x[index::BOUNDARY].abs() < 1.0 / 6.0 + 1e-6, "{x:?}");
    // At a rolling start the kinematic prediction of one coasting step is close to the real car.
    let mut predicted = vec![0.0; 10];
    racing.model().step(&x, &[0.0, 0.0], &mut predicted);
    let transition = racing.step(&[0.0, 0.0]);
    let real = racing.model_state();
    let error = (real[0] - predicted[0]).hypot(real[1] - predicted[1]);
    assert!(error < 0.05, "position error {error}");
    assert!((real[index::OPPONENT_X] - predicted[index::OPPONENT_X]).abs() < 0.05);
    assert!(
        (transition.reward - racing.model().reward(&x, &[0.0, 0.0], real, racing.danger_zone().as_ref())).abs() < 1e-12
    );
    // reset_to_state reproduces a consistent model state.
    let state = racing.model_state().to_vec();
    racing.reset_to_state(&state);
    for (a, b) in racing.model_state().iter().zip(&state) {
        assert!((a - b).abs() < 1e-6, "{:?} vs {state:?}", racing.model_state());
    }
}

#[test]
fn a_centreline_follower_finishes_a_lap_and_reports_its_metrics() {
    let mut racing =
        env(RacingParams { opponent: Default::default(), max_episode_steps: 2000, ..RacingParams::default() });
    racing.reset(Some(0));
    let mut finished = None;
    for step in 0..2000 {
        let x = racing.model_state().to_vec();
        let heading_error = racing.model().heading_error(&x);
        let steer = -1.5 * x[index::BOUNDARY] - 2.0 * heading_error;
        let throttle = 0.5 * (12.0 - x[index::SPEED]);
        let t = racing.step(&[steer, throttle]);
        if t.terminated {
            finished = Some((step, t));
            break;
        }
    }
    let (steps, last) = finished.expect("the lap ended");
    assert!(last.info.success, "ended without finishing: {:?}", racing.episode_metrics());
    // ≈ 1243 m at ≤ 12 m/s takes at least 100 s; the opponent at 15 m/s stays ahead.
    assert!(steps >= 1000, "{steps} steps");
    let metrics = racing.episode_metrics();
    let (names, values): (Vec<&str>, Vec<f64>) = metrics.iter().copied().unzip();
    assert_eq!(names, ["collision", "off_track", "collision_or_off_track", "time_limit", "progress", "average_speed"]);
    assert_eq!(values[..5], [0.0, 0.0, 0.0, 0.0, 1.0]);
    // The lap's centreline length over its duration.
    let expected_speed = racing.model().goal_progress / ((steps + 1) as f64 * 0.1);
    assert!((values[5] - expected_speed).abs() < 0.01 * expected_speed, "{} vs {expected_speed}", values[5]);
}

#[test]
fn bad_parameters_are_rejected_with_their_name() {
    for (params, key) in [
        (RacingParams { track: "nowhere".into(), ..RacingParams::default() }, "unknown track"),
        (RacingParams { dt: 0.0, ..RacingParams::default() }, "dt"),
        (
            RacingParams {
                danger_zone: Some(ZoneParams { progress: 1.0, lateral: 0.0, side: -2.0, randomize: false }),
                ..RacingParams::default()
            },
            "danger_zone",
        ),
    ] {
        let Err(rlmpc_core::registry::BuildError::Invalid(message)) = Racing::from_params(params) else {
            panic!("accepted")
        };
        assert!(message.contains(key), "{message}");
    }
}

#[test]
fn track_frame_velocities_split_the_velocity_along_and_across_the_centreline() {
    let racing = env(RacingParams::default());
    let model = racing.model();
    let layout = model.layout();
    let along = layout.tracked.iter().position(|c| c.name == "along_track_speed").unwrap();
    let across = layout.tracked.iter().position(|c| c.name == "cross_track_speed").unwrap();
    let mut x = straight_state(model, 20.0);
    let tangent = model.track.tangent(x[index::PROGRESS]);
    let tangent_heading = tangent[1].atan2(tangent[0]);
    let mut out = vec![0.0; layout.tracked.len()];
    for (heading, expected) in [
        (0.0, [20.0, 0.0]),
        (0.5, [20.0 * 0.5f64.cos(), 20.0 * 0.5f64.sin()]),
        (-1.2, [20.0 * 1.2f64.cos(), -20.0 * 1.2f64.sin()]),
    ] {
        x[index::YAW] = tangent_heading + heading;
        model.tracked(&x, &mut out);
        assert!((out[along] - expected[0]).abs() < 1e-9, "heading {heading}: along {} vs {}", out[along], expected[0]);
        assert!(
            (out[across] - expected[1]).abs() < 1e-9,
            "heading {heading}: across {} vs {}",
            out[across],
            expected[1]
        );
    }
}

#[test]
fn an_episode_that_runs_out_of_time_reports_the_time_limit() {
    let mut racing = env(RacingParams { max_episode_steps: 20, ..RacingParams::default() });
    racing.reset(Some(0));
    let mut last = None;
    for _ in 0..20 {
        last = Some(racing.step(&[0.0, 0.0]));
    }
    let last = last.unwrap();
    assert!(last.truncated && !last.terminated);
    let metrics = racing.episode_metrics();
    let value = |name: &str| metrics.iter().find(|(n, _)| *n == name).unwrap().1;
    assert_eq!(value("time_limit"), 1.0);
    assert_eq!(value("collision_or_off_track"), 0.0);
    assert!(value("average_speed") > 5.0 && value("average_speed") < 12.0, "{metrics:?}");
}
