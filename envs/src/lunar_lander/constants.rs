//! Gymnasium 1.4.0's `lunar_lander.py` constants (pixels are divided by [`SCALE`] into
//! Box2D metres), shared by the real environment and the surrogate model.

/// Simulation steps per second; one env step is `1/FPS` s.
pub const FPS: f64 = 50.0;
/// Pixels per metre.
pub const SCALE: f64 = 30.0;
/// Main engine impulse per unit of power (N·s per metre of offset, as Gymnasium scales it).
pub const MAIN_ENGINE_POWER: f64 = 13.0;
/// Side engine impulse per unit of power.
pub const SIDE_ENGINE_POWER: f64 = 0.6;
/// Magnitude bound of each component of the random initial force (N).
pub const INITIAL_RANDOM: f64 = 1000.0;
/// The lander hull, in pixels.
pub const LANDER_POLY: [(f64, f64); 6] =
    [(-14.0, 17.0), (-17.0, 0.0), (-17.0, -10.0), (17.0, -10.0), (17.0, 0.0), (14.0, 17.0)];
/// Horizontal distance of each leg from the hull centre (pixels).
pub const LEG_AWAY: f64 = 20.0;
/// Leg anchor depth (pixels); the pad's observation height is `helipad_y + LEG_DOWN/SCALE`.
pub const LEG_DOWN: f64 = 18.0;
/// Leg box half-width (pixels).
pub const LEG_W: f64 = 2.0;
/// Leg box half-height (pixels).
pub const LEG_H: f64 = 8.0;
/// Maximum torque of the leg joints' motors (the legs' spring).
pub const LEG_SPRING_TORQUE: f64 = 40.0;
/// Height of the side engines above the centre (pixels).
pub const SIDE_ENGINE_HEIGHT: f64 = 14.0;
/// Horizontal offset of the side engines (pixels).
pub const SIDE_ENGINE_AWAY: f64 = 12.0;
/// Depth of the main engine below the centre (pixels).
pub const MAIN_ENGINE_Y_LOCATION: f64 = 4.0;
/// Viewport width (pixels).
pub const VIEWPORT_W: f64 = 600.0;
/// Viewport height (pixels).
pub const VIEWPORT_H: f64 = 400.0;
/// Terrain chunks.
pub const CHUNKS: usize = 11;
/// World width `W` (m).
pub const W: f64 = VIEWPORT_W / SCALE;
/// World height `H` (m).
pub const H: f64 = VIEWPORT_H / SCALE;
/// Pad height `H/4` (m).
pub const HELIPAD_Y: f64 = H / 4.0;
/// Steps after which Gymnasium's `TimeLimit` truncates (`LunarLanderContinuous-v3`).
pub const MAX_EPISODE_STEPS: usize = 1000;
