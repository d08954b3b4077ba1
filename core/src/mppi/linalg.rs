//! The two small dense-matrix routines MPPI needs for Σ (nu × nu, row-major).

/// Lower-triangular L with Σ = L Lᵀ, or `None` if Σ is not symmetric positive definite.
pub(crate) fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let symmetric =
        (0..n).all(|i| (0..n).all(|j| (a[i * n + j] - a[j * n + i]).abs() <= 1e-12 * a[i * n + j].abs().max(1.0)));
    if !symmetric {
        return None;
    }
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - sum;
                if d <= 0.0 {
                    return None;
                }
                l[i * n + j] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Inverse by Gauss–Jordan elimination with partial pivoting (Σ is SPD, so it exists).
pub(crate) fn inverse(a: &[f64], n: usize) -> Vec<f64> {
    let mut m = a.to_vec();
    let mut inv: Vec<f64> = (0..n * n).map(|i| if i % (n + 1) == 0 { 1.0 } else { 0.0 }).collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| m[x * n + col].abs().total_cmp(&m[y * n + col].abs())).unwrap_or(col);
        for j in 0..n {
            m.swap(col * n + j, pivot * n + j);
            inv.swap(col * n + j, pivot * n + j);
        }
        let p = m[col * n + col];
        for j in 0..n {
            m[col * n + j] /= p;
            inv[col * n + j] /= p;
        }
        for row in (0..n).filter(|&r| r != col) {
            let f = m[row * n + col];
            for j in 0..n {
                m[row * n + j] -= f * m[col * n + j];
                inv[row * n + j] -= f * inv[col * n + j];
            }
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_and_inverse_reproduce_the_matrix() {
        let a = [0.5, 0.1, 0.1, 0.3];
        let l = cholesky(&a, 2).unwrap();
        let llt = [l[0] * l[0], l[0] * l[2], l[2] * l[0], l[2] * l[2] + l[3] * l[3]];
        for (x, y) in llt.iter().zip(a) {
            assert!((x - y).abs() < 1e-15);
        }
        let inv = inverse(&a, 2);
        let eye = [
            a[0] * inv[0] + a[1] * inv[2],
            a[0] * inv[1] + a[1] * inv[3],
            a[2] * inv[0] + a[3] * inv[2],
            a[2] * inv[1] + a[3] * inv[3],
        ];
        for (x, y) in eye.iter().zip([1.0, 0.0, 0.0, 1.0]) {
            assert!((x - y).abs() < 1e-14);
        }
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none(), "indefinite");
        assert!(cholesky(&[1.0, 0.5, 0.0, 1.0], 2).is_none(), "asymmetric");
    }
}
