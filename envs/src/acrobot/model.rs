//! Gymnasium's Acrobot-v1 physics ("book" dynamics, `AcrobotEnv._dsdt` + `rk4`) with a
//! continuous torque, and the App. B.1 reward: the real environment and MPPI's model at once.

use std::f64::consts::PI;

use rlmpc_core::{DangerZone, Dynamics, Real, RewardModel, StateLayout, TrackedCoordinate};

use crate::model_env::zone_penalty;

/// Acrobot dynamics and reward over x = (θ1, θ2, θ̇1, θ̇2), u = (torque).
///
/// Every expression keeps Gymnasium 1.4.0's evaluation order (including `cos(θ1 − π/2)`
/// rather than `sin θ1`), so with `R = f64` a step reproduces `AcrobotEnv.step` to the last
/// bits. The torque is not clipped here (the environment clips actions to [−1, 1]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AcrobotModel {
    /// Subtracted from the reward for each step that ends with the tip in the danger zone
    /// (App. B.1: 50).
    pub danger_penalty: f64,
}

impl Default for AcrobotModel {
    fn default() -> Self {
        Self { danger_penalty: 50.0 }
    }
}

impl AcrobotModel {
    /// Integration step `dt` (s).
    pub const DT: f64 = 0.2;
    /// Length of link 1 (m).
    pub const LINK_LENGTH_1: f64 = 1.0;
    /// Length of link 2 (m); only the tip position uses it, as in Gymnasium.
    pub const LINK_LENGTH_2: f64 = 1.0;
    /// Mass of link 1 (kg).
    pub const LINK_MASS_1: f64 = 1.0;
    /// Mass of link 2 (kg).
    pub const LINK_MASS_2: f64 = 1.0;
    /// Position of the centre of mass of link 1 (m).
    pub const LINK_COM_POS_1: f64 = 0.5;
    /// Position of the centre of mass of link 2 (m).
    pub const LINK_COM_POS_2: f64 = 0.5;
    /// Moment of inertia of both links.
    pub const LINK_MOI: f64 = 1.0;
    /// Gravity (m/s²).
    pub const G: f64 = 9.8;
    /// Bound on θ̇1, applied after the RK4 step.
    pub const MAX_VEL_1: f64 = 4.0 * PI;
    /// Bound on θ̇2, applied after the RK4 step.
    pub const MAX_VEL_2: f64 = 9.0 * PI;

    /// An Acrobot with the given danger-zone penalty.
    pub fn new(danger_penalty: f64) -> Self {
        Self { danger_penalty }
    }

    /// Whether the tip reached the goal height: `−cos θ1 − cos(θ2 + θ1) > 1` (Gymnasium's
    /// `_terminal`).
    pub fn tip_above_goal<R: Real>(&self, x: &[R]) -> R::Mask {
        self.position(x)[1].gt(R::splat(1.0))
    }
}

/// Gymnasium's `_dsdt` (book variant) of the augmented state (θ1, θ2, θ̇1, θ̇2, a); the
/// fifth derivative, 0, is left out because the torque stays `a` through the RK4 step.
fn derivatives<R: Real>(s: [R; 4], a: R) -> [R; 4] {
    let (m1, m2) = (AcrobotModel::LINK_MASS_1, AcrobotModel::LINK_MASS_2);
    let l1 = AcrobotModel::LINK_LENGTH_1;
    let (lc1, lc2) = (AcrobotModel::LINK_COM_POS_1, AcrobotModel::LINK_COM_POS_2);
    let (i1, i2) = (AcrobotModel::LINK_MOI, AcrobotModel::LINK_MOI);
    let g = AcrobotModel::G;
    let c = R::splat;
    let [theta1, theta2, dtheta1, dtheta2] = s;
    let (sin2, cos2) = theta2.sin_cos();
    // Constant factors are folded in f64 in Python's left-to-right order.
    let d1 = c(m1 * (lc1 * lc1)) + c(m2) * (c(l1 * l1 + lc2 * lc2) + c(2.0 * l1 * lc2) * cos2) + c(i1) + c(i2);
    let d2 = c(m2) * (c(lc2 * lc2) + c(l1 * lc2) * cos2) + c(i2);
    let phi2 = c(m2 * lc2 * g) * (theta1 + theta2 - c(PI / 2.0)).cos();
    let phi1 = c(-m2 * l1 * lc2) * dtheta2.square() * sin2 - c(2.0 * m2 * l1 * lc2) * dtheta2 * dtheta1 * sin2
        + c((m1 * lc1 + m2 * l1) * g) * (theta1 - c(PI / 2.0)).cos()
        + phi2;
    let ddtheta2 = (a + d2 / d1 * phi1 - c(m2 * l1 * lc2) * dtheta1.square() * sin2 - phi2)
        / (c(m2 * (lc2 * lc2) + i2) - d2.square() / d1);
    let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    [dtheta1, dtheta2, ddtheta1, ddtheta2]
}

/// `y + h·k`, component-wise.
fn axpy<R: Real>(y: [R; 4], h: R, k: [R; 4]) -> [R; 4] {
    std::array::from_fn(|i| y[i] + h * k[i])
}

impl Dynamics for AcrobotModel {
    fn layout(&self) -> StateLayout {
        StateLayout {
            state_dim: 4,
            control_dim: 1,
            tracked: vec![
                TrackedCoordinate { name: "theta1", periodic: true },
                TrackedCoordinate { name: "theta2", periodic: true },
            ],
            has_position: true,
        }
    }

    /// Gymnasium's `rk4` over one interval `[0, dt]`, then `wrap` of the angles to [−π, π]
    /// and `bound` of the velocities (after the RK4 step only, never inside it).
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let c = R::splat;
        let h = Self::DT - 0.0;
        let y0 = [x[0], x[1], x[2], x[3]];
        let a = u[0];
        let k1 = derivatives(y0, a);
        let k2 = derivatives(axpy(y0, c(h / 2.0), k1), a);
        let k3 = derivatives(axpy(y0, c(h / 2.0), k2), a);
        let k4 = derivatives(axpy(y0, c(h), k3), a);
        // NumPy: y0 + h/6.0 * (((k1 + 2k2) + 2k3) + k4).
        let y =
            std::array::from_fn::<R, 4, _>(|i| y0[i] + c(h / 6.0) * (k1[i] + c(2.0) * k2[i] + c(2.0) * k3[i] + k4[i]));
        next[0] = y[0].wrap(-PI, PI);
        next[1] = y[1].wrap(-PI, PI);
        next[2] = y[2].clamp(c(-Self::MAX_VEL_1), c(Self::MAX_VEL_1));
        next[3] = y[3].clamp(c(-Self::MAX_VEL_2), c(Self::MAX_VEL_2));
    }

    /// θ1 and θ2, the targets of the RL action (paper Sec. 5: target angles).
    fn tracked<R: Real>(&self, x: &[R], out: &mut [R]) {
        out[0] = x[0];
        out[1] = x[1];
    }

    /// The tip: (sin θ1 + sin(θ1 + θ2), −cos θ1 − cos(θ1 + θ2)) for unit links; y is the
    /// height that the goal test compares with 1.
    fn position<R: Real>(&self, x: &[R]) -> [R; 2] {
        let (sin1, cos1) = x[0].sin_cos();
        let (sin12, cos12) = (x[0] + x[1]).sin_cos();
        let (l1, l2) = (R::splat(Self::LINK_LENGTH_1), R::splat(Self::LINK_LENGTH_2));
        [l1 * sin1 + l2 * sin12, -(l1 * cos1) - l2 * cos12]
    }
}

impl RewardModel for AcrobotModel {
    /// App. B.1: 0 when `next` is at the goal height, −1 otherwise, minus the penalty when
    /// the tip of `next` is inside the zone.
    fn reward<R: Real>(&self, _x: &[R], _u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        let base = R::select(self.tip_above_goal(next), R::zero(), R::splat(-1.0));
        base - zone_penalty(zone, self.danger_penalty, self.position(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanging_at_rest_is_a_fixed_point_below_the_goal() {
        let model = AcrobotModel::default();
        let mut next = [1.0f64; 4];
        model.step(&[0.0; 4], &[0.0], &mut next);
        assert!(next.iter().all(|v| v.abs() < 1e-15), "{next:?}");
        let [x, y] = model.position(&next);
        assert!(x.abs() < 1e-15 && y == -2.0, "{x} {y}");
        assert_eq!(model.reward(&[0.0; 4], &[0.0], &next, None), -1.0);
    }

    #[test]
    fn the_goal_height_gives_zero_reward_and_velocities_are_bounded_after_the_step() {
        let model = AcrobotModel::default();
        let upright = [PI, 0.0, 0.0, 0.0];
        assert!(model.tip_above_goal(&upright));
        assert_eq!(model.reward(&upright, &[0.0], &upright, None), 0.0);
        let zone = DangerZone::square(0.0, 2.0, 0.5);
        assert_eq!(model.reward(&upright, &[0.0], &upright, Some(&zone)), -50.0);
        let mut next = [0.0f64; 4];
        model.step(&[0.5, 0.0, 100.0, -100.0], &[0.0], &mut next);
        assert_eq!([next[2].abs(), next[3].abs()], [AcrobotModel::MAX_VEL_1, AcrobotModel::MAX_VEL_2]);
        assert!(next[0].abs() <= PI && next[1].abs() <= PI);
    }
}
