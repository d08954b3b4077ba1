//! One module per subcommand.

pub mod bench;
pub mod list;
pub mod mppi;
pub mod rollout;
mod table;
