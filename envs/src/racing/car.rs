//! The ego car of the real environment: a dynamic bicycle model with Pacejka ("magic
//! formula") lateral tyre forces, a friction ellipse, longitudinal load transfer, engine power
//! and brake limits and aerodynamic drag, integrated in f64 with fixed sub-steps.
//!
//! MPPI never sees this model: it plans with the kinematic bicycle of
//! [`super::model::RacingModel`], which has no tyre slip, no power limit and no drag, so the
//! surrogate is strongly misspecified on purpose (decision record §6, paper App. B.3).

use serde::Deserialize;

/// Standard gravity (m/s²).
pub(super) const G: f64 = 9.81;
/// Air density (kg/m³).
const AIR_DENSITY: f64 = 1.2;

/// Race-car parameters (config table `env.params.car`); defaults describe a 1200 kg GT-class
/// car on slick tyres (see the book's Racing chapter).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CarParams {
    /// Mass m (kg).
    pub mass: f64,
    /// Yaw moment of inertia I_z (kg·m²).
    pub yaw_inertia: f64,
    /// Distance from the centre of mass to the front axle l_f (m).
    pub front_axle: f64,
    /// Distance from the centre of mass to the rear axle l_r (m).
    pub rear_axle: f64,
    /// Height of the centre of mass (m), for longitudinal load transfer.
    pub cog_height: f64,
    /// Shift load between the axles under acceleration and braking (ΔF_z = m·a_x·h/(l_f + l_r)).
    pub load_transfer: bool,
    /// Tyre–road friction coefficient μ (the magic formula's peak D = μ·F_z).
    pub friction: f64,
    /// Magic-formula stiffness factor B.
    pub pacejka_b: f64,
    /// Magic-formula shape factor C.
    pub pacejka_c: f64,
    /// Largest road-wheel steering angle δ_max (rad); u_steer = ±1 steers this far.
    pub max_steer: f64,
    /// Peak engine power (W), delivered to the rear axle; u_throttle = 1 asks for all of it.
    pub max_power: f64,
    /// Largest braking force (N), split 60/40 front/rear; u_throttle = −1 asks for all of it.
    pub max_brake_force: f64,
    /// Drag area C_d·A (m²).
    pub drag_area: f64,
    /// Rolling-resistance coefficient.
    pub rolling_resistance: f64,
}

impl Default for CarParams {
    fn default() -> Self {
        Self {
            mass: 1200.0,
            yaw_inertia: 1600.0,
            front_axle: 1.2,
            rear_axle: 1.4,
            cog_height: 0.45,
            load_transfer: true,
            friction: 1.3,
            pacejka_b: 10.0,
            pacejka_c: 1.9,
            max_steer: 0.4,
            max_power: 200_000.0,
            max_brake_force: 14_000.0,
            drag_area: 0.8,
            rolling_resistance: 0.015,
        }
    }
}

impl CarParams {
    /// Checks that every parameter is finite and physical, naming the first that is not.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("mass", self.mass),
            ("yaw_inertia", self.yaw_inertia),
            ("front_axle", self.front_axle),
            ("rear_axle", self.rear_axle),
            ("friction", self.friction),
            ("pacejka_b", self.pacejka_b),
            ("pacejka_c", self.pacejka_c),
            ("max_steer", self.max_steer),
            ("max_power", self.max_power),
            ("max_brake_force", self.max_brake_force),
        ];
        let non_negative = [
            ("cog_height", self.cog_height),
            ("drag_area", self.drag_area),
            ("rolling_resistance", self.rolling_resistance),
        ];
        for (name, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(format!("car.{name} must be finite and > 0, got {value}"));
            }
        }
        for (name, value) in non_negative {
            if !(value.is_finite() && value >= 0.0) {
                return Err(format!("car.{name} must be finite and ≥ 0, got {value}"));
            }
        }
        if self.max_steer >= std::f64::consts::FRAC_PI_2 {
            return Err(format!("car.max_steer must be below π/2 rad, got {}", self.max_steer));
        }
        Ok(())
    }

    /// Wheelbase l_f + l_r (m).
    pub fn wheelbase(&self) -> f64 {
        self.front_axle + self.rear_axle
    }
}

/// The dynamic state: pose in the world and velocities in the body frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CarState {
    /// Position of the centre of mass (m).
    pub x: f64,
    /// Position of the centre of mass (m).
    pub y: f64,
    /// Heading (yaw) ψ (rad), from the world x axis.
    pub yaw: f64,
    /// Longitudinal velocity v_x (m/s), never negative (the car does not reverse).
    pub vx: f64,
    /// Lateral velocity v_y (m/s), positive to the left.
    pub vy: f64,
    /// Yaw rate r (rad/s).
    pub yaw_rate: f64,
    /// Longitudinal acceleration of the last sub-step (m/s²), for load transfer.
    pub ax: f64,
}

impl CarState {
    /// Speed ‖v‖ (m/s).
    pub fn speed(&self) -> f64 {
        self.vx.hypot(self.vy)
    }

    /// World-frame velocity (ẋ, ẏ).
    pub fn world_velocity(&self) -> [f64; 2] {
        let (sin, cos) = self.yaw.sin_cos();
        [self.vx * cos - self.vy * sin, self.vx * sin + self.vy * cos]
    }
}

/// Below this speed (m/s) slip angles are computed as if the car moved this fast, which keeps
/// them finite at standstill.
const MIN_SLIP_SPEED: f64 = 1.0;

impl CarParams {
    /// Magic-formula lateral force F_y = −μ·F_z·sin(C·atan(B·α)), reduced by the friction
    /// ellipse when the tyre also carries a longitudinal force `fx`.
    fn lateral_force(&self, slip: f64, load: f64, fx: f64) -> f64 {
        let peak = self.friction * load;
        let remaining = (1.0 - (fx / peak).powi(2)).max(0.0).sqrt();
        peak * remaining * (self.pacejka_c * (self.pacejka_b * slip).atan()).sin()
    }

    /// Advances `car` by `dt` in `substeps` semi-implicit Euler steps under steering command
    /// `steer` and throttle/brake command `throttle`, both in [−1, 1].
    pub fn step(&self, car: &mut CarState, steer: f64, throttle: f64, dt: f64, substeps: usize) {
        let h = dt / substeps as f64;
        let delta = steer * self.max_steer;
        let (lf, lr, m) = (self.front_axle, self.rear_axle, self.mass);
        let l = self.wheelbase();
        for _ in 0..substeps {
            let transfer = if self.load_transfer { m * car.ax * self.cog_height / l } else { 0.0 };
            let load_front = (m * G * lr / l - transfer).max(0.0);
            let load_rear = (m * G * lf / l + transfer).max(0.0);
            // Longitudinal tyre forces: power-limited drive on the rear axle, brakes on both
            // (fading out near standstill so braking never pushes the car backwards), each
            // within its tyre's friction limit.
            let brake = (-throttle).max(0.0) * self.max_brake_force * (car.vx / 0.5).min(1.0);
            let drive = throttle.max(0.0) * self.max_power / car.vx.max(MIN_SLIP_SPEED);
            let fx_front = (-0.6 * brake).max(-self.friction * load_front);
            let fx_rear = (drive - 0.4 * brake).clamp(-self.friction * load_rear, self.friction * load_rear);
            let u = car.vx.max(MIN_SLIP_SPEED);
            let slip_front = delta - (car.vy + lf * car.yaw_rate).atan2(u);
            let slip_rear = -(car.vy - lr * car.yaw_rate).atan2(u);
            let fy_front = self.lateral_force(slip_front, load_front, fx_front);
            let fy_rear = self.lateral_force(slip_rear, load_rear, fx_rear);
            let resistance = 0.5 * AIR_DENSITY * self.drag_area * car.vx * car.vx
                + self.rolling_resistance * m * G * (car.vx / 0.5).min(1.0);
            let (sin_d, cos_d) = delta.sin_cos();
            let force_x = fx_rear + fx_front * cos_d - fy_front * sin_d - resistance;
            let force_y = fy_rear + fy_front * cos_d + fx_front * sin_d;
            let moment = lf * (fy_front * cos_d + fx_front * sin_d) - lr * fy_rear;
            car.ax = force_x / m;
            let dvx = car.ax + car.vy * car.yaw_rate;
            let dvy = force_y / m - car.vx * car.yaw_rate;
            car.vx = (car.vx + h * dvx).max(0.0);
            car.vy += h * dvy;
            car.yaw_rate += h * moment / self.yaw_inertia;
            car.yaw += h * car.yaw_rate;
            let [vx_world, vy_world] = car.world_velocity();
            car.x += h * vx_world;
            car.y += h * vy_world;
        }
    }
}
