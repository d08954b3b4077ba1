//! The fused path of issue 18, part 2: the generic model and cost code traced once
//! ([`RolloutProgram`]) and emitted as one CUDA C kernel per MPPI call ([`emit_cuda`]) with the
//! H-step loop inside and the noise drawn in the kernel from a counter-based generator.
//! Nothing here needs a GPU: the trace is interpreted on the CPU against the f64 backend, and
//! the emitted source compiles with NVRTC or nvcc anywhere. The launch is `mppi::fused_path`
//! (the `cuda` feature).

mod cuda_c;
mod program;

pub use cuda_c::{emit_cuda, KernelLayout, KERNEL_NAME};
pub use program::RolloutProgram;
