//! tanh over slices of f32, sixteen lanes at a time, in two versions:
//!
//! - [`rational_in_place`], a rational function of x² fitted for this purpose, for the training
//!   passes and the valuation of states: about a sixth of a PPO-MPPI run's samples were in
//!   `wide`'s tanh (`perf`, Acrobot-DZ), which goes through `exp_m1` and a comparison per branch;
//! - [`wide_in_place`], `wide`'s own, which acting keeps (see `rlmpc-ppo`'s `acting_dense`):
//!   a policy's actions must round as they did when the shipped pretrained runs were evaluated.

use wide::f32x16;

/// |x| beyond which the rational function is held at its value there: tanh(7.9053) is within
/// 5 ULP of 1 in f32.
const CLAMP: f32 = 7.905_311;

/// The argument of the fit, t = x / 8, keeps the powers of t² within [0, 1].
const SCALE: f32 = 0.125;

/// tanh(x) ≈ t·P(t²)/Q(t²), t = x/8, |x| ≤ [`CLAMP`]: P's coefficients from t⁰ up, as
/// f32 rounds them.
/// A least-squares fit (Lawson's iteration towards the minimax error in f32 ULPs) made by
/// `scripts/fit_tanh.py`; evaluated in f32 it is within 5.1 ULP and 3.1e-7 of tanh for every x.
const P: [f32; 6] = [8.0, 66.470_5, 97.960_93, 20.794_563, -1.990_957_4, 0.205_387_18];

/// Q's coefficients from t⁰ up (all positive: Q ≥ 1 has no pole).
const Q: [f32; 4] = [1.0, 29.642_134, 98.478_41, 62.319_912];

/// tanh of every value by the rational function; NaN stays NaN.
pub fn rational_in_place(values: &mut [f32]) {
    let mut chunks = values.chunks_exact_mut(16);
    for chunk in &mut chunks {
        let x = f32x16::from(<[f32; 16]>::try_from(&*chunk).expect("chunks of 16"));
        chunk.copy_from_slice(&rational_lanes(x).to_array());
    }
    for v in chunks.into_remainder() {
        *v = rational_lanes(f32x16::splat(*v)).to_array()[0];
    }
}

/// The rational function on sixteen lanes. The clamp selects on comparisons, which are false
/// for NaN, so that a NaN input is not turned into ±1.
fn rational_lanes(x: f32x16) -> f32x16 {
    let limit = f32x16::splat(CLAMP);
    let x = x.simd_gt(limit).select(limit, x);
    let x = x.simd_lt(-limit).select(-limit, x);
    let t = x * f32x16::splat(SCALE);
    let z = t * t;
    let horner = |coefficients: &[f32]| {
        let (last, rest) = coefficients.split_last().expect("coefficients");
        rest.iter().rev().fold(f32x16::splat(*last), |acc, c| acc.mul_add(z, f32x16::splat(*c)))
    };
    t * horner(&P) / horner(&Q)
}

/// tanh of every value as `wide` computes it.
pub fn wide_in_place(values: &mut [f32]) {
    let mut chunks = values.chunks_exact_mut(16);
    for chunk in &mut chunks {
        let lanes = f32x16::from(<[f32; 16]>::try_from(&*chunk).expect("chunks of 16"));
        chunk.copy_from_slice(&lanes.tanh().to_array());
    }
    for v in chunks.into_remainder() {
        *v = v.tanh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rational_tanh_is_within_its_stated_error_everywhere() {
        // Every 1/4096 from −12 to 12 (beyond the clamp on both sides), plus the lanes' tail.
        let mut x: Vec<f32> = (-49_152..=49_152).map(|i| i as f32 / 4096.0).collect();
        x.extend([1e-30, -1e-30, 1e-7, f32::MAX, -f32::MAX, 0.0]);
        let mut y = x.clone();
        rational_in_place(&mut y);
        for (x, y) in x.iter().zip(&y) {
            let want = f64::from(*x).tanh();
            let ulp = f64::from((want as f32).abs().next_up() - (want as f32).abs());
            let error = (f64::from(*y) - want).abs();
            assert!(error <= 3.2e-7 && error <= 5.2 * ulp, "tanh({x}) = {y}, want {want}: {error:e}");
        }
    }

    #[test]
    fn the_rational_tanh_keeps_nan_odd_symmetry_and_bounds() {
        let mut v = vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 3.0, -3.0];
        rational_in_place(&mut v);
        assert!(v[0].is_nan(), "NaN must stay NaN: {v:?}");
        assert!(v[1] <= 1.0 && v[1] > 0.999_999 && v[2] == -v[1], "{v:?}");
        assert_eq!(v[3], -v[4]);
    }
}
