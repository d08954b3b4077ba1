//! One module per subcommand.

pub mod bench;
mod bench_compare;
pub mod check_env;
pub mod compare;
pub mod curves;
pub mod demo;
mod episodes;
pub mod eval;
pub mod export;
pub mod list;
pub mod mismatch;
pub mod mppi;
mod outputs;
pub mod paper_table;
mod plugin_args;
pub mod render;
pub mod rollout;
mod run_files;
mod set_args;
pub mod sweep;
mod table;
pub mod train;
