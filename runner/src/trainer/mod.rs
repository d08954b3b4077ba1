//! The RL–MPPI trainer: Alg. 1 as DECISIONS §1–3 read it, and the flat baseline.
//!
//! Each real step (hierarchical controller):
//! 1. the learner draws M candidate actions a^(m) ~ π(·|s_t) with log π_old (Eq. 4);
//! 2. MPPI optimises one sequence per candidate on one shared noise set (Eq. 2–3);
//! 3. m* is drawn uniformly; u^(m*)_t goes to the real environment; the real tuple (Eq. 5) is
//!    stored;
//! 4. every m ≠ m* becomes a virtual tuple (Eq. 6–7): the surrogate rolls U^(m) from x_t;
//! 5. MPPI keeps U^(m*) as its warm start.
//!
//! Every `n_steps` real steps (or `n_steps / M`, Sec. 4.2), the critic values all stored
//! states, D_RL and D_MPPI get their targets, the scheduler sets ρ (Sec. 4.4), the learner
//! minimises (1 − ρ)L_RL + ρL_MPPI (Eq. 10), and both buffers are emptied.

mod checkpoint;
mod record;
mod storage;
mod virtual_rollout;

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use checkpoint::last_learner_path;
pub use record::{ProgressRow, UpdateRecord};
use storage::Storage;
pub use virtual_rollout::{advantage_at_start, roll_out, VirtualRollout};

use crate::config::{Controller, Experiment, TrainingConfig, UpdatePeriod, VirtualTarget};
use crate::factory::Assembly;
use crate::planner::Planner;
use rlmpc_core::env::{check_transition, Environment};
use rlmpc_core::policy::{Critic, Mixing, PolicyLearner};
use rlmpc_core::scheduler::{mean_ensemble_variance, InfluenceScheduler, UpdateStats};
use rlmpc_core::Error;

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
                "training.controller = \"hierarchical\" needs mppi.candidates ≥ 2 (M; DECISIONS §1 uses 4) \
                 so that unexecuted candidates become virtual tuples"
                    .into(),
            ));
        }
        if training.n_steps == 0 {
            return Err(Error::Invalid("training.n_steps must be at least 1".into()));
        }
        for (name, value) in [("gamma", training.gamma), ("gae_lambda", training.gae_lambda)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::Invalid(format!("training.{name} must lie in [0, 1], got {value}")));
            }
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

    /// How often to checkpoint, in updates.
    pub fn checkpoint_every(&self) -> usize {
        self.training.checkpoint_every.max(1)
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

    /// Collects [`update_period`](Self::update_period) real steps (fewer at the end of the
    /// budget) and updates once.
    pub fn iterate(&mut self) -> Result<UpdateRecord, Error> {
        let steps = self.update_period().min(self.training.total_steps - self.env_steps).max(1);
        for _ in 0..steps {
            match self.training.controller {
                Controller::Hierarchical => self.hierarchical_step()?,
                Controller::Flat => self.flat_step()?,
            }
        }
        self.update()
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

    /// Steps 1–5 of the module docs.
    fn hierarchical_step(&mut self) -> Result<(), Error> {
        let action_dim = self.learner.action_dim();
        let m = self.candidates;
        let mut actions = vec![0.0; m * action_dim];
        let mut log_probs = vec![0.0; m];
        self.learner.sample(&self.observation, &mut actions, &mut log_probs);
        let planner = self.planner.as_mut().expect("hierarchical training has a planner");
        let state = self.env.model_state().to_vec();
        let zone = self.env.danger_zone();
        planner.optimize(&state, &actions, zone.as_ref(), Some(self.learner.as_ref() as &dyn Critic))?;
        let chosen = self.rng.gen_range(0..m);
        let horizon = match self.training.virtual_target {
            VirtualTarget::HorizonGae => planner.mppi.shape().1,
            VirtualTarget::OneStep => 1,
        };
        let action_space = &self.env.spec().action_space;
        for c in (0..m).filter(|&c| c != chosen) {
            let rollout =
                roll_out(planner.model.as_ref(), &state, planner.mppi.plan(c), horizon, action_space, zone.as_ref());
            self.storage.push_virtual(&actions[c * action_dim..(c + 1) * action_dim], log_probs[c], rollout);
        }
        planner.mppi.commit(chosen);
        let u = planner.mppi.action(chosen).to_vec();
        self.real_step(&u, &actions[chosen * action_dim..(chosen + 1) * action_dim], log_probs[chosen])
    }

    /// Flat PPO: the sampled action is the control.
    fn flat_step(&mut self) -> Result<(), Error> {
        let mut action = vec![0.0; self.learner.action_dim()];
        let mut log_prob = [0.0];
        self.learner.sample(&self.observation, &mut action, &mut log_prob);
        self.real_step(&action.clone(), &action, log_prob[0])
    }

    /// Applies `u`, stores the real tuple (s_t, a, log π_old, r), handles episode ends.
    fn real_step(&mut self, u: &[f64], action: &[f64], log_prob: f64) -> Result<(), Error> {
        let transition = self.env.step(u);
        self.episode_controls.extend_from_slice(u);
        self.env_steps += 1;
        check_transition(self.env.spec().name, self.env_steps, &transition)?;
        self.episode_return += transition.reward;
        self.episode_success |= transition.info.success;
        let done = transition.terminated || transition.truncated;
        self.storage.push_real(
            &self.observation,
            action,
            log_prob,
            transition.reward,
            transition.terminated,
            transition.truncated,
            &transition.observation,
        );
        if done {
            if self.recent.len() == RECENT_EPISODES {
                self.recent.pop_front();
            }
            self.recent.push_back((self.episode_return, self.episode_success));
            self.start_episode();
        } else {
            self.observation = transition.observation;
        }
        Ok(())
    }

    /// Targets, ρ, the learner's update, and the log row.
    fn update(&mut self) -> Result<UpdateRecord, Error> {
        let (real, virtual_) = self.storage.batches(
            self.learner.as_ref(),
            &self.observation,
            self.training.gamma,
            self.training.gae_lambda,
        );
        let heads = self.learner.ensemble_size();
        let mut head_values = vec![0.0; real.len() * heads];
        self.learner.value_heads(&real.observations, &mut head_values);
        let ensemble_variance = mean_ensemble_variance(&head_values, heads);
        let stats = UpdateStats {
            update: self.updates,
            env_steps: self.env_steps,
            ensemble_values: &head_values,
            ensemble_size: heads,
        };
        let rho = self.scheduler.update(&stats);
        let report = self.learner.update(&real, &virtual_, Mixing { rho, mode: self.training.mixing });
        self.storage.clear();
        self.updates += 1;
        // NaN until an episode has finished (SB3 logs no `ep_rew_mean` then).
        let finished = self.recent.len() as f64;
        Ok(UpdateRecord {
            update: self.updates,
            env_steps: self.env_steps,
            mean_return: self.recent.iter().map(|r| r.0).sum::<f64>() / finished,
            success_rate: self.recent.iter().filter(|r| r.1).count() as f64 / finished,
            rho,
            confidence: self.scheduler.confidence(),
            report,
            ensemble_variance,
            virtual_tuples: virtual_.len(),
        })
    }
}
