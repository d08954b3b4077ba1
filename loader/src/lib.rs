//! # rlmpc-loader
//!
//! Out-of-tree plugins: environments, costs and schedulers built as a separate shared library
//! (`cdylib`) and loaded at run time, from a config's `plugins = [...]` or
//! `rlmpc list --plugin PATH`.
//!
//! - A plugin crate hands its registrations to a [`Registrar`] and invokes
//!   [`declare_plugin!`] once (see `plugins/template`).
//! - [`load`] opens a library, reads its [`AbiRecord`] — plain data, no code runs — and
//!   compares it with this program's; only when they match does it call the plugin's
//!   registration function and add the registrations to `rlmpc_core::registry`.
//!
//! A mismatch is an error that names the cause and the fix:
//!
//! ```text
//! plugin /path/librlmpc_plugin_template.so was built against rlmpc-core 0.2.0, this program
//! uses 0.1.0: rebuild the plugin against rlmpc-core 0.1.0
//! ```

mod abi;
#[doc(hidden)]
pub mod declare;
mod loader;
mod registrar;

pub use abi::{AbiRecord, Mismatch, ABI_SYMBOL, ABI_VERSION, MAGIC, REGISTER_SYMBOL};
pub use loader::{load, load_all, LoadError, LoadedPlugin};
pub use registrar::{Registered, Registrar};
