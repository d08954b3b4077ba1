//! Tape-free forward passes in plain Rust, for acting and valuing: dense layers as one `gemm`
//! call per block of rows ([`rlmpc_learner_kit::dense`]), tanh sixteen lanes at a time, and
//! large batches split into fixed blocks of rows on rayon's pool. dfdx's own forward pass costs
//! a tensor allocation per op and a libm `tanhf` per element, which dominated acting and the
//! valuation of every virtual state.

use rayon::prelude::*;
use rlmpc_learner_kit::dense::{self, Activation, Layer, Rows, WeightLayout};
use rlmpc_learner_kit::tanh;

/// Rows per parallel task: a batch of at most this many rows runs on the calling thread.
const ROWS_PER_TASK: usize = 256;

/// `act(x · W + b)` for `rows` inputs of `weight.len() / bias.len()` values each, the rows
/// `x_stride` apart in `x` (so that a column block of a wider matrix can be read in place);
/// W is `[inputs][outputs]`, the result `[rows][outputs]`, `act` tanh or the identity.
///
/// # Panics
/// If the sizes disagree.
pub(crate) fn dense(x: &[f32], x_stride: usize, rows: usize, weight: &[f32], bias: &[f32], tanh: bool) -> Vec<f32> {
    let layer = Layer { weight, bias, layout: WeightLayout::InputsByOutputs };
    let x = Rows { data: x, rows, width: layer.inputs(), stride: x_stride };
    dense::forward(x, layer, if tanh { Activation::Tanh } else { Activation::Identity }, false)
}

/// The same layer as [`dense`], computed as the policy acted when the shipped pretrained runs
/// were trained and evaluated: gemm 0.15 adding x·W onto the bias in place. Its additions
/// round differently from [`dense`]'s (a newer gemm, the bias added after), and a policy's
/// actions, fed back through MPPI and the environment for a thousand steps, carry the
/// difference into other episodes; acting keeps this call so that their evaluations reproduce.
///
/// # Panics
/// If the sizes disagree.
pub(crate) fn acting_dense(
    x: &[f32],
    x_stride: usize,
    rows: usize,
    weight: &[f32],
    bias: &[f32],
    tanh: bool,
) -> Vec<f32> {
    let (inputs, outputs) = (weight.len() / bias.len(), bias.len());
    assert_eq!(inputs * outputs, weight.len(), "dense: weight is not [inputs][outputs]");
    assert!(inputs <= x_stride, "dense: rows of {x_stride} values cannot hold {inputs} inputs");
    if rows == 0 {
        return Vec::new();
    }
    assert!(x.len() >= (rows - 1) * x_stride + inputs, "dense: {} values cannot hold {rows} rows", x.len());
    let mut out: Vec<f32> = (0..rows).flat_map(|_| bias.iter().copied()).collect();
    // SAFETY: the asserts keep every read of x (rows × inputs at stride x_stride) and of W
    // (inputs × outputs) in bounds; out holds rows × outputs values at unit column stride and
    // is freshly allocated, so it overlaps neither operand.
    unsafe {
        acting_gemm::gemm(
            rows,
            outputs,
            inputs,
            out.as_mut_ptr(),
            1,
            outputs as isize,
            true,
            x.as_ptr(),
            1,
            x_stride as isize,
            weight.as_ptr(),
            1,
            outputs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            acting_gemm::Parallelism::None,
        );
    }
    if tanh {
        tanh::wide_in_place(&mut out);
    }
    out
}

/// `f(block, rows)` on consecutive blocks of at most [`ROWS_PER_TASK`] rows of `inputs` (rows
/// of `width` values), in parallel when there is more than one block, the results concatenated
/// in row order. The blocks depend only on the number of rows, so results are reproducible.
pub(crate) fn in_row_blocks(inputs: &[f32], width: usize, f: impl Fn(&[f32], usize) -> Vec<f32> + Sync) -> Vec<f32> {
    let rows = inputs.len() / width;
    if rows <= ROWS_PER_TASK {
        return f(inputs, rows);
    }
    let blocks: Vec<Vec<f32>> =
        inputs.par_chunks(ROWS_PER_TASK * width).map(|block| f(block, block.len() / width)).collect();
    blocks.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acting_layer_computes_the_training_layer_up_to_rounding() {
        let (rows, stride, inputs, outputs) = (19, 11, 7, 5);
        let x: Vec<f32> = (0..rows * stride).map(|i| ((i * 37 % 23) as f32 - 11.0) / 9.0).collect();
        let weight: Vec<f32> = (0..inputs * outputs).map(|i| ((i * 13 % 17) as f32 - 8.0) / 10.0).collect();
        let bias: Vec<f32> = (0..outputs).map(|i| i as f32 / 4.0 - 0.5).collect();
        for tanh in [false, true] {
            let acting = acting_dense(&x[3..], stride, rows, &weight, &bias, tanh);
            let training = dense(&x[3..], stride, rows, &weight, &bias, tanh);
            assert_eq!(acting.len(), rows * outputs);
            let worst = acting.iter().zip(&training).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(worst < 1e-5, "max |acting − training| = {worst}");
        }
    }

    #[test]
    fn row_blocks_keep_the_row_order() {
        let width = 3;
        let inputs: Vec<f32> = (0..1000 * width).map(|i| i as f32).collect();
        // Each row's first value, as a block would compute it.
        let firsts = in_row_blocks(&inputs, width, |block, rows| (0..rows).map(|r| block[r * width]).collect());
        assert_eq!(firsts, (0..1000).map(|r| (r * width) as f32).collect::<Vec<_>>());
    }
}
