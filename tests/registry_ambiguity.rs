//! A name registered twice is an ambiguity error, never a silent overwrite. (Its own test
//! binary: the duplicate below poisons the scheduler table of this binary only.)

use rlmpc::core::registry::{lookup, BuildError, Params, SchedulerKind, SchedulerRegistration};
use rlmpc::core::scheduler::InfluenceScheduler;

fn build(_params: Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError> {
    Err(BuildError::Invalid("never built".into()))
}

rlmpc::core::inventory::submit! {
    SchedulerRegistration::new("fixed", "a second `fixed`", build, module_path!())
}

#[test]
fn duplicate_names_are_reported_with_both_origins() {
    let e = lookup::<SchedulerKind>("fixed").err().expect("ambiguous name must not resolve").to_string();
    assert!(e.contains("`fixed` is registered more than once"), "{e}");
    assert!(e.contains("rlmpc_schedulers") && e.contains("registry_ambiguity"), "{e}");
}
