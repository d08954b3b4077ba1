//! `rlmpc rollout`: replay a reference fixture through an environment.

use std::path::PathBuf;

use anyhow::Context;
use rlmpc::core::params::PluginSpec;
use rlmpc::core::registry::EnvKind;
use rlmpc::lab::fixture;

use super::plugin_args::PluginArgs;

/// Arguments of `rlmpc rollout`.
#[derive(clap::Args)]
pub struct Args {
    /// Registry name of the environment (`rlmpc list` shows them), built with its default
    /// parameters (danger zone off).
    #[arg(long)]
    env: String,
    /// Fixture in the reference format: initial states (or recorded random draws) and per-step
    /// actions (e.g. Gymnasium recordings such as `tests/data/acrobot_continuous.json` or
    /// `tests/data/lunar_lander_continuous.json`).
    #[arg(long)]
    fixture: PathBuf,
    #[command(flatten)]
    plugins: PluginArgs,
}

#[derive(serde::Serialize)]
struct Output<'a> {
    env: &'a str,
    trajectories: Vec<fixture::Replayed>,
}

/// Replays every trajectory of the fixture in file order and prints JSON to stdout.
pub fn run(args: Args) -> anyhow::Result<()> {
    args.plugins.load()?;
    let mut env = PluginSpec::named(&args.env).build::<EnvKind, _>("--env", "defaults", |reg, p| (reg.build)(p))?;
    let fixture = fixture::load(&args.fixture)?;
    let trajectories = fixture::replay_all(env.as_mut(), &fixture)?;
    let out = Output { env: &args.env, trajectories };
    serde_json::to_writer(std::io::stdout().lock(), &out).context("writing JSON to stdout")?;
    println!();
    Ok(())
}
