//! The surrogate model M̂ that MPPI plans with: dynamics P̂, reward model r̂ and state map ψ
//! (paper Sec. 3),
//! written once against [`Real`] and erased into [`SurrogateModel`] for every backend.

use crate::geometry::DangerZone;
use crate::numeric::{Graph, Lanes, Real, Traced};

/// A coordinate of the model state that an RL action can target (Eq. 39's `x_sel`).
#[derive(Clone, Debug, PartialEq)]
pub struct TrackedCoordinate {
    /// Human-readable name, e.g. `"theta1"`.
    pub name: &'static str,
    /// Angles compare modulo 2π (the tracking error is `angle_normalize(x − x*)`).
    pub periodic: bool,
}

/// Shape of a model: sizes and the named features costs may read.
#[derive(Clone, Debug, PartialEq)]
pub struct StateLayout {
    /// Length of the model state x.
    pub state_dim: usize,
    /// Length of the control u.
    pub control_dim: usize,
    /// Coordinates that [`Dynamics::tracked`] writes, in order.
    pub tracked: Vec<TrackedCoordinate>,
    /// Whether [`Dynamics::position`] gives a planar position (needed by danger costs).
    pub has_position: bool,
}

/// P̂: the transition function of the surrogate model.
pub trait Dynamics: Send + Sync + 'static {
    /// Sizes and features of this model.
    fn layout(&self) -> StateLayout;
    /// One step: `next = P̂(x, u)`. Must be branch-free over values (see [`Real`]).
    fn step<R: Real>(&self, x: &[R], u: &[R], next: &mut [R]);
    /// The coordinates named by [`StateLayout::tracked`], written into `out`.
    fn tracked<R: Real>(&self, _x: &[R], _out: &mut [R]) {}
    /// The planar point a danger zone is tested against (e.g. a tip or body position).
    fn position<R: Real>(&self, _x: &[R]) -> [R; 2] {
        [R::zero(), R::zero()]
    }
    /// What the actuators deliver for control `u`, one value per control, written into `out`:
    /// what an effort cost can charge instead of u itself. Defaults to u; a model whose
    /// actuators switch (an engine that fires at half power or not at all) writes the power.
    fn actuation<R: Real>(&self, u: &[R], out: &mut [R]) {
        out.copy_from_slice(u);
    }
}

/// r̂: the reward model of the surrogate (Eq. 6), including the danger-zone penalty.
pub trait RewardModel: Send + Sync + 'static {
    /// Reward of applying `u` in `x` and arriving in `next`.
    fn reward<R: Real>(&self, x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R;
}

/// ψ: X → S, the state interface map (paper Sec. 3): the RL observation of a model state.
/// The real environment observes through the same map, so ψ(x_t) = s_t.
pub trait StateMap: Send + Sync + 'static {
    /// ψ(x) in an episode whose danger zone is `zone` (its features are part of s).
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64>;
    /// Whether x is a terminal state of the task (the episode ends in it: `terminated`).
    /// Virtual rollouts cut their value targets there. Defaults to never.
    fn terminated(&self, _x: &[f64]) -> bool {
        false
    }
}

/// A surrogate model on one number type: the object-safe face of
/// [`Dynamics`] + [`RewardModel`] for backend `R`.
pub trait SurrogateIn<R: Real> {
    /// See [`Dynamics::step`].
    fn step(&self, x: &[R], u: &[R], next: &mut [R]);
    /// See [`RewardModel::reward`].
    fn reward(&self, x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R;
    /// See [`Dynamics::tracked`].
    fn tracked(&self, x: &[R], out: &mut [R]);
    /// See [`Dynamics::position`].
    fn position(&self, x: &[R]) -> [R; 2];
    /// See [`Dynamics::actuation`].
    fn actuation(&self, u: &[R], out: &mut [R]);
}

/// A surrogate model M̂ = (P̂, r̂, ψ) on every backend. Implemented automatically for any type
/// that is [`Dynamics`], [`RewardModel`] and [`StateMap`]; a new backend is one more
/// supertrait here, with no change to any model.
pub trait SurrogateModel:
    SurrogateIn<f64> + SurrogateIn<f32> + SurrogateIn<Lanes> + SurrogateIn<Graph> + SurrogateIn<Traced> + Send + Sync
{
    /// See [`Dynamics::layout`].
    fn layout(&self) -> StateLayout;
    /// See [`StateMap::observe`].
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64>;
    /// See [`StateMap::terminated`].
    fn terminated(&self, x: &[f64]) -> bool;
}

impl<R: Real, T: Dynamics + RewardModel> SurrogateIn<R> for T {
    #[inline]
    fn step(&self, x: &[R], u: &[R], next: &mut [R]) {
        Dynamics::step(self, x, u, next)
    }
    #[inline]
    fn reward(&self, x: &[R], u: &[R], next: &[R], zone: Option<&DangerZone>) -> R {
        RewardModel::reward(self, x, u, next, zone)
    }
    #[inline]
    fn tracked(&self, x: &[R], out: &mut [R]) {
        Dynamics::tracked(self, x, out)
    }
    #[inline]
    fn position(&self, x: &[R]) -> [R; 2] {
        Dynamics::position(self, x)
    }
    #[inline]
    fn actuation(&self, u: &[R], out: &mut [R]) {
        Dynamics::actuation(self, u, out)
    }
}

impl<T: Dynamics + RewardModel + StateMap> SurrogateModel for T {
    fn layout(&self) -> StateLayout {
        Dynamics::layout(self)
    }
    fn observe(&self, x: &[f64], zone: Option<&DangerZone>) -> Vec<f64> {
        StateMap::observe(self, x, zone)
    }
    fn terminated(&self, x: &[f64]) -> bool {
        StateMap::terminated(self, x)
    }
}
