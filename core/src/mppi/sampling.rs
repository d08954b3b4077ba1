//! Control noise ε ~ N(μ, Σ) (paper Eq. 2), drawn per chunk of samples from its own
//! counter-based stream, so a call's noise does not depend on how chunks meet threads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::config::Settings;
use super::limits::MAX_DIM;

/// Where a call's noise comes from.
#[derive(Clone, Copy, Debug)]
pub enum NoiseInput<'a> {
    /// Drawn from the engine's seeded generator.
    Sampled,
    /// Given ε (`[K][H][nu]`, before clamping), as pytorch-mppi's `noise_sampled`.
    Given(&'a [f64]),
}

/// The generator of chunk `chunk` in MPPI call `call` of an engine seeded with `seed`.
pub(crate) fn chunk_rng(seed: u64, call: u64, chunk: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(call);
    rng.set_word_pos((chunk as u128) << 40);
    rng
}

/// Fills `out` (rows of `nu`) with ε = z Lᵀ + μ, z ~ N(0, I); for an exactly diagonal Σ,
/// ε = z ⊙ sqrt(diag Σ) + μ — pytorch-mppi's two transforms.
pub(crate) fn sample_noise(s: &Settings, rng: &mut ChaCha8Rng, out: &mut [f64]) {
    let nu = s.nu;
    let mut z = [0.0f64; MAX_DIM];
    for row in out.chunks_exact_mut(nu) {
        for zi in z[..nu].iter_mut() {
            *zi = StandardNormal.sample(rng);
        }
        transform(s, &z[..nu], row);
    }
}

/// ε = z Lᵀ + μ for one row.
pub(crate) fn transform(s: &Settings, z: &[f64], out: &mut [f64]) {
    let nu = s.nu;
    match &s.sigma_diagonal {
        Some(diag) => {
            for ((o, zi), (d, mu)) in out.iter_mut().zip(z).zip(diag.iter().zip(&s.mu)) {
                *o = zi * d.sqrt() + mu;
            }
        }
        None => {
            for ((o, l), mu) in out.iter_mut().zip(s.sigma_cholesky.chunks_exact(nu)).zip(&s.mu) {
                *o = z.iter().zip(l).map(|(zj, lij)| zj * lij).sum::<f64>() + mu;
            }
        }
    }
}
