//! [`declare_plugin!`](crate::declare_plugin): what a plugin crate invokes once to become
//! loadable.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::Registrar;

/// Makes this crate (built as a `cdylib`) an rlmpc plugin library. Invoke it once, at the
/// crate root, with a `fn(&mut Registrar)` that hands over the plugin's registrations:
///
/// ```ignore
/// fn register(registrar: &mut rlmpc_loader::Registrar) {
///     registrar.cost(CostRegistration::new("effort", "‖u‖²: control effort", build, module_path!()));
/// }
///
/// rlmpc_loader::declare_plugin!(register);
/// ```
///
/// It exports two symbols:
///
/// - `rlmpc_plugin_abi`: a static [`AbiRecord`](crate::AbiRecord) (plain C data), which the
///   loader reads and compares with its own before calling anything in the library;
/// - `rlmpc_plugin_register`: a Rust-ABI function the loader calls only once the record
///   matched; it runs `register` and turns a panic into an error message.
///
/// A plugin crate must not use `inventory::submit!`: the library has its own copy of
/// rlmpc-core's registry, so such registrations would never reach the program, and their
/// constructors run when the library is opened, before any check.
#[macro_export]
macro_rules! declare_plugin {
    ($register:expr) => {
        /// This library's ABI record, read by the rlmpc loader before anything else.
        #[unsafe(export_name = "rlmpc_plugin_abi")]
        pub static RLMPC_PLUGIN_ABI: $crate::AbiRecord = $crate::AbiRecord::current();

        /// Called by the rlmpc loader once the ABI record matched: hands over the registrations.
        #[unsafe(export_name = "rlmpc_plugin_register")]
        pub fn rlmpc_plugin_register(
            registrar: &mut $crate::Registrar,
        ) -> ::std::result::Result<(), ::std::string::String> {
            $crate::declare::register_guarded(registrar, $register)
        }
    };
}

/// Signature of the exported `rlmpc_plugin_register`.
pub(crate) type RegisterFn = fn(&mut Registrar) -> Result<(), String>;

/// Runs `register`, catching a panic inside the library (whose unwinding must not cross into
/// the program) and returning its message instead.
#[doc(hidden)]
pub fn register_guarded(registrar: &mut Registrar, register: fn(&mut Registrar)) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| register(registrar))).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(a panic without a message)".into())
    })
}
