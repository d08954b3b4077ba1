//! SB3's `ContinuousCritic` with `n_critics = 2`: two independent ReLU Q networks
//! Q_k(s, a) = MLP_k([s, a]) (observation first), and the same shape for the target critics.

use dfdx::prelude::*;
use rand::Rng;
use rlmpc_learner_kit::dense::{Rows, Wanted};
use rlmpc_learner_kit::Param;

use super::network::Mlp;
use super::{Matrix, Vector};

/// The layers' outputs of one plain forward pass of the twin networks.
pub(crate) struct TwinRecord {
    /// [s, a] per row.
    inputs: Vec<f32>,
    /// dim S + dim A.
    width: usize,
    action_dim: usize,
    outputs: [Vec<Vec<f32>>; 2],
}

impl TwinRecord {
    /// Q_k per row.
    pub(crate) fn q(&self, k: usize) -> &[f32] {
        self.outputs[k].last().expect("a Q network has layers")
    }
}

/// The twin Q networks (the critic, or its Polyak-averaged target).
#[derive(Clone)]
pub(crate) struct TwinCritic {
    q: [Mlp; 2],
}

impl TwinCritic {
    /// PyTorch's default init, qf0 then qf1.
    pub(crate) fn new(
        dev: &Cpu,
        observation_dim: usize,
        action_dim: usize,
        hidden: &[usize],
        rng: &mut impl Rng,
    ) -> Self {
        let sizes: Vec<usize> =
            std::iter::once(observation_dim + action_dim).chain(hidden.iter().copied()).chain([1]).collect();
        let first = Mlp::new(dev, &sizes, false, rng);
        let second = Mlp::new(dev, &sizes, false, rng);
        Self { q: [first, second] }
    }

    /// Q_0(s, a) and Q_1(s, a) for a batch; the actions may carry a tape (the actor loss
    /// backpropagates through them), the observations do not.
    pub(crate) fn forward<T: Tape<f32, Cpu>>(&self, observations: &Matrix, actions: Matrix<T>) -> [Vector<T>; 2] {
        let rows = observations.shape().0;
        let second = actions.with_empty_tape();
        let q = |mlp: &Mlp, actions: Matrix<T>| {
            let input = (observations.clone().retaped::<T>(), actions).concat_along(Axis::<1>);
            mlp.forward(input).reshape_like(&(rows,))
        };
        [q(&self.q[0], actions), q(&self.q[1], second)]
    }

    /// Q_0 and Q_1 for rows of observations and actions (row-major), in plain Rust, with every
    /// layer's output for [`backward`](Self::backward).
    pub(crate) fn forward_recorded(&self, observations: &[f32], actions: &[f32], action_dim: usize) -> TwinRecord {
        let rows = actions.len() / action_dim;
        let observation_dim = observations.len() / rows.max(1);
        let inputs: Vec<f32> = observations
            .chunks_exact(observation_dim)
            .zip(actions.chunks_exact(action_dim))
            .flat_map(|(s, a)| s.iter().chain(a).copied())
            .collect();
        let width = observation_dim + action_dim;
        let x = Rows::packed(&inputs, width);
        // The two networks share nothing: one per core.
        let (first, second) = rayon::join(|| self.q[0].forward_recorded(x), || self.q[1].forward_recorded(x));
        TwinRecord { inputs, width, action_dim, outputs: [first, second] }
    }

    /// The gradients of both networks' parameters, in the order of [`params`](Self::params),
    /// and of the actions (the sum over both), each when `wanted`, given dL/dQ_k (`d_q`) and
    /// the `record` of [`forward_recorded`](Self::forward_recorded).
    pub(crate) fn backward(
        &self,
        record: &TwinRecord,
        d_q: [Vec<f32>; 2],
        wanted: Wanted,
    ) -> (Vec<Vec<f32>>, Option<Vec<f32>>) {
        let (width, action_dim) = (record.width, record.action_dim);
        let x = Rows::packed(&record.inputs, width);
        let mut gradients = Vec::new();
        let mut d_actions = wanted.input.then(|| vec![0.0f32; x.rows * action_dim]);
        let [d_first, d_second] = d_q;
        let (first, second) = rayon::join(
            || self.q[0].backward(x, &record.outputs[0], d_first, wanted),
            || self.q[1].backward(x, &record.outputs[1], d_second, wanted),
        );
        for (g, d_input) in [first, second] {
            gradients.extend(g);
            if let (Some(sum), Some(d_input)) = (&mut d_actions, d_input) {
                // The actions are the last columns of [s, a].
                let columns = d_input.chunks_exact(width).flat_map(|row| &row[width - action_dim..]);
                sum.iter_mut().zip(columns).for_each(|(s, d)| *s += d);
            }
        }
        (gradients, d_actions)
    }

    /// Its parameters under their SB3 `state_dict` names, `qf0.<0, 2, 4>.weight|bias`, then `qf1.…`.
    pub(crate) fn params(&self) -> Vec<(String, &dyn Param)> {
        let mut out = Vec::new();
        self.q[0].params("qf0", &mut out);
        self.q[1].params("qf1", &mut out);
        out
    }

    /// Its parameters in the order of [`params`](Self::params).
    pub(crate) fn params_mut(&mut self) -> Vec<&mut dyn Param> {
        let mut out = Vec::new();
        let [first, second] = &mut self.q;
        first.params_mut(&mut out);
        second.params_mut(&mut out);
        out
    }

    /// SB3's `polyak_update`: θ' ← θ'·(1 − τ), then θ' ← θ' + τ·θ with one rounding (torch's
    /// `add_(…, alpha=τ)`), in f32, for every parameter of `source` (the critic).
    pub(crate) fn polyak_towards(&mut self, source: &TwinCritic, tau: f64) {
        let (keep, take) = ((1.0 - tau) as f32, tau as f32);
        for (target, (_, source)) in self.params_mut().into_iter().zip(source.params()) {
            let source = source.values();
            target.update(&mut |theta| {
                for (t, &p) in theta.iter_mut().zip(source) {
                    *t = p.mul_add(take, *t * keep);
                }
            });
        }
    }
}
