//! `--set key=value`: settings of an experiment file changed from the command line (or by a
//! sweep), by dotted TOML path.
//!
//! ```text
//! --set mppi.num_samples=200            a number
//! --set scheduler.params.rho=0.5        a plugin's parameter
//! --set costs.0.weight=20               an entry of an array of tables, by index
//! --set env.name=acrobot                not TOML, so taken as the string "acrobot"
//! --set planner.action=[3.14,0.0]       any TOML value
//! ```
//!
//! The overridden experiment is checked exactly as a file is: a misspelt key, a wrong type or a
//! plugin's rejected parameter is an error that names the key, the `--set` and what is expected.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use rlmpc_core::Error;

use super::{Experiment, ExperimentConfig};

/// One `key=value` override.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The dotted path, e.g. `mppi.num_samples`.
    pub key: String,
    /// The value, parsed as TOML (text that is not TOML is a string).
    pub value: toml::Value,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let Some((key, raw)) = text.split_once('=') else {
            return Err(format!("`{text}` has no `=`: write key=value, e.g. mppi.num_samples=200"));
        };
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!("`{text}`: the key must be a dotted path such as scheduler.params.rho"));
        }
        let raw = raw.trim();
        let value = toml::from_str::<toml::Table>(&format!("value = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("value"))
            .unwrap_or_else(|| toml::Value::String(raw.to_string()));
        Ok(Self { key: key.to_string(), value })
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            toml::Value::String(s) => write!(f, "{}={s}", self.key),
            value => write!(f, "{}={value}", self.key),
        }
    }
}

/// Sets `value` at the dotted `key` in `table`, creating missing tables on the way; a number
/// segment indexes an array (`costs.0.weight`).
fn set(table: &mut toml::Table, over: &Override) -> Result<(), String> {
    let segments: Vec<&str> = over.key.split('.').collect();
    let (last, parents) = segments.split_last().expect("a key has a segment");
    let mut current = table;
    for (depth, segment) in parents.iter().enumerate() {
        let at = segments[..=depth].join(".");
        let entry = current.entry(segment.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let next = match entry {
            toml::Value::Array(items) => {
                let index = segments[depth + 1];
                let Some(item) = index.parse::<usize>().ok().and_then(|i| items.get_mut(i)) else {
                    return Err(format!(
                        "`{at}` is an array of {} entries; index it with 0..{}, e.g. {at}.0",
                        items.len(),
                        items.len()
                    ));
                };
                // The index segment is consumed here; the loop continues below the item.
                return set_below(item, &segments[depth + 2..], &segments[..depth + 2], over);
            }
            other => other,
        };
        match next {
            toml::Value::Table(inner) => current = inner,
            other => return Err(format!("`{at}` holds a value of type {}, not a table", other.type_str())),
        }
    }
    current.insert(last.to_string(), over.value.clone());
    Ok(())
}

/// [`set`] below an array item: `rest` are the segments still to follow, `done` those walked.
fn set_below(item: &mut toml::Value, rest: &[&str], done: &[&str], over: &Override) -> Result<(), String> {
    if rest.is_empty() {
        *item = over.value.clone();
        return Ok(());
    }
    let toml::Value::Table(table) = item else {
        return Err(format!("`{}` holds a value of type {}, not a table", done.join("."), item.type_str()));
    };
    set(table, &Override { key: rest.join("."), value: over.value.clone() })
}

/// The overrides as one `--set a=1 --set b=2` phrase, for messages and the run's record.
pub fn describe(overrides: &[Override]) -> String {
    overrides.iter().map(|o| format!("--set {o}")).collect::<Vec<_>>().join(" ")
}

impl Experiment {
    /// Parses `text` (from `origin`) and applies `overrides` in order; the result is checked as
    /// a file is, and its origin names the overrides.
    pub fn parse_with(origin: &str, text: &str, overrides: &[Override]) -> Result<Self, Error> {
        // The file on its own first, so that its own mistakes point at its lines.
        let experiment = Self::parse(origin, text)?;
        if overrides.is_empty() {
            return Ok(experiment);
        }
        let origin = format!("{origin} with {}", describe(overrides));
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| Error::Config { origin: origin.clone(), message: e.to_string() })?;
        for over in overrides {
            set(&mut table, over).map_err(|message| Error::Config {
                origin: origin.clone(),
                message: format!("--set {over}: {message}"),
            })?;
        }
        let config: ExperimentConfig = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let key = e.path().to_string();
            Error::Config {
                origin: origin.clone(),
                message: format!("key `{key}`: {}", e.inner().message().trim_end()),
            }
        })?;
        Ok(Self { config, origin, dir: experiment.dir, text: experiment.text })
    }

    /// Reads a file and applies `overrides` (see [`Experiment::parse_with`]).
    pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Self, Error> {
        let loaded = Self::load(path)?;
        if overrides.is_empty() {
            return Ok(loaded);
        }
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        Ok(Self { dir: loaded.dir, ..Self::parse_with(&loaded.origin, &text, overrides)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "seed = 1\n[env]\nname = \"acrobot\"\n[mppi]\nhorizon = 10\n[[costs]]\nname = \"danger\"\n";

    fn with(sets: &[&str]) -> Result<Experiment, Error> {
        let overrides: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
        Experiment::parse_with("base.toml", BASE, &overrides)
    }

    #[test]
    fn values_are_toml_or_else_strings() {
        let parse = |s: &str| s.parse::<Override>().unwrap().value;
        assert_eq!(parse("a=200"), toml::Value::Integer(200));
        assert_eq!(parse("a=0.5"), toml::Value::Float(0.5));
        assert_eq!(parse("a=true"), toml::Value::Boolean(true));
        assert_eq!(parse("a=acrobot"), toml::Value::String("acrobot".into()));
        assert_eq!(parse("a=\"n_steps / M\""), toml::Value::String("n_steps / M".into()));
        assert_eq!(parse("a=[1, 2]").as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn malformed_overrides_say_how_to_write_one() {
        assert!("mppi.horizon".parse::<Override>().unwrap_err().contains("key=value"));
        assert!("mppi..horizon=3".parse::<Override>().unwrap_err().contains("dotted path"));
    }

    #[test]
    fn overrides_set_existing_and_new_keys_and_array_entries() {
        let e = with(&["mppi.horizon=5", "mppi.num_samples=200", "seed=7", "costs.0.weight=20", "training.n_steps=64"])
            .unwrap();
        assert_eq!((e.config.mppi.horizon, e.config.mppi.num_samples, e.config.seed), (5, 200, 7));
        assert_eq!((e.config.costs[0].weight, e.config.training.n_steps), (20.0, 64));
        assert!(e.origin.contains("--set mppi.horizon=5"), "{}", e.origin);
        let rho = with(&["scheduler.name=fixed", "scheduler.params.rho=0.5"]).unwrap();
        let scheduler = rho.config.scheduler.unwrap();
        assert_eq!(scheduler.params.unwrap()["rho"], toml::Value::Float(0.5));
    }

    #[test]
    fn a_misspelt_key_is_named_with_the_keys_it_could_be() {
        let e = with(&["mppi.num_sample=200"]).unwrap_err().to_string();
        assert!(
            e.contains("--set mppi.num_sample=200") && e.contains("num_sample") && e.contains("num_samples"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let e = with(&["mppi.horizon=ten"]).unwrap_err().to_string();
        assert!(e.contains("key `mppi.horizon`") && e.contains("invalid type"), "{e}");
    }

    #[test]
    fn paths_through_values_and_past_arrays_are_refused() {
        assert!(with(&["seed.x=1"]).unwrap_err().to_string().contains("`seed` holds a value of type integer"));
        assert!(with(&["costs.3.weight=1"]).unwrap_err().to_string().contains("array of 1 entries"));
    }
}
