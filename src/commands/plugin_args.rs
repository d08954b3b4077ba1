//! `--plugin PATH`, for every command that builds an environment or an experiment.

use std::path::PathBuf;

/// Plugin libraries to load before anything is built.
#[derive(clap::Args, Default)]
pub struct PluginArgs {
    /// Load this plugin library first (repeatable); what it registers can then be named like
    /// the built-in plugins (see the book's Plugins chapter).
    #[arg(long = "plugin", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl PluginArgs {
    /// Loads the libraries (a library already loaded is not loaded again).
    pub fn load(&self) -> anyhow::Result<()> {
        rlmpc::loader::load_all(&self.paths)?;
        Ok(())
    }
}
