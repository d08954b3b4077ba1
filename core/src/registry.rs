//! The plugin registry: every implementation submits one [`Registration`] with
//! `inventory::submit!` next to its definition, and plugin libraries loaded at run time add
//! theirs with [`register_dynamic`]. The name → plugin map of each kind merges both, sorted,
//! and refuses a name registered twice.
//!
//! ```text
//! inventory::submit! {
//!     EnvRegistration::new("acrobot", "Gymnasium Acrobot-v1 physics, continuous torque", build, module_path!())
//! }
//! ```

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

use crate::cost::{Cost, CostContext};
use crate::env::{BoxSpace, Environment};
use crate::policy::PolicyLearner;
use crate::scheduler::InfluenceScheduler;
use crate::Error;

/// Error a plugin builder returns: bad parameters (from serde) or a semantic problem.
#[derive(Debug)]
pub enum BuildError {
    /// The parameters did not deserialize.
    Params(erased_serde::Error),
    /// The parameters deserialized but are not valid.
    Invalid(String),
}

impl From<erased_serde::Error> for BuildError {
    fn from(e: erased_serde::Error) -> Self {
        BuildError::Params(e)
    }
}

/// A plugin's parameters, as a format-independent deserializer (`erased-serde`).
pub type Params<'a, 'de> = &'a mut dyn erased_serde::Deserializer<'de>;

/// A kind of plugin: its display name and the signature of its builder.
pub trait PluginKind: Sized + 'static {
    /// Lower-case name used in messages ("environment", "cost", …).
    const KIND: &'static str;
    /// Function that builds an instance from parameters.
    type Builder: Copy + 'static;
    /// Registrations of this kind added at run time ([`register_dynamic`]).
    fn dynamic() -> &'static RwLock<Vec<&'static Registration<Self>>>;
    /// All registrations of this kind submitted in the linked program.
    fn submitted() -> Vec<&'static Registration<Self>>;
}

/// One plugin: its registry name, a one-line description, and its builder.
pub struct Registration<K: PluginKind> {
    /// Name used in config files.
    pub name: &'static str,
    /// One line for `rlmpc list`.
    pub summary: &'static str,
    /// Builds an instance.
    pub build: K::Builder,
    /// Where it was registered (`module_path!()`), for ambiguity errors.
    pub origin: &'static str,
}

impl<K: PluginKind> Registration<K> {
    /// A registration: submit it with `inventory::submit!`, or, in a plugin library, hand it
    /// to the loader's `rlmpc_loader::Registrar`.
    pub const fn new(name: &'static str, summary: &'static str, build: K::Builder, origin: &'static str) -> Self {
        Self { name, summary, build, origin }
    }
}

macro_rules! plugin_kind {
    ($(#[$doc:meta])* $kind:ident, $alias:ident, $display:literal, $builder:ty) => {
        $(#[$doc])*
        pub struct $kind;
        #[doc = concat!("Registration of one ", $display, " plugin.")]
        pub type $alias = Registration<$kind>;
        inventory::collect!($alias);
        impl PluginKind for $kind {
            const KIND: &'static str = $display;
            type Builder = $builder;
            fn dynamic() -> &'static RwLock<Vec<&'static Registration<Self>>> {
                static DYNAMIC: RwLock<Vec<&'static $alias>> = RwLock::new(Vec::new());
                &DYNAMIC
            }
            fn submitted() -> Vec<&'static Registration<Self>> {
                inventory::iter::<$alias>.into_iter().collect()
            }
        }
    };
}

plugin_kind!(
    /// Environments (real env + surrogate model).
    EnvKind, EnvRegistration, "environment",
    fn(Params<'_, '_>) -> Result<Box<dyn Environment>, BuildError>
);
plugin_kind!(
    /// Cost couplings (terms of Eq. 38).
    CostKind, CostRegistration, "cost",
    fn(Params<'_, '_>, &CostContext) -> Result<Box<dyn Cost>, BuildError>
);
plugin_kind!(
    /// Influence schedulers (Sec. 4.4).
    SchedulerKind, SchedulerRegistration, "scheduler",
    fn(Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError>
);

plugin_kind!(
    /// Policy learners (PPO, …).
    LearnerKind, LearnerRegistration, "learner",
    fn(Params<'_, '_>, &LearnerShape) -> Result<Box<dyn PolicyLearner>, BuildError>
);

/// What a learner is told when it is built.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerShape {
    /// Length of an observation s.
    pub observation_dim: usize,
    /// Length of an action a.
    pub action_dim: usize,
    /// The box the actions act in, when they have one: the environment's action space under
    /// the flat controller; `None` under the hierarchy, where a is an unbounded cost parameter.
    pub action_space: Option<BoxSpace>,
    /// Seed of the learner's initialisation and sampling.
    pub seed: u64,
}

/// Name → registration map of kind `K`.
pub type Table<K> = BTreeMap<&'static str, &'static Registration<K>>;

/// The submitted registrations of kind `K` followed by `lists`, merged into one sorted map;
/// a name that occurs twice is an ambiguity error naming both origins.
fn merge<K: PluginKind>(lists: &[&[&'static Registration<K>]]) -> Result<Table<K>, Error> {
    let mut map = Table::<K>::new();
    let submitted = K::submitted();
    for &reg in submitted.iter().chain(lists.iter().flat_map(|list| list.iter())) {
        if let Some(previous) = map.insert(reg.name, reg) {
            return Err(Error::AmbiguousPlugin {
                kind: K::KIND,
                name: reg.name.to_string(),
                first: previous.origin.to_string(),
                second: reg.origin.to_string(),
            });
        }
    }
    Ok(map)
}

/// The sorted name → registration map of kind `K` (submitted and run-time registrations), or
/// the ambiguity error.
pub fn plugins<K: PluginKind>() -> Result<Table<K>, Error> {
    let dynamic = K::dynamic().read().unwrap_or_else(PoisonError::into_inner);
    merge::<K>(&[&dynamic])
}

/// Checks that no name in `registrations` is already registered for kind `K` or repeats in
/// the list, without registering anything (the ambiguity error otherwise).
pub fn check_unregistered<K: PluginKind>(registrations: &[&'static Registration<K>]) -> Result<(), Error> {
    let dynamic = K::dynamic().read().unwrap_or_else(PoisonError::into_inner);
    merge::<K>(&[&dynamic, registrations]).map(drop)
}

/// Adds registrations made at run time (by a plugin library) to kind `K`: all of them, or
/// none and the ambiguity error when a name is already registered or repeats in the list.
pub fn register_dynamic<K: PluginKind>(registrations: &[&'static Registration<K>]) -> Result<(), Error> {
    let mut dynamic = K::dynamic().write().unwrap_or_else(PoisonError::into_inner);
    merge::<K>(&[&dynamic, registrations])?;
    dynamic.extend_from_slice(registrations);
    Ok(())
}

/// Looks a plugin up by name; an unknown name lists the known ones and suggests the closest.
pub fn lookup<K: PluginKind>(name: &str) -> Result<&'static Registration<K>, Error> {
    let table = plugins::<K>()?;
    if let Some(reg) = table.get(name) {
        return Ok(*reg);
    }
    let closest = table
        .keys()
        .map(|known| (strsim::damerau_levenshtein(name, known), *known))
        .filter(|(distance, known)| *distance <= known.len().max(name.len()) / 2)
        .min();
    Err(Error::UnknownPlugin {
        kind: K::KIND,
        name: name.to_string(),
        suggestion: closest.map(|(_, k)| format!(" (did you mean `{k}`?)")).unwrap_or_default(),
        known: table.keys().copied().collect::<Vec<_>>().join(", "),
    })
}
