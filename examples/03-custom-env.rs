//! An environment of your own: Gymnasium's MountainCarContinuous-v0, written once over the
//! number type, registered by name, checked with `check_env`, and driven by pure MPPI from a
//! config file like any built-in environment. The book's "Write an environment" chapter walks
//! through this file; the `ANCHOR` comments mark the parts it shows.
//!
//! Run: `cargo run --release --example 03-custom-env`

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rlmpc::core::model_env::{square_zone_features, zone_penalty, ModelDomain, ModelEnv};
use rlmpc::core::policy::ConstantAction;
use rlmpc::core::registry::{BuildError, CostRegistration, EnvRegistration, Params};
use rlmpc::core::{
    BoxSpace, Cost, CostContext, CostCoupling, DangerZone, Dynamics, Environment, Mask, Needs, Real, RewardModel,
    StateLayout, StateMap, StepView, TrackedCoordinate,
};
use rlmpc::lab::check_env::check_env;
use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::run_episode;
use rlmpc::runner::planner::Planner;

// ANCHOR: constants
// Gymnasium's constants (`gymnasium/envs/classic_control/continuous_mountain_car.py`).
const MIN_POSITION: f64 = -1.2;
const MAX_POSITION: f64 = 0.6;
const MAX_SPEED: f64 = 0.07;
const GOAL_POSITION: f64 = 0.45;
const POWER: f64 = 0.0015;
// ANCHOR_END: constants

// ANCHOR: model
/// A car in a valley, x = (position, velocity), u = (force) ∈ [−1, 1]. Its engine is too weak
/// to drive up the right hill directly: it has to rock back and forth.
#[derive(Clone, Copy, Debug, Default)]
struct MountainCar {
    /// Subtracted from the reward while the car is inside the danger zone.
    danger_penalty: f64,
}

/// P̂. In this domain the surrogate *is* the real physics, as in Acrobot.
impl Dynamics for MountainCar {
    fn layout(&self) -> StateLayout {
        StateLayout {
            state_dim: 2,
            control_dim: 1,
            // What `target-tracking`'s `coordinates` may name, in the order `tracked` writes.
            tracked: vec![
                TrackedCoordinate { name: "position", periodic: false },
                TrackedCoordinate { name: "velocity", periodic: false },
            ],
            has_position: true,
        }
    }

    /// v' = clip(v + (f·power − 0.0025·cos(3p)), ±max_speed), summed in Gymnasium's order,
    /// p' = clip(p + v', bounds), and the car stops at the left wall. Branch-free: `select` instead of `if`, so that the same
    /// code runs on 16 SIMD lanes.
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let c = R::splat;
        let force = u[0].clamp(c(-1.0), c(1.0));
        let velocity =
            (x[1] + (force * c(POWER) - c(0.0025) * (c(3.0) * x[0]).cos())).clamp(c(-MAX_SPEED), c(MAX_SPEED));
        let position = (x[0] + velocity).clamp(c(MIN_POSITION), c(MAX_POSITION));
        let at_wall = position.le(c(MIN_POSITION)).and(velocity.lt(R::zero()));
        next[0] = position;
        next[1] = R::select(at_wall, R::zero(), velocity);
    }

    fn tracked<R: Real>(&self, x: &[R], out: &mut [R]) {
        out[0] = x[0];
        out[1] = x[1];
    }

    /// The point a danger zone is tested against: the car on the hill, (p, height(p)).
    fn position<R: Real>(&self, x: &[R]) -> [R; 2] {
        [x[0], (R::splat(3.0) * x[0]).sin() * R::splat(0.45) + R::splat(0.55)]
    }
}
// ANCHOR_END: model

// ANCHOR: reward
/// r̂: +100 on reaching the flag, −0.1·u² every step, minus the zone penalty.
impl RewardModel for MountainCar {
    fn reward<R: Real>(&self, _x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        let c = R::splat;
        let goal = next[0].ge(c(GOAL_POSITION)).and(next[1].ge(R::zero()));
        c(100.0) * R::indicator(goal)
            - c(0.1) * u[0].square()
            - zone_penalty(zone, self.danger_penalty, self.position(next))
    }
}
// ANCHOR_END: reward

// ANCHOR: psi
/// ψ: the observation is the state itself, then the zone's features; reaching the flag ends
/// the episode (and `ModelEnv` reports it as a success).
impl StateMap for MountainCar {
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64> {
        let mut observation = x.to_vec();
        observation.extend(square_zone_features(zone));
        observation
    }
    fn terminated(&self, x: &[f64]) -> bool {
        x[0] >= GOAL_POSITION && x[1] >= 0.0
    }
}
// ANCHOR_END: psi

// ANCHOR: domain
/// What `ModelEnv` needs besides the model: the name, the spaces, the initial states.
impl ModelDomain for MountainCar {
    const NAME: &'static str = "mountain-car";

    fn observation_space(&self) -> BoxSpace {
        BoxSpace { low: vec![MIN_POSITION, -MAX_SPEED], high: vec![MAX_POSITION, MAX_SPEED] }
    }
    fn action_space(&self) -> BoxSpace {
        BoxSpace { low: vec![-1.0], high: vec![1.0] }
    }
    /// Position uniform in [−0.6, −0.4], at rest.
    fn initial_state(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
        vec![rng.gen_range(-0.6..-0.4), 0.0]
    }
}
// ANCHOR_END: domain

// ANCHOR: registration
/// `[env.params]` of `mountain-car`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
struct MountainCarParams {
    /// Square danger zone on the car's (position, height); none by default.
    danger_zone: Option<DangerZone>,
    /// Reward subtracted per step inside the zone.
    danger_penalty: f64,
    /// Gymnasium's time limit for MountainCarContinuous-v0.
    max_episode_steps: usize,
}

impl Default for MountainCarParams {
    fn default() -> Self {
        Self { danger_zone: None, danger_penalty: 1.0, max_episode_steps: 999 }
    }
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn Environment>, BuildError> {
    let params: MountainCarParams = rlmpc::core::erased_serde::deserialize(params)?;
    let model = MountainCar { danger_penalty: params.danger_penalty };
    Ok(Box::new(ModelEnv::new(model, params.danger_zone, params.max_episode_steps)?))
}

rlmpc::core::inventory::submit! {
    EnvRegistration::new("mountain-car", "Gymnasium MountainCarContinuous-v0 (example 03)", build, module_path!())
}
// ANCHOR_END: registration

// ANCHOR: cost
/// A cost for the task (see example 02): −1000 × the car's energy, ½v² + (0.0025/3)·sin 3p,
/// whose gradient is the slope term of the dynamics. Rocking raises the energy, so MPPI rocks
/// the car out of the valley; the flag's +100 is too far ahead for a 60-step horizon alone.
struct Swing;

impl CostCoupling for Swing {
    fn needs(&self) -> Needs {
        Needs::default()
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, _a: &[R]) -> R {
        let c = R::splat;
        let (position, velocity) = (step.state[0], step.state[1]);
        -c(1000.0) * (c(0.5) * velocity.square() + c(0.0025 / 3.0) * (c(3.0) * position).sin())
    }
}

fn build_swing(params: Params<'_, '_>, _context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let SwingParams {} = rlmpc::core::erased_serde::deserialize(params)?;
    Ok(Box::new(Swing))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SwingParams {}

rlmpc::core::inventory::submit! {
    CostRegistration::new("swing", "−energy of the mountain car (example 03)", build_swing, module_path!())
}
// ANCHOR_END: cost

// ANCHOR: recording
/// Trajectories of Gymnasium's published equations, computed in f64 by
/// `tests/data/mountain_car_continuous.py`: initial states, forces, and what followed.
#[derive(serde::Deserialize)]
struct Recording {
    trajectories: Vec<Recorded>,
}

#[derive(serde::Deserialize)]
struct Recorded {
    initial_state: Vec<f64>,
    actions: Vec<f64>,
    states: Vec<Vec<f64>>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
}

/// Replays the recording through `env`: the largest difference in a state or a reward, or an
/// error when an episode ends at another step.
fn recording_error(env: &mut dyn Environment) -> Result<f64, rlmpc::core::Error> {
    let text = include_str!("../tests/data/mountain_car_continuous.json");
    let recording: Recording = serde_json::from_str(text).map_err(|e| rlmpc::core::Error::Invalid(e.to_string()))?;
    let mut error = 0.0f64;
    for recorded in &recording.trajectories {
        env.reset_to_state(&recorded.initial_state);
        for (t, &force) in recorded.actions.iter().enumerate() {
            let transition = env.step(&[force]);
            if transition.terminated != recorded.terminated[t] {
                return Err(rlmpc::core::Error::Invalid(format!("step {t}: terminated is {}", transition.terminated)));
            }
            let state = env.model_state().iter().zip(&recorded.states[t + 1]);
            error = state.fold(error, |e, (a, b)| e.max((a - b).abs()));
            error = error.max((transition.reward - recorded.rewards[t]).abs());
        }
    }
    Ok(error)
}
// ANCHOR_END: recording

// ANCHOR: run
/// Pure MPPI on the new environment: the energy term plus −r̂ (the flag and the effort).
const CONFIG: &str = r#"
[env]
name = "mountain-car"   # the registration above

[mppi]
num_samples = 256
horizon = 60
noise_sigma = 1.0

[[costs]]
name = "swing"

[[costs]]
name = "negative-reward"
"#;

fn main() -> Result<(), rlmpc::core::Error> {
    let experiment = Experiment::parse("<example 03>", CONFIG)?;
    let mut env = experiment.build_env()?;

    // The checks `rlmpc check-env` runs: seeding, spaces, ψ, backends, NaN, reset_to_state.
    let report = check_env(env.as_mut(), 0);
    println!("{report}");
    if !report.passed() {
        return Err(rlmpc::core::Error::Invalid("mountain-car failed check_env".into()));
    }

    let error = recording_error(env.as_mut())?;
    println!("largest difference from the recording of Gymnasium's equations: {error:e}");
    if error > 1e-12 {
        return Err(rlmpc::core::Error::Invalid(format!("mountain-car differs from the recording by {error:e}")));
    }

    let mut planner = Planner::from_experiment(&experiment, env.as_ref(), 0)?;
    let result = run_episode(env.as_mut(), Some(&mut planner), &mut ConstantAction(Vec::new()), 0)?;
    println!(
        "pure MPPI on mountain-car: {} in {} steps, return {:.1}",
        if result.success { "reached the flag" } else { "did not reach the flag" },
        result.steps,
        result.episode_return
    );
    Ok(())
}
// ANCHOR_END: run
