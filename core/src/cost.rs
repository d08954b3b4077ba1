//! Cost couplings: the MPPI running and terminal cost conditioned on the RL action `a`
//! (paper Eq. 2 and App. C, Eq. 38–46), written once against [`Real`].

use crate::geometry::DangerZone;
use crate::model::StateLayout;
use crate::numeric::{Graph, Lanes, Real, Traced};

/// Everything a running cost may read about one rollout step, for a batch of samples.
///
/// Following pytorch-mppi, the running cost sees the state *after* the step and the control
/// of that step; `prev_state` is the state before it.
pub struct StepView<'a, R: Real> {
    /// x_τ, the state the control was applied in.
    pub prev_state: &'a [R],
    /// x_{τ+1} = P̂(x_τ, u_τ).
    pub state: &'a [R],
    /// u_τ (after clamping to the control bounds).
    pub control: &'a [R],
    /// What the actuators deliver for u_τ ([`crate::Dynamics::actuation`]); equal to
    /// `control` unless [`Needs::actuation`].
    pub actuation: &'a [R],
    /// r̂(x_τ, u_τ, x_{τ+1}); zero unless [`Needs::reward`].
    pub reward: R,
    /// Tracked coordinates of x_{τ+1} ([`StateLayout::tracked`]); empty unless [`Needs::tracked`].
    pub tracked: &'a [R],
    /// Planar position of x_{τ+1}; zero unless [`Needs::position`].
    pub position: [R; 2],
    /// The episode's danger zone, if the environment has one.
    pub zone: Option<&'a DangerZone>,
}

/// Which derived quantities a cost reads, so the rollout computes only those.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// [`StepView::reward`].
    pub reward: bool,
    /// [`StepView::tracked`].
    pub tracked: bool,
    /// [`StepView::position`].
    pub position: bool,
    /// [`StepView::actuation`].
    pub actuation: bool,
}

impl Needs {
    /// Everything either side needs.
    pub fn union(self, other: Needs) -> Needs {
        Needs {
            reward: self.reward || other.reward,
            tracked: self.tracked || other.tracked,
            position: self.position || other.position,
            actuation: self.actuation || other.actuation,
        }
    }
}

/// A cost coupling, written once over the number type.
pub trait CostCoupling: Send + Sync + 'static {
    /// Derived quantities this cost reads.
    fn needs(&self) -> Needs;
    /// Running cost of one step under RL action `a` (broadcast to every sample).
    fn running<R: Real>(&self, step: &StepView<'_, R>, a: &[R]) -> R;
    /// Terminal cost φ(x_H; a). Defaults to none.
    fn terminal<R: Real>(&self, _state: &[R], _a: &[R]) -> R {
        R::zero()
    }
    /// Weight w of the critic's terminal term −w·V(ψ(x_H)) (Eq. 41). A critic is a network, not
    /// a function over [`Real`], so the planner evaluates it once for all K final states and
    /// adds it to every candidate's cost. Defaults to 0 (no critic term).
    fn critic_weight(&self) -> f64 {
        0.0
    }
}

/// A cost on one number type: the object-safe face of [`CostCoupling`] for backend `R`.
pub trait CostIn<R: Real> {
    /// See [`CostCoupling::running`].
    fn running(&self, step: &StepView<'_, R>, a: &[R]) -> R;
    /// See [`CostCoupling::terminal`].
    fn terminal(&self, state: &[R], a: &[R]) -> R;
}

/// A cost on every backend, as the engine holds it (see [`crate::model::SurrogateModel`]).
pub trait Cost: CostIn<f64> + CostIn<f32> + CostIn<Lanes> + CostIn<Graph> + CostIn<Traced> + Send + Sync {
    /// See [`CostCoupling::needs`].
    fn needs(&self) -> Needs;
    /// See [`CostCoupling::critic_weight`].
    fn critic_weight(&self) -> f64;
}

impl<R: Real, T: CostCoupling> CostIn<R> for T {
    #[inline]
    fn running(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        CostCoupling::running(self, step, a)
    }
    #[inline]
    fn terminal(&self, state: &[R], a: &[R]) -> R {
        CostCoupling::terminal(self, state, a)
    }
}

impl<T: CostCoupling> Cost for T {
    fn needs(&self) -> Needs {
        CostCoupling::needs(self)
    }
    fn critic_weight(&self) -> f64 {
        CostCoupling::critic_weight(self)
    }
}

/// What a cost plugin is told when it is built: the model it will score and the size of
/// the RL action it receives.
#[derive(Clone, Debug)]
pub struct CostContext {
    /// Layout of the surrogate model.
    pub layout: StateLayout,
    /// Length of the RL action `a` given to the cost.
    pub action_dim: usize,
}
