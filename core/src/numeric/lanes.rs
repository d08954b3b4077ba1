//! [`Real`] for 16 `f32` samples in one SIMD value ([`wide::f32x16`]): the
//! structure-of-arrays CPU backend. Comparisons give all-ones / all-zeros lane masks.

use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use wide::f32x16;

use super::packed::Packed;
use super::real::{Mask, Real};

/// Sixteen `f32` samples processed together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lanes(pub f32x16);

/// Lane mask: each lane all-ones (true) or all-zeros (false).
#[derive(Clone, Copy, Debug)]
pub struct LaneMask(f32x16);

impl Mask for LaneMask {
    fn and(self, other: Self) -> Self {
        LaneMask(self.0 & other.0)
    }
    fn or(self, other: Self) -> Self {
        LaneMask(self.0 | other.0)
    }
    fn not(self) -> Self {
        LaneMask(!self.0)
    }
}

macro_rules! lane_binop {
    ($trait:ident, $method:ident, $assign_trait:ident, $assign_method:ident, $op:tt) => {
        impl $trait for Lanes {
            type Output = Lanes;
            #[inline(always)]
            fn $method(self, rhs: Lanes) -> Lanes {
                Lanes(self.0 $op rhs.0)
            }
        }
        impl $assign_trait for Lanes {
            #[inline(always)]
            fn $assign_method(&mut self, rhs: Lanes) {
                self.0 = self.0 $op rhs.0;
            }
        }
    };
}

lane_binop!(Add, add, AddAssign, add_assign, +);
lane_binop!(Sub, sub, SubAssign, sub_assign, -);
lane_binop!(Mul, mul, MulAssign, mul_assign, *);

impl Div for Lanes {
    type Output = Lanes;
    #[inline(always)]
    fn div(self, rhs: Lanes) -> Lanes {
        Lanes(self.0 / rhs.0)
    }
}

impl Neg for Lanes {
    type Output = Lanes;
    #[inline(always)]
    fn neg(self) -> Lanes {
        Lanes(-self.0)
    }
}

impl num_traits::Zero for Lanes {
    fn zero() -> Self {
        Lanes(f32x16::ZERO)
    }
    fn is_zero(&self) -> bool {
        self.0 == f32x16::ZERO
    }
}

impl num_traits::One for Lanes {
    fn one() -> Self {
        Lanes(f32x16::ONE)
    }
}

impl Lanes {
    /// Loads 16 consecutive values (converted to f32).
    #[inline]
    pub fn load(values: &[f64]) -> Self {
        let values = &values[..16];
        Lanes(f32x16::new(std::array::from_fn(|i| values[i] as f32)))
    }
    /// Stores the 16 lanes into `out` as f64.
    #[inline]
    pub fn store(self, out: &mut [f64]) {
        for (o, v) in out[..16].iter_mut().zip(self.0.to_array()) {
            *o = v as f64;
        }
    }
}

impl Packed for Lanes {
    const LANES: usize = 16;
    #[inline]
    fn load(values: &[f64]) -> Self {
        Lanes::load(values)
    }
    #[inline]
    fn store(self, out: &mut [f64]) {
        Lanes::store(self, out)
    }
}

impl Real for Lanes {
    type Mask = LaneMask;

    #[inline(always)]
    fn splat(value: f64) -> Self {
        Lanes(f32x16::splat(value as f32))
    }
    #[inline(always)]
    fn sin(self) -> Self {
        Lanes(self.0.sin_cos().0)
    }
    #[inline(always)]
    fn cos(self) -> Self {
        Lanes(self.0.sin_cos().1)
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.0.sin_cos();
        (Lanes(s), Lanes(c))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        Lanes(self.0.sqrt())
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Lanes(self.0.abs())
    }
    #[inline(always)]
    fn exp(self) -> Self {
        Lanes(self.0.exp())
    }
    #[inline(always)]
    fn ln(self) -> Self {
        Lanes(self.0.ln())
    }
    #[inline(always)]
    fn floor(self) -> Self {
        Lanes(self.0.floor())
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        Lanes(self.0.fast_min(other.0))
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        Lanes(self.0.fast_max(other.0))
    }
    #[inline(always)]
    fn lt(self, other: Self) -> LaneMask {
        LaneMask(self.0.simd_lt(other.0))
    }
    #[inline(always)]
    fn gt(self, other: Self) -> LaneMask {
        LaneMask(self.0.simd_gt(other.0))
    }
    #[inline(always)]
    fn le(self, other: Self) -> LaneMask {
        LaneMask(self.0.simd_le(other.0))
    }
    #[inline(always)]
    fn ge(self, other: Self) -> LaneMask {
        LaneMask(self.0.simd_ge(other.0))
    }
    #[inline(always)]
    fn select(mask: LaneMask, on_true: Self, on_false: Self) -> Self {
        Lanes(mask.0.select(on_true.0, on_false.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes(f: impl Fn(usize) -> f64) -> Lanes {
        Lanes::load(&(0..16).map(f).collect::<Vec<_>>())
    }

    fn unpack(x: Lanes) -> Vec<f64> {
        let mut out = vec![0.0; 16];
        x.store(&mut out);
        out
    }

    #[test]
    fn lanes_agree_with_f64_on_every_method() {
        let xs = |i: usize| -7.0 + 0.93 * i as f64;
        let x = lanes(xs);
        type Check = (&'static str, Lanes, fn(f64) -> f64);
        let checks: [Check; 5] = [
            ("sin", x.sin(), f64::sin),
            ("cos", x.cos(), f64::cos),
            ("abs", x.abs(), f64::abs),
            ("angle_normalize", x.angle_normalize(), |v| Real::angle_normalize(v)),
            ("wrap", x.wrap(-3.0, 3.0), |v| Real::wrap(v, -3.0, 3.0)),
        ];
        for (name, got, reference) in checks {
            for (i, g) in unpack(got).into_iter().enumerate() {
                let want = reference(xs(i));
                assert!((g - want).abs() < 1e-5, "{name} lane {i}: {g} vs {want}");
            }
        }
    }

    #[test]
    fn select_and_masks_pick_per_lane() {
        let x = lanes(|i| i as f64);
        let inside = x.ge(Lanes::splat(4.0)).and(x.le(Lanes::splat(6.0)));
        let got = unpack(Lanes::indicator(inside));
        let want: Vec<f64> = (0..16).map(|i| f64::from((4..=6).contains(&i))).collect();
        assert_eq!(got, want);
        assert_eq!(unpack(Lanes::indicator(inside.not()))[0], 1.0);
    }
}
