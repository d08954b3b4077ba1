//! From an experiment file to working parts: every plugin it names, built through the
//! registry with its parameters, and the controller assembled from them. The trainer and a
//! trained run (`rlmpc eval`, `render`, `mismatch`) assemble theirs with [`Experiment::assemble`].

use rlmpc_core::cost::{Cost, CostContext};
use rlmpc_core::env::Environment;
use rlmpc_core::mppi::Mppi;
use rlmpc_core::params::PluginSpec;
use rlmpc_core::policy::PolicyLearner;
use rlmpc_core::registry::{CostKind, EnvKind, LearnerKind, LearnerShape, SchedulerKind};
use rlmpc_core::scheduler::InfluenceScheduler;
use rlmpc_core::{Error, WeightedSum};

use crate::config::{Controller, CostTerm, Experiment};
use crate::planner::Planner;

/// The controller an experiment configures: the environment, the policy learner sized for it,
/// and, for the hierarchical controller, the planner whose cost the learner's action shapes.
pub struct Assembly {
    /// The real environment.
    pub env: Box<dyn Environment>,
    /// MPPI with the environment's surrogate and the configured cost; `None` when the
    /// learner acts on the controls directly (`training.controller = "flat"`).
    pub planner: Option<Planner>,
    /// The learner, freshly initialised from the experiment's seed.
    pub learner: Box<dyn PolicyLearner>,
}

impl Experiment {
    /// Builds the environment, the planner (hierarchical controller) and the learner. The
    /// learner's action is the cost's a (`planner.action_dim` entries) under the hierarchy and
    /// the control u under the flat controller.
    pub fn assemble(&self) -> Result<Assembly, Error> {
        let config = &self.config;
        let env = self.build_env()?;
        let (planner, action_dim, action_space) = match config.training.controller {
            Controller::Hierarchical => {
                let action_dim = config.planner.action_dim();
                (Some(Planner::from_experiment(self, env.as_ref(), action_dim)?), action_dim, None)
            }
            Controller::Flat => {
                let space = env.spec().action_space.clone();
                (None, space.dim(), Some(space))
            }
        };
        let observation_dim = env.spec().observation_space.dim();
        let shape = LearnerShape { observation_dim, action_dim, action_space, seed: config.seed };
        let learner = self.build_learner(&shape)?;
        Ok(Assembly { env, planner, learner })
    }

    /// Builds the configured environment, after checking every setting of the experiment
    /// ([`Experiment::check`]): each command builds the environment first.
    pub fn build_env(&self) -> Result<Box<dyn Environment>, Error> {
        self.check()?;
        let env = self.config.env.build::<EnvKind, _>(&self.origin, "env.params", |reg, params| (reg.build)(params));
        env.map_err(|e| self.locate_in("env.params", e))
    }

    /// Builds the configured policy learner (default: `ppo` with its defaults).
    pub fn build_learner(&self, shape: &LearnerShape) -> Result<Box<dyn PolicyLearner>, Error> {
        let spec = self.config.learner.clone().unwrap_or_else(|| PluginSpec::named("ppo"));
        let learner = spec.build::<LearnerKind, _>(&self.origin, "learner.params", |reg, p| (reg.build)(p, shape));
        learner.map_err(|e| self.locate_in("learner.params", e))
    }

    /// Builds the configured influence scheduler (default: `fixed` with ρ = 0).
    pub fn build_scheduler(&self) -> Result<Box<dyn InfluenceScheduler>, Error> {
        match &self.config.scheduler {
            Some(spec) => spec
                .build::<SchedulerKind, _>(&self.origin, "scheduler.params", |reg, p| (reg.build)(p))
                .map_err(|e| self.locate_in("scheduler.params", e)),
            None => {
                let mut params = toml::Table::new();
                params.insert("rho".into(), toml::Value::Float(0.0));
                let spec = PluginSpec { name: "fixed".into(), params: Some(params) };
                spec.build::<SchedulerKind, _>(&self.origin, "scheduler.params", |reg, p| (reg.build)(p))
            }
        }
    }

    /// Builds Eq. 38's weighted sum of the configured cost terms (or −r̂ when none is given).
    pub fn build_cost(&self, context: &CostContext) -> Result<WeightedSum, Error> {
        let default = [CostTerm { name: "negative-reward".into(), weight: 1.0, params: None }];
        let terms = if self.config.costs.is_empty() { &default[..] } else { &self.config.costs[..] };
        let mut built: Vec<(f64, Box<dyn Cost>)> = Vec::with_capacity(terms.len());
        for (i, term) in terms.iter().enumerate() {
            let spec = PluginSpec { name: term.name.clone(), params: term.params.clone() };
            let table = format!("costs[{i}].params");
            built.push((
                term.weight,
                spec.build::<CostKind, _>(&self.origin, &table, |reg, p| (reg.build)(p, context))
                    .map_err(|e| self.locate_in(&table, e))?,
            ));
        }
        Ok(WeightedSum::new(built))
    }
}

impl Planner {
    /// The low level an experiment configures for `env`: the environment's surrogate, the
    /// configured cost for RL actions of `action_dim` entries, and MPPI bounded by the action
    /// space (where the config gives no bounds) and seeded with the experiment's seed.
    pub fn from_experiment(experiment: &Experiment, env: &dyn Environment, action_dim: usize) -> Result<Self, Error> {
        let model = env.surrogate();
        let layout = model.layout();
        let cost = experiment.build_cost(&CostContext { layout: layout.clone(), action_dim })?;
        let space = &env.spec().action_space;
        let config = &experiment.config;
        let mppi = Mppi::new(&config.mppi, layout.control_dim, Some((&space.low, &space.high)), config.seed)
            .map_err(|e| experiment.locate(e))?;
        Ok(Self { mppi, model, cost: Box::new(cost) })
    }
}
