//! `rlmpc list`: every registered plugin, by kind.

use std::path::PathBuf;

use rlmpc::core::registry::{plugins, CostKind, EnvKind, LearnerKind, PluginKind, SchedulerKind};

/// Arguments of `rlmpc list`.
#[derive(clap::Args)]
pub struct Args {
    /// Load this plugin library first (repeatable); its entries are listed with the built-in ones.
    #[arg(long = "plugin", value_name = "PATH")]
    plugins: Vec<PathBuf>,
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
    for plugin in rlmpc::loader::load_all(&args.plugins)? {
        println!("loaded plugin {}", plugin.path.display());
    }
    print_kind::<EnvKind>("environments")?;
    print_kind::<CostKind>("costs")?;
    print_kind::<SchedulerKind>("schedulers")?;
    print_kind::<LearnerKind>("learners")?;
    Ok(())
}
