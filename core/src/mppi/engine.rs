//! The MPPI controller: pytorch-mppi 0.9.1's `command()` step by step (reference README §4),
//! generalised to M candidate cost parameterisations on one shared set of rollouts.

use rayon::prelude::*;

use super::chunk::ChunkTask;
use super::config::{MppiConfig, Settings};
use super::device::device_path;
use super::graph_path::{BoxedDevicePath, HostCopies, HostResults, HostView};
use super::limits::{CHUNK, MAX_ACTION_VALUES, MAX_CANDIDATES, MAX_DIM};
use super::parallel_rollouts::ParallelRollouts;
use super::rollout::RolloutJob;
use super::sampling::{transform, NoiseInput};
use super::update::update_on_host;
use crate::cost::Cost;
use crate::geometry::DangerZone;
use crate::model::SurrogateModel;
use crate::Error;

/// The state an MPPI controller carries between calls (see [`Mppi::warm_start`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WarmStart {
    /// Ū, not yet shifted.
    pub nominal: Vec<f64>,
    /// Calls made so far.
    pub calls: u64,
}

/// An MPPI controller with its nominal sequence and the diagnostics of its last call.
pub struct Mppi {
    s: Settings,
    seed: u64,
    calls: u64,
    /// Ū as left by the last [`Mppi::commit`] (not yet shifted).
    nominal: Vec<f64>,
    /// Ū shifted by one step: the sequence perturbed by the last call.
    shifted: Vec<f64>,
    /// ε̃ = clamp(Ū + ε) − Ū, `[K][H][nu]`.
    noise: Vec<f64>,
    /// P_k, the perturbation cost.
    perturbation: Vec<f64>,
    /// S_k^(m), rollout cost under candidate m, `[K][M]`.
    rollout_costs: Vec<f64>,
    /// x_H of each sample, `[K][nx]`.
    final_states: Vec<f64>,
    /// S + P under each candidate, `[M][K]`.
    totals: Vec<f64>,
    /// ω under each candidate, `[M][K]`.
    weights: Vec<f64>,
    /// U^(m), the updated sequence of each candidate, `[M][H][nu]`.
    plans: Vec<f64>,
    /// Where steps 2–10 run for a device backend (issue 18); `None` on the CPU backends.
    device: Option<BoxedDevicePath>,
    /// Whether the CPU rollouts run on rayon's pool.
    parallel_rollouts: ParallelRollouts,
}

impl Mppi {
    /// A controller for controls of size `nu`; `bounds` are the environment's action bounds,
    /// used where the config gives no `u_min` / `u_max`. `seed` fixes the noise.
    pub fn new(config: &MppiConfig, nu: usize, bounds: Option<(&[f64], &[f64])>, seed: u64) -> Result<Self, Error> {
        if nu > MAX_DIM {
            return Err(Error::Invalid(format!("MPPI supports controls of at most {MAX_DIM} entries, not {nu}")));
        }
        if config.candidates > MAX_CANDIDATES {
            return Err(Error::Setting {
                key: "mppi.candidates".into(),
                message: format!("is {}, but MPPI supports at most {MAX_CANDIDATES} candidates", config.candidates),
            });
        }
        let s = config.resolve(nu, bounds)?;
        let (k, h, m) = (s.k, s.h, s.candidates);
        let nominal = s.u_init.repeat(h);
        let device = device_path(s.backend, seed)?;
        Ok(Self {
            device,
            parallel_rollouts: ParallelRollouts::new(),
            seed,
            calls: 0,
            shifted: nominal.clone(),
            nominal,
            noise: vec![0.0; k * h * nu],
            perturbation: vec![0.0; k],
            rollout_costs: vec![0.0; k * m],
            final_states: Vec::new(),
            totals: vec![0.0; m * k],
            weights: vec![0.0; m * k],
            plans: vec![0.0; m * h * nu],
            s,
        })
    }

    /// K, H, nu and M.
    pub fn shape(&self) -> (usize, usize, usize, usize) {
        (self.s.k, self.s.h, self.s.nu, self.s.candidates)
    }

    /// Sets the nominal sequence Ū (`[H][nu]`), e.g. pytorch-mppi's `U_init`.
    pub fn set_nominal(&mut self, nominal: &[f64]) {
        self.nominal.copy_from_slice(nominal);
    }

    /// What carries from one call to the next: the nominal sequence and the call count (which
    /// keys the noise streams). Restoring it makes the next call what it would have been.
    pub fn warm_start(&self) -> WarmStart {
        WarmStart { nominal: self.nominal.clone(), calls: self.calls }
    }

    /// Restores a [`Mppi::warm_start`] of an engine with the same settings and seed.
    pub fn restore_warm_start(&mut self, warm: &WarmStart) -> Result<(), Error> {
        if warm.nominal.len() != self.nominal.len() {
            return Err(Error::Invalid(format!(
                "warm start has {} values, this MPPI's nominal sequence {}",
                warm.nominal.len(),
                self.nominal.len()
            )));
        }
        self.nominal.copy_from_slice(&warm.nominal);
        self.calls = warm.calls;
        Ok(())
    }

    /// Forgets the warm start: Ū = u_init repeated (call at the start of an episode).
    pub fn reset(&mut self) {
        self.nominal = self.s.u_init.repeat(self.s.h);
    }

    /// One planning call from model state `state` under the M candidate RL actions
    /// `actions` (`[M][action_dim]`; empty when the cost ignores `a`). Afterwards each
    /// candidate's sequence is [`Mppi::plan`]`(m)`; pick one with [`Mppi::commit`].
    ///
    /// It is [`Mppi::roll_out`] followed by [`Mppi::finish`]; call those two instead to add a
    /// terminal cost computed outside the rollout in between ([`Mppi::add_terminal_costs`]). A
    /// cost with a critic term (`critic_weight() ≠ 0`) is refused, since its term would be lost.
    pub fn optimize(
        &mut self,
        model: &dyn SurrogateModel,
        cost: &dyn Cost,
        state: &[f64],
        actions: &[f64],
        zone: Option<&DangerZone>,
        noise: NoiseInput<'_>,
    ) -> Result<(), Error> {
        if cost.critic_weight() != 0.0 {
            return Err(Error::Invalid(
                "the cost has a critic term (Eq. 41), which a plain MPPI call cannot evaluate: plan with \
                 `Planner::optimize`, or call roll_out, add_terminal_costs and finish"
                    .into(),
            ));
        }
        self.roll_out(model, cost, state, actions, zone, noise)?;
        self.finish();
        Ok(())
    }

    /// Steps 1–7 of a call: shift, noise, clamp, rollouts and their costs. The rollouts' final
    /// states are then [`Mppi::final_states`]; [`Mppi::finish`] completes the call.
    pub fn roll_out(
        &mut self,
        model: &dyn SurrogateModel,
        cost: &dyn Cost,
        state: &[f64],
        actions: &[f64],
        zone: Option<&DangerZone>,
        noise: NoiseInput<'_>,
    ) -> Result<(), Error> {
        let (k, h, nu, m) = self.shape();
        let layout = model.layout();
        if layout.control_dim != nu || state.len() != layout.state_dim || layout.state_dim > MAX_DIM {
            return Err(Error::Invalid(format!(
                "MPPI built for {nu} controls got a model with {} controls and a state of {} (given {})",
                layout.control_dim,
                layout.state_dim,
                state.len()
            )));
        }
        let action_dim = actions.len() / m;
        if actions.len() != action_dim * m {
            return Err(Error::Invalid(format!("{} action values do not split into {m} candidates", actions.len())));
        }
        if actions.len() > MAX_ACTION_VALUES {
            return Err(Error::Invalid(format!(
                "{m} candidates × {action_dim} action values = {} exceed MPPI's limit of {MAX_ACTION_VALUES}: \
                 use fewer candidates (mppi.candidates) or a smaller RL action",
                actions.len()
            )));
        }
        if let NoiseInput::Given(given) = noise {
            if given.len() != k * h * nu {
                return Err(Error::Invalid(format!(
                    "given noise has {} values, expected K·H·nu = {}",
                    given.len(),
                    k * h * nu
                )));
            }
        }
        // Step 1: shift first (pytorch-mppi's `command()` rolls Ū before optimising).
        self.shifted[..(h - 1) * nu].copy_from_slice(&self.nominal[nu..]);
        self.shifted[(h - 1) * nu..].copy_from_slice(&self.s.u_init);

        let job = RolloutJob {
            model,
            cost,
            needs: cost.needs(),
            nx: layout.state_dim,
            nu,
            n_tracked: layout.tracked.len(),
            horizon: h,
            state,
            actions,
            action_dim,
            candidates: m,
            zone,
        };
        let nx = layout.state_dim;
        self.final_states.resize(k * nx, 0.0);
        if let Some(device) = &mut self.device {
            let out = HostCopies {
                noise: &mut self.noise,
                perturbation: &mut self.perturbation,
                rollout_costs: &mut self.rollout_costs,
                final_states: &mut self.final_states,
            };
            device.roll_out(&self.s, &self.shifted, noise, &job, out)?;
            self.calls += 1;
            return Ok(());
        }
        let chunk_task =
            ChunkTask { s: &self.s, shifted: &self.shifted, seed: self.seed, call: self.calls, noise, job: &job };
        let chunk_len = CHUNK * h * nu;
        if self.parallel_rollouts.parallel(k) {
            self.noise
                .par_chunks_mut(chunk_len)
                .zip(self.perturbation.par_chunks_mut(CHUNK))
                .zip(self.rollout_costs.par_chunks_mut(CHUNK * m))
                .zip(self.final_states.par_chunks_mut(CHUNK * nx))
                .enumerate()
                .for_each(|(c, (((eps, p), costs), finals))| chunk_task.run(c, eps, p, costs, finals));
        } else {
            let chunks = self
                .noise
                .chunks_mut(chunk_len)
                .zip(self.perturbation.chunks_mut(CHUNK))
                .zip(self.rollout_costs.chunks_mut(CHUNK * m))
                .zip(self.final_states.chunks_mut(CHUNK * nx))
                .enumerate();
            self.parallel_rollouts.sequential(|| {
                chunks.for_each(|(c, (((eps, p), costs), finals))| chunk_task.run(c, eps, p, costs, finals))
            });
        }
        self.calls += 1;
        Ok(())
    }

    /// x_H, the last state of each sample's rollout in the last [`Mppi::roll_out`], `[K][nx]`.
    pub fn final_states(&self) -> &[f64] {
        &self.final_states
    }

    /// Adds `costs[k]` to sample k's rollout cost S_k under every candidate: step 6's terminal
    /// cost for terms evaluated outside the rollout (the critic of Eq. 41). Call between
    /// [`Mppi::roll_out`] and [`Mppi::finish`].
    ///
    /// # Panics
    /// If `costs` does not have K entries.
    pub fn add_terminal_costs(&mut self, costs: &[f64]) {
        let m = self.s.candidates;
        assert_eq!(costs.len(), self.s.k, "one terminal cost per sample");
        for (row, c) in self.rollout_costs.chunks_exact_mut(m).zip(costs) {
            row.iter_mut().for_each(|s| *s += c);
        }
        if let Some(device) = &mut self.device {
            device.add_terminal_costs(costs);
        }
    }

    /// Steps 8–10 for each candidate after [`Mppi::roll_out`]: totals, weights (Eq. 3) and
    /// the updated sequences.
    pub fn finish(&mut self) {
        let host =
            HostView { noise: &self.noise, perturbation: &self.perturbation, rollout_costs: &self.rollout_costs };
        let out = HostResults { totals: &mut self.totals, weights: &mut self.weights, plans: &mut self.plans };
        match &mut self.device {
            Some(device) => device.finish(&self.s, &self.shifted, host, out),
            None => update_on_host(&self.s, &self.shifted, host, out),
        }
    }

    /// U^(m) after the last call (`[H][nu]`), not shifted.
    pub fn plan(&self, candidate: usize) -> &[f64] {
        let hn = self.s.h * self.s.nu;
        &self.plans[candidate * hn..(candidate + 1) * hn]
    }

    /// u^(m)_t: the first control of candidate m's sequence.
    pub fn action(&self, candidate: usize) -> &[f64] {
        &self.plan(candidate)[..self.s.nu]
    }

    /// Keeps candidate m*'s sequence as the nominal; the next call shifts it (decision record §1.6).
    pub fn commit(&mut self, candidate: usize) {
        let hn = self.s.h * self.s.nu;
        self.nominal.copy_from_slice(&self.plans[candidate * hn..(candidate + 1) * hn]);
    }

    /// pytorch-mppi's `command()` for one candidate: optimise, keep, return the action.
    pub fn command(
        &mut self,
        model: &dyn SurrogateModel,
        cost: &dyn Cost,
        state: &[f64],
        action: &[f64],
        zone: Option<&DangerZone>,
    ) -> Result<Vec<f64>, Error> {
        self.optimize(model, cost, state, action, zone, NoiseInput::Sampled)?;
        self.commit(0);
        Ok(self.action(0).to_vec())
    }

    /// Maps standard-normal draws z (rows of nu) to control noise ε = z Lᵀ + μ, the transform
    /// the engine applies to its own draws.
    pub fn noise_from_standard_normal(&self, z: &[f64], out: &mut [f64]) {
        for (zr, row) in z.chunks_exact(self.s.nu).zip(out.chunks_exact_mut(self.s.nu)) {
            transform(&self.s, zr, row);
        }
    }

    /// The shifted nominal the last call perturbed (`[H][nu]`).
    pub fn shifted_nominal(&self) -> &[f64] {
        &self.shifted
    }
    /// ε̃ of the last call (`[K][H][nu]`).
    pub fn effective_noise(&self) -> &[f64] {
        &self.noise
    }
    /// P_k of the last call.
    pub fn perturbation_costs(&self) -> &[f64] {
        &self.perturbation
    }
    /// S + P under candidate m in the last call.
    pub fn total_costs(&self, candidate: usize) -> &[f64] {
        &self.totals[candidate * self.s.k..(candidate + 1) * self.s.k]
    }
    /// ω under candidate m in the last call.
    pub fn weights(&self, candidate: usize) -> &[f64] {
        &self.weights[candidate * self.s.k..(candidate + 1) * self.s.k]
    }
}
