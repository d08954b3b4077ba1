//! One module per subcommand.

pub mod bench;
mod episodes;
pub mod eval;
pub mod list;
pub mod mppi;
pub mod rollout;
mod table;
pub mod train;
