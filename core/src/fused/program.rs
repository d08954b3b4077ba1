//! [`RolloutProgram`]: one rollout step and the terminal cost of a model and cost pair,
//! recorded as [`Trace`]s over symbolic inputs.

use crate::cost::Cost;
use crate::geometry::DangerZone;
use crate::model::SurrogateModel;
use crate::mppi::limits::{MAX_ACTION_VALUES, MAX_CANDIDATES, MAX_DIM};
use crate::mppi::rollout::RolloutJob;
use crate::numeric::{Trace, Traced};
use crate::Error;

/// One step and the terminal cost of a rollout, as straight-line programs.
///
/// `step` reads `[x (nx), u (nu), acc (M), a (M·action_dim)]` and returns
/// `[x' (nx), acc' (M)]`: the next state and each candidate's cost so far. `terminal` reads
/// `[x (nx), acc (M), a]` and returns `acc + φ(x; a)`.
#[derive(Clone, Debug, PartialEq)]
pub struct RolloutProgram {
    /// State size.
    pub nx: usize,
    /// Control size.
    pub nu: usize,
    /// M.
    pub candidates: usize,
    /// M · action_dim.
    pub action_values: usize,
    /// x' and acc' from x, u, acc and a.
    pub step: Trace,
    /// acc + φ(x_H; a) from x, acc and a.
    pub terminal: Trace,
}

impl RolloutProgram {
    /// Traces `model` and `cost` for `candidates` RL actions of `action_dim` values in an
    /// episode whose danger zone is `zone` (its numbers become constants of the program).
    pub fn record(
        model: &dyn SurrogateModel,
        cost: &dyn Cost,
        candidates: usize,
        action_dim: usize,
        zone: Option<&DangerZone>,
    ) -> Result<Self, Error> {
        let layout = model.layout();
        let (nx, nu) = (layout.state_dim, layout.control_dim);
        if nx > MAX_DIM || nu > MAX_DIM || candidates > MAX_CANDIDATES || candidates * action_dim > MAX_ACTION_VALUES {
            return Err(Error::Invalid("the model, the control or the candidates exceed MPPI's limits".into()));
        }
        let job = RolloutJob {
            model,
            cost,
            needs: cost.needs(),
            nx,
            nu,
            n_tracked: layout.tracked.len(),
            horizon: 1,
            state: &[],
            actions: &[],
            action_dim,
            candidates,
            zone,
        };
        Ok(Self::from_job(&job))
    }

    /// Traces the step and terminal cost of `job`.
    pub(crate) fn from_job(job: &RolloutJob<'_, dyn SurrogateModel + '_, dyn Cost + '_>) -> Self {
        let (nx, nu, m) = (job.nx, job.nu, job.candidates);
        let action_values = m * job.action_dim;
        let step = Trace::record(nx + nu + m + action_values, |v| {
            let (x, rest) = v.split_at(nx);
            let (u, rest) = rest.split_at(nu);
            let (acc, a) = rest.split_at(m);
            let mut next = vec![x[0]; nx];
            let mut acc = acc.to_vec();
            job.step::<Traced>(a, x, u, &mut next, &mut acc);
            next.into_iter().chain(acc).collect()
        });
        let terminal = Trace::record(nx + m + action_values, |v| {
            let (x, rest) = v.split_at(nx);
            let (acc, a) = rest.split_at(m);
            let mut acc = acc.to_vec();
            job.add_terminal::<Traced>(a, x, &mut acc);
            acc
        });
        Self { nx, nu, candidates: m, action_values, step, terminal }
    }

    /// Rolls one sample from `state` under `controls` (`[H][nu]`, already clamped) in f64 by
    /// interpreting the traces: its cost under each candidate and its final state.
    pub fn interpret(&self, state: &[f64], controls: &[f64], actions: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut x = state.to_vec();
        let mut acc = vec![0.0; self.candidates];
        for u in controls.chunks_exact(self.nu) {
            let inputs: Vec<f64> = x.iter().chain(u).chain(&acc).chain(actions).copied().collect();
            let out = self.step.evaluate(&inputs);
            x.copy_from_slice(&out[..self.nx]);
            acc.copy_from_slice(&out[self.nx..]);
        }
        let inputs: Vec<f64> = x.iter().chain(&acc).chain(actions).copied().collect();
        (self.terminal.evaluate(&inputs), x)
    }
}
