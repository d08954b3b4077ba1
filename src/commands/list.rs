//! `rlmpc list`: every registered plugin, by kind.

use rlmpc::core::registry::{plugins, CostKind, EnvKind, LearnerKind, PluginKind, SchedulerKind};

use super::plugin_args::PluginArgs;

/// Arguments of `rlmpc list`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    plugins: PluginArgs,
}

fn print_kind<K: PluginKind>(title: &str) -> anyhow::Result<()> {
    println!("{title}:");
    for (name, registration) in plugins::<K>()? {
        println!("  {name:<18} {}", registration.summary);
    }
    Ok(())
}

/// Loads the requested plugin libraries, then prints the plugin table.
pub fn run(args: Args) -> anyhow::Result<()> {
    for plugin in rlmpc::loader::load_all(&args.plugins.paths)? {
        println!("loaded plugin {}", plugin.path.display());
    }
    print_kind::<EnvKind>("environments")?;
    print_kind::<CostKind>("costs")?;
    print_kind::<SchedulerKind>("schedulers")?;
    print_kind::<LearnerKind>("learners")?;
    Ok(())
}
