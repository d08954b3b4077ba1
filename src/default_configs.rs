//! Configs built into the binary, so the main job runs on a fresh clone without arguments.

/// Pure MPPI on Acrobot-DZ with the paper's Table 5 settings (`configs/acrobot/pure_mppi.toml`).
pub const ACROBOT_PURE_MPPI: (&str, &str) =
    ("configs/acrobot/pure_mppi.toml", include_str!("../configs/acrobot/pure_mppi.toml"));
