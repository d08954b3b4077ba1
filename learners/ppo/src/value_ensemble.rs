//! The critic: D value heads (decision record §4), each a tanh MLP initialised on its own as SB3
//! initialises a value network, packed so that the D heads run as a few large ops instead of D
//! times as many small ones: the first layer of every head is one dense layer
//! `[inputs][D·h₁]` (head d owns columns d·h₁ … (d+1)·h₁ − 1), and each later layer one batched
//! weight `[D][in][out]` with biases `[D][out]`. V(s) is the mean of the heads.

use dfdx::prelude::*;
use rand::Rng;
use rlmpc_learner_kit::dense::{self, Activation, Layer, Rows, Wanted, WeightLayout};
use rlmpc_learner_kit::{Param, Parameter};

use super::inference;
use super::network::{layer_gain, orthogonal_weight, taped_tanh, Dense, Matrix};

/// The layers after the first: one weight and bias per head, stacked.
struct StackedDense {
    weight: Parameter<(usize, usize, usize)>,
    bias: Parameter<(usize, usize)>,
}

impl StackedDense {
    /// Head `head`'s weight `[inputs][outputs]` and bias.
    fn head(&self, head: usize) -> (&[f32], &[f32]) {
        let outputs = self.bias.values().len() / self.heads();
        let size = self.weight.values().len() / self.heads();
        (&self.weight.values()[head * size..][..size], &self.bias.values()[head * outputs..][..outputs])
    }

    fn heads(&self) -> usize {
        self.bias.tensor().shape().0
    }
}

/// The layers' outputs of one forward pass of the heads, for [`ValueEnsemble::backward`].
pub(crate) struct EnsembleRecord {
    rows: usize,
    /// The first layer's output for every head, `[n][D·h₁]`, tanh applied if more layers follow.
    packed: Vec<f32>,
    /// Per head, each later layer's output `[n][out]`.
    heads: Vec<Vec<Vec<f32>>>,
}

impl EnsembleRecord {
    /// Each head's V_d(s), `[D][n]`.
    pub(crate) fn values(&self) -> Vec<f32> {
        if self.heads.iter().all(|layers| !layers.is_empty()) {
            self.heads.iter().flat_map(|layers| layers.last().expect("not empty").iter().copied()).collect()
        } else {
            // One layer: `packed` is `[n][D]`.
            let heads = self.packed.len() / self.rows;
            (0..heads * self.rows).map(|i| self.packed[(i % self.rows) * heads + i / self.rows]).collect()
        }
    }
}

/// D value heads of the same architecture, trained on the same targets.
pub(crate) struct ValueEnsemble {
    heads: usize,
    first: Dense,
    rest: Vec<StackedDense>,
}

impl ValueEnsemble {
    /// D heads of layer sizes `inputs, hidden…, 1` with SB3's orthogonal initialisation (gain √2
    /// hidden, 1 at the output), zero biases. The heads are drawn from `rng` one after another,
    /// each layer in order, as D separate networks would be.
    pub(crate) fn new(dev: &Cpu, inputs: usize, hidden: &[usize], heads: usize, rng: &mut impl Rng) -> Self {
        let sizes: Vec<usize> = std::iter::once(inputs).chain(hidden.iter().copied()).chain([1]).collect();
        let count = sizes.len() - 1;
        let per_head: Vec<Vec<Vec<f32>>> = (0..heads)
            .map(|_| {
                (0..count).map(|l| orthogonal_weight(sizes[l], sizes[l + 1], layer_gain(l, count, 1.0), rng)).collect()
            })
            .collect();
        let width = sizes[1];
        let mut first = vec![0.0; inputs * heads * width];
        for (d, layers) in per_head.iter().enumerate() {
            for (i, row) in layers[0].chunks_exact(width).enumerate() {
                first[(i * heads + d) * width..][..width].copy_from_slice(row);
            }
        }
        let rest = (1..count)
            .map(|l| {
                let weight = per_head.iter().flat_map(|layers| layers[l].iter().copied()).collect();
                StackedDense {
                    weight: Parameter::new(dev, weight, (heads, sizes[l], sizes[l + 1])),
                    bias: Parameter::new(dev, vec![0.0; heads * sizes[l + 1]], (heads, sizes[l + 1])),
                }
            })
            .collect();
        Self { heads, first: Dense::new(dev, inputs, first), rest }
    }

    /// Each head's V_d(s) for a batch `[n][inputs]`, as `[D][n]`, on x's tape.
    pub(crate) fn forward<T: Tape<f32, Cpu>>(&self, x: Matrix<T>) -> Matrix<T> {
        let n = x.shape().0;
        let y = self.first.forward(x);
        let width = y.shape().1 / self.heads;
        let y = if self.rest.is_empty() { y } else { taped_tanh(y) };
        // [n][D·w] → [D][n][w]: head d reads the d-th column block, in place.
        let mut h = y.reshape_like(&(n, self.heads, width)).permute::<(usize, usize, usize), Axes3<1, 0, 2>>();
        for (l, layer) in self.rest.iter().enumerate() {
            let z = h.matmul(layer.weight.tensor().retaped::<T>());
            let shape = *z.shape();
            let z = z + layer.bias.tensor().retaped::<T>().broadcast_like::<_, Axis<1>>(&shape);
            h = if l + 1 == self.rest.len() { z } else { taped_tanh(z) };
        }
        h.reshape_like(&(self.heads, n))
    }

    /// The same function as [`forward`](Self::forward) on `rows` inputs without a tape, in
    /// plain Rust, row-major `[n][D]`.
    pub(crate) fn infer(&self, inputs: &[f32], rows: usize) -> Vec<f32> {
        let (heads, width) = (self.heads, self.first.inputs());
        inference::in_row_blocks(&inputs[..rows * width], width, |block, rows| {
            if rows == 0 {
                return Vec::new();
            }
            let by_head = self.forward_recorded(block, rows).values();
            (0..rows * heads).map(|i| by_head[(i % heads) * rows + i / heads]).collect()
        })
    }

    /// Every layer's output for `rows` inputs, as [`ValueEnsemble::backward`] needs them; on
    /// the calling thread. `rows` must be at least 1.
    pub(crate) fn forward_recorded(&self, inputs: &[f32], rows: usize) -> EnsembleRecord {
        let (weight, bias) = (self.first.weight.values(), self.first.bias.values());
        let packed = inference::dense(inputs, self.first.inputs(), rows, weight, bias, !self.rest.is_empty());
        let first_width = bias.len() / self.heads;
        let heads = (0..self.heads)
            .map(|d| {
                let mut outputs: Vec<Vec<f32>> = Vec::with_capacity(self.rest.len());
                for (l, layer) in self.rest.iter().enumerate() {
                    let (x, stride) = match outputs.last() {
                        None => (&packed[d * first_width..], self.heads * first_width),
                        Some(previous) => (previous.as_slice(), previous.len() / rows),
                    };
                    let (weight, bias) = layer.head(d);
                    outputs.push(inference::dense(x, stride, rows, weight, bias, l + 1 < self.rest.len()));
                }
                outputs
            })
            .collect();
        EnsembleRecord { rows, packed, heads }
    }

    /// The gradient of each parameter, in the order of [`params`](Self::params), given
    /// `d_values` = dL/dV_d, `[D][n]`, and the `record` of [`forward_recorded`](Self::forward_recorded)
    /// on the same `inputs`.
    pub(crate) fn backward(&self, inputs: &[f32], record: &EnsembleRecord, d_values: &[f32]) -> Vec<Vec<f32>> {
        let (heads, rows) = (self.heads, record.rows);
        let first_width = self.first.bias.values().len() / heads;
        let mut d_packed = vec![0.0f32; rows * heads * first_width];
        let mut rest: Vec<(Vec<f32>, Vec<f32>)> = self
            .rest
            .iter()
            .map(|layer| (vec![0.0; layer.weight.values().len()], vec![0.0; layer.bias.values().len()]))
            .collect();
        if self.rest.is_empty() {
            // One layer: its outputs `[n][D]` are the values.
            for (d, column) in d_values.chunks_exact(rows).enumerate() {
                column.iter().enumerate().for_each(|(r, v)| d_packed[r * heads + d] = *v);
            }
        }
        let deeper = if self.rest.is_empty() { 0 } else { heads };
        for d in 0..deeper {
            let mut d_y = d_values[d * rows..][..rows].to_vec();
            for (l, layer) in self.rest.iter().enumerate().rev() {
                let (x, stride) = match l {
                    0 => (&record.packed[d * first_width..], heads * first_width),
                    _ => (record.heads[d][l - 1].as_slice(), record.heads[d][l - 1].len() / rows),
                };
                let (weight, bias) = layer.head(d);
                let layer = Layer { weight, bias, layout: WeightLayout::InputsByOutputs };
                let x = Rows { data: x, rows, width: layer.inputs(), stride };
                let g = dense::backward(x, layer, &d_y, Wanted { parameters: true, input: true }, false);
                rest[l].0[d * weight.len()..][..weight.len()].copy_from_slice(&g.weight);
                rest[l].1[d * bias.len()..][..bias.len()].copy_from_slice(&g.bias);
                let mut d_x = g.input.expect("asked for");
                dense::activation_backward(&mut d_x, x, Activation::Tanh);
                if l == 0 {
                    for (r, row) in d_x.chunks_exact(x.width).enumerate() {
                        d_packed[(r * heads + d) * first_width..][..x.width].copy_from_slice(row);
                    }
                }
                d_y = d_x;
            }
        }
        let x = Rows { data: inputs, rows, width: self.first.inputs(), stride: self.first.inputs() };
        let wanted = Wanted { parameters: true, input: false };
        let first = dense::backward(x, self.first.as_layer(), &d_packed, wanted, false);
        let mut gradients = vec![first.weight, first.bias];
        for (weight, bias) in rest {
            gradients.extend([weight, bias]);
        }
        gradients
    }

    /// Its parameters named `<prefix>.<layer>.weight|bias`: layer 0 packed `[inputs][D·h₁]`,
    /// later ones stacked `[D][in][out]` and `[D][out]`.
    pub(crate) fn params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a dyn Param)>) {
        out.push((format!("{prefix}.0.weight"), &self.first.weight));
        out.push((format!("{prefix}.0.bias"), &self.first.bias));
        for (i, layer) in self.rest.iter().enumerate() {
            out.push((format!("{prefix}.{}.weight", i + 1), &layer.weight));
            out.push((format!("{prefix}.{}.bias", i + 1), &layer.bias));
        }
    }

    /// Its parameters in the order of [`params`](Self::params).
    pub(crate) fn params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut dyn Param>) {
        out.push(&mut self.first.weight);
        out.push(&mut self.first.bias);
        for layer in &mut self.rest {
            out.push(&mut layer.weight);
            out.push(&mut layer.bias);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::Mlp;
    use super::*;
    use rand::SeedableRng;

    fn inputs(rows: usize, width: usize) -> Vec<f32> {
        (0..rows * width).map(|i| ((i * 7919 % 101) as f32 - 50.0) / 12.0).collect()
    }

    fn worst(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
    }

    #[test]
    fn packed_heads_compute_what_separate_networks_from_the_same_draws_compute() {
        let dev = Cpu::default();
        for hidden in [vec![64, 64], vec![16], vec![]] {
            let (heads, width, rows) = (3, 5, 11);
            let ensemble =
                ValueEnsemble::new(&dev, width, &hidden, heads, &mut rand_chacha::ChaCha8Rng::seed_from_u64(9));
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
            let sizes: Vec<usize> = std::iter::once(width).chain(hidden.iter().copied()).chain([1]).collect();
            let separate: Vec<Mlp> = (0..heads).map(|_| Mlp::new(&dev, &sizes, 1.0, &mut rng)).collect();
            let x = inputs(rows, width);
            let packed = ensemble.forward(dev.tensor_from_vec(x.clone(), (rows, width))).as_vec();
            let one_by_one: Vec<f32> = separate.iter().flat_map(|head| head.infer(&x, rows)).collect();
            assert!(worst(&packed, &one_by_one) < 1e-5, "{hidden:?}: packed [D][n] vs separate heads");
        }
    }

    #[test]
    fn plain_inference_computes_the_same_function_as_the_taped_forward_pass() {
        let dev = Cpu::default();
        let (heads, width) = (5, 6);
        let ensemble =
            ValueEnsemble::new(&dev, width, &[64, 64], heads, &mut rand_chacha::ChaCha8Rng::seed_from_u64(4));
        for rows in [1, 300] {
            let x = inputs(rows, width);
            let by_head = ensemble.forward(dev.tensor_from_vec(x.clone(), (rows, width))).as_vec();
            let by_row: Vec<f32> = (0..rows * heads).map(|i| by_head[(i % heads) * rows + i / heads]).collect();
            assert!(worst(&ensemble.infer(&x, rows), &by_row) < 1e-5, "{rows} rows");
        }
    }
}
