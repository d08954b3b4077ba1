//! Gymnasium's Pendulum-v1: swing a pendulum up and hold it, torque u ∈ [−2, 2]. The model
//! below is the environment's own physics, so MPPI plans with the exact model.

use std::f64::consts::PI;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rlmpc_core::registry::{BuildError, EnvRegistration, Params};
use rlmpc_core::{
    BoxSpace, DangerZone, Dynamics, Environment, Real, RewardModel, StateLayout, StateMap, TrackedCoordinate,
};
use serde::Deserialize;

use crate::model_env::{square_zone_features, zone_penalty, ModelDomain, ModelEnv};

/// Pendulum dynamics and reward over x = (θ, θ̇), u = (torque), in Gymnasium 1.4.0's
/// expression order (θ = 0 is upright; θ is not wrapped).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PendulumModel {
    /// Gravity (Pendulum-v1 default: 10).
    pub g: f64,
    /// Subtracted from the reward when the tip of the next state is in the danger zone.
    pub danger_penalty: f64,
}

impl Default for PendulumModel {
    fn default() -> Self {
        Self { g: 10.0, danger_penalty: 50.0 }
    }
}

impl PendulumModel {
    /// Integration step `dt` (s).
    pub const DT: f64 = 0.05;
    /// Mass (kg).
    pub const M: f64 = 1.0;
    /// Length (m).
    pub const L: f64 = 1.0;
    /// Bound on θ̇.
    pub const MAX_SPEED: f64 = 8.0;
    /// Bound on the torque, applied inside the dynamics and the reward.
    pub const MAX_TORQUE: f64 = 2.0;
}

impl Dynamics for PendulumModel {
    fn layout(&self) -> StateLayout {
        StateLayout {
            state_dim: 2,
            control_dim: 1,
            tracked: vec![
                TrackedCoordinate { name: "theta", periodic: true },
                TrackedCoordinate { name: "theta_dot", periodic: false },
            ],
            has_position: true,
        }
    }

    /// `θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, ±8)`, `θ' = θ + θ̇'·dt`, with
    /// `u = clip(u, ±2)`.
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]) {
        let c = R::splat;
        let (m, l, dt) = (Self::M, Self::L, Self::DT);
        let u = u[0].clamp(c(-Self::MAX_TORQUE), c(Self::MAX_TORQUE));
        let thdot = x[1] + (c(3.0 * self.g / (2.0 * l)) * x[0].sin() + c(3.0 / (m * (l * l))) * u) * c(dt);
        let thdot = thdot.clamp(c(-Self::MAX_SPEED), c(Self::MAX_SPEED));
        next[0] = x[0] + thdot * c(dt);
        next[1] = thdot;
    }

    fn tracked<R: Real>(&self, x: &[R], out: &mut [R]) {
        out[0] = x[0];
        out[1] = x[1];
    }

    /// The tip (sin θ, cos θ): upright is (0, 1).
    fn position<R: Real>(&self, x: &[R]) -> [R; 2] {
        let (sin, cos) = x[0].sin_cos();
        [sin, cos]
    }
}

impl RewardModel for PendulumModel {
    /// `−(angle_normalize(θ)² + 0.1·θ̇² + 0.001·u²)` on the PRE-step state, minus the zone
    /// penalty on the tip of `next`.
    fn reward<R: Real>(&self, x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        let c = R::splat;
        let u = u[0].clamp(c(-Self::MAX_TORQUE), c(Self::MAX_TORQUE));
        let cost = x[0].angle_normalize().square() + c(0.1) * x[1].square() + c(0.001) * u.square();
        -cost - zone_penalty(zone, self.danger_penalty, self.position(next))
    }
}

/// ψ: [cos θ, sin θ, θ̇], Gymnasium's `_get_obs()`, then the zone features if a zone is set.
/// Pendulum-v1 never terminates (the default `terminated`); episodes end by truncation.
impl StateMap for PendulumModel {
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64> {
        let mut observation = vec![x[0].cos(), x[0].sin(), x[1]];
        observation.extend(square_zone_features(zone));
        observation
    }
}

impl ModelDomain for PendulumModel {
    const NAME: &'static str = "pendulum";

    fn observation_space(&self) -> BoxSpace {
        BoxSpace { low: vec![-1.0, -1.0, -Self::MAX_SPEED], high: vec![1.0, 1.0, Self::MAX_SPEED] }
    }

    fn action_space(&self) -> BoxSpace {
        BoxSpace { low: vec![-Self::MAX_TORQUE], high: vec![Self::MAX_TORQUE] }
    }

    /// `uniform(low=[−π, −1], high=[π, 1])`, from our generator.
    fn initial_state(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
        vec![rng.gen_range(-PI..PI), rng.gen_range(-1.0..1.0)]
    }
}

/// The Pendulum environment: [`PendulumModel`] stepped in f64.
pub type Pendulum = ModelEnv<PendulumModel>;

/// Parameters of the `pendulum` environment (config table `env.params`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PendulumParams {
    /// Gravity (Pendulum-v1: 10).
    pub g: f64,
    /// Square danger zone on the tip; absent (the default) in Gymnasium's task.
    pub danger_zone: Option<DangerZone>,
    /// Reward subtracted per step with the tip inside the zone.
    pub danger_penalty: f64,
    /// Steps after which the episode is truncated (Pendulum-v1: 200).
    pub max_episode_steps: usize,
}

impl Default for PendulumParams {
    fn default() -> Self {
        let model = PendulumModel::default();
        Self { g: model.g, danger_zone: None, danger_penalty: model.danger_penalty, max_episode_steps: 200 }
    }
}

impl PendulumParams {
    /// The Pendulum environment these parameters describe.
    pub fn build(self) -> Result<Pendulum, BuildError> {
        if !self.g.is_finite() || !self.danger_penalty.is_finite() {
            return Err(BuildError::Invalid(format!(
                "g and danger_penalty must be finite, got g = {}, danger_penalty = {}",
                self.g, self.danger_penalty
            )));
        }
        let model = PendulumModel { g: self.g, danger_penalty: self.danger_penalty };
        ModelEnv::new(model, self.danger_zone, self.max_episode_steps)
    }
}

fn build(params: Params<'_, '_>) -> Result<Box<dyn Environment>, BuildError> {
    Ok(Box::new(erased_serde::deserialize::<PendulumParams>(params)?.build()?))
}

inventory::submit! {
    EnvRegistration::new("pendulum", "Gymnasium Pendulum-v1, torque in [-2, 2]", build, module_path!())
}

#[cfg(test)]
mod tests {
    use rlmpc_core::Lanes;

    use super::*;

    #[test]
    fn lanes_agree_with_f64_including_clipping_and_angle_normalize() {
        let model = PendulumModel::default();
        let theta = |i: usize| -9.0 + 1.1 * i as f64;
        let speed = |i: usize| -8.0 + 1.05 * i as f64;
        let torque = |i: usize| -3.0 + 0.4 * i as f64;
        let load = |f: &dyn Fn(usize) -> f64| Lanes::load(&(0..16).map(f).collect::<Vec<_>>());
        let (x, u) = ([load(&theta), load(&speed)], [load(&torque)]);
        let mut next = [Lanes::splat(0.0); 2];
        model.step(&x, &u, &mut next);
        let (mut thetas, mut speeds, mut rewards) = ([0.0; 16], [0.0; 16], [0.0; 16]);
        next[0].store(&mut thetas);
        next[1].store(&mut speeds);
        model.reward(&x, &u, &next, None).store(&mut rewards);
        for (i, ((theta_got, speed_got), reward_got)) in thetas.into_iter().zip(speeds).zip(rewards).enumerate() {
            let (x, u) = ([theta(i), speed(i)], [torque(i)]);
            let mut want = [0.0f64; 2];
            model.step(&x, &u, &mut want);
            let reward = model.reward(&x, &u, &want, None);
            let errors = [theta_got - want[0], speed_got - want[1], reward_got - reward];
            assert!(errors.iter().all(|e| e.abs() < 1e-4), "lane {i}: {errors:?}");
        }
    }

    #[test]
    fn torque_is_clipped_and_upright_rest_costs_nothing() {
        let model = PendulumModel::default();
        let (mut big, mut two) = ([0.0f64; 2], [0.0f64; 2]);
        model.step(&[0.3, 0.0], &[50.0], &mut big);
        model.step(&[0.3, 0.0], &[2.0], &mut two);
        assert_eq!(big, two);
        assert_eq!(model.reward(&[2.0 * PI, 0.0], &[0.0], &[2.0 * PI, 0.0], None), -0.0);
    }
}
