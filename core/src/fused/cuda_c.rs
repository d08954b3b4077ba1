//! [`emit_cuda`]: a [`RolloutProgram`] as the CUDA C source of one kernel that runs steps 2–7
//! of an MPPI call for one sample per thread (issue 18, part 2): noise from a counter-based
//! generator (or injected), clamp, perturbation cost, the H-step rollout with every candidate's
//! cost, and the terminal cost. Shapes are compile-time constants; the small per-call arrays
//! travel in one `params` buffer laid out by [`KernelLayout`].

use std::fmt::Write;

use super::program::RolloutProgram;
use crate::numeric::{Node, Op, Trace};

/// The kernel's name in the emitted module.
pub const KERNEL_NAME: &str = "mppi_rollouts";

/// Offsets into the kernel's `params` buffer (f32): what the host writes before each call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelLayout {
    /// x_t (nx).
    pub state: usize,
    /// Ū shifted (H·nu).
    pub shifted: usize,
    /// The M candidates' RL actions (M·action_dim).
    pub actions: usize,
    /// Lower control bounds (nu; −∞ where none).
    pub u_min: usize,
    /// Upper control bounds (nu; +∞ where none).
    pub u_max: usize,
    /// Cholesky factor L of Σ, row-major (nu·nu).
    pub cholesky: usize,
    /// μ (nu).
    pub mu: usize,
    /// c_{t,j} = λ Σ_i Ū_{t,i} Σ⁻¹_{j,i}, the perturbation cost's coefficients (H·nu).
    pub coefficient: usize,
    /// Total length.
    pub len: usize,
}

impl KernelLayout {
    /// The layout for `program` at horizon `horizon`.
    pub fn new(program: &RolloutProgram, horizon: usize) -> Self {
        let (nx, nu, hn) = (program.nx, program.nu, horizon * program.nu);
        let mut at = 0;
        let mut take = |n: usize| {
            at += n;
            at - n
        };
        Self {
            state: take(nx),
            shifted: take(hn),
            actions: take(program.action_values),
            u_min: take(nu),
            u_max: take(nu),
            cholesky: take(nu * nu),
            mu: take(nu),
            coefficient: take(hn),
            len: at,
        }
    }
}

/// A float constant as a CUDA C literal that reads back to the same f32.
fn literal(value: f64) -> String {
    let v = value as f32;
    if v.is_nan() {
        "__int_as_float(0x7fc00000)".into()
    } else if v.is_infinite() {
        if v > 0.0 { "__int_as_float(0x7f800000)" } else { "__int_as_float(0xff800000)" }.into()
    } else {
        format!("{v:e}f")
    }
}

/// The body of `trace` as C statements: inputs read from `input(i)`, outputs written by
/// `output(j, value)`. Names are prefixed so several bodies can share a scope.
fn emit_body(
    src: &mut String,
    trace: &Trace,
    prefix: &str,
    input: impl Fn(usize) -> String,
    output: impl Fn(usize, &str) -> String,
) {
    let name = |id: u32| format!("{prefix}{id}");
    for (id, node) in trace.nodes.iter().enumerate() {
        let id = id as u32;
        let statement = match *node {
            Node::Constant(c) => format!("const float {} = {};", name(id), literal(c)),
            Node::Input(i) => format!("const float {} = {};", name(id), input(i)),
            Node::Apply(op, [a, b, c]) => {
                let (a, b, c) = (name(a), name(b), name(c));
                let expression = match op {
                    Op::Add => format!("{a} + {b}"),
                    Op::Sub => format!("{a} - {b}"),
                    Op::Mul => format!("{a} * {b}"),
                    Op::Div => format!("{a} / {b}"),
                    Op::Neg => format!("-{a}"),
                    Op::Sin => format!("sinf({a})"),
                    Op::Cos => format!("cosf({a})"),
                    Op::Sqrt => format!("sqrtf({a})"),
                    Op::Abs => format!("fabsf({a})"),
                    Op::Exp => format!("expf({a})"),
                    Op::Ln => format!("logf({a})"),
                    Op::Floor => format!("floorf({a})"),
                    // NumPy's minimum / maximum for non-NaN inputs, as the f64 backend.
                    Op::Min => format!("({b} < {a} ? {b} : {a})"),
                    Op::Max => format!("({b} > {a} ? {b} : {a})"),
                    Op::Lt => format!("{a} < {b}"),
                    Op::Gt => format!("{a} > {b}"),
                    Op::Le => format!("{a} <= {b}"),
                    Op::Ge => format!("{a} >= {b}"),
                    Op::And => format!("{a} && {b}"),
                    Op::Or => format!("{a} || {b}"),
                    Op::Not => format!("!{a}"),
                    Op::Select => format!("{a} ? {b} : {c}"),
                };
                let ty = if op.yields_mask() { "bool" } else { "float" };
                format!("const {ty} {} = {expression};", name(id))
            }
        };
        let _ = writeln!(src, "      {statement}");
    }
    for (j, &o) in trace.outputs.iter().enumerate() {
        let _ = writeln!(src, "      {}", output(j, &name(o)));
    }
}

/// The CUDA C source of the fused kernel for `program` at horizon `horizon`.
///
/// `extern "C" __global__ void mppi_rollouts(const float* params, const float* given,
/// unsigned long long seed, unsigned long long call, int samples, int use_given,
/// float* noise, float* perturbation, float* costs, float* finals)`: `given` and `noise` are
/// `[H·nu][K]`, `costs` `[M][K]`, `finals` `[nx][K]` (sample-minor, for coalesced access).
/// Noise entry (k, t, i) is z = √(−2 ln u₁) cos(2π u₂) with u₁, u₂ from splitmix64 of
/// (seed, call, k, t·nu + i): a pure function of its counter, as the CPU engine's streams are.
pub fn emit_cuda(program: &RolloutProgram, horizon: usize, noise_abs_cost: bool) -> String {
    let (nx, nu, m, na) = (program.nx, program.nu, program.candidates, program.action_values);
    let layout = KernelLayout::new(program, horizon);
    let mut src = String::new();
    let _ = write!(
        src,
        r#"// Generated by rlmpc (issue 18): one MPPI call's rollouts, one sample per thread.
// Traced values the program never reads (e.g. a zero reward) are normal: no warning for them.
#pragma nv_diag_suppress 177
#define NX {nx}
#define NU {nu}
#define M {m}
#define NA {na}
#define H {horizon}
#define NOISE_ABS_COST {noise_abs}

__device__ __forceinline__ unsigned long long splitmix64(unsigned long long z) {{
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}}

__device__ __forceinline__ float standard_normal(unsigned long long key, unsigned long long counter) {{
  const unsigned long long r = splitmix64(key ^ splitmix64(counter));
  const float u1 = ((float)(r >> 40) + 0.5f) * 5.9604645e-8f;
  const float u2 = ((float)((r >> 16) & 0xFFFFFFull) + 0.5f) * 5.9604645e-8f;
  return sqrtf(-2.0f * logf(u1)) * cospif(2.0f * u2);
}}

extern "C" __global__ void {KERNEL_NAME}(const float* params, const float* given, unsigned long long seed,
    unsigned long long call, int samples, int use_given, float* noise, float* perturbation, float* costs,
    float* finals) {{
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= samples) return;
  const unsigned long long key = splitmix64(seed ^ splitmix64(call));
  float x[NX], xn[NX], u[NU], acc[M], a[NA > 0 ? NA : 1], z[NU];
  for (int i = 0; i < NX; ++i) x[i] = params[{state} + i];
  for (int i = 0; i < NA; ++i) a[i] = params[{actions} + i];
  for (int i = 0; i < M; ++i) acc[i] = 0.0f;
  float p = 0.0f;
  for (int t = 0; t < H; ++t) {{
    if (!use_given)
      for (int i = 0; i < NU; ++i) z[i] = standard_normal(key, (unsigned long long)k * (H * NU) + t * NU + i);
    for (int i = 0; i < NU; ++i) {{
      const int j = t * NU + i;
      float e = params[{mu} + i];
      if (use_given) e = given[(size_t)j * samples + k];
      else for (int l = 0; l <= i; ++l) e += params[{cholesky} + i * NU + l] * z[l];
      const float ubar = params[{shifted} + j];
      float v = ubar + e;
      v = v < params[{u_min} + i] ? params[{u_min} + i] : v;
      v = v > params[{u_max} + i] ? params[{u_max} + i] : v;
      const float eff = v - ubar;
      noise[(size_t)j * samples + k] = eff;
      p += params[{coefficient} + j] * (NOISE_ABS_COST ? fabsf(eff) : eff);
      u[i] = v;
    }}
    {{
"#,
        noise_abs = u8::from(noise_abs_cost),
        state = layout.state,
        actions = layout.actions,
        mu = layout.mu,
        cholesky = layout.cholesky,
        shifted = layout.shifted,
        u_min = layout.u_min,
        u_max = layout.u_max,
        coefficient = layout.coefficient,
    );
    let step_input = |i: usize| match i {
        i if i < nx => format!("x[{i}]"),
        i if i < nx + nu => format!("u[{}]", i - nx),
        i if i < nx + nu + m => format!("acc[{}]", i - nx - nu),
        i => format!("a[{}]", i - nx - nu - m),
    };
    let step_output = |j: usize, value: &str| {
        if j < nx {
            format!("xn[{j}] = {value};")
        } else {
            format!("acc[{}] = {value};", j - nx)
        }
    };
    emit_body(&mut src, &program.step, "s", step_input, step_output);
    src.push_str("    }\n    for (int i = 0; i < NX; ++i) x[i] = xn[i];\n  }\n  {\n");
    let terminal_input = |i: usize| match i {
        i if i < nx => format!("x[{i}]"),
        i if i < nx + m => format!("acc[{}]", i - nx),
        i => format!("a[{}]", i - nx - m),
    };
    emit_body(&mut src, &program.terminal, "f", terminal_input, |j, value| format!("acc[{j}] = {value};"));
    src.push_str(
        "  }\n  perturbation[k] = p;\n  for (int i = 0; i < M; ++i) costs[(size_t)i * samples + k] = acc[i];\n  \
         for (int i = 0; i < NX; ++i) finals[(size_t)i * samples + k] = x[i];\n}\n",
    );
    src
}
