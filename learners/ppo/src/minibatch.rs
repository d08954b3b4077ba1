//! Minibatches: a [`Batch`] in f32 columns, SB3's shuffled pass over the real tuples, and the
//! draw of as many virtual tuples for each real minibatch (Eq. 10, decision record §3).

use rand::seq::SliceRandom;
use rand::Rng;
use rlmpc_core::policy::Batch;

/// A batch's columns rounded to f32, row-major.
#[derive(Clone)]
pub(crate) struct Columns {
    pub(crate) observation_dim: usize,
    pub(crate) action_dim: usize,
    pub(crate) observations: Vec<f32>,
    pub(crate) actions: Vec<f32>,
    pub(crate) log_probs: Vec<f32>,
    pub(crate) advantages: Vec<f32>,
    pub(crate) returns: Vec<f32>,
    pub(crate) values: Vec<f32>,
}

fn f32s(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

impl Columns {
    /// All of `batch`, whose rows have the given widths (checked by the caller), with its
    /// observations as the network sees them.
    pub(crate) fn new(batch: &Batch, observations: Vec<f32>, observation_dim: usize, action_dim: usize) -> Self {
        Self {
            observation_dim,
            action_dim,
            observations,
            actions: f32s(&batch.actions),
            log_probs: f32s(&batch.log_probs),
            advantages: f32s(&batch.advantages),
            returns: f32s(&batch.returns),
            values: f32s(&batch.values),
        }
    }

    /// `self`'s rows followed by `other`'s.
    pub(crate) fn concat(mut self, other: &Self) -> Self {
        self.observations.extend_from_slice(&other.observations);
        self.actions.extend_from_slice(&other.actions);
        self.log_probs.extend_from_slice(&other.log_probs);
        self.advantages.extend_from_slice(&other.advantages);
        self.returns.extend_from_slice(&other.returns);
        self.values.extend_from_slice(&other.values);
        self
    }

    /// The rows of `range`, in order.
    pub(crate) fn range(&self, range: std::ops::Range<usize>) -> Self {
        let (o, a) = (self.observation_dim, self.action_dim);
        Self {
            observation_dim: o,
            action_dim: a,
            observations: self.observations[range.start * o..range.end * o].to_vec(),
            actions: self.actions[range.start * a..range.end * a].to_vec(),
            log_probs: self.log_probs[range.clone()].to_vec(),
            advantages: self.advantages[range.clone()].to_vec(),
            returns: self.returns[range.clone()].to_vec(),
            values: self.values[range].to_vec(),
        }
    }

    /// The given rows, in that order.
    pub(crate) fn gather(&self, rows: &[usize]) -> Self {
        let (o, a) = (self.observation_dim, self.action_dim);
        Self {
            observation_dim: o,
            action_dim: a,
            observations: rows.iter().flat_map(|&i| &self.observations[i * o..(i + 1) * o]).copied().collect(),
            actions: rows.iter().flat_map(|&i| &self.actions[i * a..(i + 1) * a]).copied().collect(),
            log_probs: rows.iter().map(|&i| self.log_probs[i]).collect(),
            advantages: rows.iter().map(|&i| self.advantages[i]).collect(),
            returns: rows.iter().map(|&i| self.returns[i]).collect(),
            values: rows.iter().map(|&i| self.values[i]).collect(),
        }
    }
}

/// A uniformly random order of `0..n` (SB3's `np.random.permutation` per epoch).
pub(crate) fn permutation(n: usize, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    order
}

/// Draws virtual rows without replacement, reshuffling when all have been drawn: over an update
/// every virtual tuple is used about equally often, whatever the two buffers' sizes.
/// Loss-weighted mixing (Eq. 10) takes a whole minibatch of them at a time; per-sample mixing
/// (Eq. 8) one per slot that its Bernoulli(ρ) draw gives to D_MPPI.
#[derive(Default)]
pub(crate) struct VirtualRows {
    order: Vec<usize>,
    next: usize,
}

impl VirtualRows {
    /// The next `count` rows of `0..n` (n > 0).
    pub(crate) fn take(&mut self, count: usize, n: usize, rng: &mut impl Rng) -> Vec<usize> {
        (0..count).map(|_| self.next_row(n, rng)).collect()
    }

    /// The next row of `0..n` (n > 0).
    pub(crate) fn next_row(&mut self, n: usize, rng: &mut impl Rng) -> usize {
        if self.next == self.order.len() {
            self.order = permutation(n, rng);
            self.next = 0;
        }
        self.next += 1;
        self.order[self.next - 1]
    }
}
