//! Tanh multilayer perceptrons on dfdx with runtime sizes, initialised as SB3 initialises
//! `ActorCriticPolicy` (`ortho_init=True`): orthogonal weights with a per-layer gain, zero biases.

use dfdx::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;

use super::Vector;

/// A matrix `[rows][cols]` of f32 on the CPU device, with tape `T`.
pub(crate) type Matrix<T = NoneTape> = Tensor<(usize, usize), f32, Cpu, T>;

/// One parameter tensor seen as a flat f32 array, whatever its rank: what the optimiser, the
/// gradient clip and checkpoints work on.
pub(crate) trait Param {
    /// Its dimensions.
    fn dims(&self) -> Vec<usize>;
    /// Its values, row-major.
    fn values(&self) -> Vec<f32>;
    /// Its gradient in `grads`, row-major.
    fn gradient(&self, grads: &Gradients<f32, Cpu>) -> Vec<f32>;
    /// Overwrites its values.
    fn assign(&mut self, values: &[f32]);
}

impl<S: Shape> Param for Tensor<S, f32, Cpu> {
    fn dims(&self) -> Vec<usize> {
        self.shape().concrete().into_iter().collect()
    }
    fn values(&self) -> Vec<f32> {
        self.as_vec()
    }
    fn gradient(&self, grads: &Gradients<f32, Cpu>) -> Vec<f32> {
        grads.get(self).as_vec()
    }
    fn assign(&mut self, values: &[f32]) {
        self.copy_from(values);
    }
}

/// y = x·W + b, with W stored `[inputs][outputs]` (the transpose of PyTorch's `Linear.weight`).
pub(crate) struct Dense {
    pub(crate) weight: Matrix,
    pub(crate) bias: Vector,
}

impl Dense {
    /// PyTorch's `orthogonal_(weight, gain)` on the `[outputs][inputs]` weight, zero bias.
    fn orthogonal(dev: &Cpu, inputs: usize, outputs: usize, gain: f64, rng: &mut impl Rng) -> Self {
        let q = orthogonal(outputs, inputs, rng);
        let mut weight = vec![0.0f32; inputs * outputs];
        for o in 0..outputs {
            for i in 0..inputs {
                weight[i * outputs + o] = (gain * q[o * inputs + i]) as f32;
            }
        }
        Self {
            weight: dev.tensor_from_vec(weight, (inputs, outputs)),
            bias: dev.tensor_from_vec(vec![0.0; outputs], (outputs,)),
        }
    }

    fn forward<T: Tape<f32, Cpu>>(&self, x: Matrix<T>) -> Matrix<T> {
        let y = x.matmul(self.weight.retaped::<T>());
        let shape = *y.shape();
        y + self.bias.retaped::<T>().broadcast_like::<_, Axis<0>>(&shape)
    }
}

/// Dense layers with tanh between them and a linear output (SB3's `mlp_extractor` branch
/// followed by its `action_net` or `value_net`).
pub(crate) struct Mlp {
    pub(crate) layers: Vec<Dense>,
}

impl Mlp {
    /// Layer sizes `inputs, hidden…, outputs`; gain √2 on hidden layers and `output_gain` on the
    /// last (SB3: 0.01 for the policy mean, 1 for a value).
    pub(crate) fn new(dev: &Cpu, sizes: &[usize], output_gain: f64, rng: &mut impl Rng) -> Self {
        let last = sizes.len() - 2;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, io)| {
                let gain = if i == last { output_gain } else { std::f64::consts::SQRT_2 };
                Dense::orthogonal(dev, io[0], io[1], gain, rng)
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
                // tanh y = 2σ(2y) − 1: the same function and gradient, but through expf,
                // several times faster than the libm tanhf dfdx's tanh calls per element.
                (y * 2.0).sigmoid() * 2.0 - 1.0
            }
        })
    }

    /// The same function as [`Mlp::forward`] on `rows` inputs (row-major), without a tape, in
    /// plain Rust with a vectorised tanh: what acting and valuing use, where dfdx's per-element
    /// libm tanh dominated the time.
    pub(crate) fn infer(&self, inputs: &[f32], rows: usize) -> Vec<f32> {
        let last = self.layers.len() - 1;
        let mut x = inputs.to_vec();
        for (k, layer) in self.layers.iter().enumerate() {
            let (weight, bias) = (layer.weight.as_vec(), layer.bias.as_vec());
            let outputs = bias.len();
            let inputs = weight.len() / outputs;
            let mut y = Vec::with_capacity(rows * outputs);
            for row in x.chunks_exact(inputs).take(rows) {
                let start = y.len();
                y.extend_from_slice(&bias);
                let out = &mut y[start..];
                for (&xi, w) in row.iter().zip(weight.chunks_exact(outputs)) {
                    axpy(xi, w, out);
                }
                if k != last {
                    tanh_in_place(out);
                }
            }
            x = y;
        }
        x
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

/// `out += a·x`, eight lanes at a time.
fn axpy(a: f32, x: &[f32], out: &mut [f32]) {
    let lanes = wide::f32x8::splat(a);
    let mut out_chunks = out.chunks_exact_mut(8);
    let mut x_chunks = x.chunks_exact(8);
    for (o, xs) in (&mut out_chunks).zip(&mut x_chunks) {
        let o8 = wide::f32x8::from(<[f32; 8]>::try_from(&*o).expect("chunks of 8"));
        let x8 = wide::f32x8::from(<[f32; 8]>::try_from(xs).expect("chunks of 8"));
        o.copy_from_slice(&x8.mul_add(lanes, o8).to_array());
    }
    for (o, xs) in out_chunks.into_remainder().iter_mut().zip(x_chunks.remainder()) {
        *o += a * xs;
    }
}

/// tanh of every value, eight lanes at a time.
fn tanh_in_place(values: &mut [f32]) {
    let mut chunks = values.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let lanes = wide::f32x8::from(<[f32; 8]>::try_from(&*chunk).expect("chunks of 8"));
        chunk.copy_from_slice(&lanes.tanh().to_array());
    }
    for v in chunks.into_remainder() {
        *v = v.tanh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn plain_inference_computes_the_same_function_as_the_dfdx_forward_pass() {
        let dev = Cpu::default();
        let mlp = Mlp::new(&dev, &[9, 64, 64, 3], 1.0, &mut rand_chacha::ChaCha8Rng::seed_from_u64(3));
        let rows = 37;
        let inputs: Vec<f32> = (0..rows * 9).map(|i| ((i * 7919 % 101) as f32 - 50.0) / 12.0).collect();
        let taped_free = mlp.forward(dev.tensor_from_vec(inputs.clone(), (rows, 9))).as_vec();
        let plain = mlp.infer(&inputs, rows);
        assert_eq!(plain.len(), taped_free.len());
        let worst = plain.iter().zip(&taped_free).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "max |infer − forward| = {worst}");
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
