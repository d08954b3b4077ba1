//! `rlmpc mismatch`: how far the surrogate M̂ = (P̂, r̂) is from the real environment — the
//! α_P and α_r of Assumption 1 made visible. From states a uniform random policy visits, or
//! (`--run DIR`) those a trained run's controller visits with its own controls, one real step
//! is compared with one surrogate step (f64 backend) from the same state and control:
//! |P̂(x, u) − x'| per model-state component and |r̂(x, u, P̂(x, u)) − r| for the reward.

use std::path::PathBuf;

use anyhow::Context;
use rand::SeedableRng;
use rlmpc::core::model::SurrogateIn;
use rlmpc::core::params::PluginSpec;
use rlmpc::core::registry::EnvKind;
use rlmpc::core::{BoxSpace, Environment, PolicyLearner};
use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::choose_control;
use rlmpc::runner::planner::Planner;

use super::eval::TrainedRun;
use super::plugin_args::PluginArgs;
use super::table::table;

/// Arguments of `rlmpc mismatch`.
#[derive(clap::Args)]
pub struct Args {
    /// Registry name of the environment, built with its default parameters (`rlmpc list`).
    #[arg(long, required_unless_present_any = ["config", "run"], conflicts_with_all = ["config", "run"])]
    env: Option<String>,
    /// Experiment file whose `[env]` (name and parameters) is measured.
    #[arg(long, conflicts_with = "run")]
    config: Option<PathBuf>,
    /// Run directory written by `rlmpc train`: measure on the states its trained controller
    /// visits (deterministic policy, as `rlmpc eval` acts), with its controls.
    #[arg(long)]
    run: Option<PathBuf>,
    /// Transitions to compare.
    #[arg(long, default_value_t = 10_000)]
    samples: usize,
    /// Seed of the episodes and of the random actions (default 0, or the run's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Also write the table as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    #[command(flatten)]
    plugins: PluginArgs,
}

/// Mean, 95th percentile and maximum of |error| over the samples.
#[derive(Debug, serde::Serialize)]
struct ErrorStats {
    name: String,
    mean: f64,
    p95: f64,
    max: f64,
}

impl ErrorStats {
    fn of(name: String, mut errors: Vec<f64>) -> Self {
        errors.sort_by(f64::total_cmp);
        let n = errors.len();
        let mean = errors.iter().sum::<f64>() / n as f64;
        // Nearest rank: the smallest error that at least 95% of the samples do not exceed.
        let p95 = errors[((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1];
        Self { name, mean, p95, max: errors[n - 1] }
    }
}

/// Where the controls of the compared steps come from.
trait Controls {
    /// A new episode begins.
    fn start_episode(&mut self);
    /// The control for `env`'s current state, whose observation is `observation`.
    fn control(&mut self, env: &dyn Environment, observation: &[f64]) -> anyhow::Result<Vec<f64>>;
}

/// Uniformly random controls within the action space.
struct UniformControls {
    space: BoxSpace,
    rng: rand_chacha::ChaCha8Rng,
}

impl Controls for UniformControls {
    fn start_episode(&mut self) {}
    fn control(&mut self, _: &dyn Environment, _: &[f64]) -> anyhow::Result<Vec<f64>> {
        let mut u = vec![0.0; self.space.dim()];
        self.space.sample_into(&mut self.rng, &mut u);
        Ok(u)
    }
}

/// A trained run's controller, acting as in evaluation.
struct TrainedControls<'a> {
    learner: &'a mut dyn PolicyLearner,
    planner: Option<&'a mut Planner>,
    action: Vec<f64>,
}

impl Controls for TrainedControls<'_> {
    fn start_episode(&mut self) {
        if let Some(planner) = self.planner.as_deref_mut() {
            planner.mppi.reset();
        }
    }
    fn control(&mut self, env: &dyn Environment, observation: &[f64]) -> anyhow::Result<Vec<f64>> {
        Ok(choose_control(env, self.planner.as_deref_mut(), self.learner, observation, &mut self.action)?)
    }
}

/// The samples' errors: per state component, then the reward's; and how many terminal
/// steps were left out of the reward (their ±100 is excluded from r̂ by design).
fn measure(
    env: &mut dyn Environment,
    controls: &mut dyn Controls,
    samples: usize,
    seed: u64,
) -> anyhow::Result<(Vec<Vec<f64>>, Vec<f64>, usize)> {
    let model = env.surrogate();
    let dim = env.model_state().len();
    let (mut state_errors, mut reward_errors, mut terminal) = (vec![Vec::new(); dim], Vec::new(), 0);
    let mut episode = 0;
    let mut observation = env.reset(Some(seed));
    controls.start_episode();
    let mut predicted = vec![0.0; dim];
    for _ in 0..samples {
        let x = env.model_state().to_vec();
        let u = controls.control(&*env, &observation)?;
        let zone = env.danger_zone();
        let step = env.step(&u);
        SurrogateIn::<f64>::step(model.as_ref(), &x, &u, &mut predicted);
        for (errors, (p, real)) in state_errors.iter_mut().zip(predicted.iter().zip(env.model_state())) {
            errors.push((p - real).abs());
        }
        if step.terminated {
            terminal += 1;
        } else {
            let reward = SurrogateIn::<f64>::reward(model.as_ref(), &x, &u, &predicted, zone.as_ref());
            reward_errors.push((reward - step.reward).abs());
        }
        observation = step.observation;
        if step.terminated || step.truncated {
            episode += 1;
            observation = env.reset(Some(seed.wrapping_add(episode)));
            controls.start_episode();
        }
    }
    Ok((state_errors, reward_errors, terminal))
}

/// Measures and prints the table.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.samples == 0 {
        anyhow::bail!("--samples must be at least 1");
    }
    args.plugins.load()?;
    let (name, seed, policy, (state_errors, reward_errors, terminal)) = match &args.run {
        Some(path) => {
            let TrainedRun { experiment, mut env, mut learner, mut planner, .. } = TrainedRun::load(path, None, &[])?;
            let seed = args.seed.unwrap_or(experiment.config.seed);
            let action = vec![0.0; learner.action_dim()];
            let mut controls = TrainedControls { learner: learner.as_mut(), planner: planner.as_mut(), action };
            let errors = measure(env.as_mut(), &mut controls, args.samples, seed)?;
            (env.spec().name, seed, format!("the trained controller of {}", path.display()), errors)
        }
        None => {
            let mut env = match (&args.env, &args.config) {
                (_, Some(path)) => {
                    let experiment = Experiment::load(path)?;
                    rlmpc::loader::load_all(experiment.plugin_paths())?;
                    experiment.build_env()?
                }
                (Some(name), None) => {
                    PluginSpec::named(name).build::<EnvKind, _>("--env", "defaults", |reg, p| (reg.build)(p))?
                }
                (None, None) => unreachable!("clap requires --env, --config or --run"),
            };
            let seed = args.seed.unwrap_or(0);
            let rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut controls = UniformControls { space: env.spec().action_space.clone(), rng };
            let errors = measure(env.as_mut(), &mut controls, args.samples, seed)?;
            (env.spec().name, seed, "a uniform random policy".to_string(), errors)
        }
    };
    let mut rows: Vec<ErrorStats> =
        state_errors.into_iter().enumerate().map(|(i, errors)| ErrorStats::of(format!("x[{i}]"), errors)).collect();
    if !reward_errors.is_empty() {
        rows.push(ErrorStats::of("reward".into(), reward_errors));
    }
    println!(
        "one-step surrogate error on `{name}`: {} transitions of {policy} (seed {seed}), reward over the {} \
         non-terminal ones",
        args.samples,
        args.samples - terminal
    );
    let cells = rows
        .iter()
        .map(|r| vec![r.name.clone(), format!("{:.3e}", r.mean), format!("{:.3e}", r.p95), format!("{:.3e}", r.max)])
        .collect();
    println!("{}", table(&["error of", "mean", "p95", "max"], cells));
    if let Some(path) = &args.json {
        let json =
            serde_json::json!({ "env": name, "samples": args.samples, "terminal_steps": terminal, "errors": rows });
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
