//! Loading the template plugin (built by cargo on first use), and the errors for files that
//! are not loadable plugins.

mod common;

use std::path::Path;

use rlmpc_core::cost::CostIn;
use rlmpc_core::params::PluginSpec;
use rlmpc_core::registry::{lookup, CostKind, SchedulerKind};
use rlmpc_core::scheduler::UpdateStats;
use rlmpc_core::{CostContext, Lanes, Real, StateLayout, StepView};
use rlmpc_loader::{load, load_all, LoadError};
use rlmpc_runner::config::Experiment;

fn context() -> CostContext {
    CostContext {
        layout: StateLayout { state_dim: 2, control_dim: 2, tracked: vec![], has_position: false },
        action_dim: 0,
    }
}

/// An experiment with one `effort` term with the given params.
fn effort_experiment(params: &str) -> Experiment {
    let text = format!("[env]\nname = \"unused\"\n\n[[costs]]\nname = \"effort\"\nparams = {{ {params} }}\n");
    Experiment::parse("test.toml", &text).unwrap()
}

fn step<R: Real>(control: &[R]) -> StepView<'_, R> {
    StepView {
        prev_state: &[],
        state: &[],
        control,
        actuation: control,
        reward: R::zero(),
        tracked: &[],
        position: [R::zero(); 2],
        zone: None,
    }
}

#[test]
fn template_registers_its_cost_and_scheduler() {
    let plugin = load(common::template_library()).unwrap();
    assert_eq!(plugin.registered.costs, ["effort"]);
    assert_eq!(plugin.registered.schedulers, ["linear-decay"]);
    assert!(plugin.registered.envs.is_empty());
    let effort = lookup::<CostKind>("effort").unwrap();
    assert!(effort.origin.starts_with("rlmpc_plugin_template in "), "{}", effort.origin);
    assert!(effort.origin.ends_with(&*plugin.path.to_string_lossy()), "{}", effort.origin);
}

#[test]
fn loading_again_returns_the_first_result() {
    let first = load(common::template_library()).unwrap();
    let again = load_all([common::template_library(), common::template_library()]).unwrap();
    assert_eq!(again, [first.clone(), first]);
}

#[test]
fn effort_cost_evaluates_on_every_backend() {
    load(common::template_library()).unwrap();
    let cost = effort_experiment("scale = 2.0").build_cost(&context()).unwrap();
    // 2 · (3² + 4²) = 50.
    assert_eq!(CostIn::<f64>::running(&cost, &step(&[3.0, 4.0]), &[]), 50.0);
    assert_eq!(CostIn::<f32>::running(&cost, &step(&[3.0f32, 4.0]), &[]), 50.0);
    let lanes = [Lanes::splat(3.0), Lanes::splat(4.0)];
    assert_eq!(CostIn::<Lanes>::running(&cost, &step(&lanes), &[]), Lanes::splat(50.0));
    assert_eq!(CostIn::<f64>::terminal(&cost, &[1.0, 2.0], &[]), 0.0);
}

#[test]
fn plugin_parameter_errors_name_the_key() {
    load(common::template_library()).unwrap();
    let e = effort_experiment("scale = -1.0").build_cost(&context()).err().unwrap().to_string();
    assert!(e.contains("cost `effort`") && e.contains("`scale` must be finite and ≥ 0, got -1"), "{e}");
    let e = effort_experiment("scael = 1.0").build_cost(&context()).err().unwrap().to_string();
    assert!(e.contains("unknown field `scael`") && e.contains("scale"), "{e}");
    let e = effort_experiment("scale = \"big\"").build_cost(&context()).err().unwrap().to_string();
    assert!(e.contains("key `scale`") && e.contains("invalid type"), "{e}");
}

#[test]
fn linear_decay_scheduler_is_built_through_the_registry() {
    load(common::template_library()).unwrap();
    let spec: PluginSpec =
        toml::from_str("name = \"linear-decay\"\nparams = { start = 0.8, end = 0.2, updates = 3 }").unwrap();
    let mut scheduler =
        spec.build::<SchedulerKind, _>("test.toml", "scheduler.params", |reg, params| (reg.build)(params)).unwrap();
    let rho: Vec<f64> = (0..4).map(|update| scheduler.update(&UpdateStats { update, ..Default::default() })).collect();
    let expected = [0.6, 0.4, 0.2, 0.2];
    assert!(rho.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12), "{rho:?}");
}

#[test]
fn a_missing_file_names_the_path() {
    let e = load(Path::new("no/such/libplugin.so")).unwrap_err();
    assert!(matches!(e, LoadError::NotFound { .. }), "{e:?}");
    let message = e.to_string();
    assert!(message.contains("no/such/libplugin.so") && message.contains("build the plugin first"), "{message}");
}

#[test]
fn a_file_that_is_not_a_library_cannot_be_opened() {
    let path = std::env::temp_dir().join(format!("rlmpc-not-a-library-{}.so", std::process::id()));
    std::fs::write(&path, "not a shared library").unwrap();
    let e = load(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(e, LoadError::Open { .. }), "{e:?}");
    assert!(e.to_string().contains("cannot be opened as a shared library"), "{e}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_system_library_is_not_an_rlmpc_plugin() {
    let dirs = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64"];
    let Some(libm) = dirs.iter().map(|dir| Path::new(dir).join("libm.so.6")).find(|path| path.exists()) else {
        eprintln!("no libm.so.6 in {dirs:?}; skipped");
        return;
    };
    let e = load(&libm).unwrap_err();
    assert!(matches!(e, LoadError::NotAPlugin { .. }), "{e:?}");
    assert!(e.to_string().contains("is not an rlmpc plugin (no `rlmpc_plugin_abi` symbol)"), "{e}");
}
