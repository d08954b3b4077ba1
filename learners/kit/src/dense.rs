//! Dense layers in plain Rust for the learners' fused training passes: y = act(x·W + b) and its
//! backward pass as calls of the `gemm` crate (a newer release of the kernel dfdx uses, with
//! AVX-512 micro-kernels chosen at run time where the CPU has them) on strided views,
//! where dfdx's taped pass allocates, zero-fills and walks a tensor for each of its ops.
//!
//! A weight is stored either `[inputs][outputs]` (PPO's layers) or `[outputs][inputs]`
//! (PyTorch's `nn.Linear`, SAC's layers); [`Layer`] names which.

use crate::tanh;

/// How a learner's update computes its gradients (the learners' `backprop` setting).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backprop {
    /// Forward and backward passes in plain Rust: each layer a few `gemm` calls and one loop,
    /// the loss's gradient in closed form.
    #[default]
    Fused,
    /// dfdx's taped forward pass and `backward()`: an allocation and a pass over memory per
    /// tensor op. The reference the fused passes are tested against.
    Tape,
}

/// How a layer's weight is laid out, row-major.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightLayout {
    /// `[inputs][outputs]`: y = x·W + b.
    InputsByOutputs,
    /// `[outputs][inputs]`, PyTorch's `nn.Linear`: y = x·Wᵀ + b.
    OutputsByInputs,
}

/// The activation after a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Identity,
    Tanh,
    Relu,
}

/// A dense layer's parameters.
#[derive(Clone, Copy, Debug)]
pub struct Layer<'a> {
    pub weight: &'a [f32],
    pub bias: &'a [f32],
    pub layout: WeightLayout,
}

impl Layer<'_> {
    /// Its number of outputs.
    pub fn outputs(&self) -> usize {
        self.bias.len()
    }

    /// Its number of inputs.
    pub fn inputs(&self) -> usize {
        self.weight.len() / self.bias.len()
    }

    /// W as the right operand `[inputs][outputs]` of x·W.
    fn as_rhs(&self) -> Operand<'_> {
        match self.layout {
            WeightLayout::InputsByOutputs => Operand { data: self.weight, row_stride: self.outputs(), col_stride: 1 },
            WeightLayout::OutputsByInputs => Operand { data: self.weight, row_stride: 1, col_stride: self.inputs() },
        }
    }
}

/// `rows` rows of `width` values, `stride` apart in `data` (a column block of a wider matrix
/// is read in place).
#[derive(Clone, Copy, Debug)]
pub struct Rows<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub width: usize,
    pub stride: usize,
}

impl<'a> Rows<'a> {
    /// `data` as rows of `width` values, packed.
    pub fn packed(data: &'a [f32], width: usize) -> Self {
        Self { data, rows: data.len() / width.max(1), width, stride: width }
    }

    fn operand(&self) -> Operand<'a> {
        Operand { data: self.data, row_stride: self.stride, col_stride: 1 }
    }

    fn check(&self, what: &str) {
        assert!(self.width <= self.stride, "{what}: rows of {} values cannot hold {}", self.stride, self.width);
        assert!(
            self.rows == 0 || self.data.len() >= (self.rows - 1) * self.stride + self.width,
            "{what}: {} values cannot hold {} rows",
            self.data.len(),
            self.rows
        );
    }
}

/// A matrix operand: element (r, c) at `data[r·row_stride + c·col_stride]`.
#[derive(Clone, Copy, Debug)]
struct Operand<'a> {
    data: &'a [f32],
    row_stride: usize,
    col_stride: usize,
}

impl Operand<'_> {
    fn transposed(self) -> Self {
        Self { row_stride: self.col_stride, col_stride: self.row_stride, ..self }
    }
}

/// dst (`m × n`, packed row-major) = lhs (`m × k`) · rhs (`k × n`), on rayon's pool when
/// `parallel` (gemm splits the output, never the sum, so the result does not depend on it).
fn matmul(dst: &mut [f32], (m, n, k): (usize, usize, usize), lhs: Operand, rhs: Operand, parallel: bool) {
    assert_eq!(dst.len(), m * n, "matmul: the destination is not {m} × {n}");
    if m == 0 || n == 0 {
        return;
    }
    let last = |o: &Operand, rows: usize, cols: usize| (rows - 1) * o.row_stride + (cols - 1) * o.col_stride;
    assert!(k == 0 || lhs.data.len() > last(&lhs, m, k), "matmul: the left operand is not {m} × {k}");
    assert!(k == 0 || rhs.data.len() > last(&rhs, k, n), "matmul: the right operand is not {k} × {n}");
    let parallelism =
        if parallel { gemm::Parallelism::Rayon(rayon::current_num_threads()) } else { gemm::Parallelism::None };
    // SAFETY: the asserts keep every element read (row < m or k, column < k or n) inside its
    // slice and every write inside `dst`; `dst` is a unique borrow, so it overlaps neither operand.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            false,
            lhs.data.as_ptr(),
            lhs.col_stride as isize,
            lhs.row_stride as isize,
            rhs.data.as_ptr(),
            rhs.col_stride as isize,
            rhs.row_stride as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// act(x·W + b) for the rows of `x`, `[rows][outputs]`.
///
/// # Panics
/// If the sizes disagree.
pub fn forward(x: Rows, layer: Layer, activation: Activation, parallel: bool) -> Vec<f32> {
    x.check("dense forward");
    assert_eq!(
        x.width,
        layer.inputs(),
        "dense forward: inputs of {} values, the layer takes {}",
        x.width,
        layer.inputs()
    );
    let mut out = vec![0.0f32; x.rows * layer.outputs()];
    matmul(&mut out, (x.rows, layer.outputs(), x.width), x.operand(), layer.as_rhs(), parallel);
    for row in out.chunks_exact_mut(layer.outputs()) {
        row.iter_mut().zip(layer.bias).for_each(|(y, b)| *y += b);
    }
    match activation {
        Activation::Identity => {}
        Activation::Tanh => tanh::rational_in_place(&mut out),
        Activation::Relu => out.iter_mut().for_each(|y| *y = y.max(0.0)),
    }
    out
}

/// The gradients of a dense layer's parameters, and of its input when asked for.
pub struct Gradient {
    /// dL/dW in the layer's own layout (empty when not asked for).
    pub weight: Vec<f32>,
    /// dL/db = Σ_rows dL/dz (empty when not asked for).
    pub bias: Vec<f32>,
    /// dL/dx, `[rows][inputs]`.
    pub input: Option<Vec<f32>>,
}

/// What [`backward`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub parameters: bool,
    pub input: bool,
}

/// The gradients of z = x·W + b given `d_z` = dL/dz (`[rows][outputs]`).
///
/// # Panics
/// If the sizes disagree.
pub fn backward(x: Rows, layer: Layer, d_z: &[f32], wanted: Wanted, parallel: bool) -> Gradient {
    x.check("dense backward");
    let (rows, inputs, outputs) = (x.rows, layer.inputs(), layer.outputs());
    assert_eq!(x.width, inputs, "dense backward: inputs of {} values, the layer takes {inputs}", x.width);
    assert_eq!(d_z.len(), rows * outputs, "dense backward: dL/dz is not [{rows}][{outputs}]");
    let d_z_operand = Operand { data: d_z, row_stride: outputs, col_stride: 1 };
    let (mut weight, mut bias) = (Vec::new(), Vec::new());
    if wanted.parameters {
        bias = vec![0.0f32; outputs];
        for row in d_z.chunks_exact(outputs) {
            bias.iter_mut().zip(row).for_each(|(b, d)| *b += d);
        }
        weight = vec![0.0f32; inputs * outputs];
        match layer.layout {
            // dW[i][o] = Σ_r x[r][i]·dz[r][o] = (xᵀ·dz)[i][o].
            WeightLayout::InputsByOutputs => {
                matmul(&mut weight, (inputs, outputs, rows), x.operand().transposed(), d_z_operand, parallel);
            }
            // dW[o][i] = (dzᵀ·x)[o][i].
            WeightLayout::OutputsByInputs => {
                matmul(&mut weight, (outputs, inputs, rows), d_z_operand.transposed(), x.operand(), parallel);
            }
        }
    }
    let input = wanted.input.then(|| {
        let mut d_x = vec![0.0f32; rows * inputs];
        // dx = dz·Wᵀ, with W as the [inputs][outputs] operand of the forward pass.
        matmul(&mut d_x, (rows, inputs, outputs), d_z_operand, layer.as_rhs().transposed(), parallel);
        d_x
    });
    Gradient { weight, bias, input }
}

/// dL/dz from dL/dy for y = act(z), in place, given the outputs y (`[rows][width]`, `stride`
/// apart): × (1 − y²) for tanh, × [y > 0] for ReLU (dfdx's derivative, 0 at 0).
pub fn activation_backward(d_y: &mut [f32], y: Rows, activation: Activation) {
    for (r, row) in d_y.chunks_exact_mut(y.width).enumerate() {
        let y = &y.data[r * y.stride..][..y.width];
        match activation {
            Activation::Identity => {}
            Activation::Tanh => row.iter_mut().zip(y).for_each(|(d, y)| *d *= 1.0 - y * y),
            Activation::Relu => row.iter_mut().zip(y).for_each(|(d, y)| *d = if *y > 0.0 { *d } else { 0.0 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: usize = 13;
    const STRIDE: usize = 9;
    const INPUTS: usize = 6;
    const OUTPUTS: usize = 4;

    fn data(n: usize, a: usize, m: usize) -> Vec<f32> {
        (0..n).map(|i| ((i * a % m) as f32 - (m / 2) as f32) / 9.0).collect()
    }

    /// W[i][o] of a layer in either layout.
    fn w(layer: &Layer, i: usize, o: usize) -> f64 {
        f64::from(match layer.layout {
            WeightLayout::InputsByOutputs => layer.weight[i * OUTPUTS + o],
            WeightLayout::OutputsByInputs => layer.weight[o * INPUTS + i],
        })
    }

    fn close(got: f32, want: f64, what: &str) {
        assert!((f64::from(got) - want).abs() <= 1e-5 * want.abs().max(1.0), "{what}: {got} vs {want}");
    }

    #[test]
    fn forward_and_backward_match_their_definitions_in_both_layouts_with_a_strided_input() {
        let x_data = data(ROWS * STRIDE, 37, 23);
        let x = Rows { data: &x_data[2..], rows: ROWS, width: INPUTS, stride: STRIDE };
        let (weight, bias, d_z) = (data(INPUTS * OUTPUTS, 13, 17), data(OUTPUTS, 5, 7), data(ROWS * OUTPUTS, 7, 11));
        let xv = |r: usize, i: usize| f64::from(x.data[r * STRIDE + i]);
        for layout in [WeightLayout::InputsByOutputs, WeightLayout::OutputsByInputs] {
            let layer = Layer { weight: &weight, bias: &bias, layout };
            for activation in [Activation::Identity, Activation::Tanh, Activation::Relu] {
                let y = forward(x, layer, activation, false);
                for (r, o) in (0..ROWS).flat_map(|r| (0..OUTPUTS).map(move |o| (r, o))) {
                    let z = (0..INPUTS).map(|i| xv(r, i) * w(&layer, i, o)).sum::<f64>() + f64::from(bias[o]);
                    let want = match activation {
                        Activation::Identity => z,
                        Activation::Tanh => z.tanh(),
                        Activation::Relu => z.max(0.0),
                    };
                    close(y[r * OUTPUTS + o], want, &format!("{layout:?} {activation:?} y"));
                }
            }
            let g = backward(x, layer, &d_z, Wanted { parameters: true, input: true }, true);
            let dz = |r: usize, o: usize| f64::from(d_z[r * OUTPUTS + o]);
            for (i, o) in (0..INPUTS).flat_map(|i| (0..OUTPUTS).map(move |o| (i, o))) {
                let got = match layout {
                    WeightLayout::InputsByOutputs => g.weight[i * OUTPUTS + o],
                    WeightLayout::OutputsByInputs => g.weight[o * INPUTS + i],
                };
                close(got, (0..ROWS).map(|r| xv(r, i) * dz(r, o)).sum(), &format!("{layout:?} dW"));
            }
            for o in 0..OUTPUTS {
                close(g.bias[o], (0..ROWS).map(|r| dz(r, o)).sum(), "db");
            }
            let d_x = g.input.expect("asked for");
            for (r, i) in (0..ROWS).flat_map(|r| (0..INPUTS).map(move |i| (r, i))) {
                close(d_x[r * INPUTS + i], (0..OUTPUTS).map(|o| dz(r, o) * w(&layer, i, o)).sum(), "dx");
            }
            let only_input = backward(x, layer, &d_z, Wanted { parameters: false, input: true }, false);
            assert!(only_input.weight.is_empty() && only_input.bias.is_empty());
            assert_eq!(only_input.input.expect("asked for"), d_x, "{layout:?}: the same dx either way");
        }
    }

    #[test]
    fn activation_gradients_are_tanh_and_relu_derivatives() {
        let y = [0.5f32, -0.25, 0.0, 2.0];
        let mut tanh = vec![1.0f32; 4];
        activation_backward(&mut tanh, Rows::packed(&y, 2), Activation::Tanh);
        assert_eq!(tanh, [0.75, 0.9375, 1.0, -3.0]);
        let mut relu = vec![3.0f32; 4];
        activation_backward(&mut relu, Rows::packed(&y, 2), Activation::Relu);
        assert_eq!(relu, [3.0, 0.0, 0.0, 3.0]);
    }
}
