//! Checks that an environment keeps the promises the rest of rlmpc relies on: Gymnasium's own
//! env checker (spaces, seeding, observations inside their space) and what the hierarchy adds
//! (the state map ψ reproduces the observation, the surrogate runs alike on every backend,
//! `reset_to_state` restores a state). `rlmpc check-env NAME` prints the report.
//!
//! ```text
//! check-env mountain-car (seed 0)
//!   ok    the spaces are well-formed and match what the environment returns
//!   FAIL  ψ(x) equals the observation: step 3: ψ(x)[1] = 0.0123, the observation says 0.0456
//! ```

use std::fmt;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rlmpc_core::env::check_transition;
use rlmpc_core::model::SurrogateIn;
use rlmpc_core::{DangerZone, Environment, Lanes, Real, SurrogateModel};

/// Random-action episodes per check, and the steps each runs at most.
const EPISODES: u64 = 3;
const STEPS: usize = 200;

/// One check and, when it failed, why.
#[derive(Clone, Debug)]
pub struct Check {
    /// What the check asserts.
    pub name: &'static str,
    /// `None` when it holds; otherwise the first counterexample.
    pub failure: Option<String>,
}

/// Every check's outcome for one environment.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// The environment's registry name.
    pub env: &'static str,
    /// The seed the checks reset with.
    pub seed: u64,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
}

impl CheckReport {
    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|check| check.failure.is_none())
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "check-env {} (seed {})", self.env, self.seed)?;
        for check in &self.checks {
            match &check.failure {
                None => writeln!(f, "  ok    {}", check.name)?,
                Some(why) => writeln!(f, "  FAIL  {}: {why}", check.name)?,
            }
        }
        Ok(())
    }
}

/// One visited step of a random rollout: the model state and observation before it, the
/// episode's zone, the control applied.
struct Visit {
    state: Vec<f64>,
    observation: Vec<f64>,
    zone: Option<DangerZone>,
    control: Vec<f64>,
}

/// Runs every check on `env`, resetting with `seed` (and the seeds after it).
pub fn check_env(env: &mut dyn Environment, seed: u64) -> CheckReport {
    let name = env.spec().name;
    let mut checks = vec![Check {
        name: "the spaces are well-formed and match what the environment returns",
        failure: spaces(env, seed).err(),
    }];
    let determinism = "reset(seed) and the same controls give the same episode";
    let finite = "no NaN or infinity over random-action episodes";
    let bounded = "observations lie in the observation space";
    let psi = "ψ(x) equals the observation";
    let backends = "the surrogate's f64 and 16-lane f32 backends agree on P̂ and r̂";
    let round_trip = "reset_to_state(x) restores x and returns ψ(x)";
    if let Some(why) = &checks[0].failure {
        let skipped = format!("not run: the spaces are not usable ({why})");
        for name in [determinism, finite, bounded, psi, backends, round_trip] {
            checks.push(Check { name, failure: Some(skipped.clone()) });
        }
        return CheckReport { env: name, seed, checks };
    }
    checks.push(Check { name: determinism, failure: deterministic(env, seed).err() });
    let (visits, failure) = match roll_out(env, seed) {
        Ok(visits) => (visits, None),
        Err((visits, why)) => (visits, Some(why)),
    };
    checks.push(Check { name: finite, failure });
    checks.push(Check { name: bounded, failure: in_space(env, &visits).err() });
    checks.push(Check { name: psi, failure: observed_through_psi(env, &visits).err() });
    checks.push(Check { name: backends, failure: backends_agree(env.surrogate().as_ref(), &visits).err() });
    checks.push(Check { name: round_trip, failure: restores(env, &visits).err() });
    CheckReport { env: name, seed, checks }
}

/// Bounds that sampling and clipping can use, and sizes that agree with the model.
fn spaces(env: &mut dyn Environment, seed: u64) -> Result<(), String> {
    let spec = env.spec().clone();
    for (which, space) in [("observation", &spec.observation_space), ("action", &spec.action_space)] {
        if space.low.len() != space.high.len() {
            return Err(format!(
                "the {which} space has {} lower and {} upper bounds",
                space.low.len(),
                space.high.len()
            ));
        }
        if let Some(i) =
            (0..space.dim()).find(|&i| space.low[i].is_nan() || space.high[i].is_nan() || space.low[i] > space.high[i])
        {
            return Err(format!("the {which} space's component {i} is [{}, {}]", space.low[i], space.high[i]));
        }
    }
    let action = &spec.action_space;
    if action.dim() == 0 || action.low.iter().chain(&action.high).any(|v| !v.is_finite()) {
        return Err(format!(
            "the action space must have finite bounds (random actions and MPPI's clamping need them), got {action:?}"
        ));
    }
    if spec.max_episode_steps == 0 {
        return Err("max_episode_steps is 0".into());
    }
    let observation = env.reset(Some(seed));
    if observation.len() != spec.observation_space.dim() {
        return Err(format!(
            "reset returned {} values, the observation space has {}",
            observation.len(),
            spec.observation_space.dim()
        ));
    }
    let layout = env.surrogate().layout();
    if env.model_state().len() != layout.state_dim {
        return Err(format!(
            "the model state has {} values, the surrogate's layout says {}",
            env.model_state().len(),
            layout.state_dim
        ));
    }
    if layout.control_dim != action.dim() {
        return Err(format!(
            "the surrogate takes {} controls, the action space has {}",
            layout.control_dim,
            action.dim()
        ));
    }
    Ok(())
}

/// Two episodes from `reset(Some(seed))` with the same random controls are identical.
fn deterministic(env: &mut dyn Environment, seed: u64) -> Result<(), String> {
    let space = env.spec().action_space.clone();
    let mut episode = || {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut control = vec![0.0; space.dim()];
        let mut trace = vec![(env.reset(Some(seed)), env.model_state().to_vec())];
        for _ in 0..STEPS {
            space.sample_into(&mut rng, &mut control);
            let transition = env.step(&control);
            let done = transition.terminated || transition.truncated;
            trace.push((transition.observation, env.model_state().to_vec()));
            if done {
                break;
            }
        }
        trace
    };
    let (first, second) = (episode(), episode());
    match first.iter().zip(&second).position(|(a, b)| a != b) {
        Some(step) => Err(format!("the episodes differ at step {step}: {:?} then {:?}", first[step], second[step])),
        None if first.len() != second.len() => {
            Err(format!("the episodes last {} and {} steps", first.len(), second.len()))
        }
        None => Ok(()),
    }
}

/// Random-action episodes from `seed`, `seed + 1`, …: every step visited, or those up to a
/// non-finite transition and the reason.
fn roll_out(env: &mut dyn Environment, seed: u64) -> Result<Vec<Visit>, (Vec<Visit>, String)> {
    let space = env.spec().action_space.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut visits = Vec::new();
    let mut control = vec![0.0; space.dim()];
    for episode in 0..EPISODES {
        let mut observation = env.reset(Some(seed.wrapping_add(episode)));
        for step in 1..=STEPS {
            space.sample_into(&mut rng, &mut control);
            let (state, zone) = (env.model_state().to_vec(), env.danger_zone());
            let transition = env.step(&control);
            visits.push(Visit { state, observation, zone, control: control.clone() });
            if let Err(e) = check_transition(env.spec().name, step, &transition) {
                return Err((visits, format!("episode {episode}: {e}")));
            }
            if transition.terminated || transition.truncated {
                break;
            }
            observation = transition.observation;
        }
    }
    Ok(visits)
}

/// Every visited observation inside the observation space (Gymnasium's `contains`), up to
/// rounding.
fn in_space(env: &dyn Environment, visits: &[Visit]) -> Result<(), String> {
    let space = &env.spec().observation_space;
    for (n, visit) in visits.iter().enumerate() {
        for (i, v) in visit.observation.iter().enumerate() {
            if *v < space.low[i] - tolerance(space.low[i]) || *v > space.high[i] + tolerance(space.high[i]) {
                return Err(format!("visit {n}: observation[{i}] = {v} outside [{}, {}]", space.low[i], space.high[i]));
            }
        }
    }
    Ok(())
}

/// ψ of each visited model state is the observation the environment gave there.
fn observed_through_psi(env: &dyn Environment, visits: &[Visit]) -> Result<(), String> {
    let surrogate = env.surrogate();
    for (n, visit) in visits.iter().enumerate() {
        let psi = surrogate.observe(&visit.state, visit.zone.as_ref());
        if psi.len() != visit.observation.len() {
            return Err(format!(
                "visit {n}: ψ(x) has {} values, the observation {}",
                psi.len(),
                visit.observation.len()
            ));
        }
        if let Some(i) = (0..psi.len()).find(|&i| !close(psi[i], visit.observation[i])) {
            return Err(format!("visit {n}: ψ(x)[{i}] = {}, the observation says {}", psi[i], visit.observation[i]));
        }
    }
    Ok(())
}

/// P̂ and r̂ from each visited (x, u) in f64 and on 16 f32 lanes (every lane the same input).
fn backends_agree(model: &dyn SurrogateModel, visits: &[Visit]) -> Result<(), String> {
    let nx = model.layout().state_dim;
    let (mut next, mut lanes_next) = (vec![0.0; nx], vec![Lanes::splat(0.0); nx]);
    let mut stored = [0.0; 16];
    for (n, visit) in visits.iter().enumerate() {
        let zone = visit.zone.as_ref();
        SurrogateIn::<f64>::step(model, &visit.state, &visit.control, &mut next);
        let reward = SurrogateIn::<f64>::reward(model, &visit.state, &visit.control, &next, zone);
        let x: Vec<Lanes> = visit.state.iter().map(|&v| Lanes::splat(v)).collect();
        let u: Vec<Lanes> = visit.control.iter().map(|&v| Lanes::splat(v)).collect();
        SurrogateIn::<Lanes>::step(model, &x, &u, &mut lanes_next);
        let lanes_reward = SurrogateIn::<Lanes>::reward(model, &x, &u, &lanes_next, zone);
        for (i, (f64_value, lanes_value)) in next.iter().zip(&lanes_next).enumerate() {
            lanes_value.store(&mut stored);
            if !close_f32(*f64_value, stored[0]) {
                return Err(format!("visit {n}: P̂(x, u)[{i}] is {f64_value} in f64, {} on lanes", stored[0]));
            }
        }
        lanes_reward.store(&mut stored);
        if !close_f32(reward, stored[0]) {
            return Err(format!("visit {n}: r̂ is {reward} in f64, {} on lanes", stored[0]));
        }
    }
    Ok(())
}

/// `reset_to_state(x)` for visited states: the environment's state is x again and the
/// observation it returns is ψ(x).
fn restores(env: &mut dyn Environment, visits: &[Visit]) -> Result<(), String> {
    let surrogate = env.surrogate();
    for (n, visit) in visits.iter().enumerate().step_by(17) {
        let observation = env.reset_to_state(&visit.state);
        if let Some(i) = (0..visit.state.len()).find(|&i| !close(env.model_state()[i], visit.state[i])) {
            return Err(format!("visit {n}: x[{i}] = {} became {}", visit.state[i], env.model_state()[i]));
        }
        let psi = surrogate.observe(env.model_state(), env.danger_zone().as_ref());
        if let Some(i) = (0..psi.len()).find(|&i| !close(psi[i], observation[i])) {
            return Err(format!("visit {n}: reset_to_state returned {} at [{i}], ψ(x) is {}", observation[i], psi[i]));
        }
    }
    Ok(())
}

/// Rounding allowed around a bound or value of size `v`: f64 arithmetic and f32 storage.
fn tolerance(v: f64) -> f64 {
    1e-6 * v.abs().max(1.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= tolerance(a.abs().max(b.abs()))
}

/// f64 against f32 lanes: f32 rounding, grown over one step of the dynamics.
fn close_f32(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-3 * a.abs().max(b.abs()).max(1.0)
}
