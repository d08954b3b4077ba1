//! The engine's fixed limits: the sizes its stack buffers and SIMD chunks are built for. A
//! leaf module, so that every part of the engine reads them from here.

/// Samples per work unit: one SIMD value of [`Lanes`](crate::Lanes), and the unit of parallelism and of
/// noise streams.
pub(crate) const CHUNK: usize = 16;
/// Largest state, control or tracked-feature size a model may have.
pub(crate) const MAX_DIM: usize = 16;
/// Largest M.
pub(crate) const MAX_CANDIDATES: usize = 16;
/// Largest M × action_dim (the quadratic cost of Eq. 40 takes 2·(nx + nu) values per candidate).
pub(crate) const MAX_ACTION_VALUES: usize = 128;
/// Most memory one controller's buffers may take, in bytes: a larger K × H is refused when
/// the config is read, naming the estimate, instead of aborting in the allocator.
pub(crate) const MAX_ENGINE_BYTES: usize = 4 << 30;
/// Largest condition number of Σ the f32 `lanes` backend accepts: beyond 1/ε of f32 the
/// smaller noise directions lose every digit next to the larger ones.
pub(crate) const MAX_SIGMA_CONDITION_F32: f64 = 1.0 / f32::EPSILON as f64;
