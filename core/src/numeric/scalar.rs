//! [`Real`] for plain floats: one sample per value, exact Gymnasium / NumPy semantics.

use super::packed::Packed;
use super::real::{Mask, Real};

/// Periods beyond which [`Real::wrap`] stops looping as Gymnasium does and takes the remainder.
const WRAP_LOOP_PERIODS: f64 = 64.0;

impl Mask for bool {
    fn and(self, other: Self) -> Self {
        self && other
    }
    fn or(self, other: Self) -> Self {
        self || other
    }
    fn not(self) -> Self {
        !self
    }
}

macro_rules! impl_scalar_real {
    ($t:ty) => {
        impl Real for $t {
            type Mask = bool;

            fn splat(value: f64) -> Self {
                value as $t
            }
            fn sin(self) -> Self {
                <$t>::sin(self)
            }
            fn cos(self) -> Self {
                <$t>::cos(self)
            }
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            fn floor(self) -> Self {
                <$t>::floor(self)
            }
            // NumPy's `maximum(x, lo)` / `minimum(x, hi)` for non-NaN inputs.
            fn min(self, other: Self) -> Self {
                if other < self {
                    other
                } else {
                    self
                }
            }
            fn max(self, other: Self) -> Self {
                if other > self {
                    other
                } else {
                    self
                }
            }
            fn lt(self, other: Self) -> bool {
                self < other
            }
            fn gt(self, other: Self) -> bool {
                self > other
            }
            fn le(self, other: Self) -> bool {
                self <= other
            }
            fn ge(self, other: Self) -> bool {
                self >= other
            }
            fn select(mask: bool, on_true: Self, on_false: Self) -> Self {
                if mask {
                    on_true
                } else {
                    on_false
                }
            }
            fn angle_normalize(self) -> Self {
                let pi = std::f64::consts::PI as $t;
                (self + pi).rem_euclid(2.0 * pi) - pi
            }
            fn wrap(self, lo: f64, hi: f64) -> Self {
                let (lo, hi) = (lo as $t, hi as $t);
                let diff = hi - lo;
                // Gymnasium's loop, bit for bit, where it ends soon; far out of range, where it
                // would run for ages (or forever, once x − diff rounds back to x), the same
                // remainder in one step; an infinity has no angle.
                if !self.is_finite() {
                    return <$t>::NAN;
                }
                if (self - lo).abs() > WRAP_LOOP_PERIODS as $t * diff {
                    return lo + (self - lo).rem_euclid(diff);
                }
                let mut x = self;
                while x > hi {
                    x -= diff;
                }
                while x < lo {
                    x += diff;
                }
                x
            }
        }

        impl Packed for $t {
            const LANES: usize = 1;
            fn load(values: &[f64]) -> Self {
                values[0] as $t
            }
            fn store(self, out: &mut [f64]) {
                out[0] = self as f64;
            }
        }
    };
}

impl_scalar_real!(f64);
impl_scalar_real!(f32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_normalize_is_floor_mod() {
        let pi = std::f64::consts::PI;
        assert_eq!(Real::angle_normalize(0.0f64), 0.0);
        assert!((Real::angle_normalize(3.0 * pi + 0.5) - (-pi + 0.5)).abs() < 1e-12);
        assert!((Real::angle_normalize(-3.0 * pi - 0.5) - (pi - 0.5)).abs() < 1e-12);
        assert_eq!(Real::angle_normalize(pi), -pi);
    }

    #[test]
    fn wrap_ends_far_out_of_range() {
        let pi = std::f64::consts::PI;
        let x = Real::wrap(1e308, -pi, pi);
        assert!((-pi..=pi).contains(&x), "{x}");
        assert!(Real::wrap(f64::INFINITY, -pi, pi).is_nan());
        assert!((-3.2..=3.2).contains(&Real::wrap(-3e38_f32, -pi, pi)));
    }

    #[test]
    fn wrap_loops_like_gymnasium() {
        let pi = std::f64::consts::PI;
        assert_eq!(Real::wrap(pi, -pi, pi), pi);
        assert!((Real::wrap(7.0 * pi, -pi, pi) - pi).abs() < 1e-12);
        assert!((Real::wrap(-1.5 * pi, -pi, pi) - 0.5 * pi).abs() < 1e-12);
    }
}
