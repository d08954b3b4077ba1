//! Errors that name their cause and the fix.

/// Everything that can go wrong in rlmpc's core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A plugin name that is not registered.
    #[error("unknown {kind} `{name}`{suggestion}. Known {kind}s: {known}. (`rlmpc list` shows them all.)")]
    UnknownPlugin { kind: &'static str, name: String, suggestion: String, known: String },
    /// The same name registered twice for one kind.
    #[error("{kind} `{name}` is registered more than once (by {first} and {second}); rename one of them")]
    AmbiguousPlugin { kind: &'static str, name: String, first: String, second: String },
    /// A config file that cannot be read or does not match the schema.
    #[error("{origin}: {message}")]
    Config { origin: String, message: String },
    /// A plugin rejected its parameters.
    #[error("{origin}: {kind} `{name}`: {message}")]
    PluginParams { origin: String, kind: &'static str, name: String, message: String },
    /// One setting out of range: `key` is its dotted path in the config file (`mppi.lambda`,
    /// `costs[1].weight`), so that the caller can say in which file and on which line it is.
    #[error("`{key}` {message}")]
    Setting { key: String, message: String },
    /// What cannot be done as asked, with its reason and way out in the message: settings
    /// that are individually valid but do not fit together, a run directory in the wrong
    /// state, a damaged or foreign file.
    #[error("{0}")]
    Invalid(String),
    /// An environment produced NaN or infinity.
    #[error(
        "environment `{env}` produced a non-finite value at step {step}: {what}. \
         The episode was stopped; check the action bounds and the environment's parameters"
    )]
    NonFinite { env: String, step: usize, what: String },
    /// A number that must stay finite while running (a plan, an action, a loss, a parameter)
    /// became NaN or infinite.
    #[error("{what} became NaN or infinite{at}: {cause}")]
    Diverged { what: String, at: String, cause: String },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Shorthand for core results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
