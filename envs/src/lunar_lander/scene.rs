//! The Box2D 2.3.1 world of one Lunar Lander episode (through `wrapped2d`): terrain, lander,
//! legs, joints and the contact listener, built as Gymnasium's `reset` builds them. Every
//! number Gymnasium computes in f64 is computed in f64 here and rounded to f32 where pybox2d
//! hands it to Box2D.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wrapped2d::b2;
use wrapped2d::dynamics::world::callbacks::ContactAccess;
use wrapped2d::user_data::{UserData, UserDataTypes};

use super::constants::*;
use super::model::Kinematics;

/// What a body is, stored as its Box2D user data so the contact listener can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Moon,
    Lander,
    Leg(usize),
}

struct Tags;

impl UserDataTypes for Tags {
    type BodyData = Part;
    type JointData = ();
    type FixtureData = ();
}

/// Flags written by the contact listener during `World::step` (Gymnasium's `game_over` and
/// the legs' `ground_contact`).
#[derive(Default)]
struct ContactFlags {
    game_over: AtomicBool,
    legs: [AtomicBool; 2],
}

/// Gymnasium's `ContactDetector`: any contact of the hull ends the game; a leg's contact
/// sets its flag on begin and clears it on end.
struct ContactDetector(Arc<ContactFlags>);

impl b2::ContactListener<Tags> for ContactDetector {
    fn begin_contact(&mut self, contact: ContactAccess<Tags>) {
        let parts = [*contact.body_a.user_data(), *contact.body_b.user_data()];
        if parts.contains(&Part::Lander) {
            self.0.game_over.store(true, Ordering::Relaxed);
        }
        for (i, leg) in self.0.legs.iter().enumerate() {
            if parts.contains(&Part::Leg(i)) {
                leg.store(true, Ordering::Relaxed);
            }
        }
    }

    fn end_contact(&mut self, contact: ContactAccess<Tags>) {
        let parts = [*contact.body_a.user_data(), *contact.body_b.user_data()];
        for (i, leg) in self.0.legs.iter().enumerate() {
            if parts.contains(&Part::Leg(i)) {
                leg.store(false, Ordering::Relaxed);
            }
        }
    }
}

/// The lander's raw Box2D state (f32 values, widened exactly to f64).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LanderState {
    /// Body origin (m).
    pub position: [f64; 2],
    /// Linear velocity (m/s).
    pub velocity: [f64; 2],
    /// Angle (rad).
    pub angle: f64,
    /// Angular velocity (rad/s).
    pub angular_velocity: f64,
    /// Box2D has not put the body to sleep.
    pub awake: bool,
    /// Ground contact of the left (−1) and right (+1) leg.
    pub leg_contact: [bool; 2],
    /// The hull touched something.
    pub game_over: bool,
}

/// The terrain of an episode (Gymnasium's `reset`, from the 12 height draws).
#[derive(Clone, Debug, PartialEq)]
pub struct Terrain {
    /// x of the chunk boundaries: `W/(CHUNKS−1)·i`.
    pub chunk_x: [f64; CHUNKS],
    /// Smoothed heights `0.33·(h[i−1] + h[i] + h[i+1])`, with `h[−1] = h[11]` as in Python.
    pub smooth_y: [f64; CHUNKS],
}

impl Terrain {
    /// The terrain of `heights` (drawn as `uniform(0, H/2)`); heights 3..=7 become the pad.
    pub fn new(mut heights: [f64; CHUNKS + 1]) -> Self {
        for h in &mut heights[CHUNKS / 2 - 2..=CHUNKS / 2 + 2] {
            *h = HELIPAD_Y;
        }
        let chunk_x = std::array::from_fn(|i| W / (CHUNKS - 1) as f64 * i as f64);
        let smooth_y = std::array::from_fn(|i| {
            let before = heights[(i + CHUNKS) % (CHUNKS + 1)];
            0.33 * (before + heights[i] + heights[i + 1])
        });
        Self { chunk_x, smooth_y }
    }
}

fn vec2(x: f64, y: f64) -> b2::Vec2 {
    b2::Vec2 { x: x as f32, y: y as f32 }
}

/// The Box2D world with its bodies.
pub struct Scene {
    world: b2::World<Tags>,
    lander: b2::BodyHandle,
    legs: [b2::BodyHandle; 2],
    flags: Arc<ContactFlags>,
}

// SAFETY: a `Scene` owns its Box2D world and every handle into it; nothing else points into
// the world, and the contact flags are atomics, so moving the whole scene to another thread is
// sound (it is never shared: no `Sync`). Box2D 2.3's only process-wide state is a set of
// statistics counters (`b2_gjkCalls`, `b2_toiCalls`, …) that a world step increments without
// synchronisation; every step therefore holds `STEP_LOCK`, so two worlds never step at once.
unsafe impl Send for Scene {}

/// Serialises `World::step` across all scenes (see the `Send` impl above).
static STEP_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Scene {
    /// Gymnasium's `reset` up to the step it ends with: terrain, lander, the initial force
    /// `(fx, fy)`, then the legs and their joints, in Gymnasium's creation order.
    pub fn new(gravity: f64, terrain: &Terrain, initial_force: [f64; 2]) -> Self {
        let mut world = b2::World::<Tags>::new(&vec2(0.0, gravity));
        let flags = Arc::new(ContactFlags::default());
        world.set_contact_listener(Box::new(ContactDetector(flags.clone())));

        let moon = world.create_body_with(&b2::BodyDef::new(), Part::Moon);
        {
            let mut moon = world.body_mut(moon);
            let mut flat = b2::FixtureDef::new();
            moon.create_fixture(&b2::EdgeShape::new_with(&vec2(0.0, 0.0), &vec2(W, 0.0)), &mut flat);
            for i in 0..CHUNKS - 1 {
                let (p1, p2) = (
                    vec2(terrain.chunk_x[i], terrain.smooth_y[i]),
                    vec2(terrain.chunk_x[i + 1], terrain.smooth_y[i + 1]),
                );
                let mut def = b2::FixtureDef { density: 0.0, friction: 0.1, ..b2::FixtureDef::new() };
                moon.create_fixture(&b2::EdgeShape::new_with(&p1, &p2), &mut def);
            }
        }

        let (initial_x, initial_y) = (VIEWPORT_W / SCALE / 2.0, VIEWPORT_H / SCALE);
        let def = b2::BodyDef {
            body_type: b2::BodyType::Dynamic,
            position: vec2(initial_x, initial_y),
            ..b2::BodyDef::new()
        };
        let lander = world.create_body_with(&def, Part::Lander);
        {
            let mut body = world.body_mut(lander);
            let hull: Vec<b2::Vec2> = LANDER_POLY.iter().map(|&(x, y)| vec2(x / SCALE, y / SCALE)).collect();
            let mut def = b2::FixtureDef {
                density: 5.0,
                friction: 0.1,
                restitution: 0.0,
                filter: b2::Filter { category_bits: 0x0010, mask_bits: 0x001, group_index: 0 },
                ..b2::FixtureDef::new()
            };
            body.create_fixture(&b2::PolygonShape::new_with(&hull), &mut def);
            body.apply_force_to_center(&vec2(initial_force[0], initial_force[1]), true);
        }

        let legs = [-1.0, 1.0].map(|i: f64| {
            let def = b2::BodyDef {
                body_type: b2::BodyType::Dynamic,
                position: vec2(initial_x - i * LEG_AWAY / SCALE, initial_y),
                angle: (i * 0.05) as f32,
                ..b2::BodyDef::new()
            };
            let index = usize::from(i > 0.0);
            let leg = world.create_body_with(&def, Part::Leg(index));
            let mut fixture = b2::FixtureDef {
                density: 1.0,
                restitution: 0.0,
                filter: b2::Filter { category_bits: 0x0020, mask_bits: 0x001, group_index: 0 },
                ..b2::FixtureDef::new()
            };
            let shape = b2::PolygonShape::new_box((LEG_W / SCALE) as f32, (LEG_H / SCALE) as f32);
            world.body_mut(leg).create_fixture(&shape, &mut fixture);
            let (lower, upper) = if i < 0.0 { (0.9 - 0.5, 0.9) } else { (-0.9, -0.9 + 0.5) };
            // pybox2d's joint definition sets referenceAngle = bodyB.angle − bodyA.angle.
            let reference = f64::from(world.body(leg).angle()) - f64::from(world.body(lander).angle());
            let joint = b2::RevoluteJointDef {
                local_anchor_a: vec2(0.0, 0.0),
                local_anchor_b: vec2(i * LEG_AWAY / SCALE, LEG_DOWN / SCALE),
                reference_angle: reference as f32,
                enable_motor: true,
                enable_limit: true,
                max_motor_torque: LEG_SPRING_TORQUE as f32,
                motor_speed: (0.3 * i) as f32,
                lower_angle: lower as f32,
                upper_angle: upper as f32,
                ..b2::RevoluteJointDef::new(lander, leg)
            };
            world.create_joint(&joint);
            leg
        });
        Self { world, lander, legs, flags }
    }

    /// The lander's state and the contact flags.
    pub fn lander(&self) -> LanderState {
        let body = self.world.body(self.lander);
        let (p, v) = (body.position(), body.linear_velocity());
        LanderState {
            position: [f64::from(p.x), f64::from(p.y)],
            velocity: [f64::from(v.x), f64::from(v.y)],
            angle: f64::from(body.angle()),
            angular_velocity: f64::from(body.angular_velocity()),
            awake: body.is_awake(),
            leg_contact: [0, 1].map(|i| self.flags.legs[i].load(Ordering::Relaxed)),
            game_over: self.flags.game_over.load(Ordering::Relaxed),
        }
    }

    /// `ApplyLinearImpulse(impulse, point, True)` on the lander.
    pub fn apply_impulse(&mut self, impulse: [f64; 2], point: [f64; 2]) {
        let mut body = self.world.body_mut(self.lander);
        body.apply_linear_impulse(&vec2(impulse[0], impulse[1]), &vec2(point[0], point[1]), true);
    }

    /// `ApplyForceToCenter((fx, 0), True)` then `ApplyTorque(torque, True)`: wind and turbulence.
    pub fn apply_wind(&mut self, force_x: f64, torque: f64) {
        let mut body = self.world.body_mut(self.lander);
        body.apply_force_to_center(&vec2(force_x, 0.0), true);
        body.apply_torque(torque as f32, true);
    }

    /// `world.Step(1/FPS, 6·30, 2·30)`.
    pub fn step(&mut self) {
        // A panic elsewhere cannot leave Box2D's counters inconsistent in a way that matters.
        let _guard = STEP_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.world.step((1.0 / FPS) as f32, 6 * 30, 2 * 30);
    }

    /// Moves the hull to `target` (position, velocity, angle, angular velocity) and carries
    /// the legs along rigidly, keeping their pose relative to the hull.
    pub fn place(&mut self, target: Kinematics) {
        let (from, angle_from) = {
            let hull = self.world.body(self.lander);
            (*hull.position(), hull.angle())
        };
        let turn = target.angle as f32 - angle_from;
        let (sin, cos) = turn.sin_cos();
        let hull_at = vec2(target.position[0], target.position[1]);
        let velocity = vec2(target.velocity[0], target.velocity[1]);
        let omega = target.angular_velocity as f32;
        for leg in self.legs {
            let mut leg = self.world.body_mut(leg);
            let offset = *leg.position() - from;
            let rotated = b2::Vec2 { x: cos * offset.x - sin * offset.y, y: sin * offset.x + cos * offset.y };
            let angle = leg.angle() + turn;
            leg.set_transform(&(hull_at + rotated), angle);
            leg.set_linear_velocity(&(velocity + b2::Vec2 { x: -omega * rotated.y, y: omega * rotated.x }));
            leg.set_angular_velocity(omega);
        }
        let mut hull = self.world.body_mut(self.lander);
        hull.set_transform(&hull_at, target.angle as f32);
        hull.set_linear_velocity(&velocity);
        hull.set_angular_velocity(omega);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lunar_lander::model::{CENTRE_OF_MASS_Y, HULL_MASS, INERTIA, LEG_MASS};

    #[test]
    fn the_surrogate_constants_are_the_masses_box2d_computes() {
        let scene = Scene::new(-10.0, &Terrain::new([1.0; CHUNKS + 1]), [0.0, 0.0]);
        let hull = scene.world.body(scene.lander);
        let leg = scene.world.body(scene.legs[0]);
        let centre = hull.local_center().y;
        assert!((f64::from(hull.mass()) - HULL_MASS).abs() < 1e-5, "{}", hull.mass());
        assert!((f64::from(leg.mass()) - LEG_MASS).abs() < 1e-7, "{}", leg.mass());
        assert!((f64::from(centre) - CENTRE_OF_MASS_Y).abs() < 1e-6, "{centre}");
        // Box2D reports the inertia about the body origin.
        let about_centre = f64::from(hull.inertia()) - HULL_MASS * CENTRE_OF_MASS_Y * CENTRE_OF_MASS_Y;
        assert!((about_centre - INERTIA).abs() < 1e-5, "{about_centre}");
    }

    #[test]
    fn terrain_keeps_the_pad_flat_and_wraps_the_first_neighbour() {
        let heights = std::array::from_fn(|i| i as f64);
        let terrain = Terrain::new(heights);
        assert_eq!(terrain.chunk_x[10], W);
        for i in 4..=6 {
            assert!((terrain.smooth_y[i] - 0.99 * HELIPAD_Y).abs() < 1e-12);
        }
        assert_eq!(terrain.smooth_y[0], 0.33 * (11.0 + 0.0 + 1.0));
    }
}
