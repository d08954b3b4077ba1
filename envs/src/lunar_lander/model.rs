//! The LunarLander surrogate M̂ for MPPI (paper App. B.2, "we omit Box2D's complex
//! rigid-body calculations"): one rigid hull under gravity, pushed by Gymnasium's engine
//! impulses without their random dispersion, with fixed mass constants, no legs and no
//! contacts. Written once over [`Real`], so it runs as f64, f32 and SIMD lanes.
//!
//! Its state is the environment's model state x = `[x, y, ẋ, ẏ, φ, φ̇, leg_l, leg_r]` in
//! observation units (see the module docs of `lunar_lander`); the leg flags are carried
//! unchanged (the surrogate has no ground).

use rlmpc_core::{DangerZone, Dynamics, Real, RewardModel, StateLayout, StateMap, TrackedCoordinate};

use super::constants::*;
use crate::model_env::zone_penalty;

/// Hull mass (kg): density 5 × the area of `LANDER_POLY` (0.9633 m²).
pub const HULL_MASS: f64 = 4.816666666666666;
/// One leg's mass (kg): density 1 × a (4 × 16 px) box.
pub const LEG_MASS: f64 = 0.07111111111111111;
/// The mass an engine impulse accelerates: hull and both legs.
pub const TOTAL_MASS: f64 = HULL_MASS + 2.0 * LEG_MASS;
/// Height of the hull's centre of mass above the body origin (m).
pub const CENTRE_OF_MASS_Y: f64 = 0.10130718954248366;
/// The hull's rotational inertia about its centre of mass (kg·m²); the legs' is left out.
pub const INERTIA: f64 = 0.7838806584362138;

/// Position, velocity, angle and angular velocity of the hull in Box2D's units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kinematics {
    /// Body origin (m).
    pub position: [f64; 2],
    /// Velocity of the centre of mass (m/s).
    pub velocity: [f64; 2],
    /// Angle (rad).
    pub angle: f64,
    /// Angular velocity (rad/s).
    pub angular_velocity: f64,
}

/// Metres per observation unit of x and y; (m/s) per observation unit of ẋ, ẏ; (rad/s) per
/// unit of φ̇ — the inverses of Gymnasium's observation scalings.
pub(super) const X_UNIT: f64 = VIEWPORT_W / SCALE / 2.0;
pub(super) const Y_UNIT: f64 = VIEWPORT_H / SCALE / 2.0;
const VX_UNIT: f64 = FPS / X_UNIT;
const VY_UNIT: f64 = FPS / Y_UNIT;
const OMEGA_UNIT: f64 = FPS / 20.0;

/// The hull's Box2D state of a model state (inverse of Gymnasium's observation scalings).
pub fn to_world(x: &[f64]) -> Kinematics {
    Kinematics {
        position: [x[0] * X_UNIT + X_UNIT, x[1] * Y_UNIT + (HELIPAD_Y + LEG_DOWN / SCALE)],
        velocity: [x[2] * VX_UNIT, x[3] * VY_UNIT],
        angle: x[4],
        angular_velocity: x[5] * OMEGA_UNIT,
    }
}

/// The surrogate: dynamics P̂, reward r̂ (the shaping reward without the terminal ±100, plus
/// the zone penalty) and ψ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LunarLanderModel {
    /// Gravity (m/s², negative).
    pub gravity: f64,
    /// Subtracted per step that ends in the danger zone (App. B.2: 5).
    pub danger_penalty: f64,
    /// Whether the surrogate has a ground (see [`LunarLanderModel::with_ground`]).
    pub ground: bool,
}

impl Default for LunarLanderModel {
    fn default() -> Self {
        Self::new(-10.0, 5.0)
    }
}

impl LunarLanderModel {
    /// A model with the given gravity and zone penalty.
    pub fn new(gravity: f64, danger_penalty: f64) -> Self {
        Self { gravity, danger_penalty, ground: false }
    }

    /// The same model with a ground: a flat floor at the pad's height (y = 0) — none when the
    /// lander already flies below that height — or at the lander's own height while a leg
    /// touches (the only terrain it knows of is what it stands on). A step that would end
    /// below the floor ends on it with the downward and sideways velocity and the spin taken
    /// away, and both leg flags set; a step that ends above it clears them. Without it (the paper's App. B.2 as written) the legs' flags are carried
    /// unchanged and the lander sinks through the pad.
    pub fn with_ground(self, ground: bool) -> Self {
        Self { ground, ..self }
    }

    /// Main and side engine power of a control, as Gymnasium maps them: main fires for
    /// u₀ > 0 with power (clip(u₀, 0, 1) + 1)/2; a side engine fires for |u₁| > 0.5 with power
    /// clip(|u₁|, 0.5, 1).
    pub(super) fn powers<R: Real>(u: &[R]) -> (R, R) {
        let (zero, one, half) = (R::zero(), R::one(), R::splat(0.5));
        let main = R::select(u[0].gt(zero), (u[0].clamp(zero, one) + one) * half, zero);
        let side = R::select(u[1].abs().gt(half), u[1].abs().clamp(half, one), zero);
        (main, side)
    }

    /// The ground of [`LunarLanderModel::with_ground`], applied to a free-flight step from
    /// `x` to `next`: below the floor → on it, at rest but for an upward velocity.
    fn land_on_floor<R: Real>(x: &[R], next: &mut [R]) {
        let (zero, one) = (R::zero(), R::one());
        let standing = (x[6] + x[7]).gt(R::splat(0.5));
        // Flying below the pad's height (over a valley), the model knows no floor beneath.
        let floor = R::select(x[1].lt(zero), R::splat(f64::NEG_INFINITY), zero);
        let floor = R::select(standing, x[1], floor);
        let below = next[1].le(floor);
        next[1] = R::select(below, floor, next[1]);
        next[2] = R::select(below, zero, next[2]);
        next[3] = R::select(below, next[3].max(zero), next[3]);
        next[5] = R::select(below, zero, next[5]);
        let contact = R::select(below, one, zero);
        next[6] = contact;
        next[7] = contact;
    }
}

/// Gymnasium's shaping potential of a state: −100·‖(x, y)‖ − 100·‖(ẋ, ẏ)‖ − 100·|φ| + 10 per
/// leg in contact (its reward is the difference between consecutive steps); branch-free, so
/// the environment (f64) and the surrogate (any `Real`) share it.
pub(super) fn shaping<R: Real>(s: &[R]) -> R {
    let c = R::splat;
    c(-100.0) * (s[0].square() + s[1].square()).sqrt()
        - c(100.0) * (s[2].square() + s[3].square()).sqrt()
        - c(100.0) * s[4].abs()
        + c(10.0) * s[6]
        + c(10.0) * s[7]
}

impl Dynamics for LunarLanderModel {
    fn layout(&self) -> StateLayout {
        StateLayout {
            state_dim: 8,
            control_dim: 2,
            tracked: vec![
                TrackedCoordinate { name: "x_dot", periodic: false },
                TrackedCoordinate { name: "y_dot", periodic: false },
                TrackedCoordinate { name: "angle", periodic: false },
                TrackedCoordinate { name: "angular_velocity", periodic: false },
            ],
            has_position: true,
        }
    }

    /// Engine impulses (Gymnasium's offsets, dispersion 0) change the centre-of-mass velocity
    /// by J/m and the spin by (r × J)/I; then one semi-implicit Euler step of 1/FPS as Box2D
    /// integrates: v += g·dt, centre += v·dt, φ += φ̇·dt.
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let c = R::splat;
        let (sin, cos) = x[4].sin_cos();
        let (mut vx, mut vy, mut omega) = (x[2] * c(VX_UNIT), x[3] * c(VY_UNIT), x[5] * c(OMEGA_UNIT));
        // Centre of mass relative to the body origin, in the world frame.
        let com = [-sin * c(CENTRE_OF_MASS_Y), cos * c(CENTRE_OF_MASS_Y)];
        let (m_power, s_power) = Self::powers(u);
        let mut push = |offset: [R; 2], point: [R; 2], gain: R| {
            let impulse = [-offset[0] * gain, -offset[1] * gain];
            let arm = [point[0] - com[0], point[1] - com[1]];
            vx += impulse[0] * c(1.0 / TOTAL_MASS);
            vy += impulse[1] * c(1.0 / TOTAL_MASS);
            omega += (arm[0] * impulse[1] - arm[1] * impulse[0]) * c(1.0 / INERTIA);
        };
        // Main engine, below the hull along −tip (tip = (sin φ, cos φ)).
        let main = [sin * c(MAIN_ENGINE_Y_LOCATION / SCALE), -cos * c(MAIN_ENGINE_Y_LOCATION / SCALE)];
        push(main, main, c(MAIN_ENGINE_POWER) * m_power);
        // Side engine: `direction` = sign(u₁); its offset is −lever·(cos φ, sin φ).
        let direction = R::select(u[1].gt(R::zero()), R::one(), -R::one());
        let lever = direction * c(SIDE_ENGINE_AWAY / SCALE);
        let side = [-cos * lever, -sin * lever];
        let point = [side[0] - sin * c(17.0 / SCALE), side[1] + cos * c(SIDE_ENGINE_HEIGHT / SCALE)];
        push(side, point, c(SIDE_ENGINE_POWER) * s_power);

        let dt = c(1.0 / FPS);
        vy += c(self.gravity) * dt;
        let angle = x[4] + omega * dt;
        let (sin_next, cos_next) = angle.sin_cos();
        // The origin follows the centre of mass: Δorigin = v·dt + com(φ) − com(φ').
        let dx = vx * dt + c(CENTRE_OF_MASS_Y) * (sin_next - sin);
        let dy = vy * dt + c(CENTRE_OF_MASS_Y) * (cos - cos_next);
        next[0] = x[0] + dx * c(1.0 / X_UNIT);
        next[1] = x[1] + dy * c(1.0 / Y_UNIT);
        next[2] = vx * c(1.0 / VX_UNIT);
        next[3] = vy * c(1.0 / VY_UNIT);
        next[4] = angle;
        next[5] = omega * c(1.0 / OMEGA_UNIT);
        next[6] = x[6];
        next[7] = x[7];
        if self.ground {
            Self::land_on_floor(x, next);
        }
    }

    /// (ẋ, ẏ), the target velocities of the RL action (paper Sec. 5), in observation units;
    /// then the attitude (φ, φ̇ in observation units) that a `setpoint` term can hold.
    fn tracked<R: Real>(&self, x: &[R], out: &mut [R]) {
        out[..4].copy_from_slice(&[x[2], x[3], x[4], x[5]]);
    }

    /// The engines' power, Gymnasium's mapping of u (see [`LunarLanderModel::powers`]): main
    /// in {0} ∪ [0.5, 1], side in {0} ∪ [0.5, 1] whichever side fires.
    fn actuation<R: Real>(&self, u: &[R], out: &mut [R]) {
        let (main, side) = Self::powers(u);
        out[0] = main;
        out[1] = side;
    }

    /// (x, y) in observation units: the pad is at (0, 0) (Eq. 42 and 43 read it).
    fn position<R: Real>(&self, x: &[R]) -> [R; 2] {
        [x[0], x[1]]
    }
}

impl RewardModel for LunarLanderModel {
    /// App. B.2's r̂: the shaping difference minus 0.3·main power and 0.03·side power, minus
    /// the zone penalty when `next` is inside the zone; no terminal ±100.
    fn reward<R: Real>(&self, x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        let (m_power, s_power) = Self::powers(u);
        shaping(next)
            - shaping(x)
            - m_power * R::splat(0.30)
            - s_power * R::splat(0.03)
            - zone_penalty(zone, self.danger_penalty, self.position(next))
    }
}

/// ψ: Gymnasium's float32 observation of x, then the zone's (x_D, y_D, w_D, h_D).
impl StateMap for LunarLanderModel {
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64> {
        let mut observation: Vec<f64> = x.iter().map(|&v| f64::from(v as f32)).collect();
        observation.extend(zone.map(|z| [z.x, z.y, z.width, z.height]).into_iter().flatten());
        observation
    }

    /// Leaving the viewport (|x| ≥ 1), the one termination the surrogate can see.
    fn terminated(&self, x: &[f64]) -> bool {
        x[0].abs() >= 1.0
    }
}

#[cfg(test)]
mod tests {
    use rlmpc_core::Lanes;

    use super::*;

    #[test]
    fn without_engines_the_lander_falls_freely_and_the_legs_are_carried() {
        let model = LunarLanderModel::default();
        let x = [0.1, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        let mut next = [0.0; 8];
        model.step(&x, &[0.0, 0.0], &mut next);
        let dv = -10.0 / FPS;
        assert!((next[3] - dv / VY_UNIT).abs() < 1e-15, "{next:?}");
        assert!((next[1] - (1.0 + dv / FPS / Y_UNIT)).abs() < 1e-15, "{next:?}");
        assert_eq!([next[0], next[2], next[4], next[5], next[6], next[7]], [0.1, 0.0, 0.0, 0.0, 1.0, 0.0]);
        // The reward is the shaping difference alone: no fuel, no zone.
        let by_hand = |s: &[f64]| {
            -100.0 * s[0].hypot(s[1]) - 100.0 * s[2].hypot(s[3]) - 100.0 * s[4].abs() + 10.0 * (s[6] + s[7])
        };
        let expected = by_hand(&next) - by_hand(&x);
        assert!((model.reward(&x, &[0.0, 0.0], &next, None) - expected).abs() < 1e-12);
    }

    #[test]
    fn engines_push_up_and_turn_and_cost_fuel() {
        let model = LunarLanderModel::default();
        let x = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let (mut free, mut main, mut right) = ([0.0; 8], [0.0; 8], [0.0; 8]);
        model.step(&x, &[0.0, 0.0], &mut free);
        model.step(&x, &[1.0, 0.0], &mut main);
        model.step(&x, &[0.0, 1.0], &mut right);
        assert!(main[3] > free[3] && main[2] == 0.0 && main[5] == 0.0, "{main:?}");
        // u₁ > 0 fires the engine on the hull's left (Gymnasium's `direction` = +1): a push
        // to the right, and a turn.
        assert!(right[2] > 0.0 && right[5] != 0.0, "{right:?}");
        let fuel =
            |u: [f64; 2], next: &[f64]| model.reward(&x, &u, next, None) - model.reward(&x, &[0.0, 0.0], next, None);
        assert!((fuel([1.0, 0.0], &main) + 0.30).abs() < 1e-12);
        assert!((fuel([0.4, 0.0], &main) + 0.30 * 0.7).abs() < 1e-12);
        assert!((fuel([-1.0, 0.75], &main) + 0.03 * 0.75).abs() < 1e-12);
        assert_eq!(fuel([-1.0, 0.5], &main), 0.0);
        let zone = DangerZone { x: 0.0, y: 1.0, width: 0.5, height: 0.5 };
        let in_zone = model.reward(&x, &[0.0, 0.0], &free, Some(&zone)) - model.reward(&x, &[0.0, 0.0], &free, None);
        assert!((in_zone + 5.0).abs() < 1e-12);
    }

    #[test]
    fn actuation_is_the_engine_power_that_fuel_is_charged_for() {
        let model = LunarLanderModel::default();
        let x = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        for u in [[0.0, 0.0], [0.01, 0.49], [0.4, -0.51], [1.5, 0.9], [-0.2, -2.0], [-1e-9, 0.5]] {
            let mut power = [0.0; 2];
            model.actuation(&u, &mut power);
            let mut next = [0.0; 8];
            model.step(&x, &u, &mut next);
            // Gymnasium charges 0.3 per frame of full main power and 0.03 of full side power.
            let fuel = model.reward(&x, &u, &next, None) - model.reward(&x, &[0.0, 0.0], &next, None);
            assert!((fuel + 0.3 * power[0] + 0.03 * power[1]).abs() < 1e-12, "u = {u:?}: {power:?}, fuel {fuel}");
        }
        let mut power = [0.0; 2];
        model.actuation(&[0.01, 0.0], &mut power);
        assert_eq!(power, [0.505, 0.0], "a main engine barely on fires at half power and more");
    }

    #[test]
    fn the_ground_stops_a_fall_at_the_pad_or_where_the_lander_stands() {
        let model = LunarLanderModel::default().with_ground(true);
        let step = |x: [f64; 8]| {
            let mut next = [0.0; 8];
            model.step(&x, &[0.0, 0.0], &mut next);
            next
        };
        // Falling onto the pad: on it, at rest, both legs down (r̂ sees their +10 each).
        let landing = step([0.1, 0.001, 0.2, -0.3, 0.05, 0.4, 0.0, 0.0]);
        assert_eq!(
            [landing[1], landing[2], landing[3], landing[5], landing[6], landing[7]],
            [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
        );
        // Standing on terrain above the pad: the floor is where it stands.
        let standing = step([0.5, 0.07, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]);
        assert_eq!([standing[1], standing[3], standing[6], standing[7]], [0.07, 0.0, 1.0, 1.0]);
        // High up, or flying below the pad's height with no leg down: free fall, legs cleared.
        for x in [[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.6, -0.1, 0.0, -0.1, 0.0, 0.0, 0.0, 0.0]] {
            let (ground, free) = (step(x), {
                let mut next = [0.0; 8];
                LunarLanderModel::default().step(&x, &[0.0, 0.0], &mut next);
                next
            });
            assert_eq!(ground[..6], free[..6], "from {x:?}");
            assert_eq!(ground[6..], [0.0, 0.0]);
        }
        // The main engine at full power lifts a standing lander off: legs up.
        let mut lift = [0.0; 8];
        model.step(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0], &[1.0, 0.0], &mut lift);
        assert!(lift[1] > 0.0 && lift[3] > 0.0 && lift[6] == 0.0, "{lift:?}");
    }

    #[test]
    fn lanes_agree_with_f64() {
        // Heights around the pad's, some lanes standing, so that the ground's branches differ.
        let states: Vec<[f64; 8]> = (0..16)
            .map(|i| {
                let leg = f64::from(u8::from(i % 3 == 0));
                [0.05 * i as f64 - 0.4, 0.004 * i as f64 - 0.02, 0.3, -0.2, 0.1 * i as f64 - 0.8, 0.2, leg, leg]
            })
            .collect();
        let controls: Vec<[f64; 2]> = (0..16).map(|i| [0.15 * i as f64 - 1.0, 1.0 - 0.13 * i as f64]).collect();
        let column = |k: usize| Lanes::load(&states.iter().map(|s| s[k]).collect::<Vec<_>>());
        let x: Vec<Lanes> = (0..8).map(column).collect();
        let u: Vec<Lanes> = (0..2).map(|k| Lanes::load(&controls.iter().map(|c| c[k]).collect::<Vec<_>>())).collect();
        for model in [LunarLanderModel::default(), LunarLanderModel::default().with_ground(true)] {
            let mut next = vec![Lanes::splat(0.0); 8];
            model.step(&x, &u, &mut next);
            let mut lane_reward = [0.0; 16];
            model.reward(&x, &u, &next, None).store(&mut lane_reward);
            for i in 0..16 {
                let mut expected = [0.0; 8];
                model.step(&states[i], &controls[i], &mut expected);
                for k in 0..8 {
                    let mut got = [0.0; 16];
                    next[k].store(&mut got);
                    assert!(
                        (got[i] - expected[k]).abs() < 1e-5,
                        "lane {i} component {k}: {} vs {}",
                        got[i],
                        expected[k]
                    );
                }
                let reward = model.reward(&states[i], &controls[i], &expected, None);
                assert!((lane_reward[i] - reward).abs() < 1e-3, "lane {i}: {} vs {reward}", lane_reward[i]);
            }
        }
    }
}
