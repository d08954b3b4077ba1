//! Building a plugin from the parameters a config file gives it.
//!
//! Core never sees a plugin's parameter type: it hands the plugin an `erased-serde`
//! deserializer over the TOML table, tracks the path serde walks, and turns a failure into an
//! error that names the file, the table and the key.

use serde::{Deserialize, Serialize};

use crate::registry::{lookup, BuildError, PluginKind, Registration};
use crate::Error;

/// A plugin named in a config file: `name = "…"` and an optional `params` table.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PluginSpec {
    /// Registry name of the plugin.
    pub name: String,
    /// The plugin's own parameters (opaque to core).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<toml::Table>,
}

impl PluginSpec {
    /// A spec with a name and no parameters.
    pub fn named(name: &str) -> Self {
        Self { name: name.to_string(), params: None }
    }

    /// Looks the plugin up in kind `K` and calls `build` with its registration's builder and
    /// an erased deserializer over its parameters. `table` names the TOML table for messages
    /// (e.g. `env.params`).
    pub fn build<K: PluginKind, T>(
        &self,
        origin: &str,
        table: &str,
        build: impl FnOnce(&Registration<K>, crate::registry::Params<'_, '_>) -> Result<T, BuildError>,
    ) -> Result<T, Error> {
        let registration = lookup::<K>(&self.name)
            .map_err(|e| Error::Config { origin: origin.to_string(), message: e.to_string() })?;
        let value = toml::Value::Table(self.params.clone().unwrap_or_default());
        let mut track = serde_path_to_error::Track::new();
        let result = {
            let tracked = serde_path_to_error::Deserializer::new(value, &mut track);
            let mut erased = <dyn erased_serde::Deserializer>::erase(tracked);
            build(registration, &mut erased)
        };
        let at = match &self.params {
            Some(_) => format!("{origin}, [{table}]"),
            None => format!("{origin}, [{table}] (absent)"),
        };
        result.map_err(|e| {
            let message = match e {
                BuildError::Params(e) => {
                    let path = track.path().to_string();
                    if path.is_empty() || path == "." {
                        e.to_string()
                    } else {
                        format!("key `{path}`: {e}")
                    }
                }
                BuildError::Invalid(msg) => msg,
            };
            Error::PluginParams { origin: at, kind: K::KIND, name: self.name.clone(), message }
        })
    }
}
