//! Tanh multilayer perceptrons on dfdx with runtime sizes, initialised as SB3 initialises
//! `ActorCriticPolicy` (`ortho_init=True`): orthogonal weights with a per-layer gain, zero biases.
//! The policy mean is one [`Mlp`]; the value heads are packed together (`value_ensemble`).

use dfdx::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;
use rlmpc_learner_kit::dense::{self, Activation, Layer, Rows, Wanted, WeightLayout};
use rlmpc_learner_kit::{Param, Parameter};

use super::inference;
pub(crate) use super::Matrix;

/// tanh on a tape, as 2σ(2y) − 1: the same function and gradient, but through expf, several
/// times faster than the libm `tanhf` dfdx's `tanh` calls per element.
pub(crate) fn taped_tanh<S: Shape, T: Tape<f32, Cpu>>(y: Tensor<S, f32, Cpu, T>) -> Tensor<S, f32, Cpu, T> {
    (y * 2.0).sigmoid() * 2.0 - 1.0
}

/// PyTorch's `orthogonal_(weight, gain)` on an `[outputs][inputs]` weight, returned transposed,
/// `[inputs][outputs]`, as this crate stores weights.
pub(crate) fn orthogonal_weight(inputs: usize, outputs: usize, gain: f64, rng: &mut impl Rng) -> Vec<f32> {
    let q = orthogonal(outputs, inputs, rng);
    let mut weight = vec![0.0f32; inputs * outputs];
    for o in 0..outputs {
        for i in 0..inputs {
            weight[i * outputs + o] = (gain * q[o * inputs + i]) as f32;
        }
    }
    weight
}

/// SB3's gain for layer `index` of `count`: √2 on hidden layers, `output_gain` on the last.
pub(crate) fn layer_gain(index: usize, count: usize, output_gain: f64) -> f64 {
    if index + 1 == count {
        output_gain
    } else {
        std::f64::consts::SQRT_2
    }
}

/// y = x·W + b, with W stored `[inputs][outputs]` (the transpose of PyTorch's `Linear.weight`).
pub(crate) struct Dense {
    pub(crate) weight: Parameter<(usize, usize)>,
    pub(crate) bias: Parameter<(usize,)>,
}

impl Dense {
    /// The layer with these weights and zero biases.
    pub(crate) fn new(dev: &Cpu, inputs: usize, weight: Vec<f32>) -> Self {
        let outputs = weight.len() / inputs;
        Self {
            weight: Parameter::new(dev, weight, (inputs, outputs)),
            bias: Parameter::new(dev, vec![0.0; outputs], (outputs,)),
        }
    }

    /// Its weights as the plain-Rust passes read them.
    pub(crate) fn as_layer(&self) -> Layer<'_> {
        Layer { weight: self.weight.values(), bias: self.bias.values(), layout: WeightLayout::InputsByOutputs }
    }

    /// Its number of inputs.
    pub(crate) fn inputs(&self) -> usize {
        self.weight.values().len() / self.bias.values().len()
    }

    pub(crate) fn forward<T: Tape<f32, Cpu>>(&self, x: Matrix<T>) -> Matrix<T> {
        let y = x.matmul(self.weight.tensor().retaped::<T>());
        let shape = *y.shape();
        y + self.bias.tensor().retaped::<T>().broadcast_like::<_, Axis<0>>(&shape)
    }
}

/// Dense layers with tanh between them and a linear output (SB3's `mlp_extractor` branch
/// followed by its `action_net`).
pub(crate) struct Mlp {
    pub(crate) layers: Vec<Dense>,
}

impl Mlp {
    /// Layer sizes `inputs, hidden…, outputs`; orthogonal weights with SB3's gains (see
    /// [`layer_gain`]; `output_gain` 0.01 for the policy mean), zero biases.
    pub(crate) fn new(dev: &Cpu, sizes: &[usize], output_gain: f64, rng: &mut impl Rng) -> Self {
        let count = sizes.len() - 1;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, io)| {
                Dense::new(dev, io[0], orthogonal_weight(io[0], io[1], layer_gain(i, count, output_gain), rng))
            })
            .collect();
        Self { layers }
    }

    /// The network's output for a batch `[n][inputs]`.
    pub(crate) fn forward<T: Tape<f32, Cpu>>(&self, x: Matrix<T>) -> Matrix<T> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |x, (i, layer)| {
            let y = layer.forward(x);
            if i == last {
                y
            } else {
                taped_tanh(y)
            }
        })
    }

    /// The same function as [`Mlp::forward`] on `rows` inputs (row-major), without a tape, in
    /// plain Rust, as the policy acts (see [`inference::acting_dense`]).
    pub(crate) fn infer(&self, inputs: &[f32], rows: usize) -> Vec<f32> {
        let width = self.layers[0].inputs();
        let last = self.layers.len() - 1;
        let layer = |k: usize, x: &[f32], rows: usize| {
            let layer = &self.layers[k];
            inference::acting_dense(x, layer.inputs(), rows, layer.weight.values(), layer.bias.values(), k != last)
        };
        inference::in_row_blocks(&inputs[..rows * width], width, |block, rows| {
            (1..=last).fold(layer(0, block, rows), |x, k| layer(k, &x, rows))
        })
    }

    /// Each layer's output for `rows` inputs, tanh applied on all but the last (the network's
    /// output), as [`Mlp::backward`] needs them; on the calling thread.
    pub(crate) fn forward_recorded(&self, inputs: &[f32], rows: usize) -> Vec<Vec<f32>> {
        let last = self.layers.len() - 1;
        let mut outputs: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for (k, layer) in self.layers.iter().enumerate() {
            let x = outputs.last().map_or(inputs, Vec::as_slice);
            let y = inference::dense(x, layer.inputs(), rows, layer.weight.values(), layer.bias.values(), k != last);
            outputs.push(y);
        }
        outputs
    }

    /// The gradient of each parameter, in the order of [`params`](Self::params), given
    /// `d_output` = dL/d(output) and the layers' `outputs` from [`Mlp::forward_recorded`] on
    /// the same `inputs`.
    pub(crate) fn backward(
        &self,
        inputs: &[f32],
        rows: usize,
        outputs: &[Vec<f32>],
        d_output: Vec<f32>,
    ) -> Vec<Vec<f32>> {
        let mut gradients = vec![Vec::new(); 2 * self.layers.len()];
        let mut d = d_output;
        for (k, layer) in self.layers.iter().enumerate().rev() {
            let x = Rows {
                data: if k == 0 { inputs } else { &outputs[k - 1] },
                rows,
                width: layer.inputs(),
                stride: layer.inputs(),
            };
            let g = dense::backward(x, layer.as_layer(), &d, Wanted { parameters: true, input: k > 0 }, false);
            (gradients[2 * k], gradients[2 * k + 1]) = (g.weight, g.bias);
            if let Some(mut d_input) = g.input {
                dense::activation_backward(&mut d_input, x, Activation::Tanh);
                d = d_input;
            }
        }
        gradients
    }

    /// Its parameters in layer order, named `<prefix>.<layer>.weight|bias`.
    pub(crate) fn params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a dyn Param)>) {
        for (i, layer) in self.layers.iter().enumerate() {
            out.push((format!("{prefix}.{i}.weight"), &layer.weight));
            out.push((format!("{prefix}.{i}.bias"), &layer.bias));
        }
    }

    /// Its parameters in the order of [`params`](Self::params).
    pub(crate) fn params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut dyn Param>) {
        for layer in &mut self.layers {
            out.push(&mut layer.weight);
            out.push(&mut layer.bias);
        }
    }
}

/// A `[rows][cols]` matrix with orthonormal rows (rows ≤ cols) or columns, as PyTorch's
/// `nn.init.orthogonal_`: QR of a standard normal matrix (transposed when wide), Q's columns
/// signed so that R has a positive diagonal. Modified Gram–Schmidt gives that Q directly.
pub(crate) fn orthogonal(rows: usize, cols: usize, rng: &mut impl Rng) -> Vec<f64> {
    let (m, n) = (rows.max(cols), rows.min(cols));
    let a: Vec<f64> = (0..rows * cols).map(|_| rng.sample(StandardNormal)).collect();
    // Columns of the tall m×n matrix: A's columns, or A's rows when A is wide (Aᵀ).
    let mut q: Vec<Vec<f64>> = (0..n)
        .map(|j| (0..m).map(|i| if rows >= cols { a[i * cols + j] } else { a[j * cols + i] }).collect())
        .collect();
    for j in 0..n {
        for k in 0..j {
            let (done, rest) = q.split_at_mut(j);
            let r = dot(&done[k], &rest[0]);
            rest[0].iter_mut().zip(&done[k]).for_each(|(x, y)| *x -= r * y);
        }
        let norm = dot(&q[j], &q[j]).sqrt();
        q[j].iter_mut().for_each(|x| *x /= norm);
    }
    let mut out = vec![0.0; rows * cols];
    for (j, column) in q.iter().enumerate() {
        for (i, &x) in column.iter().enumerate() {
            if rows >= cols {
                out[i * cols + j] = x;
            } else {
                out[j * cols + i] = x;
            }
        }
    }
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn plain_inference_computes_the_same_function_as_the_dfdx_forward_pass() {
        let dev = Cpu::default();
        let mlp = Mlp::new(&dev, &[9, 64, 64, 3], 1.0, &mut rand_chacha::ChaCha8Rng::seed_from_u64(3));
        // One block of rows, and several run in parallel.
        for rows in [37, 700] {
            let inputs: Vec<f32> = (0..rows * 9).map(|i| ((i * 7919 % 101) as f32 - 50.0) / 12.0).collect();
            let taped_free = mlp.forward(dev.tensor_from_vec(inputs.clone(), (rows, 9))).as_vec();
            let plain = mlp.infer(&inputs, rows);
            assert_eq!(plain.len(), taped_free.len());
            let worst = plain.iter().zip(&taped_free).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(worst < 1e-5, "{rows} rows: max |infer − forward| = {worst}");
        }
    }

    #[test]
    fn orthogonal_rows_or_columns_are_orthonormal() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for (rows, cols) in [(64, 6), (2, 64), (64, 64), (1, 64)] {
            let q = orthogonal(rows, cols, &mut rng);
            let (n, m) = (rows.min(cols), rows.max(cols));
            // Vectors along the short side: columns of a tall matrix, rows of a wide one.
            let vector = |j: usize| -> Vec<f64> {
                (0..m).map(|i| if rows >= cols { q[i * cols + j] } else { q[j * cols + i] }).collect()
            };
            for j in 0..n {
                for k in 0..n {
                    let want = if j == k { 1.0 } else { 0.0 };
                    assert!((dot(&vector(j), &vector(k)) - want).abs() < 1e-12, "{rows}×{cols}: ({j}, {k})");
                }
            }
        }
    }
}
