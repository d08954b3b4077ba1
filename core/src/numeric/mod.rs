//! The number-type abstraction: one dynamics, reward or cost definition, written against
//! [`Real`], runs as `f64` scalars (reference and conformance), as `f32` scalars, as
//! [`Lanes`] — 16 samples in one SIMD structure-of-arrays value (the CPU default) — as a
//! [`Graph`] of dfdx tensors of K samples on any dfdx device, and as a [`Traced`] expression
//! that is interpreted or emitted as one CUDA kernel (issue 18).
//!
//! Code written against [`Real`] must be branch-free over values: a data-dependent `if`
//! becomes a comparison that yields a [`Real::Mask`] and a [`Real::select`]. That is what
//! lets the same text run on 16 samples at once, on a device, or into a trace.

mod graph;
mod lanes;
pub(crate) mod op;
mod packed;
mod real;
mod scalar;
mod trace;

pub(crate) use graph::{with_session, Column};
pub use graph::{Graph, GraphMask};
pub use lanes::Lanes;
pub use op::Op;
pub use packed::Packed;
pub use real::{Mask, Real};
pub use trace::{Node, Trace, Traced, TracedMask};
