//! `rlmpc list`: every registered plugin, by kind.

use rlmpc::core::registry::{plugins, CostKind, EnvKind, PluginKind, SchedulerKind};

fn print_kind<K: PluginKind>(title: &str) -> anyhow::Result<()> {
    println!("{title}:");
    for (name, registration) in plugins::<K>()? {
        println!("  {name:<18} {}", registration.summary);
    }
    Ok(())
}

/// Prints the plugin table.
pub fn run() -> anyhow::Result<()> {
    print_kind::<EnvKind>("environments")?;
    print_kind::<CostKind>("costs")?;
    print_kind::<SchedulerKind>("schedulers")?;
    Ok(())
}
