//! Reference fixtures: initial states and per-step actions recorded from Gymnasium (the JSON
//! format of `tests/data/`), and their replay through an [`Environment`] (`rlmpc rollout`).
//!
//! Three layouts are read, trajectories kept in file order:
//! - `{"sets": {set_name: [trajectory, …], …}}` with `torques: [T]` (Acrobot); ids become
//!   `"<set_name>/<id>"`;
//! - `{"trajectories": [trajectory, …]}` with `actions: [T]` of scalars or of vectors
//!   (Pendulum); ids stay `"<id>"`;
//! - `{"<kind>_runs": [run, …], …}` (Lunar Lander): each run starts from its recorded random
//!   draws instead of a state: `rng` holds the draws of `reset` as lists in draw order (file
//!   order), `dispersion_draws: [T][k]` those of each step, `actions: [T][m]`; ids become
//!   `"<kind>_runs/<seed>"`.
//!
//! Every trajectory has `id` and `initial_state` (runs: `seed` and the draws); other fields
//! are ignored.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::env::Environment;
use crate::{Error, Result};

/// How a recorded trajectory starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    /// From model state x_0 ([`Environment::reset_to_state`]).
    State(Vec<f64>),
    /// From a reset that consumes these random draws, then one per-step batch after another
    /// ([`Environment::reset_with_draws`]).
    Draws(Vec<f64>),
}

/// One recorded trajectory: its start and the actions applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    /// `"<set_name>/<id>"` for files with sets, `"<kind>_runs/<seed>"` for runs, `"<id>"`
    /// otherwise.
    pub id: String,
    /// Where the trajectory starts.
    pub start: Start,
    /// u_t of each step (a scalar action is a one-element vector).
    pub actions: Vec<Vec<f64>>,
}

/// A fixture file: where it came from and its trajectories in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Fixture {
    /// Path (or label) used in error messages.
    pub origin: String,
    /// The trajectories.
    pub trajectories: Vec<Trajectory>,
}

/// What a replay recorded: `T + 1` states and observations, `T` of everything else.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replayed {
    /// The trajectory's id.
    pub id: String,
    /// Model states x_0 … x_T.
    pub states: Vec<Vec<f64>>,
    /// Observations ψ(x_0) … ψ(x_T).
    pub observations: Vec<Vec<f64>>,
    /// Reward of each step.
    pub rewards: Vec<f64>,
    /// `terminated` of each step.
    pub terminated: Vec<bool>,
    /// `truncated` of each step.
    pub truncated: Vec<bool>,
}

#[derive(Deserialize)]
struct RawFile {
    sets: Option<Map<String, Value>>,
    trajectories: Option<Vec<RawTrajectory>>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

/// A run that starts from recorded random draws (Lunar Lander's reference layout).
#[derive(Deserialize)]
struct RawRun {
    seed: Value,
    rng: Map<String, Value>,
    dispersion_draws: Vec<Vec<f64>>,
    actions: Vec<Vec<f64>>,
}

impl RawRun {
    fn into_trajectory(self, kind: &str) -> Result<Trajectory, String> {
        let id = format!("{kind}/{}", self.seed);
        let mut draws = Vec::new();
        for (name, values) in self.rng {
            let values: Vec<f64> = serde_json::from_value(values)
                .map_err(|e| format!("run `{id}`: rng.{name} is not a list of numbers: {e}"))?;
            draws.extend(values);
        }
        if self.dispersion_draws.len() != self.actions.len() {
            return Err(format!(
                "run `{id}` has {} actions but {} steps of draws",
                self.actions.len(),
                self.dispersion_draws.len()
            ));
        }
        draws.extend(self.dispersion_draws.into_iter().flatten());
        Ok(Trajectory { id, start: Start::Draws(draws), actions: self.actions })
    }
}

#[derive(Deserialize)]
struct RawTrajectory {
    id: Value,
    initial_state: Vec<f64>,
    torques: Option<Vec<f64>>,
    actions: Option<Vec<RawAction>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAction {
    Scalar(f64),
    Vector(Vec<f64>),
}

impl RawTrajectory {
    fn into_trajectory(self, set: Option<&str>) -> Result<Trajectory, String> {
        let id = match self.id {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let id = match set {
            Some(set) => format!("{set}/{id}"),
            None => id,
        };
        let actions: Vec<Vec<f64>> = match (self.torques, self.actions) {
            (Some(torques), None) => torques.into_iter().map(|u| vec![u]).collect(),
            (None, Some(actions)) => actions
                .into_iter()
                .map(|a| match a {
                    RawAction::Scalar(u) => vec![u],
                    RawAction::Vector(u) => u,
                })
                .collect(),
            (Some(_), Some(_)) => return Err(format!("trajectory `{id}` has both `torques` and `actions`")),
            (None, None) => return Err(format!("trajectory `{id}` has neither `torques` nor `actions`")),
        };
        if let Some(first) = actions.first() {
            if first.is_empty() || actions.iter().any(|u| u.len() != first.len()) {
                return Err(format!("trajectory `{id}`: every action must have the same, non-zero length"));
            }
        }
        Ok(Trajectory { id, start: Start::State(self.initial_state), actions })
    }
}

/// Reads a fixture file (see the module docs for the layouts).
pub fn load(path: &Path) -> Result<Fixture> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    parse(&text, &path.display().to_string())
}

/// Parses fixture text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Fixture> {
    let invalid = |message: String| Error::Invalid(format!("fixture {origin}: {message}"));
    let raw: RawFile = serde_json::from_str(text).map_err(|e| invalid(format!("not a reference fixture: {e}")))?;
    let mut trajectories = Vec::new();
    let runs: Vec<(String, Value)> = raw.other.into_iter().filter(|(key, _)| key.ends_with("_runs")).collect();
    if !runs.is_empty() {
        if raw.sets.is_some() || raw.trajectories.is_some() {
            return Err(invalid("mixes `*_runs` with `sets` or `trajectories`".into()));
        }
        for (kind, value) in runs {
            let runs: Vec<RawRun> = serde_json::from_value(value).map_err(|e| invalid(format!("`{kind}`: {e}")))?;
            for run in runs {
                trajectories.push(run.into_trajectory(&kind).map_err(invalid)?);
            }
        }
        return Ok(Fixture { origin: origin.to_string(), trajectories });
    }
    match (raw.sets, raw.trajectories) {
        (Some(sets), None) => {
            for (name, value) in sets {
                let set: Vec<RawTrajectory> =
                    serde_json::from_value(value).map_err(|e| invalid(format!("set `{name}`: {e}")))?;
                for raw in set {
                    trajectories.push(raw.into_trajectory(Some(&name)).map_err(invalid)?);
                }
            }
        }
        (None, Some(raw)) => {
            for raw in raw {
                trajectories.push(raw.into_trajectory(None).map_err(invalid)?);
            }
        }
        (Some(_), Some(_)) => return Err(invalid("has both `sets` and `trajectories`".into())),
        (None, None) => return Err(invalid("has neither `sets`, `trajectories` nor `*_runs`".into())),
    }
    Ok(Fixture { origin: origin.to_string(), trajectories })
}

/// Why `trajectory` cannot run in `env`, if it cannot.
fn mismatch(env: &dyn Environment, trajectory: &Trajectory) -> Option<String> {
    let (name, state_dim, action_dim) = (env.spec().name, env.model_state().len(), env.spec().action_space.dim());
    let id = &trajectory.id;
    if let Start::State(state) = &trajectory.start {
        if state.len() != state_dim {
            return Some(format!(
                "trajectory `{id}` starts from a {}-component state, but `{name}` has {state_dim} state components",
                state.len()
            ));
        }
    }
    let bad = trajectory.actions.iter().find(|u| u.len() != action_dim)?;
    Some(format!("trajectory `{id}` has {}-component actions, but `{name}` takes {action_dim}", bad.len()))
}

/// Replays one trajectory: `reset_to_state(x_0)` or `reset_with_draws(draws)`, then every
/// action, without stopping at termination or truncation.
pub fn replay(env: &mut dyn Environment, trajectory: &Trajectory) -> Result<Replayed> {
    if let Some(message) = mismatch(env, trajectory) {
        return Err(Error::Invalid(message));
    }
    let steps = trajectory.actions.len();
    let mut out = Replayed {
        id: trajectory.id.clone(),
        states: Vec::with_capacity(steps + 1),
        observations: Vec::with_capacity(steps + 1),
        rewards: Vec::with_capacity(steps),
        terminated: Vec::with_capacity(steps),
        truncated: Vec::with_capacity(steps),
    };
    let first = match &trajectory.start {
        Start::State(state) => env.reset_to_state(state),
        Start::Draws(draws) => env.reset_with_draws(draws)?,
    };
    out.observations.push(first);
    out.states.push(env.model_state().to_vec());
    for u in &trajectory.actions {
        let transition = env.step(u);
        out.states.push(env.model_state().to_vec());
        out.observations.push(transition.observation);
        out.rewards.push(transition.reward);
        out.terminated.push(transition.terminated);
        out.truncated.push(transition.truncated);
    }
    Ok(out)
}

/// Replays every trajectory of `fixture` in file order (checking all of them first).
pub fn replay_all(env: &mut dyn Environment, fixture: &Fixture) -> Result<Vec<Replayed>> {
    if let Some(message) = fixture.trajectories.iter().find_map(|t| mismatch(env, t)) {
        return Err(Error::Invalid(format!("fixture {}: {message}", fixture.origin)));
    }
    fixture.trajectories.iter().map(|t| replay(env, t)).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::env::{BoxSpace, EnvSpec, StepInfo, Transition};
    use crate::model::SurrogateModel;
    use crate::DangerZone;

    /// x' = x + u; terminal once x > 1; observation [x, 2x]; reward x'.
    struct Counter {
        spec: EnvSpec,
        x: Vec<f64>,
        steps: usize,
    }

    impl Counter {
        fn new() -> Self {
            let space = |n| BoxSpace { low: vec![-9.0; n], high: vec![9.0; n] };
            let spec =
                EnvSpec { name: "counter", observation_space: space(2), action_space: space(1), max_episode_steps: 2 };
            Self { spec, x: vec![0.0], steps: 0 }
        }
    }

    impl Environment for Counter {
        fn spec(&self) -> &EnvSpec {
            &self.spec
        }
        fn reset(&mut self, _seed: Option<u64>) -> Vec<f64> {
            self.reset_to_state(&[0.0])
        }
        fn step(&mut self, u: &[f64]) -> Transition {
            self.x[0] += u[0];
            self.steps += 1;
            Transition {
                observation: vec![self.x[0], 2.0 * self.x[0]],
                reward: self.x[0],
                terminated: self.x[0] > 1.0,
                truncated: self.steps >= self.spec.max_episode_steps,
                info: StepInfo::default(),
            }
        }
        fn model_state(&self) -> &[f64] {
            &self.x
        }
        fn reset_to_state(&mut self, state: &[f64]) -> Vec<f64> {
            self.x = state.to_vec();
            self.steps = 0;
            vec![self.x[0], 2.0 * self.x[0]]
        }
        fn danger_zone(&self) -> Option<DangerZone> {
            None
        }
        fn surrogate(&self) -> Arc<dyn SurrogateModel> {
            unreachable!("replay never asks for the model")
        }
    }

    const SETS: &str = r#"{"generator": "g", "sets": {
        "zeta": [{"id": 0, "initial_state": [0.5], "torques": [1.0, -0.25, 2.0], "states": []}],
        "alpha": [{"id": 3, "initial_state": [0.0], "torques": []}, {"id": "x", "initial_state": [1.0], "torques": [0.5]}]
    }}"#;

    #[test]
    fn sets_keep_file_order_and_prefix_ids() {
        let fixture = parse(SETS, "sets.json").unwrap();
        let ids: Vec<&str> = fixture.trajectories.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["zeta/0", "alpha/3", "alpha/x"]);
        assert_eq!(fixture.trajectories[0].actions, vec![vec![1.0], vec![-0.25], vec![2.0]]);
        assert_eq!(fixture.trajectories[0].start, Start::State(vec![0.5]));
    }

    #[test]
    fn runs_start_from_their_draws_in_draw_order() {
        let text = r#"{"generator": "g", "random_runs": [{"seed": 4, "rng": {"terrain": [0.5, 0.25], "force": [9.0]},
            "dispersion_draws": [[0.1, 0.2], [0.3, 0.4]], "actions": [[1], [0]], "observations": []}]}"#;
        let fixture = parse(text, "runs.json").unwrap();
        let run = &fixture.trajectories[0];
        assert_eq!(run.id, "random_runs/4");
        assert_eq!(run.start, Start::Draws(vec![0.5, 0.25, 9.0, 0.1, 0.2, 0.3, 0.4]));
        assert_eq!(run.actions, vec![vec![1.0], vec![0.0]]);
        // An environment without replayable draws refuses, naming why.
        let message = replay(&mut Counter::new(), run).unwrap_err().to_string();
        assert!(message.contains("does not replay recorded random draws"), "{message}");
    }

    #[test]
    fn trajectories_accept_scalar_and_vector_actions() {
        let text = r#"{"trajectories": [{"id": 7, "initial_state": [1, 2], "actions": [0.5, [1.5]]}]}"#;
        let fixture = parse(text, "p.json").unwrap();
        assert_eq!(fixture.trajectories[0].id, "7");
        assert_eq!(fixture.trajectories[0].actions, vec![vec![0.5], vec![1.5]]);
    }

    #[test]
    fn malformed_files_name_the_file_and_the_problem() {
        let cases = [
            ("{}", "neither `sets`, `trajectories` nor `*_runs`"),
            (r#"{"a_runs": [{"seed": 0, "rng": {}, "dispersion_draws": [[1]], "actions": []}]}"#, "1 steps of draws"),
            (r#"{"a_runs": [{"seed": 0, "rng": {"f": [true]}, "dispersion_draws": [], "actions": []}]}"#, "rng.f"),
            (r#"{"trajectories": [{"id": 1, "initial_state": [0]}]}"#, "neither `torques` nor `actions`"),
            (r#"{"trajectories": [{"id": 1, "initial_state": [0], "actions": [[1], [1, 2]]}]}"#, "same"),
            (r#"{"sets": {"s": [{"initial_state": [0], "torques": []}]}}"#, "set `s`"),
            ("[1, 2", "not a reference fixture"),
        ];
        for (text, needle) in cases {
            let message = parse(text, "bad.json").unwrap_err().to_string();
            assert!(message.contains("bad.json") && message.contains(needle), "{message}");
        }
        let missing = load(Path::new("/nonexistent/fixture.json")).unwrap_err();
        assert!(matches!(missing, Error::Io { .. }), "{missing}");
    }

    #[test]
    fn replay_records_every_step_past_termination() {
        let fixture = parse(SETS, "sets.json").unwrap();
        let mut env = Counter::new();
        let runs = replay_all(&mut env, &fixture).unwrap();
        assert_eq!(runs.len(), 3);
        let run = &runs[0];
        assert_eq!(run.id, "zeta/0");
        assert_eq!(run.states, vec![vec![0.5], vec![1.5], vec![1.25], vec![3.25]]);
        assert_eq!(run.observations[0], vec![0.5, 1.0]);
        assert_eq!(run.observations[3], vec![3.25, 6.5]);
        assert_eq!(run.rewards, vec![1.5, 1.25, 3.25]);
        assert_eq!(run.terminated, vec![true, true, true]);
        assert_eq!(run.truncated, vec![false, true, true]);
        assert_eq!(runs[1].states, vec![vec![0.0]]);
        assert!(runs[1].rewards.is_empty());
        let json = serde_json::to_value(&runs[2]).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "states", "observations", "rewards", "terminated", "truncated"]);
    }

    #[test]
    fn replay_rejects_mismatched_dimensions() {
        let text = r#"{"trajectories": [{"id": 0, "initial_state": [0, 0], "actions": [1]}]}"#;
        let message = replay_all(&mut Counter::new(), &parse(text, "p.json").unwrap()).unwrap_err().to_string();
        assert!(message.contains("p.json") && message.contains("2-component state"), "{message}");
        let text = r#"{"trajectories": [{"id": 0, "initial_state": [0], "actions": [[1, 2]]}]}"#;
        let fixture = parse(text, "p.json").unwrap();
        let message = replay(&mut Counter::new(), &fixture.trajectories[0]).unwrap_err().to_string();
        assert!(message.contains("2-component actions"), "{message}");
    }
}
