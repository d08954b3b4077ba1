//! The range checks of `[mppi]`: every number finite and usable, bounds in order, and sizes
//! that fit in memory. Each failure is an [`Error::Setting`] naming the key, so that the
//! runner can point at the file and the line.

use super::config::Backend;
use super::limits::{MAX_DIM, MAX_ENGINE_BYTES, MAX_SIGMA_CONDITION_F32};
use crate::Error;

fn setting(key: &str, message: String) -> Error {
    Error::Setting { key: format!("mppi.{key}"), message }
}

/// Every entry of `values` is finite.
pub(super) fn finite(key: &str, values: &[f64]) -> Result<(), Error> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(setting(key, format!("must hold finite numbers, but entry {i} is {}", values[i]))),
        None => Ok(()),
    }
}

/// λ is finite and large enough that 1/λ is finite (a subnormal λ makes every weight NaN).
pub(super) fn lambda(lambda: f64) -> Result<(), Error> {
    if lambda.is_finite() && lambda >= f64::MIN_POSITIVE {
        return Ok(());
    }
    Err(setting(
        "lambda",
        format!(
            "must be a finite number ≥ {:e} (the temperature of Eq. 3; 1/λ must be finite), got {lambda:?}; \
             the paper uses 1.0",
            f64::MIN_POSITIVE
        ),
    ))
}

/// Σ (row-major `nu × nu`, already known to be positive definite with Cholesky factor
/// `cholesky`) has a finite inverse and, for the f32 backend, a condition it can represent.
pub(super) fn sigma(cholesky: &[f64], inverse: &[f64], nu: usize, backend: Backend) -> Result<(), Error> {
    if let Some(i) = inverse.iter().position(|v| !v.is_finite()) {
        return Err(setting(
            "noise_sigma",
            format!(
                "is too small: its inverse (the perturbation cost's Σ⁻¹) has entry {i} = {}; use a noise \
                 covariance of at least about 1e-300 (the paper uses 0.5)",
                inverse[i]
            ),
        ));
    }
    let diagonal = (0..nu).map(|i| cholesky[i * nu + i]);
    let (smallest, largest) = diagonal.fold((f64::INFINITY, 0.0_f64), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let condition = (largest / smallest).powi(2);
    if backend == Backend::Lanes && condition > MAX_SIGMA_CONDITION_F32 {
        return Err(setting(
            "noise_sigma",
            format!(
                "has a condition number of about {condition:.1e}, beyond the {MAX_SIGMA_CONDITION_F32:.1e} that f32 \
                 rollouts resolve (the smaller noise directions would vanish); scale the controls so that their \
                 noise is of similar size, or set mppi.backend = \"scalar\""
            ),
        ));
    }
    Ok(())
}

/// Each configured bound is finite and `u_min[i] ≤ u_max[i]`.
pub(super) fn bounds(u_min: Option<&[f64]>, u_max: Option<&[f64]>) -> Result<(), Error> {
    let (Some(low), Some(high)) = (u_min, u_max) else { return Ok(()) };
    match low.iter().zip(high).position(|(l, h)| l > h) {
        Some(i) => Err(setting(
            "u_min",
            format!(
                "entry {i} ({}) is above mppi.u_max entry {i} ({}): the bounds must satisfy u_min ≤ u_max; \
                 swap them, or leave both out to use the environment's action space",
                low[i], high[i]
            ),
        )),
        None => Ok(()),
    }
}

/// The engine's buffers for K samples, H steps, `nu` controls and M candidates fit in
/// [`MAX_ENGINE_BYTES`]; an error names the larger of K and H.
pub(super) fn memory(k: usize, h: usize, nu: usize, m: usize) -> Result<(), Error> {
    // noise [K][H][nu], perturbation [K], costs, totals and weights [K][M], final states
    // [K][nx ≤ MAX_DIM], plans [M][H][nu]; all f64.
    let values = (|| {
        let per_sample = h.checked_mul(nu)?.checked_add(1 + 3 * m + MAX_DIM)?;
        k.checked_mul(per_sample)?.checked_add(m.checked_mul(h)?.checked_mul(nu)?)
    })();
    let bytes = values.and_then(|v| v.checked_mul(8));
    match bytes {
        Some(bytes) if bytes <= MAX_ENGINE_BYTES => Ok(()),
        _ => Err(setting(
            if h > k { "horizon" } else { "num_samples" },
            format!(
                "(K × H = {k} × {h}) needs {} of buffers, more than the {} one controller may take; \
                 lower mppi.num_samples or mppi.horizon (the paper uses 100 × 10)",
                bytes.map_or_else(|| "more than 2^64 bytes".to_string(), |b| format!("about {:.1} GiB", gib(b))),
                format_args!("{:.0} GiB", gib(MAX_ENGINE_BYTES))
            ),
        )),
    }
}

fn gib(bytes: usize) -> f64 {
    bytes as f64 / f64::from(1u32 << 30)
}
