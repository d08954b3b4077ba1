use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// Boolean results of comparing [`Real`] values: `bool` for scalars, a lane mask for
/// [`super::Lanes`].
pub trait Mask: Copy + Send + Sync + 'static {
    /// Both conditions hold.
    fn and(self, other: Self) -> Self;
    /// Either condition holds.
    fn or(self, other: Self) -> Self;
    /// The condition does not hold.
    fn not(self) -> Self;
}

/// A number type that model code is written against once (see the module docs).
///
/// Arithmetic comes from the operator traits; everything that would otherwise need a
/// data-dependent branch is a method here. All methods act element-wise.
pub trait Real:
    Copy
    + Send
    + Sync
    + 'static
    + std::fmt::Debug
    + num_traits::Zero
    + num_traits::One
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// Comparison result type.
    type Mask: Mask;

    /// A constant broadcast to every sample.
    fn splat(value: f64) -> Self;

    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Sine and cosine together (one range reduction on SIMD backends).
    fn sin_cos(self) -> (Self, Self) {
        (self.sin(), self.cos())
    }
    /// Square root.
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Exponential.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Largest integer value not greater than `self`.
    fn floor(self) -> Self;
    /// Element-wise minimum (NumPy `minimum` semantics for non-NaN inputs).
    fn min(self, other: Self) -> Self;
    /// Element-wise maximum.
    fn max(self, other: Self) -> Self;

    /// `self < other`.
    fn lt(self, other: Self) -> Self::Mask;
    /// `self > other`.
    fn gt(self, other: Self) -> Self::Mask;
    /// `self <= other`.
    fn le(self, other: Self) -> Self::Mask;
    /// `self >= other`.
    fn ge(self, other: Self) -> Self::Mask;
    /// `if mask { on_true } else { on_false }`, element-wise.
    fn select(mask: Self::Mask, on_true: Self, on_false: Self) -> Self;

    /// `min(max(self, lo), hi)`, as NumPy's `clip`.
    fn clamp(self, lo: Self, hi: Self) -> Self {
        self.max(lo).min(hi)
    }
    /// `x * x`.
    fn square(self) -> Self {
        self * self
    }
    /// Floor-mod `((self + π) mod 2π) − π` (NumPy `%`, Rust `rem_euclid`): Gymnasium's
    /// `angle_normalize`.
    fn angle_normalize(self) -> Self {
        let two_pi = Self::splat(std::f64::consts::TAU);
        let shifted = self + Self::splat(std::f64::consts::PI);
        let wrapped = shifted - two_pi * (shifted / two_pi).floor();
        // Rounding can leave exactly 2π; floor-mod never returns the modulus itself.
        let wrapped = Self::select(wrapped.ge(two_pi), wrapped - two_pi, wrapped);
        wrapped - Self::splat(std::f64::consts::PI)
    }
    /// Gymnasium's `wrap(x, m, M)`: subtract or add `M − m` until `m ≤ x ≤ M`.
    ///
    /// The scalar backends loop exactly like Gymnasium; the default here unrolls the loop
    /// twice per side, which covers every value a bounded integration step can produce.
    fn wrap(self, lo: f64, hi: f64) -> Self {
        let (lo, hi, diff) = (Self::splat(lo), Self::splat(hi), Self::splat(hi - lo));
        let mut x = self;
        for _ in 0..2 {
            x = Self::select(x.gt(hi), x - diff, x);
        }
        for _ in 0..2 {
            x = Self::select(x.lt(lo), x + diff, x);
        }
        x
    }
    /// `1.0` where the mask holds, `0.0` elsewhere (an indicator, Eq. 42 and 44).
    fn indicator(mask: Self::Mask) -> Self {
        Self::select(mask, Self::one(), Self::zero())
    }
}
