//! `--set KEY=VALUE`, for every command that loads an experiment file.

use rlmpc::runner::config::Override;

/// Settings of the experiment file changed on the command line.
#[derive(clap::Args, Clone, Default)]
pub struct SetArgs {
    /// Change one setting of the experiment by its dotted TOML path (repeatable), e.g.
    /// `--set mppi.num_samples=200 --set scheduler.params.rho=0.5`; the value is TOML, or else
    /// a string. Checked as the file is: a misspelt key names the keys it could be.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub overrides: Vec<Override>,
}
