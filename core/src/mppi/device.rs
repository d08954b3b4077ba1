//! Which device path a backend gets (issue 18): none for the CPU backends, a dfdx graph on
//! dfdx's CPU or CUDA device, or the fused CUDA kernel. Backends this build lacks are refused
//! with an error naming the cargo feature, never a panic.

use dfdx::prelude::Cpu;

use super::config::Backend;
use super::graph_path::{DevicePath, GraphPath};
use crate::Error;

/// The device path of `backend`, its generator seeded with `seed`.
pub(crate) fn device_path(backend: Backend, seed: u64) -> Result<Option<Box<dyn DevicePath>>, Error> {
    match backend {
        Backend::Lanes | Backend::Scalar => Ok(None),
        Backend::DfdxCpu => Ok(Some(Box::new(GraphPath::new(Cpu::seed_from_u64(seed))))),
        Backend::Cuda | Backend::CudaFused => cuda_path(backend, seed).map(Some),
    }
}

#[cfg(feature = "cuda")]
fn cuda_path(backend: Backend, seed: u64) -> Result<Box<dyn DevicePath>, Error> {
    use dfdx::prelude::Cuda;
    if backend == Backend::CudaFused {
        return Ok(Box::new(super::fused_path::FusedPath::new(seed)?));
    }
    let device = Cuda::try_seed_from_u64(seed)
        .map_err(|e| Error::Invalid(format!("mppi.backend = \"cuda\": no CUDA device could be opened ({e:?})")))?;
    Ok(Box::new(GraphPath::new(device)))
}

#[cfg(not(feature = "cuda"))]
fn cuda_path(backend: Backend, _seed: u64) -> Result<Box<dyn DevicePath>, Error> {
    let name = if backend == Backend::CudaFused { "cuda-fused" } else { "cuda" };
    Err(Error::Invalid(format!(
        "mppi.backend = \"{name}\" needs a build with the `cuda` cargo feature (book: Running on a GPU)"
    )))
}
