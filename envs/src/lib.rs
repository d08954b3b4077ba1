//! # rlmpc-envs
//!
//! Environments and their MPPI surrogate models (written once over [`rlmpc_core::Real`]),
//! registered by name. In Acrobot and Pendulum the real physics is the surrogate; Racing's
//! real car is a dynamic bicycle and its surrogate a kinematic one:
//!
//! | name | domain | model state x | control u |
//! |---|---|---|---|
//! | `acrobot` | Gymnasium Acrobot-v1 physics, continuous torque, optional danger zone (App. B.1) | (θ1, θ2, θ̇1, θ̇2) | torque ∈ [−1, 1] |
//! | `pendulum` | Gymnasium Pendulum-v1 | (θ, θ̇) | torque ∈ [−2, 2] |
//! | `lunar-lander` | Gymnasium LunarLanderContinuous-v3 on Box2D 2.3, optional random danger zone (App. B.2); its MPPI model is a rigid-body surrogate | (x, y, ẋ, ẏ, φ, φ̇, legs) in observation units | (main, lateral) ∈ [−1, 1]² |
//! | `racing` | Racing-DZ (App. B.3): dynamic-bicycle car, kinematic-bicycle surrogate | ego pose, speed, progress, b, opponent | (steer, throttle) ∈ [−1, 1]² |
//!
//! Acrobot and Pendulum reproduce Gymnasium 1.4.0 to rounding: the conformance tests in
//! `envs/tests` replay the recordings in `tests/data` (one step within 1e-12, 50-step rollouts within 1e-10).
//!
//! ```
//! use rlmpc_core::Environment;
//! use rlmpc_envs::{Acrobot, AcrobotParams};
//!
//! let mut env = AcrobotParams::default().build().unwrap();
//! let observation = env.reset(Some(0));
//! assert_eq!(observation.len(), 6);
//! let transition = env.step(&[0.5]);
//! assert_eq!(transition.reward, -1.0);
//! ```

// The episode machinery of domains whose real environment is their model (clipping, time
// limit, seeding, square danger zone) is part of the plugin API; the domains here use it too.
use rlmpc_core::model_env;

pub mod acrobot;
pub mod lunar_lander;
pub mod pendulum;
pub mod racing;

pub use acrobot::{Acrobot, AcrobotModel, AcrobotParams};
pub use lunar_lander::{LunarLander, LunarLanderModel, LunarLanderParams};
pub use pendulum::{Pendulum, PendulumModel, PendulumParams};
pub use racing::{Racing, RacingModel, RacingParams};
