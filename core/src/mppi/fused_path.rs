//! `backend = "cuda-fused"` (issue 18, part 2): each call traces the model and cost
//! ([`RolloutProgram`]), emits them as one CUDA C kernel ([`emit_cuda`]), compiles it at run
//! time with NVRTC (once per distinct source: shapes, noise_abs_cost and the danger zone's
//! constants) and launches it through cudarc. The kernel draws the noise itself unless it is
//! injected; steps 8–10 run on the host from the kernel's outputs.

use std::collections::HashMap;
use std::sync::Arc;

use cudarc::driver::{CudaDevice, CudaFunction, DriverError, LaunchAsync, LaunchConfig};

use super::config::Settings;
use super::graph_path::{DevicePath, HostCopies, HostResults, HostView};
use super::rollout::RolloutJob;
use super::sampling::NoiseInput;
use super::update::update_on_host;
use crate::cost::Cost;
use crate::fused::{emit_cuda, KernelLayout, RolloutProgram, KERNEL_NAME};
use crate::model::SurrogateModel;
use crate::Error;

/// The fused kernel on one GPU, with its compiled variants.
pub(crate) struct FusedPath {
    device: Arc<CudaDevice>,
    seed: u64,
    calls: u64,
    /// Compiled kernels by their source.
    kernels: HashMap<String, CudaFunction>,
}

/// A driver error as its result code: `DriverError`'s own `Debug` asks the driver for a
/// message and panics where the driver library is a build stub.
fn cuda_error(what: &str, e: DriverError) -> Error {
    Error::Invalid(format!("cuda-fused: {what}: CUDA driver error {:?}", e.0))
}

impl FusedPath {
    /// A fused path on GPU 0, its in-kernel generator keyed by `seed`.
    pub(crate) fn new(seed: u64) -> Result<Self, Error> {
        let device = CudaDevice::new(0).map_err(|e| cuda_error("no CUDA device could be opened", e))?;
        Ok(Self { device, seed, calls: 0, kernels: HashMap::new() })
    }

    fn kernel(&mut self, source: String) -> Result<CudaFunction, Error> {
        if let Some(kernel) = self.kernels.get(&source) {
            return Ok(kernel.clone());
        }
        let ptx = cudarc::nvrtc::compile_ptx(&source)
            .map_err(|e| Error::Invalid(format!("cuda-fused: NVRTC rejected the kernel: {e:?}")))?;
        let module = format!("rlmpc_fused_{}", self.kernels.len());
        self.device.load_ptx(ptx, &module, &[KERNEL_NAME]).map_err(|e| cuda_error("loading the kernel", e))?;
        let kernel = self
            .device
            .get_func(&module, KERNEL_NAME)
            .ok_or_else(|| Error::Invalid("cuda-fused: the kernel is missing from its module".into()))?;
        self.kernels.insert(source, kernel.clone());
        Ok(kernel)
    }
}

/// The kernel's `params` buffer for this call.
fn params(s: &Settings, program: &RolloutProgram, state: &[f64], shifted: &[f64], actions: &[f64]) -> Vec<f32> {
    let (nu, layout) = (s.nu, KernelLayout::new(program, s.h));
    let mut p = vec![0.0f32; layout.len];
    let mut put = |at: usize, values: &mut dyn Iterator<Item = f64>| {
        for (dst, v) in p[at..].iter_mut().zip(values) {
            *dst = v as f32;
        }
    };
    put(layout.state, &mut state.iter().copied());
    put(layout.shifted, &mut shifted.iter().copied());
    put(layout.actions, &mut actions.iter().copied());
    put(layout.u_min, &mut (0..nu).map(|i| s.u_min.as_ref().map_or(f64::NEG_INFINITY, |lo| lo[i])));
    put(layout.u_max, &mut (0..nu).map(|i| s.u_max.as_ref().map_or(f64::INFINITY, |hi| hi[i])));
    put(layout.cholesky, &mut s.sigma_cholesky.iter().copied());
    put(layout.mu, &mut s.mu.iter().copied());
    let coefficient = |j: usize| {
        let (t, jj) = (j / nu, j % nu);
        (0..nu).map(|i| shifted[t * nu + i] * s.sigma_inverse[jj * nu + i]).sum::<f64>() * s.lambda
    };
    put(layout.coefficient, &mut (0..s.h * nu).map(coefficient));
    p
}

/// Copies a sample-minor `[columns][K]` device array into a row-major `[K][columns]` one.
fn transpose_into(sample_minor: &[f32], k: usize, out: &mut [f64]) {
    let columns = sample_minor.len() / k.max(1);
    for (j, column) in sample_minor.chunks_exact(k).enumerate() {
        for (n, v) in column.iter().enumerate() {
            out[n * columns + j] = f64::from(*v);
        }
    }
}

impl DevicePath for FusedPath {
    fn roll_out(
        &mut self,
        s: &Settings,
        shifted: &[f64],
        noise: NoiseInput<'_>,
        job: &RolloutJob<'_, dyn SurrogateModel + '_, dyn Cost + '_>,
        out: HostCopies<'_>,
    ) -> Result<(), Error> {
        let (k, hn, nx, m) = (s.k, s.h * s.nu, job.nx, s.candidates);
        let program = RolloutProgram::from_job(job);
        let kernel = self.kernel(emit_cuda(&program, s.h, s.noise_abs_cost))?;
        let dev = &self.device;
        let upload = |values: Vec<f32>| dev.htod_copy(values).map_err(|e| cuda_error("copy to the GPU", e));
        let alloc = |n: usize| dev.alloc_zeros::<f32>(n).map_err(|e| cuda_error("GPU allocation", e));
        let params = upload(params(s, &program, job.state, shifted, job.actions))?;
        let (given, use_given) = match noise {
            NoiseInput::Given(given) => {
                (upload((0..hn * k).map(|i| given[(i % k) * hn + i / k] as f32).collect())?, 1i32)
            }
            NoiseInput::Sampled => (alloc(1)?, 0i32),
        };
        let (mut effective, mut perturbation, mut costs, mut finals) =
            (alloc(hn * k)?, alloc(k)?, alloc(m * k)?, alloc(nx * k)?);
        let config = LaunchConfig::for_num_elems(k as u32);
        let arguments = (
            &params,
            &given,
            self.seed,
            self.calls,
            k as i32,
            use_given,
            &mut effective,
            &mut perturbation,
            &mut costs,
            &mut finals,
        );
        // SAFETY: the argument types and order are those of the emitted kernel's signature
        // (`emit_cuda`), and every buffer holds the element count the kernel indexes for K.
        unsafe { kernel.launch(config, arguments) }.map_err(|e| cuda_error("kernel launch", e))?;
        self.calls += 1;
        let download = |slice| dev.dtoh_sync_copy(slice).map_err(|e| cuda_error("copy from the GPU", e));
        transpose_into(&download(&effective)?, k, out.noise);
        transpose_into(&download(&perturbation)?, k, out.perturbation);
        transpose_into(&download(&costs)?, k, out.rollout_costs);
        transpose_into(&download(&finals)?, k, out.final_states);
        Ok(())
    }

    fn add_terminal_costs(&mut self, _costs: &[f64]) {
        // The host arrays the engine already updated are what `finish` reads.
    }

    fn finish(&mut self, s: &Settings, shifted: &[f64], host: HostView<'_>, out: HostResults<'_>) {
        update_on_host(s, shifted, host, out);
    }
}
