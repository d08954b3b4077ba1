//! Alg. 1 of the paper ("RL + MPPI"), top to bottom: the outer loop, one real step, one update.
//!
//! "l. n" in the comments below is the n-th line of Alg. 1 as printed, `for i = 1 to N` being
//! l. 1. Two readings of the decision record apply throughout: the update period counts real
//! steps (`training.n_steps`, §3), and the critic stays fixed while data are collected, so the
//! value targets of l. 9 are computed at the update, for every tuple of the period at once.
//!
//! | Alg. 1 | here |
//! |---|---|
//! | l. 1–2: episodes and steps | [`Trainer::train`], [`Trainer::iterate`] |
//! | l. 3: M actions from π_θ(·\|s_t) | [`Trainer::hierarchical_step`] |
//! | l. 4: MPPI, one sequence per candidate | [`Trainer::hierarchical_step`] |
//! | l. 5–7: m* executed, D_RL | [`Trainer::hierarchical_step`], [`Trainer::real_step`] |
//! | l. 8–10: m ≠ m* into D_MPPI with V_target | [`Trainer::hierarchical_step`], [`Trainer::update`] |
//! | l. 14–18: ρ (Alg. 2), L, θ | [`Trainer::update`] |

use std::time::Instant;

use rand::Rng;
use rlmpc_core::env::check_transition;
use rlmpc_core::policy::{Critic, Mixing};
use rlmpc_core::scheduler::{mean_ensemble_variance, UpdateStats};
use rlmpc_core::Error;

use super::virtual_rollout::RolloutStart;
use super::{Trainer, UpdateRecord, RECENT_EPISODES};
use crate::config::{Controller, VirtualTarget};
use crate::run_dir::RunDir;

/// What [`Trainer::train`] tells its caller after each update.
pub struct Progress<'a> {
    /// The update's record.
    pub record: &'a UpdateRecord,
    /// Whether the record went to `progress.csv` (see `training.log_every_steps`).
    pub logged: bool,
    /// The budget of real steps.
    pub total_steps: usize,
    /// Seconds trained so far, earlier sessions of a resumed run included.
    pub wall_seconds: f64,
}

impl Trainer {
    /// l. 1–21: collects and updates until the step budget is spent, appending a row to `run`'s
    /// `progress.csv` every `training.log_every_steps` real steps and checkpointing every
    /// `training.checkpoint_every` updates, both also at the end; `on_update` sees every update
    /// (the CLI draws progress with it).
    /// `seconds_before` is the time a resumed run had already trained.
    pub fn train(
        &mut self,
        run: &RunDir,
        seconds_before: f64,
        on_update: &mut dyn FnMut(&Progress<'_>),
    ) -> Result<(), Error> {
        let start = Instant::now();
        let every = self.training.log_every_steps;
        while !self.is_done() {
            let steps_before = self.env_steps;
            let record = self.iterate()?;
            let wall_seconds = seconds_before + start.elapsed().as_secs_f64();
            let logged = record.env_steps / every > steps_before / every || self.is_done();
            if logged {
                run.append_progress(&record.progress_row(wall_seconds))?;
            }
            if record.update % self.training.checkpoint_every == 0 || self.is_done() {
                self.checkpoint(run, wall_seconds)?;
            }
            on_update(&Progress { record: &record, logged, total_steps: self.training.total_steps, wall_seconds });
        }
        Ok(())
    }

    /// l. 2–19 once: [`update_period`](Self::update_period) real steps (fewer at the end of
    /// the budget), then one update.
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

    /// l. 3–13: one real step of the hierarchy (decision record §1).
    fn hierarchical_step(&mut self) -> Result<(), Error> {
        let action_dim = self.learner.action_dim();
        let m = self.candidates;
        // l. 3 (Eq. 4): a^(1..M) ~ π_θ(·|s_t), with log π_old(a^(m)|s_t) for PPO's ratio.
        let mut actions = vec![0.0; m * action_dim];
        let mut log_probs = vec![0.0; m];
        self.learner.sample(&self.observation, &mut actions, &mut log_probs);
        self.check_finite("the policy's action", &actions)?;
        // l. 4 (Eq. 2–3, 38): MPPI from x_t, one sequence U^(m) per candidate on one shared
        // set of rollouts; a `terminal-value` cost term reads the critic (Eq. 41).
        let planner = self.planner.as_mut().expect("hierarchical training has a planner");
        let state = self.env.model_state().to_vec();
        let zone = self.env.danger_zone();
        let planned = planner.optimize(&state, &actions, zone.as_ref(), Some(self.learner.as_ref() as &dyn Critic));
        planned.map_err(|e| self.locate_divergence(e))?;
        let planner = self.planner.as_mut().expect("hierarchical training has a planner");
        // l. 6: m* uniformly, so that D_RL carries no bias towards MPPI's favourite.
        let chosen = self.rng.gen_range(0..m);
        // l. 8–10 (Eq. 6–7): each m ≠ m* becomes a virtual tuple; the surrogate rolls U^(m)
        // out from x_t for its value target, which the update computes (l. 9, decision §2).
        let horizon = match self.training.virtual_target {
            VirtualTarget::HorizonGae => planner.mppi.shape().1,
            VirtualTarget::OneStep => 1,
        };
        let nu = self.env.spec().action_space.dim();
        for c in (0..m).filter(|&c| c != chosen) {
            let plan = planner.mppi.plan(c);
            let start =
                RolloutStart { state: state.clone(), plan: plan[..(horizon * nu).min(plan.len())].to_vec(), zone };
            self.storage.push_virtual(&actions[c * action_dim..(c + 1) * action_dim], log_probs[c], start);
        }
        // U^(m*) becomes the next call's warm start; its first control acts (l. 7).
        planner.mppi.commit(chosen);
        let u = planner.mppi.action(chosen).to_vec();
        self.real_step(&u, &actions[chosen * action_dim..(chosen + 1) * action_dim], log_probs[chosen])
    }

    /// The flat baseline's step: the sampled action is the control; no MPPI, no D_MPPI.
    fn flat_step(&mut self) -> Result<(), Error> {
        let mut action = vec![0.0; self.learner.action_dim()];
        let mut log_prob = [0.0];
        self.learner.sample(&self.observation, &mut action, &mut log_prob);
        self.check_finite("the policy's action", &action)?;
        self.real_step(&action.clone(), &action, log_prob[0])
    }

    /// l. 7 (Eq. 5): applies `u` to the real environment and stores (s_t, a, log π_old, r_t)
    /// in D_RL; an episode's end starts the next (l. 1).
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

    /// l. 14–18: value targets for both buffers, ρ, one update of θ, and the log row.
    fn update(&mut self) -> Result<UpdateRecord, Error> {
        let (gamma, gae_lambda) = (self.training.gamma, self.training.gae_lambda);
        // l. 8: the surrogate rolls every virtual tuple's U^(m) out from its x_t, all of them
        // at once on rayon's pool (each rollout stands alone, so the order of work is free).
        if let Some(planner) = &self.planner {
            self.storage.roll_out_virtual(planner.model.as_ref(), &self.env.spec().action_space);
        }
        // The critic values every stored state in one call.
        let values = self.storage.value_states(self.learner.as_ref(), &self.observation);
        // D_RL's targets: GAE over the real steps, with SB3's timeout bootstrap.
        let real = self.storage.real_batch(&values, gamma, gae_lambda);
        // l. 9: D_MPPI's V_target, GAE at τ = 0 over each virtual rollout (decision §2).
        let virtual_ = self.storage.virtual_batch(&values, gamma, gae_lambda);
        // l. 16: ρ_t by the scheduler; Alg. 2 reads the value heads' spread on real states.
        let heads = self.learner.ensemble_size();
        let mut head_values = vec![0.0; real.len() * heads];
        self.learner.value_heads(&real.observations, &mut head_values);
        self.check_finite("the critic's value heads", &head_values)?;
        let ensemble_variance = mean_ensemble_variance(&head_values, heads);
        let stats = UpdateStats {
            update: self.updates,
            env_steps: self.env_steps,
            ensemble_values: &head_values,
            ensemble_size: heads,
        };
        let rho = self.scheduler.update(&stats);
        self.check_rho(rho)?;
        // l. 15, 17–18: minibatches from both buffers, L = (1 − ρ)L_RL + ρL_MPPI (Eq. 10) or
        // per-sample mixing (Eq. 8), gradient steps on θ.
        let report = self.learner.update(&real, &virtual_, Mixing { rho, mode: self.training.mixing });
        self.check_update(&report)?;
        // PPO is on-policy: both buffers are emptied (decision §3).
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
