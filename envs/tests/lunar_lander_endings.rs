//! Why a Lunar Lander episode ended: one flag per ending in `episode_metrics`, exactly one of
//! them set at the end of an episode, each reached by a controller that should reach it.

use rlmpc_core::Environment;
use rlmpc_envs::lunar_lander::{heuristic, Ending, LunarLander, LunarLanderParams};

/// Runs one episode of `controller` and returns how it ended and its metrics.
fn episode(
    max_episode_steps: usize,
    seed: u64,
    controller: impl Fn(&[f64]) -> [f64; 2],
) -> (Ending, Vec<(&'static str, f64)>) {
    let mut env = LunarLander::from_params(LunarLanderParams { max_episode_steps, ..Default::default() }).unwrap();
    let mut observation = env.reset(Some(seed));
    assert_eq!(env.ending(), None, "no ending before the first step");
    loop {
        let transition = env.step(&controller(&observation));
        if transition.terminated || transition.truncated {
            let ending = env.ending().expect("an ended episode says why");
            assert_eq!(transition.info.success, ending == Ending::Landed, "success is landing at rest");
            return (ending, env.episode_metrics());
        }
        assert_eq!(env.ending(), None, "still running");
        observation = transition.observation;
    }
}

fn flags(metrics: &[(&'static str, f64)]) -> Vec<(&'static str, f64)> {
    metrics.iter().copied().filter(|(name, _)| Ending::ALL.iter().any(|(_, n)| n == name)).collect()
}

#[test]
fn each_ending_sets_its_own_flag_and_no_other() {
    let free_fall = |_: &[f64]| [-1.0, 0.0];
    let full_left = |_: &[f64]| [1.0, -1.0];
    let hover = |o: &[f64]| [if o[3] < 0.0 { 1.0 } else { -1.0 }, 0.0];
    let cases = [
        (episode(1000, 0, free_fall), Ending::Crashed),
        (episode(1000, 0, |o: &[f64]| heuristic(o)), Ending::Landed),
        (episode(30, 0, hover), Ending::TimeLimit),
        (episode(1000, 0, full_left), Ending::OutOfBounds),
    ];
    for ((ending, metrics), expected) in cases {
        assert_eq!(ending, expected);
        let flags = flags(&metrics);
        assert_eq!(flags.len(), 4, "{metrics:?}");
        for (name, value) in flags {
            let own = Ending::ALL.iter().find(|(_, n)| *n == name).unwrap().0 == expected;
            assert_eq!(value, f64::from(u8::from(own)), "{expected:?}: flag {name}");
        }
    }
}
