//! Generalised advantage estimation (GAE, Schulman et al. 2015), as Stable-Baselines3's
//! `RolloutBuffer.compute_returns_and_advantage` computes it, with the timeout bootstrap of
//! `OnPolicyAlgorithm.collect_rollouts`. Alg. 1 uses it for the real tuples of D_RL
//! (decision record §2).
//!
//! [`gae`] is generic over the float type. In f64 it is the textbook recursion; in f32 it follows
//! SB3's float32 rules, so that it reproduces SB3 bit for bit:
//! - γ is rounded to f32 where it multiplies a value; γλ is formed in f64, then rounded;
//! - `δ_t = (r_t + (γ·V_next)·nnt) − V_t` and `A_t = δ_t + (γλ·nnt)·A_{t+1}`, in that order,
//!   with `nnt` the "next is not terminal" factor 0 or 1;
//! - a bootstrapped reward is `r + γ·V(terminal observation)`.
//!
//! ```
//! use rlmpc_runner::gae::{gae, GaeInput};
//!
//! // Two steps; the episode is cut by the time limit after the second.
//! let out = gae(
//!     &GaeInput {
//!         rewards: &[1.0, 1.0],
//!         terminated: &[false, false],
//!         truncated: &[false, true],
//!         terminal_values: &[None, Some(10.0)],
//!         values: &[5.0, 5.0],
//!         first_episode_start: true,
//!         last_value: 0.0,
//!     },
//!     0.5,
//!     1.0,
//! );
//! assert_eq!(out.rewards, [1.0, 6.0]); // 1 + 0.5 · V(terminal observation)
//! assert_eq!(out.advantages, [-1.0, 1.0]); // A_1 = 6 − 5; A_0 = 1 + 0.5·5 − 5 + 0.5·A_1
//! assert_eq!(out.episode_starts, [true, false]);
//! ```

use num_traits::Float;

/// One rollout of one environment as the trainer collected it, n steps (SB3's buffer with
/// `n_envs = 1`). Step t went from s_t with value V(s_t) to the environment's reply.
#[derive(Clone, Copy, Debug)]
pub struct GaeInput<'a, F> {
    /// r_t as the environment returned it, before the timeout bootstrap.
    pub rewards: &'a [F],
    /// Step t ended the episode in a terminal state.
    pub terminated: &'a [bool],
    /// Step t ended the episode by a time limit.
    pub truncated: &'a [bool],
    /// V(terminal observation) of step t; read only where step t is truncated and not
    /// terminated (SB3's `TimeLimit.truncated`), where it must be `Some`.
    pub terminal_values: &'a [Option<F>],
    /// V(s_t).
    pub values: &'a [F],
    /// Whether s_0 starts an episode (SB3's `_last_episode_starts`: true for the first rollout,
    /// else whether the previous rollout's last step ended an episode). Never read by the
    /// recursion; it is returned as `episode_starts[0]`.
    pub first_episode_start: bool,
    /// V of the observation after the last step (SB3's `last_values`); ignored when that step
    /// ended the episode. Whether it did — SB3's `dones` — is the last step's
    /// `terminated || truncated`, so it is not a separate input.
    pub last_value: F,
}

/// What [`gae`] computes, n entries each.
#[derive(Clone, Debug, PartialEq)]
pub struct Gae<F> {
    /// A_t.
    pub advantages: Vec<F>,
    /// A_t + V(s_t), the value targets.
    pub returns: Vec<F>,
    /// Rewards as SB3's buffer stores them: r_t + γ·V(terminal observation) at steps truncated
    /// and not terminated, r_t elsewhere.
    pub rewards: Vec<F>,
    /// Whether s_t starts an episode: `first_episode_start`, then whether step t − 1 ended one.
    pub episode_starts: Vec<bool>,
}

/// GAE(γ, λ) over one rollout. The recursion is cut at every episode end (termination or
/// truncation); a truncated episode's continuation value enters only through the bootstrapped
/// reward, as in SB3.
///
/// # Panics
/// If the input slices differ in length, or a step truncated and not terminated has no terminal
/// value.
pub fn gae<F: Float>(input: &GaeInput<'_, F>, gamma: f64, gae_lambda: f64) -> Gae<F> {
    let n = input.rewards.len();
    for (name, len) in [
        ("terminated", input.terminated.len()),
        ("truncated", input.truncated.len()),
        ("terminal_values", input.terminal_values.len()),
        ("values", input.values.len()),
    ] {
        assert_eq!(len, n, "GAE input: `{name}` has {len} entries, `rewards` {n}");
    }
    let cast = |x: f64| F::from(x).expect("a float type holds every f64, rounded");
    let g = cast(gamma);
    let gl = cast(gamma * gae_lambda);
    let done = |t: usize| input.terminated[t] || input.truncated[t];

    let rewards: Vec<F> = (0..n)
        .map(|t| {
            let r = input.rewards[t];
            if input.truncated[t] && !input.terminated[t] {
                let v = input.terminal_values[t]
                    .unwrap_or_else(|| panic!("GAE input: step {t} is truncated but has no terminal value"));
                r + g * v
            } else {
                r
            }
        })
        .collect();
    let episode_starts: Vec<bool> =
        (0..n).map(|t| if t == 0 { input.first_episode_start } else { done(t - 1) }).collect();

    let mut advantages = vec![F::zero(); n];
    let mut a = F::zero();
    for t in (0..n).rev() {
        let (next_done, next_value) =
            if t + 1 == n { (done(t), input.last_value) } else { (episode_starts[t + 1], input.values[t + 1]) };
        let nnt = if next_done { F::zero() } else { F::one() };
        let delta = rewards[t] + g * next_value * nnt - input.values[t];
        a = delta + gl * nnt * a;
        advantages[t] = a;
    }
    let returns = advantages.iter().zip(input.values).map(|(&a, &v)| a + v).collect();
    Gae { advantages, returns, rewards, episode_starts }
}
