//! The backward pass of a dense layer y = x·W + b in plain Rust: two `gemm` calls (the kernel
//! dfdx itself uses) and a column sum, where dfdx's taped pass allocates, zero-fills and walks
//! a tensor for each of its ops. With the tape-free forward pass of [`inference`](super::inference)
//! it makes the fused training pass (`backprop = "fused"`).

/// The gradients of a dense layer's parameters, and of its input when asked for.
pub(crate) struct DenseGradient {
    /// dL/dW = xᵀ·dL/dy, `[inputs][outputs]`.
    pub(crate) weight: Vec<f32>,
    /// dL/db = Σ_rows dL/dy.
    pub(crate) bias: Vec<f32>,
    /// dL/dx = dL/dy·Wᵀ, `[rows][inputs]`.
    pub(crate) input: Option<Vec<f32>>,
}

/// The gradients of y = x·W + b given `d_output` = dL/dy (`[rows][outputs]`), for `rows`
/// inputs of `weight.len() / outputs` values each, `x_stride` apart in `x` (a column block of a
/// wider matrix is read in place); dL/dx only when `input` is true.
///
/// # Panics
/// If the sizes disagree.
pub(crate) fn dense_backward(
    x: &[f32],
    x_stride: usize,
    rows: usize,
    weight: &[f32],
    d_output: &[f32],
    input: bool,
) -> DenseGradient {
    let outputs = d_output.len() / rows.max(1);
    let inputs = weight.len() / outputs.max(1);
    assert_eq!(inputs * outputs, weight.len(), "dense_backward: weight is not [inputs][outputs]");
    assert_eq!(rows * outputs, d_output.len(), "dense_backward: d_output is not [rows][outputs]");
    assert!(inputs <= x_stride, "dense_backward: rows of {x_stride} values cannot hold {inputs} inputs");
    assert!(rows == 0 || x.len() >= (rows - 1) * x_stride + inputs, "dense_backward: x is too short");
    let mut bias = vec![0.0f32; outputs];
    for row in d_output.chunks_exact(outputs) {
        bias.iter_mut().zip(row).for_each(|(b, d)| *b += d);
    }
    let mut d_weight = vec![0.0f32; inputs * outputs];
    // dW[i][o] = Σ_r x[r][i]·dy[r][o]: lhs xᵀ (m = inputs, k = rows), rhs dy (k = rows, n = outputs).
    // SAFETY (both calls): the asserts above keep every read within x (rows × inputs at stride
    // x_stride), W and dy; each destination is freshly allocated with the m × n values written.
    unsafe {
        gemm::gemm(
            inputs,
            outputs,
            rows,
            d_weight.as_mut_ptr(),
            1,
            outputs as isize,
            false,
            x.as_ptr(),
            x_stride as isize,
            1,
            d_output.as_ptr(),
            1,
            outputs as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
    let d_input = input.then(|| {
        let mut d_input = vec![0.0f32; rows * inputs];
        // dx[r][i] = Σ_o dy[r][o]·W[i][o]: lhs dy (m = rows, k = outputs), rhs Wᵀ (k = outputs, n = inputs).
        unsafe {
            gemm::gemm(
                rows,
                inputs,
                outputs,
                d_input.as_mut_ptr(),
                1,
                inputs as isize,
                false,
                d_output.as_ptr(),
                1,
                outputs as isize,
                weight.as_ptr(),
                outputs as isize,
                1,
                0.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
        d_input
    });
    DenseGradient { weight: d_weight, bias, input: d_input }
}

/// dL/dz from dL/dy for y = tanh z, in place: multiplies by 1 − y², `y` read `y_stride` apart
/// per row of `d`'s `width` values.
pub(crate) fn tanh_backward(d: &mut [f32], width: usize, y: &[f32], y_stride: usize) {
    for (r, row) in d.chunks_exact_mut(width).enumerate() {
        let y = &y[r * y_stride..][..width];
        row.iter_mut().zip(y).for_each(|(d, y)| *d *= 1.0 - y * y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradients_match_their_definition_with_a_strided_input() {
        let (rows, stride, inputs, outputs) = (13, 9, 6, 4);
        let x: Vec<f32> = (0..rows * stride).map(|i| ((i * 37 % 23) as f32 - 11.0) / 9.0).collect();
        let x = &x[2..];
        let weight: Vec<f32> = (0..inputs * outputs).map(|i| ((i * 13 % 17) as f32 - 8.0) / 10.0).collect();
        let dy: Vec<f32> = (0..rows * outputs).map(|i| ((i * 7 % 11) as f32 - 5.0) / 3.0).collect();
        let g = dense_backward(x, stride, rows, &weight, &dy, true);
        let close = |got: f32, want: f64, what: &str| {
            assert!((f64::from(got) - want).abs() <= 1e-5 * want.abs().max(1.0), "{what}: {got} vs {want}");
        };
        for i in 0..inputs {
            for o in 0..outputs {
                let want: f64 = (0..rows).map(|r| f64::from(x[r * stride + i]) * f64::from(dy[r * outputs + o])).sum();
                close(g.weight[i * outputs + o], want, "dW");
            }
        }
        for o in 0..outputs {
            close(g.bias[o], (0..rows).map(|r| f64::from(dy[r * outputs + o])).sum(), "db");
        }
        let d_input = g.input.expect("asked for");
        for r in 0..rows {
            for i in 0..inputs {
                let want: f64 =
                    (0..outputs).map(|o| f64::from(dy[r * outputs + o]) * f64::from(weight[i * outputs + o])).sum();
                close(d_input[r * inputs + i], want, "dx");
            }
        }
        assert!(dense_backward(x, stride, rows, &weight, &dy, false).input.is_none());
    }
}
