//! Rolling perturbed control sequences through P̂ and scoring them under each of the M
//! candidate RL actions (paper Eq. 2; decision record §1 step 3), on number type `R`.

use super::limits::{CHUNK, MAX_ACTION_VALUES, MAX_CANDIDATES, MAX_DIM};
use crate::cost::{CostIn, Needs, StepView};
use crate::geometry::DangerZone;
use crate::model::SurrogateIn;
use crate::numeric::{Packed, Real};

/// Shapes and shared inputs of one rollout batch.
pub(crate) struct RolloutJob<'a, M: ?Sized, C: ?Sized> {
    pub model: &'a M,
    pub cost: &'a C,
    pub needs: Needs,
    pub nx: usize,
    pub nu: usize,
    pub n_tracked: usize,
    pub horizon: usize,
    /// x_t, where every rollout starts.
    pub state: &'a [f64],
    /// The M candidate RL actions, row-major `[M][action_dim]`.
    pub actions: &'a [f64],
    pub action_dim: usize,
    /// M.
    pub candidates: usize,
    pub zone: Option<&'a DangerZone>,
}

/// What one batch of rollouts leaves: x_H and S^(m) (running plus terminal cost) per candidate.
pub(crate) struct RolloutEnd<R> {
    pub final_state: [R; MAX_DIM],
    pub costs: [R; MAX_CANDIDATES],
}

impl<M: ?Sized, C: ?Sized> RolloutJob<'_, M, C> {
    /// The candidates' RL actions broadcast to every sample.
    pub fn splat_actions<R: Real>(&self) -> [R; MAX_ACTION_VALUES] {
        let mut actions = [R::zero(); MAX_ACTION_VALUES];
        for (dst, src) in actions.iter_mut().zip(self.actions) {
            *dst = R::splat(*src);
        }
        actions
    }

    /// One step of every sample: `next = P̂(x, u)`, and each candidate's running cost added
    /// to `acc` (`actions` from [`RolloutJob::splat_actions`]).
    pub fn step<R: Real>(&self, actions: &[R], x: &[R], u: &[R], next: &mut [R], acc: &mut [R])
    where
        M: SurrogateIn<R>,
        C: CostIn<R>,
    {
        let mut tracked = [R::zero(); MAX_DIM];
        self.model.step(x, u, next);
        let reward = if self.needs.reward { self.model.reward(x, u, next, self.zone) } else { R::zero() };
        if self.needs.tracked {
            self.model.tracked(next, &mut tracked[..self.n_tracked]);
        }
        let position = if self.needs.position { self.model.position(next) } else { [R::zero(); 2] };
        // Filled only when a cost asks for it, so the default rollout does no extra work.
        let mut delivered;
        let actuation = if self.needs.actuation {
            delivered = [R::zero(); MAX_DIM];
            self.model.actuation(u, &mut delivered[..u.len()]);
            &delivered[..u.len()]
        } else {
            u
        };
        let view = StepView {
            prev_state: x,
            state: next,
            control: u,
            actuation,
            reward,
            tracked: &tracked[..self.n_tracked],
            position,
            zone: self.zone,
        };
        for (m, acc_m) in acc.iter_mut().enumerate() {
            let a = &actions[m * self.action_dim..(m + 1) * self.action_dim];
            *acc_m += self.cost.running(&view, a);
        }
    }

    /// Adds each candidate's terminal cost φ(x_H; a) to `acc`.
    pub fn add_terminal<R: Real>(&self, actions: &[R], x: &[R], acc: &mut [R])
    where
        C: CostIn<R>,
    {
        for (m, acc_m) in acc.iter_mut().enumerate() {
            let a = &actions[m * self.action_dim..(m + 1) * self.action_dim];
            *acc_m += self.cost.terminal(x, a);
        }
    }

    /// Rolls one batch of samples from x_t: `control(t, i)` is u_t's entry i, `actions` come
    /// from [`RolloutJob::splat_actions`], and `end_of_step(x, acc)` sees the state and the
    /// accumulated costs after each step (the graph backend frees the step's intermediates).
    pub fn roll<R: Real>(
        &self,
        actions: &[R],
        mut control: impl FnMut(usize, usize) -> R,
        mut end_of_step: impl FnMut(&mut [R], &mut [R]),
    ) -> RolloutEnd<R>
    where
        M: SurrogateIn<R>,
        C: CostIn<R>,
    {
        let (nx, m) = (self.nx, self.candidates);
        let mut x = [R::zero(); MAX_DIM];
        let mut next = [R::zero(); MAX_DIM];
        let mut u = [R::zero(); MAX_DIM];
        let mut acc = [R::zero(); MAX_CANDIDATES];
        for (xi, si) in x.iter_mut().zip(self.state) {
            *xi = R::splat(*si);
        }
        for t in 0..self.horizon {
            for (i, ui) in u[..self.nu].iter_mut().enumerate() {
                *ui = control(t, i);
            }
            self.step(actions, &x[..nx], &u[..self.nu], &mut next[..nx], &mut acc[..m]);
            std::mem::swap(&mut x, &mut next);
            end_of_step(&mut x[..nx], &mut acc[..m]);
        }
        self.add_terminal(actions, &x[..nx], &mut acc[..m]);
        RolloutEnd { final_state: x, costs: acc }
    }

    /// Rolls `n ≤ CHUNK` samples whose clamped controls are `controls`, laid out
    /// `[t][i][lane]` with `CHUNK` lanes, and writes each sample's cost under each
    /// candidate into `costs` (`[n][M]`) and its final state x_H into `finals` (`[n][nx]`).
    pub fn run<R: Packed>(&self, controls: &[f64], n: usize, costs: &mut [f64], finals: &mut [f64])
    where
        M: SurrogateIn<R>,
        C: CostIn<R>,
    {
        let candidates = self.candidates;
        let actions = self.splat_actions::<R>();
        let mut spill = [0.0f64; CHUNK];
        for first in (0..n).step_by(R::LANES) {
            let control = |t: usize, i: usize| R::load(&controls[(t * self.nu + i) * CHUNK + first..]);
            let end = self.roll(&actions, control, |_, _| {});
            let lanes = R::LANES.min(n - first);
            for (i, xi) in end.final_state[..self.nx].iter().enumerate() {
                xi.store(&mut spill[..R::LANES]);
                for lane in 0..lanes {
                    finals[(first + lane) * self.nx + i] = spill[lane];
                }
            }
            for (m, total) in end.costs[..candidates].iter().enumerate() {
                total.store(&mut spill[..R::LANES]);
                for lane in 0..lanes {
                    costs[(first + lane) * candidates + m] = spill[lane];
                }
            }
        }
    }
}
