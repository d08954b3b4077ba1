//! What a plugin library hands over: its registrations, collected in a [`Registrar`] that the
//! loader then adds to the program's registry.
//!
//! A library has its own copy of rlmpc-core (and of its registry), so it cannot register
//! itself: it fills the loader's `Registrar`, and the loader registers in the program's copy.

use std::path::Path;

use rlmpc_core::registry::{
    check_unregistered, register_dynamic, CostRegistration, EnvRegistration, PluginKind, Registration,
    SchedulerRegistration,
};
use rlmpc_core::Error;

/// The registrations one plugin library provides, given to its registration function
/// (see [`declare_plugin!`](crate::declare_plugin)).
///
/// ```
/// use rlmpc_core::registry::{BuildError, CostRegistration, Params};
/// use rlmpc_core::{Cost, CostContext};
/// # fn build(_: Params<'_, '_>, _: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
/// #     Err(BuildError::Invalid("the template crate shows a real builder".into()))
/// # }
///
/// fn register(registrar: &mut rlmpc_loader::Registrar) {
///     registrar.cost(CostRegistration::new("effort", "‖u‖²: control effort", build, module_path!()));
/// }
/// ```
#[derive(Default)]
pub struct Registrar {
    envs: Vec<EnvRegistration>,
    costs: Vec<CostRegistration>,
    schedulers: Vec<SchedulerRegistration>,
}

/// Names a plugin library registered, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registered {
    /// Environment names.
    pub envs: Vec<&'static str>,
    /// Cost names.
    pub costs: Vec<&'static str>,
    /// Scheduler names.
    pub schedulers: Vec<&'static str>,
}

impl Registrar {
    /// Hands over an environment.
    pub fn env(&mut self, registration: EnvRegistration) -> &mut Self {
        self.envs.push(registration);
        self
    }

    /// Hands over a cost coupling.
    pub fn cost(&mut self, registration: CostRegistration) -> &mut Self {
        self.costs.push(registration);
        self
    }

    /// Hands over an influence scheduler.
    pub fn scheduler(&mut self, registration: SchedulerRegistration) -> &mut Self {
        self.schedulers.push(registration);
        self
    }

    /// Adds everything to the program's registry, each origin suffixed with `library`: all of
    /// it, or nothing and the ambiguity error when a name is taken. The registrations are
    /// leaked: they point into the library, which stays loaded for the rest of the program.
    pub(crate) fn install(self, library: &Path) -> Result<Registered, Error> {
        let library = library.display().to_string();
        let envs = leak(self.envs, &library);
        let costs = leak(self.costs, &library);
        let schedulers = leak(self.schedulers, &library);
        check_unregistered(&envs)?;
        check_unregistered(&costs)?;
        check_unregistered(&schedulers)?;
        register_dynamic(&envs)?;
        register_dynamic(&costs)?;
        register_dynamic(&schedulers)?;
        Ok(Registered { envs: names(&envs), costs: names(&costs), schedulers: names(&schedulers) })
    }
}

/// `'static` copies of `registrations` whose origin also names the library.
fn leak<K: PluginKind>(registrations: Vec<Registration<K>>, library: &str) -> Vec<&'static Registration<K>> {
    registrations
        .into_iter()
        .map(|registration| {
            let origin: &'static str = Box::leak(format!("{} in {library}", registration.origin).into_boxed_str());
            &*Box::leak(Box::new(Registration { origin, ..registration }))
        })
        .collect()
}

/// The names of `registrations`.
fn names<K: PluginKind>(registrations: &[&'static Registration<K>]) -> Vec<&'static str> {
    registrations.iter().map(|registration| registration.name).collect()
}
