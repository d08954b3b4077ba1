//! Pendulum against Gymnasium 1.4.0 (`tests/data/pendulum.json`): every step from its recorded
//! state, and full 100-step replays through `fixture::replay`.

mod common;

use common::{fixture, max_error, pendulum_records, PENDULUM};
use rlmpc_core::Environment;
use rlmpc_envs::{Pendulum, PendulumParams};
use rlmpc_lab::fixture::replay;

fn env() -> Pendulum {
    PendulumParams::default().build().unwrap()
}

#[test]
fn every_recorded_step_is_reproduced() {
    let mut env = env();
    let (mut state_err, mut reward_err, mut obs_err, mut count) = (0.0f64, 0.0f64, 0.0f64, 0);
    for r in pendulum_records() {
        for t in 0..r.actions.len() {
            env.reset_to_state(&r.states[t]);
            let step = env.step(&[r.actions[t]]);
            state_err = state_err.max(max_error(env.model_state(), &r.next_states[t]));
            reward_err = reward_err.max((step.reward - r.rewards[t]).abs());
            obs_err = obs_err.max(max_error(&step.observation, &r.observations[t + 1]));
            assert_eq!((step.terminated, step.truncated), (r.terminated[t], r.truncated[t]));
            assert!(!step.info.success);
            count += 1;
        }
    }
    eprintln!("pendulum one step: {count} steps, max errors: state {state_err:e}, reward {reward_err:e}, observation {obs_err:e}");
    assert_eq!(count, 500);
    assert!(state_err.max(reward_err).max(obs_err) <= 1e-12, "{state_err:e} {reward_err:e} {obs_err:e}");
}

#[test]
fn full_replays_match_every_recorded_value() {
    let fixture = fixture(PENDULUM);
    let records = pendulum_records();
    assert_eq!(fixture.trajectories.len(), records.len());
    let mut env = env();
    let (mut state_err, mut reward_err, mut obs_err) = (0.0f64, 0.0f64, 0.0f64);
    for (trajectory, r) in fixture.trajectories.iter().zip(&records) {
        assert_eq!(trajectory.id, r.id.to_string());
        let run = replay(&mut env, trajectory).unwrap();
        assert_eq!((run.states.len(), run.rewards.len()), (101, 100));
        for (got, want) in run.states.iter().zip(&r.states) {
            state_err = state_err.max(max_error(got, want));
        }
        for (got, want) in run.observations.iter().zip(&r.observations) {
            obs_err = obs_err.max(max_error(got, want));
        }
        reward_err = reward_err.max(max_error(&run.rewards, &r.rewards));
        assert_eq!(run.terminated, r.terminated);
        assert_eq!(run.truncated, r.truncated);
    }
    eprintln!(
        "pendulum 100-step replays: max errors: state {state_err:e}, reward {reward_err:e}, observation {obs_err:e}"
    );
    assert!(state_err.max(reward_err).max(obs_err) <= 1e-12, "{state_err:e} {reward_err:e} {obs_err:e}");
}
