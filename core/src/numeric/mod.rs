//! The number-type abstraction: one dynamics, reward or cost definition, written against
//! [`Real`], runs as `f64` scalars (reference and conformance), as `f32` scalars, and as
//! [`Lanes`] — 16 samples in one SIMD structure-of-arrays value (the CPU default).
//!
//! Code written against [`Real`] must be branch-free over values: a data-dependent `if`
//! becomes a comparison that yields a [`Real::Mask`] and a [`Real::select`]. That is what
//! lets the same text run on 16 samples at once (and, behind the future `cuda` feature, as a
//! dfdx tensor graph whose handle type implements [`Real`]).

mod lanes;
mod real;
mod scalar;

pub use lanes::Lanes;
pub use real::{Mask, Real};
