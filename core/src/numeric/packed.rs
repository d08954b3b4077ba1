//! [`Packed`]: the number types whose values are a fixed number of samples held on the host
//! (f64, f32, [`super::Lanes`]), which the CPU engine loads from and stores into plain arrays.
//!
//! It is separate from [`Real`] because the device backends of issue 18 ([`super::Graph`],
//! [`super::Traced`]) hold whole batches on a device, or no values at all, and have no
//! meaningful per-lane load or store.

use super::real::Real;

/// A [`Real`] that carries `LANES` samples in host memory.
pub trait Packed: Real {
    /// How many samples one value carries (1 for scalars, 16 for [`super::Lanes`]).
    const LANES: usize;
    /// Loads `Self::LANES` consecutive values (converted to this type's precision).
    fn load(values: &[f64]) -> Self;
    /// Stores `Self::LANES` values into `out` as f64.
    fn store(self, out: &mut [f64]);
}
