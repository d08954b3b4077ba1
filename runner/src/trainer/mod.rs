//! The RL–MPPI trainer, and the flat baseline.
//!
//! - `alg1.rs`: Alg. 1 top to bottom — the loop, one real step, one update;
//! - this file: the trainer's state and how it is built;
//! - `storage`, `virtual_rollout`: D_RL and D_MPPI until the update, and the surrogate's
//!   rollouts of unexecuted candidates;
//! - `checkpoint`, `record`: resuming a killed run exactly, and the training log;
//! - `divergence`: the guards that stop a run whose numbers became NaN.

mod alg1;
mod checkpoint;
mod divergence;
mod learner_file;
mod record;
mod storage;
mod virtual_rollout;

use std::collections::VecDeque;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rlmpc_core::env::Environment;
use rlmpc_core::policy::PolicyLearner;
use rlmpc_core::scheduler::InfluenceScheduler;
use rlmpc_core::Error;

pub use alg1::Progress;
pub use checkpoint::{checkpoint_steps, export_policy, last_learner_path};
pub use record::{ProgressRow, UpdateRecord};
use storage::Storage;

use crate::config::{Controller, Experiment, TrainingConfig, UpdatePeriod};
use crate::factory::Assembly;
use crate::planner::Planner;

/// Training episodes reset with seeds from here on (evaluation uses seed + i), so training
/// never sees the evaluation's initial states by construction.
const TRAINING_SEED_OFFSET: u64 = 1 << 32;
/// Episodes that the running mean return and success rate are taken over (SB3: 100).
const RECENT_EPISODES: usize = 100;

/// The trainer's state between steps.
pub struct Trainer {
    env: Box<dyn Environment>,
    planner: Option<Planner>,
    learner: Box<dyn PolicyLearner>,
    scheduler: Box<dyn InfluenceScheduler>,
    training: TrainingConfig,
    candidates: usize,
    seed: u64,
    rng: ChaCha8Rng,
    storage: Storage,
    observation: Vec<f64>,
    episodes_started: u64,
    /// Reset seed of the current episode and the controls applied since (for resuming).
    episode_seed: u64,
    episode_controls: Vec<f64>,
    episode_return: f64,
    episode_success: bool,
    recent: VecDeque<(f64, bool)>,
    env_steps: usize,
    updates: usize,
}

impl Trainer {
    /// Builds environment, planner (unless flat), learner and scheduler from an experiment.
    pub fn new(experiment: &Experiment) -> Result<Self, Error> {
        let config = &experiment.config;
        let training = config.training.clone();
        let candidates = match training.controller {
            Controller::Hierarchical => config.mppi.candidates,
            Controller::Flat => 1,
        };
        if training.controller == Controller::Hierarchical && candidates < 2 {
            return Err(Error::Invalid(
                "training.controller = \"hierarchical\" needs mppi.candidates ≥ 2 (M; decision record §1 uses 4) \
                 so that unexecuted candidates become virtual tuples"
                    .into(),
            ));
        }
        let Assembly { env, planner, learner } = experiment.assemble()?;
        let observation_dim = env.spec().observation_space.dim();
        let action_dim = learner.action_dim();
        let scheduler = experiment.build_scheduler()?;
        let mut trainer = Self {
            env,
            planner,
            learner,
            scheduler,
            training,
            candidates,
            seed: config.seed,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            storage: Storage::new(observation_dim, action_dim),
            observation: Vec::new(),
            episodes_started: 0,
            episode_seed: 0,
            episode_controls: Vec::new(),
            episode_return: 0.0,
            episode_success: false,
            recent: VecDeque::new(),
            env_steps: 0,
            updates: 0,
        };
        trainer.start_episode();
        Ok(trainer)
    }

    /// Whether the step budget is spent.
    pub fn is_done(&self) -> bool {
        self.env_steps >= self.training.total_steps
    }

    /// The step budget.
    pub fn total_steps(&self) -> usize {
        self.training.total_steps
    }

    /// Real environment steps so far.
    pub fn env_steps(&self) -> usize {
        self.env_steps
    }

    /// Updates done.
    pub fn updates(&self) -> usize {
        self.updates
    }

    /// The learner being trained.
    pub fn learner(&self) -> &dyn PolicyLearner {
        self.learner.as_ref()
    }

    /// Real steps between updates: `n_steps`, or `n_steps / M` (at least 1) with
    /// `update_every = "n_steps / M"`.
    pub fn update_period(&self) -> usize {
        match self.training.update_every {
            UpdatePeriod::NSteps => self.training.n_steps,
            UpdatePeriod::NStepsPerCandidate => (self.training.n_steps / self.candidates).max(1),
        }
    }

    fn start_episode(&mut self) {
        let seed = self.seed.wrapping_add(TRAINING_SEED_OFFSET).wrapping_add(self.episodes_started);
        self.episodes_started += 1;
        self.episode_seed = seed;
        self.episode_controls.clear();
        self.observation = self.env.reset(Some(seed));
        self.episode_return = 0.0;
        self.episode_success = false;
        if let Some(planner) = &mut self.planner {
            planner.mppi.reset();
        }
    }
}
