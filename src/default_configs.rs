//! Configs built into the binary, so the main job runs on a fresh clone without arguments.

/// Pure MPPI on Acrobot-DZ with the paper's Table 5 settings (`configs/acrobot/pure_mppi.toml`).
pub const ACROBOT_PURE_MPPI: (&str, &str) =
    ("configs/acrobot/pure_mppi.toml", include_str!("../configs/acrobot/pure_mppi.toml"));

/// A short PPO-MPPI training run on Acrobot-DZ (`configs/acrobot/ppo_mppi_short.toml`).
pub const ACROBOT_PPO_MPPI_SHORT: (&str, &str) =
    ("configs/acrobot/ppo_mppi_short.toml", include_str!("../configs/acrobot/ppo_mppi_short.toml"));
