//! Eq. 38: the MPPI cost is a weighted sum of terms, J = Σ_i w_i J_i (+ their terminal terms).

use crate::cost::{Cost, CostIn, Needs, StepView};
use crate::numeric::Real;

/// A weighted sum of cost terms, itself a [`Cost`].
pub struct WeightedSum {
    terms: Vec<(f64, Box<dyn Cost>)>,
    needs: Needs,
}

impl WeightedSum {
    /// Builds `Σ weight · term`.
    pub fn new(terms: Vec<(f64, Box<dyn Cost>)>) -> Self {
        let needs = terms.iter().fold(Needs::default(), |n, (_, t)| n.union(t.needs()));
        Self { terms, needs }
    }
}

impl<R: Real> CostIn<R> for WeightedSum
where
    dyn Cost: CostIn<R>,
{
    fn running(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        self.terms.iter().fold(R::zero(), |acc, (w, term)| acc + R::splat(*w) * term.running(step, a))
    }
    fn terminal(&self, state: &[R], a: &[R]) -> R {
        self.terms.iter().fold(R::zero(), |acc, (w, term)| acc + R::splat(*w) * term.terminal(state, a))
    }
}

impl Cost for WeightedSum {
    fn needs(&self) -> Needs {
        self.needs
    }
    fn critic_weight(&self) -> f64 {
        self.terms.iter().map(|(w, term)| w * term.critic_weight()).sum()
    }
}
