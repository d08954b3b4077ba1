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
