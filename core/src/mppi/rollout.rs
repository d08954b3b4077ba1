//! Rolling one chunk of perturbed control sequences through P̂ and scoring it under each of
//! the M candidate RL actions (paper Eq. 2; decision record §1 step 3), on number type `R`.

use super::limits::{CHUNK, MAX_ACTION_VALUES, MAX_CANDIDATES, MAX_DIM};
use crate::cost::{CostIn, Needs, StepView};
use crate::geometry::DangerZone;
use crate::model::SurrogateIn;
use crate::numeric::Real;

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

impl<M: ?Sized, C: ?Sized> RolloutJob<'_, M, C> {
    /// Rolls `n ≤ CHUNK` samples whose clamped controls are `controls`, laid out
    /// `[t][i][lane]` with `CHUNK` lanes, and writes each sample's cost under each
    /// candidate into `costs` (`[n][M]`) and its final state x_H into `finals` (`[n][nx]`).
    pub fn run<R: Real>(&self, controls: &[f64], n: usize, costs: &mut [f64], finals: &mut [f64])
    where
        M: SurrogateIn<R>,
        C: CostIn<R>,
    {
        let candidates = self.candidates;
        let mut actions = [R::zero(); MAX_ACTION_VALUES];
        for (dst, src) in actions.iter_mut().zip(self.actions) {
            *dst = R::splat(*src);
        }
        let mut spill = [0.0f64; CHUNK];
        for first in (0..n).step_by(R::LANES) {
            let mut x = [R::zero(); MAX_DIM];
            let mut next = [R::zero(); MAX_DIM];
            let mut u = [R::zero(); MAX_DIM];
            let mut tracked = [R::zero(); MAX_DIM];
            let mut acc = [R::zero(); MAX_CANDIDATES];
            for (xi, si) in x.iter_mut().zip(self.state) {
                *xi = R::splat(*si);
            }
            for t in 0..self.horizon {
                for (i, ui) in u[..self.nu].iter_mut().enumerate() {
                    *ui = R::load(&controls[(t * self.nu + i) * CHUNK + first..]);
                }
                self.model.step(&x[..self.nx], &u[..self.nu], &mut next[..self.nx]);
                let reward = if self.needs.reward {
                    self.model.reward(&x[..self.nx], &u[..self.nu], &next[..self.nx], self.zone)
                } else {
                    R::zero()
                };
                if self.needs.tracked {
                    self.model.tracked(&next[..self.nx], &mut tracked[..self.n_tracked]);
                }
                let position = if self.needs.position { self.model.position(&next[..self.nx]) } else { [R::zero(); 2] };
                let view = StepView {
                    prev_state: &x[..self.nx],
                    state: &next[..self.nx],
                    control: &u[..self.nu],
                    reward,
                    tracked: &tracked[..self.n_tracked],
                    position,
                    zone: self.zone,
                };
                for (m, acc_m) in acc[..candidates].iter_mut().enumerate() {
                    let a = &actions[m * self.action_dim..(m + 1) * self.action_dim];
                    *acc_m += self.cost.running(&view, a);
                }
                std::mem::swap(&mut x, &mut next);
            }
            let lanes = R::LANES.min(n - first);
            for (i, xi) in x[..self.nx].iter().enumerate() {
                xi.store(&mut spill[..R::LANES]);
                for lane in 0..lanes {
                    finals[(first + lane) * self.nx + i] = spill[lane];
                }
            }
            for (m, acc_m) in acc[..candidates].iter().enumerate() {
                let a = &actions[m * self.action_dim..(m + 1) * self.action_dim];
                let total = *acc_m + self.cost.terminal(&x[..self.nx], a);
                total.store(&mut spill[..R::LANES]);
                for lane in 0..lanes {
                    costs[(first + lane) * candidates + m] = spill[lane];
                }
            }
        }
    }
}
