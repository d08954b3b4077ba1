//! Tape-free forward passes in plain Rust, for acting and valuing: dense layers as one `gemm`
//! call per block of rows (the kernel dfdx itself uses; [`rlmpc_learner_kit::dense`]), tanh
//! sixteen lanes at a time, and large batches split into fixed blocks of rows on rayon's pool.
//! dfdx's own forward pass costs a tensor allocation per op and a libm `tanhf` per element,
//! which dominated acting and the valuation of every virtual state.

use rayon::prelude::*;
use rlmpc_learner_kit::dense::{self, Activation, Layer, Rows, WeightLayout};

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
    fn row_blocks_keep_the_row_order() {
        let width = 3;
        let inputs: Vec<f32> = (0..1000 * width).map(|i| i as f32).collect();
        // Each row's first value, as a block would compute it.
        let firsts = in_row_blocks(&inputs, width, |block, rows| (0..rows).map(|r| block[r * width]).collect());
        assert_eq!(firsts, (0..1000).map(|r| (r * width) as f32).collect::<Vec<_>>());
    }
}
