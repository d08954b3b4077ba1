//! A plugin whose name is already taken is rejected whole, with both origins. (Its own test
//! binary: the `effort` below would clash with the template in every other test.)

mod common;

use rlmpc_core::registry::{lookup, BuildError, CostKind, CostRegistration, Params, SchedulerKind};
use rlmpc_core::{Cost, CostContext};
use rlmpc_loader::{load, LoadError};

fn build(_params: Params<'_, '_>, _context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    Err(BuildError::Invalid("never built".into()))
}

rlmpc_core::inventory::submit! {
    CostRegistration::new("effort", "a built-in `effort`", build, module_path!())
}

#[test]
fn a_taken_name_rejects_the_whole_plugin_naming_both_origins() {
    let e = load(common::template_library()).unwrap_err();
    assert!(matches!(e, LoadError::Registry { .. }), "{e:?}");
    let message = e.to_string();
    assert!(message.contains("cost `effort` is registered more than once"), "{message}");
    assert!(message.contains("name_clash") && message.contains("rlmpc_plugin_template in "), "{message}");
    assert!(message.contains("rename one of them"), "{message}");
    // Nothing of the plugin was registered: the built-in stays, the scheduler never came.
    assert_eq!(lookup::<CostKind>("effort").unwrap().summary, "a built-in `effort`");
    assert!(lookup::<SchedulerKind>("linear-decay").is_err());
}
