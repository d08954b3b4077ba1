//! `rlmpc check-env`: the checks of `rlmpc_lab::check_env` on a registered environment.

use anyhow::Context;
use rlmpc::core::params::PluginSpec;
use rlmpc::core::registry::EnvKind;
use rlmpc::lab::check_env::check_env;

use super::plugin_args::PluginArgs;

/// Arguments of `rlmpc check-env`.
#[derive(clap::Args)]
pub struct Args {
    /// Registry name of the environment (`rlmpc list` shows them).
    name: String,
    /// Its parameters as a TOML inline table, e.g.
    /// `--params '{ danger_zone = { x = 1.4, y = 0.6, width = 0.6, height = 0.6 } }'`
    /// (default: the environment's defaults).
    #[arg(long)]
    params: Option<String>,
    /// Seed of the first reset; the random-action episodes use the seeds after it.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    plugins: PluginArgs,
}

/// Builds the environment, runs the checks, prints the report; an error when one fails.
pub fn run(args: Args) -> anyhow::Result<()> {
    args.plugins.load()?;
    let params = match &args.params {
        Some(text) => {
            let wrapped: toml::Table = toml::from_str(&format!("params = {text}")).context("--params")?;
            wrapped.get("params").and_then(toml::Value::as_table).cloned()
        }
        None => None,
    };
    let spec = PluginSpec { name: args.name.clone(), params };
    let mut env = spec.build::<EnvKind, _>("check-env", "--params", |reg, p| (reg.build)(p))?;
    let report = check_env(env.as_mut(), args.seed);
    print!("{report}");
    let failed = report.checks.iter().filter(|check| check.failure.is_some()).count();
    match failed {
        0 => Ok(()),
        n => anyhow::bail!("`{}` failed {n} of {} checks", args.name, report.checks.len()),
    }
}
