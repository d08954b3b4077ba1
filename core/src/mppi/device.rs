//! Which device path a backend gets (issue 18): none for the CPU backends, a dfdx graph on
//! dfdx's CPU or CUDA device, or the fused CUDA kernel. Backends this build lacks are refused
//! with an error naming the cargo feature, never a panic.

use dfdx::prelude::Cpu;

use super::config::Backend;
use super::graph_path::{BoxedDevicePath, GraphPath};
use crate::Error;

/// The device path of `backend`, its generator seeded with `seed`.
pub(crate) fn device_path(backend: Backend, seed: u64) -> Result<Option<BoxedDevicePath>, Error> {
    match backend {
        Backend::Lanes | Backend::Scalar => Ok(None),
        Backend::DfdxCpu => Ok(Some(Box::new(GraphPath::new(Cpu::seed_from_u64(seed))))),
        Backend::Cuda | Backend::CudaFused => cuda_path(backend, seed).map(Some),
    }
}

#[cfg(feature = "cuda")]
fn cuda_path(backend: Backend, seed: u64) -> Result<BoxedDevicePath, Error> {
    use dfdx::prelude::Cuda;
    gpu_present(backend)?;
    if backend == Backend::CudaFused {
        return Ok(Box::new(super::fused_path::FusedPath::new(seed)?));
    }
    let device = Cuda::try_seed_from_u64(seed).map_err(|e| {
        // `DriverError`'s `Debug` asks the driver for a message (and panics on a build stub).
        let cause = match e {
            dfdx::tensor::CudaError::Driver(driver) => format!("CUDA driver error {:?}", driver.0),
            other => format!("{other:?}"),
        };
        Error::Invalid(format!("mppi.backend = \"cuda\": no CUDA device could be opened ({cause})"))
    })?;
    Ok(Box::new(cuda_graph::OnAnyThread(GraphPath::new(device))))
}

/// Starts the CUDA driver and finds a GPU, or says why not: cudarc 0.9's `CudaDevice::new`
/// (which dfdx's `Cuda` calls too) panics when the driver does not start or there is no GPU.
/// Result codes, not `DriverError`'s `Debug`, which asks the driver for a message and panics
/// where the driver library is a build stub.
#[cfg(feature = "cuda")]
fn gpu_present(backend: Backend) -> Result<(), Error> {
    use cudarc::driver::result;
    let name = if backend == Backend::CudaFused { "cuda-fused" } else { "cuda" };
    let refuse = |why: String| Error::Invalid(format!("mppi.backend = \"{name}\": {why}"));
    result::init().map_err(|e| refuse(format!("the CUDA driver did not start ({:?})", e.0)))?;
    let count = result::device::get_count().map_err(|e| refuse(format!("no CUDA device ({:?})", e.0)))?;
    if count < 1 {
        return Err(refuse("no CUDA device".into()));
    }
    Ok(())
}

/// dfdx's `Cuda` device holds a raw CUDA stream, so it is neither `Send` nor `Sync`, while
/// the engine that owns it moves between threads.
#[cfg(feature = "cuda")]
mod cuda_graph {
    use dfdx::prelude::Cuda;

    use crate::cost::Cost;
    use crate::model::SurrogateModel;
    use crate::mppi::config::Settings;
    use crate::mppi::graph_path::{DevicePath, GraphPath, HostCopies, HostResults, HostView};
    use crate::mppi::rollout::RolloutJob;
    use crate::mppi::sampling::NoiseInput;
    use crate::Error;

    /// The graph path on dfdx's CUDA device, movable to whichever thread holds the engine.
    pub(super) struct OnAnyThread(pub(super) GraphPath<Cuda>);

    // SAFETY: cudarc binds the device's context to the calling thread before its driver calls,
    // so the stream works from any thread; and every `DevicePath` method takes `&mut self`, so
    // shared references never reach the device and no two threads use it at once.
    unsafe impl Send for OnAnyThread {}
    // SAFETY: as above: a `&OnAnyThread` gives no access to the device.
    unsafe impl Sync for OnAnyThread {}

    impl DevicePath for OnAnyThread {
        fn roll_out(
            &mut self,
            s: &Settings,
            shifted: &[f64],
            noise: NoiseInput<'_>,
            job: &RolloutJob<'_, dyn SurrogateModel + '_, dyn Cost + '_>,
            out: HostCopies<'_>,
        ) -> Result<(), Error> {
            self.0.roll_out(s, shifted, noise, job, out)
        }
        fn add_terminal_costs(&mut self, costs: &[f64]) {
            self.0.add_terminal_costs(costs)
        }
        fn finish(&mut self, s: &Settings, shifted: &[f64], host: HostView<'_>, out: HostResults<'_>) {
            self.0.finish(s, shifted, host, out)
        }
    }
}

#[cfg(not(feature = "cuda"))]
fn cuda_path(backend: Backend, _seed: u64) -> Result<BoxedDevicePath, Error> {
    let name = if backend == Backend::CudaFused { "cuda-fused" } else { "cuda" };
    Err(Error::Invalid(format!(
        "mppi.backend = \"{name}\" needs a build with the `cuda` cargo feature (book: Running on a GPU)"
    )))
}
