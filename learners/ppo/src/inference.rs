//! Tape-free forward passes in plain Rust, for acting and valuing: dense layers as one `gemm`
//! call per block of rows (the kernel dfdx itself uses), tanh sixteen lanes at a time, and large
//! batches split into fixed blocks of rows on rayon's pool. dfdx's own forward pass costs a
//! tensor allocation per op and a libm `tanhf` per element, which dominated acting and the
//! valuation of every virtual state.

use rayon::prelude::*;

/// Rows per parallel task: a batch of at most this many rows runs on the calling thread.
const ROWS_PER_TASK: usize = 256;

/// `act(x · W + b)` for `rows` inputs of `weight.len() / bias.len()` values each, the rows
/// `x_stride` apart in `x` (so that a column block of a wider matrix can be read in place);
/// W is `[inputs][outputs]`, the result `[rows][outputs]`, `act` tanh or the identity.
///
/// # Panics
/// If the sizes disagree.
pub(crate) fn dense(x: &[f32], x_stride: usize, rows: usize, weight: &[f32], bias: &[f32], tanh: bool) -> Vec<f32> {
    let outputs = bias.len();
    let inputs = weight.len() / outputs;
    assert_eq!(inputs * outputs, weight.len(), "dense: weight is not [inputs][outputs]");
    assert!(inputs <= x_stride, "dense: rows of {x_stride} values cannot hold {inputs} inputs");
    if rows == 0 {
        return Vec::new();
    }
    assert!(x.len() >= (rows - 1) * x_stride + inputs, "dense: {} values cannot hold {rows} rows", x.len());
    let mut out = Vec::with_capacity(rows * outputs);
    for _ in 0..rows {
        out.extend_from_slice(bias);
    }
    // SAFETY: the asserts above keep every read of x (rows × inputs at stride x_stride) and of
    // W (inputs × outputs) in bounds; out holds rows × outputs values written at unit column
    // stride; the three buffers do not overlap (out is freshly allocated).
    unsafe {
        gemm::gemm(
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
            gemm::Parallelism::None,
        );
    }
    if tanh {
        tanh_in_place(&mut out);
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

/// tanh of every value, sixteen lanes at a time.
fn tanh_in_place(values: &mut [f32]) {
    let mut chunks = values.chunks_exact_mut(16);
    for chunk in &mut chunks {
        let lanes = wide::f32x16::from(<[f32; 16]>::try_from(&*chunk).expect("chunks of 16"));
        chunk.copy_from_slice(&lanes.tanh().to_array());
    }
    for v in chunks.into_remainder() {
        *v = v.tanh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same layer by definition, one multiply-add at a time, in f64.
    fn by_definition(x: &[f32], stride: usize, rows: usize, weight: &[f32], bias: &[f32]) -> Vec<f64> {
        let outputs = bias.len();
        let inputs = weight.len() / outputs;
        let mut out = Vec::new();
        for r in 0..rows {
            for o in 0..outputs {
                let sum: f64 =
                    (0..inputs).map(|i| f64::from(x[r * stride + i]) * f64::from(weight[i * outputs + o])).sum();
                out.push((sum + f64::from(bias[o])).tanh());
            }
        }
        out
    }

    #[test]
    fn a_strided_dense_layer_matches_its_definition() {
        let (rows, stride, inputs, outputs) = (19, 11, 7, 5);
        let x: Vec<f32> = (0..rows * stride).map(|i| ((i * 37 % 23) as f32 - 11.0) / 9.0).collect();
        let weight: Vec<f32> = (0..inputs * outputs).map(|i| ((i * 13 % 17) as f32 - 8.0) / 10.0).collect();
        let bias: Vec<f32> = (0..outputs).map(|i| i as f32 / 4.0 - 0.5).collect();
        let fast = dense(&x[3..], stride, rows, &weight, &bias, true);
        let exact = by_definition(&x[3..], stride, rows, &weight, &bias);
        let worst = fast.iter().zip(&exact).map(|(a, b)| (f64::from(*a) - b).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-5, "max |gemm − definition| = {worst}");
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
