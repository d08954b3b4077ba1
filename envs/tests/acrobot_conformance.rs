//! Acrobot against Gymnasium 1.4.0 (`tests/data/acrobot_continuous.json`): every recorded
//! transition in one step, rollouts through `fixture::replay`, and the f32 / SIMD backends.

mod common;

use common::{acrobot_sets, fixture, max_error, state_error, AcrobotRecord, ACROBOT};
use rlmpc_core::{Dynamics, Environment, Lanes, Real, RewardModel};
use rlmpc_envs::{Acrobot, AcrobotModel, AcrobotParams};
use rlmpc_lab::fixture::replay;

fn env() -> Acrobot {
    AcrobotParams::default().build().unwrap()
}

/// One recorded step.
#[derive(Clone, Copy)]
struct Step {
    state: [f64; 4],
    torque: f64,
    next: [f64; 4],
    reward: f64,
}

/// Every recorded step of both sets.
fn transitions() -> Vec<Step> {
    let sets = acrobot_sets();
    let step = |r: &AcrobotRecord, t: usize| Step {
        state: r.states[t],
        torque: r.torques[t],
        next: r.next_states[t],
        reward: r.rewards[t],
    };
    sets.values().flatten().flat_map(|r| (0..r.torques.len()).map(move |t| step(r, t))).collect()
}

#[test]
fn every_recorded_transition_is_reproduced_in_one_step() {
    let mut env = env();
    let (mut state_err, mut obs_err, mut count) = (0.0f64, 0.0f64, 0);
    for records in acrobot_sets().values() {
        for r in records {
            for t in 0..r.torques.len() {
                env.reset_to_state(&r.states[t]);
                let step = env.step(&[r.torques[t]]);
                state_err = state_err.max(state_error(env.model_state(), &r.next_states[t], 2));
                obs_err = obs_err.max(max_error(&step.observation, &r.observations[t + 1]));
                assert_eq!(step.reward, r.rewards[t], "trajectory {} step {t}", r.id);
                assert_eq!(step.terminated, r.terminal[t + 1], "trajectory {} step {t}", r.id);
                assert_eq!(step.info.success, r.terminal[t + 1]);
                count += 1;
            }
        }
    }
    eprintln!(
        "acrobot one step: {count} transitions, max state error {state_err:e}, max observation error {obs_err:e}"
    );
    assert_eq!(count, 700);
    assert!(state_err <= 1e-12 && obs_err <= 1e-12, "state {state_err:e}, observation {obs_err:e}");
}

/// Replays the set's trajectories with `fixture::replay`; returns the largest state and
/// observation errors.
fn replay_set(set: &str) -> (f64, f64) {
    let sets = acrobot_sets();
    let records: &Vec<AcrobotRecord> = &sets[set];
    let fixture = fixture(ACROBOT);
    let mut env = env();
    let (mut state_err, mut obs_err) = (0.0f64, 0.0f64);
    for r in records {
        let id = format!("{set}/{}", r.id);
        let trajectory = fixture.trajectories.iter().find(|t| t.id == id).unwrap();
        let run = replay(&mut env, trajectory).unwrap();
        assert_eq!(run.states.len(), r.states.len());
        for (got, want) in run.states.iter().zip(&r.states) {
            state_err = state_err.max(state_error(got, want, 2));
        }
        for (got, want) in run.observations.iter().zip(&r.observations) {
            obs_err = obs_err.max(max_error(got, want));
        }
        assert_eq!(run.rewards, r.rewards, "{id}");
        assert_eq!(run.terminated, r.terminal[1..], "{id}");
        assert!(run.truncated.iter().all(|t| !t), "{id}: the time limit is 500 steps");
    }
    eprintln!("acrobot {set}: max state error {state_err:e}, max observation error {obs_err:e}");
    (state_err, obs_err)
}

#[test]
fn uniform_torque_rollouts_match_within_1e_10() {
    let (state_err, obs_err) = replay_set("env_init_uniform_torque");
    assert!(state_err <= 1e-10 && obs_err <= 1e-10, "state {state_err:e}, observation {obs_err:e}");
}

#[test]
fn pumping_rollouts_reach_the_goal_and_match_within_1e_7() {
    let (state_err, obs_err) = replay_set("env_init_pumping_torque");
    assert!(state_err <= 1e-7 && obs_err <= 1e-7, "state {state_err:e}, observation {obs_err:e}");
    let sets = acrobot_sets();
    let first_terminal: Vec<Option<usize>> =
        sets["env_init_pumping_torque"].iter().map(|r| r.terminal.iter().position(|t| *t)).collect();
    assert_eq!(first_terminal, [Some(79), Some(86)]);
}

#[test]
fn f32_step_agrees_with_f64_on_every_transition() {
    let model = AcrobotModel::default();
    let mut err = 0.0f64;
    for step in transitions() {
        let mut next = [0.0f32; 4];
        model.step::<f32>(&step.state.map(|v| v as f32), &[step.torque as f32], &mut next);
        err = err.max(state_error(&next.map(f64::from), &step.next, 2));
    }
    eprintln!("acrobot f32 one step: max error {err:e}");
    assert!(err <= 1e-4, "{err:e}");
}

#[test]
fn lanes_agree_with_f64_on_16_recorded_states() {
    let model = AcrobotModel::default();
    let all = transitions();
    let picked: Vec<_> = (0..16).map(|i| all[i * (all.len() - 1) / 15]).collect();
    assert!(picked.windows(2).all(|w| w[0].state != w[1].state), "16 different states");
    let lanes = |f: &dyn Fn(&Step) -> f64| Lanes::load(&picked.iter().map(f).collect::<Vec<_>>());
    let x = [lanes(&|s| s.state[0]), lanes(&|s| s.state[1]), lanes(&|s| s.state[2]), lanes(&|s| s.state[3])];
    let u = lanes(&|s| s.torque);
    let mut next = [Lanes::splat(0.0); 4];
    model.step(&x, &[u], &mut next);
    let reward = model.reward(&x, &[u], &next, None);
    let mut got = [[0.0; 16]; 4];
    for (out, value) in got.iter_mut().zip(next) {
        value.store(out);
    }
    let mut rewards = [0.0; 16];
    reward.store(&mut rewards);
    let mut err = 0.0f64;
    for (lane, step) in picked.iter().enumerate() {
        err = err.max(state_error(&got.map(|component| component[lane]), &step.next, 2));
        assert_eq!(rewards[lane], step.reward, "lane {lane}");
    }
    assert!(picked.iter().any(|s| s.reward == 0.0), "a goal state among the 16");
    eprintln!("acrobot Lanes (16 states): max error {err:e}");
    assert!(err <= 1e-4, "{err:e}");
}
