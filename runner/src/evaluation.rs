//! Running episodes of the hierarchical controller and summarising them as the paper's
//! tables do (mean ± std over episodes, decision record §7).

use rlmpc_core::env::{check_transition, Environment};
use rlmpc_core::policy::HighLevelPolicy;
use rlmpc_core::Error;

use crate::planner::Planner;

/// What one episode achieved.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EpisodeResult {
    /// The task was accomplished (goal height, safe landing, finish).
    pub success: bool,
    /// Steps taken.
    pub steps: usize,
    /// Sum of rewards.
    pub episode_return: f64,
    /// Steps that ended inside the danger zone.
    pub danger_steps: usize,
    /// The environment's own metrics at the end ([`Environment::episode_metrics`]).
    pub domain: Vec<(&'static str, f64)>,
}

impl EpisodeResult {
    /// The value of metric `name`: one of the four common ones or a domain metric.
    pub fn metric(&self, name: &str) -> Option<f64> {
        match name {
            "success" => Some(f64::from(u8::from(self.success))),
            "steps" => Some(self.steps as f64),
            "return" => Some(self.episode_return),
            "danger_steps" => Some(self.danger_steps as f64),
            _ => self.domain.iter().find(|(n, _)| *n == name).map(|(_, v)| *v),
        }
    }
}

/// The metrics every episode reports, in table order ([`EpisodeResult::metric`] names).
pub const COMMON_METRICS: [&str; 4] = ["success", "steps", "return", "danger_steps"];

/// Names of the metrics of `results`: the [`COMMON_METRICS`], then the domain's, in the order
/// the environment reports them.
pub fn metric_names(results: &[EpisodeResult]) -> Vec<&'static str> {
    let mut names = COMMON_METRICS.to_vec();
    for result in results {
        for (name, _) in &result.domain {
            if !names.contains(name) {
                names.push(name);
            }
        }
    }
    names
}

/// Mean and standard deviation (population, NumPy's default `ddof = 0`) of one metric.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MetricSummary {
    /// Metric name.
    pub name: &'static str,
    /// Mean over episodes.
    pub mean: f64,
    /// Standard deviation over episodes.
    pub std: f64,
}

/// Mean ± std of every metric in [`metric_names`] (over the episodes that report it).
pub fn summarize(results: &[EpisodeResult]) -> Vec<MetricSummary> {
    metric_names(results)
        .into_iter()
        .map(|name| {
            let values: Vec<f64> = results.iter().filter_map(|r| r.metric(name)).collect();
            let (mean, std) = mean_and_std(&values);
            MetricSummary { name, mean, std }
        })
        .collect()
}

/// Mean and population standard deviation (ddof = 0, as the paper's tables report them); 0
/// and 0 for no values.
pub fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Runs one episode with the policy's deterministic action. With a planner (the hierarchy),
/// each step the policy proposes `a`, MPPI plans under it, and the first control is applied;
/// without one (a flat policy), the action is the control. `seed` resets the environment.
pub fn run_episode(
    env: &mut dyn Environment,
    planner: Option<&mut Planner>,
    policy: &mut dyn HighLevelPolicy,
    seed: u64,
) -> Result<EpisodeResult, Error> {
    run_episode_observed(env, planner, policy, seed, &mut |_| {})
}

/// The control applied in `env`'s current state: the policy's deterministic action (its mean)
/// for `observation`, passed through MPPI when there is a planner (the first control of the
/// optimised sequence, which then becomes the warm start), or applied as it is by a flat
/// policy. `action` is scratch space of the policy's action size.
pub fn choose_control(
    env: &dyn Environment,
    planner: Option<&mut Planner>,
    policy: &mut dyn HighLevelPolicy,
    observation: &[f64],
    action: &mut [f64],
) -> Result<Vec<f64>, Error> {
    policy.propose(observation, action);
    match planner {
        Some(planner) => {
            let zone = env.danger_zone();
            let state = env.model_state().to_vec();
            planner.optimize(&state, action, zone.as_ref(), policy.critic())?;
            planner.mppi.commit(0);
            Ok(planner.mppi.action(0).to_vec())
        }
        None => Ok(action.to_vec()),
    }
}

/// What [`run_episode_observed`] shows its observer: the environment after the reset or a
/// step and, after a step, what led to it.
pub struct Observed<'a> {
    /// The environment, after the reset or the step.
    pub env: &'a dyn Environment,
    /// The RL action a_t the policy chose for the step (empty after the reset).
    pub action: &'a [f64],
    /// The control u_t applied (empty after the reset).
    pub control: &'a [f64],
    /// The planner, holding the plan it made from the state before the step
    /// ([`Mppi::plan`](rlmpc_core::mppi::Mppi::plan)`(0)`); `None` for a flat policy.
    pub planner: Option<&'a Planner>,
}

/// [`run_episode`], calling `observe` after the reset and after every step (e.g. to record
/// the model states for a picture, or MPPI's predictions).
pub fn run_episode_observed(
    env: &mut dyn Environment,
    mut planner: Option<&mut Planner>,
    policy: &mut dyn HighLevelPolicy,
    seed: u64,
    observe: &mut dyn FnMut(Observed<'_>),
) -> Result<EpisodeResult, Error> {
    let name = env.spec().name;
    let mut observation = env.reset(Some(seed));
    observe(Observed { env: &*env, action: &[], control: &[], planner: planner.as_deref() });
    if let Some(planner) = planner.as_deref_mut() {
        planner.mppi.reset();
    }
    let mut action = vec![0.0; policy.action_dim()];
    let mut result =
        EpisodeResult { success: false, steps: 0, episode_return: 0.0, danger_steps: 0, domain: Vec::new() };
    loop {
        let control = choose_control(&*env, planner.as_deref_mut(), policy, &observation, &mut action)?;
        let transition = env.step(&control);
        observe(Observed { env: &*env, action: &action, control: &control, planner: planner.as_deref() });
        result.steps += 1;
        check_transition(name, result.steps, &transition)?;
        result.episode_return += transition.reward;
        result.success |= transition.info.success;
        result.danger_steps += usize::from(transition.info.in_danger_zone);
        if transition.terminated || transition.truncated {
            result.domain = env.episode_metrics();
            return Ok(result);
        }
        observation = transition.observation;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_mean_and_population_std() {
        let r = |success, steps, ret, distance| EpisodeResult {
            success,
            steps,
            episode_return: ret,
            danger_steps: 0,
            domain: vec![("distance", distance)],
        };
        let s = summarize(&[r(true, 80, -79.0, 1.0), r(false, 500, -500.0, 3.0)]);
        assert_eq!(s[0].mean, 0.5);
        assert_eq!(s[0].std, 0.5);
        assert_eq!(s[1].mean, 290.0);
        assert_eq!(s[1].std, 210.0);
        assert_eq!(s[2].mean, -289.5);
        assert_eq!((s[4].name, s[4].mean, s[4].std), ("distance", 2.0, 1.0));
    }
}
