//! Environment behaviour beyond the physics: time limit, action clipping, danger zone,
//! seeding, the surrogate, and building through the registry.

use rlmpc_core::model::SurrogateIn;
use rlmpc_core::registry::{lookup, BuildError, EnvKind};
use rlmpc_core::{DangerZone, Dynamics, Environment};
use rlmpc_envs::{Acrobot, AcrobotModel, AcrobotParams, PendulumParams};

fn acrobot(zone: Option<DangerZone>, max_episode_steps: usize) -> Acrobot {
    AcrobotParams { danger_zone: zone, max_episode_steps, ..AcrobotParams::default() }.build().unwrap()
}

/// Builds `name` through the registry from JSON parameters.
fn build(name: &str, params: &str) -> Result<Box<dyn Environment>, BuildError> {
    let registration = lookup::<EnvKind>(name).unwrap();
    let mut json = serde_json::Deserializer::from_str(params);
    (registration.build)(&mut <dyn erased_serde::Deserializer>::erase(&mut json))
}

#[test]
fn episodes_truncate_at_the_time_limit() {
    let mut env = acrobot(None, 5);
    env.reset(Some(1));
    let truncated: Vec<bool> = (0..6).map(|_| env.step(&[0.0]).truncated).collect();
    assert_eq!(truncated, [false, false, false, false, true, true]);
    env.reset_to_state(&[0.0; 4]);
    assert_eq!(env.elapsed_steps(), 0);
    assert!(!env.step(&[0.0]).truncated);

    let mut pendulum = PendulumParams::default().build().unwrap();
    pendulum.reset(Some(0));
    let first = (1..=200).find(|_| pendulum.step(&[1.0]).truncated);
    assert_eq!(first, Some(200));
    assert_eq!(acrobot(None, 500).spec().max_episode_steps, 500);
}

#[test]
fn actions_are_clipped_to_the_action_space() {
    let state = [0.3, -0.2, 1.0, -2.0];
    let mut env = acrobot(None, 500);
    let mut after = |u: f64| {
        env.reset_to_state(&state);
        env.step(&[u]);
        env.model_state().to_vec()
    };
    let (big, one, small, minus_one) = (after(5.0), after(1.0), after(-7.0), after(-1.0));
    assert_eq!(big, one);
    assert_eq!(small, minus_one);
    let mut unclipped = [0.0; 4];
    Dynamics::step(&AcrobotModel::default(), &state, &[5.0], &mut unclipped);
    assert_ne!(unclipped.to_vec(), one, "the model itself does not clip");
    assert_eq!(env.spec().action_space.high, [1.0]);
}

#[test]
fn a_zone_extends_the_observation_by_centre_and_side() {
    let zone = DangerZone::square(0.5, -1.5, 0.4);
    let mut env = acrobot(Some(zone), 500);
    assert_eq!(env.spec().observation_space.dim(), 9);
    let observation = env.reset(Some(3));
    assert_eq!(observation.len(), 9);
    assert_eq!(observation[6..], [0.5, -1.5, 0.4]);
    assert_eq!(env.step(&[0.0]).observation.len(), 9);
    assert_eq!(env.danger_zone(), Some(zone));
    assert_eq!(acrobot(None, 500).reset(Some(3)).len(), 6);
}

#[test]
fn the_danger_penalty_applies_with_the_tip_inside_the_zone() {
    let model = AcrobotModel::default();
    let state = [1.2, 0.4, 0.5, -0.3];
    let mut next = [0.0; 4];
    Dynamics::step(&model, &state, &[0.25], &mut next);
    let [x, y] = Dynamics::position(&model, &next);
    let mut inside = acrobot(Some(DangerZone::square(x, y, 0.1)), 500);
    inside.reset_to_state(&state);
    let step = inside.step(&[0.25]);
    assert!(step.info.in_danger_zone);
    assert_eq!(step.reward, -51.0);

    let mut outside = acrobot(Some(DangerZone::square(x + 0.2, y, 0.1)), 500);
    outside.reset_to_state(&state);
    let step = outside.step(&[0.25]);
    assert!(!step.info.in_danger_zone);
    assert_eq!(step.reward, -1.0);

    // The surrogate carries the same penalty, so MPPI sees the env's reward.
    let surrogate = inside.surrogate();
    let zone = inside.danger_zone();
    assert_eq!(SurrogateIn::<f64>::reward(surrogate.as_ref(), &state, &[0.25], &next, zone.as_ref()), -51.0);
}

#[test]
fn the_same_seed_gives_the_same_initial_state() {
    let mut env = acrobot(None, 500);
    let first = env.reset(Some(7));
    let state = env.model_state().to_vec();
    let next_draw = env.reset(None);
    assert_eq!(env.reset(Some(7)), first);
    assert_eq!(env.model_state(), state);
    assert_ne!(next_draw, first, "reset(None) keeps drawing from the generator");
    assert_ne!(env.reset(Some(8)), first);
    assert!(state.iter().all(|v| v.abs() <= 0.1 && f64::from(*v as f32) == *v));

    let mut pendulum = PendulumParams::default().build().unwrap();
    pendulum.reset(Some(7));
    let [theta, theta_dot] = [pendulum.model_state()[0], pendulum.model_state()[1]];
    assert!(theta.abs() <= std::f64::consts::PI && theta_dot.abs() <= 1.0);
}

#[test]
fn the_surrogate_state_map_gives_the_environment_observation() {
    let zone = Some(DangerZone::square(1.4, 0.6, 0.6));
    let mut env = acrobot(zone, 500);
    let mut observation = env.reset(Some(3));
    let surrogate = env.surrogate();
    for t in 0..10 {
        assert_eq!(surrogate.observe(env.model_state(), zone.as_ref()), observation, "ψ(x_t) = s_t at step {t}");
        observation = env.step(&[0.8]).observation;
    }
    let mut pendulum = PendulumParams::default().build().unwrap();
    let observation = pendulum.reset(Some(3));
    assert_eq!(pendulum.surrogate().observe(pendulum.model_state(), None), observation);
}

#[test]
fn the_surrogate_steps_exactly_like_the_environment() {
    let mut env = acrobot(None, 500);
    env.reset(Some(11));
    let surrogate = env.surrogate();
    for t in 0..20 {
        let u = [(t as f64 * 0.7).sin()];
        let mut predicted = [0.0; 4];
        SurrogateIn::<f64>::step(surrogate.as_ref(), env.model_state(), &u, &mut predicted);
        env.step(&u);
        assert_eq!(env.model_state(), predicted);
    }
    let layout = surrogate.layout();
    assert_eq!(
        layout.tracked.iter().map(|c| (c.name, c.periodic)).collect::<Vec<_>>(),
        [("theta1", true), ("theta2", true)]
    );
}

#[test]
fn the_registry_builds_both_environments_and_checks_parameters() {
    let zone = r#"{"danger_zone": {"x": 1.0, "y": 0.5, "width": 0.6, "height": 0.6}, "max_episode_steps": 3}"#;
    let Ok(env) = build("acrobot", zone) else { panic!("acrobot with a zone") };
    assert_eq!((env.spec().name, env.spec().max_episode_steps), ("acrobot", 3));
    assert_eq!(env.spec().observation_space.dim(), 9);
    let Ok(env) = build("pendulum", r#"{"g": 9.81}"#) else { panic!("pendulum with g") };
    assert_eq!(
        (env.spec().name, env.spec().max_episode_steps, env.spec().observation_space.dim()),
        ("pendulum", 200, 3)
    );

    let Err(BuildError::Params(e)) = build("acrobot", r#"{"max_steps": 3}"#) else { panic!("unknown field accepted") };
    assert!(e.to_string().contains("max_steps"), "{e}");
    let rectangle = r#"{"danger_zone": {"x": 0, "y": 0, "width": 1, "height": 2}}"#;
    let Err(BuildError::Invalid(message)) = build("acrobot", rectangle) else { panic!("a rectangle accepted") };
    assert!(message.contains("square"), "{message}");
    assert!(matches!(build("pendulum", r#"{"max_episode_steps": 0}"#), Err(BuildError::Invalid(_))));
}
