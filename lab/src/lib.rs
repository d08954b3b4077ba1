//! # rlmpc-lab
//!
//! Tools for checking results rather than producing them:
//!
//! - [`check_env`](mod@check_env): what an environment must promise (`rlmpc check-env`);
//! - [`fixture`]: reference recordings (initial states and actions from Gymnasium) and their
//!   replay through an environment (`rlmpc rollout`, the environments' conformance tests);
//! - [`welch`]: Welch's t-test between two settings (Table 6; `rlmpc compare`, `rlmpc curves`).

pub mod check_env;
pub mod fixture;
pub mod welch;
