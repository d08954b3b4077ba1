//! The operations a [`Real`](super::Real) value can undergo, as data: what the recording
//! backends of issue 18 build from model and cost code. [`super::Graph`] applies each one to
//! dfdx tensors as it is made; [`super::Traced`] keeps them as a trace to interpret or emit as
//! CUDA C. [`recorded_real!`] writes the operator and trait boilerplate once for both.

/// One element-wise operation; operands are value ids of the recording backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `a + b`.
    Add,
    /// `a − b`.
    Sub,
    /// `a · b`.
    Mul,
    /// `a / b`.
    Div,
    /// `−a`.
    Neg,
    /// `sin a`.
    Sin,
    /// `cos a`.
    Cos,
    /// `√a`.
    Sqrt,
    /// `|a|`.
    Abs,
    /// `eᵃ`.
    Exp,
    /// `ln a`.
    Ln,
    /// `⌊a⌋`.
    Floor,
    /// `min(a, b)` (NumPy `minimum` for non-NaN inputs).
    Min,
    /// `max(a, b)`.
    Max,
    /// Mask `a < b`.
    Lt,
    /// Mask `a > b`.
    Gt,
    /// Mask `a ≤ b`.
    Le,
    /// Mask `a ≥ b`.
    Ge,
    /// Mask `a ∧ b`.
    And,
    /// Mask `a ∨ b`.
    Or,
    /// Mask `¬a`.
    Not,
    /// `mask ? a : b`, operands `[mask, a, b]`.
    Select,
}

impl Op {
    /// Whether the result is a mask rather than a number.
    pub fn yields_mask(self) -> bool {
        matches!(self, Op::Lt | Op::Gt | Op::Le | Op::Ge | Op::And | Op::Or | Op::Not)
    }
}

/// Where a recording backend sends its operations (a thread-local session).
pub(crate) trait Recorder {
    /// The id of a constant broadcast to every sample.
    fn constant(value: f64) -> u32;
    /// The id of `op(args)`.
    fn apply(op: Op, args: &[u32]) -> u32;
    /// Whether `id` is known to be the constant 0 (for `num_traits::Zero::is_zero`).
    fn is_constant_zero(id: u32) -> bool;
}

/// Implements [`Real`](super::Real), its [`Mask`](super::Mask) and the operator traits for a
/// pair of `u32` handle types whose operations go to `$recorder`.
macro_rules! recorded_real {
    ($real:ident, $mask:ident, $recorder:ty) => {
        impl $crate::numeric::Mask for $mask {
            fn and(self, other: Self) -> Self {
                $mask(<$recorder>::apply(Op::And, &[self.0, other.0]))
            }
            fn or(self, other: Self) -> Self {
                $mask(<$recorder>::apply(Op::Or, &[self.0, other.0]))
            }
            fn not(self) -> Self {
                $mask(<$recorder>::apply(Op::Not, &[self.0]))
            }
        }

        recorded_real!(@binary $real, $recorder, Add, add, AddAssign, add_assign);
        recorded_real!(@binary $real, $recorder, Sub, sub, SubAssign, sub_assign);
        recorded_real!(@binary $real, $recorder, Mul, mul, MulAssign, mul_assign);

        impl std::ops::Div for $real {
            type Output = $real;
            fn div(self, rhs: $real) -> $real {
                $real(<$recorder>::apply(Op::Div, &[self.0, rhs.0]))
            }
        }
        impl std::ops::Neg for $real {
            type Output = $real;
            fn neg(self) -> $real {
                $real(<$recorder>::apply(Op::Neg, &[self.0]))
            }
        }
        impl num_traits::Zero for $real {
            fn zero() -> Self {
                $real(<$recorder>::constant(0.0))
            }
            fn is_zero(&self) -> bool {
                <$recorder>::is_constant_zero(self.0)
            }
        }
        impl num_traits::One for $real {
            fn one() -> Self {
                $real(<$recorder>::constant(1.0))
            }
        }

        impl $crate::numeric::Real for $real {
            type Mask = $mask;

            fn splat(value: f64) -> Self {
                $real(<$recorder>::constant(value))
            }
            fn sin(self) -> Self {
                $real(<$recorder>::apply(Op::Sin, &[self.0]))
            }
            fn cos(self) -> Self {
                $real(<$recorder>::apply(Op::Cos, &[self.0]))
            }
            fn sqrt(self) -> Self {
                $real(<$recorder>::apply(Op::Sqrt, &[self.0]))
            }
            fn abs(self) -> Self {
                $real(<$recorder>::apply(Op::Abs, &[self.0]))
            }
            fn exp(self) -> Self {
                $real(<$recorder>::apply(Op::Exp, &[self.0]))
            }
            fn ln(self) -> Self {
                $real(<$recorder>::apply(Op::Ln, &[self.0]))
            }
            fn floor(self) -> Self {
                $real(<$recorder>::apply(Op::Floor, &[self.0]))
            }
            fn min(self, other: Self) -> Self {
                $real(<$recorder>::apply(Op::Min, &[self.0, other.0]))
            }
            fn max(self, other: Self) -> Self {
                $real(<$recorder>::apply(Op::Max, &[self.0, other.0]))
            }
            fn lt(self, other: Self) -> $mask {
                $mask(<$recorder>::apply(Op::Lt, &[self.0, other.0]))
            }
            fn gt(self, other: Self) -> $mask {
                $mask(<$recorder>::apply(Op::Gt, &[self.0, other.0]))
            }
            fn le(self, other: Self) -> $mask {
                $mask(<$recorder>::apply(Op::Le, &[self.0, other.0]))
            }
            fn ge(self, other: Self) -> $mask {
                $mask(<$recorder>::apply(Op::Ge, &[self.0, other.0]))
            }
            fn select(mask: $mask, on_true: Self, on_false: Self) -> Self {
                $real(<$recorder>::apply(Op::Select, &[mask.0, on_true.0, on_false.0]))
            }
        }
    };
    (@binary $real:ident, $recorder:ty, $trait:ident, $method:ident, $assign_trait:ident, $assign_method:ident) => {
        impl std::ops::$trait for $real {
            type Output = $real;
            fn $method(self, rhs: $real) -> $real {
                $real(<$recorder>::apply(Op::$trait, &[self.0, rhs.0]))
            }
        }
        impl std::ops::$assign_trait for $real {
            fn $assign_method(&mut self, rhs: $real) {
                *self = std::ops::$trait::$method(*self, rhs);
            }
        }
    };
}

pub(crate) use recorded_real;
