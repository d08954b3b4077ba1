//! SB3's rescaling between a Box action space and the squashed policy's [−1, 1]:
//! `scale_action(x) = 2·(x − low)/(high − low) − 1` on the way into the replay buffer,
//! `unscale_action(a) = low + ½(a + 1)(high − low)` on the way to the environment.

use rand::Rng;
use rlmpc_core::env::BoxSpace;

/// The bounds actions are rescaled to, or none (actions are the [−1, 1] draw itself).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ActionScale {
    bounds: Option<BoxSpace>,
    action_dim: usize,
}

impl ActionScale {
    /// Rescaling to `space`, which must have `action_dim` finite components with low < high.
    pub(crate) fn new(space: Option<&BoxSpace>, action_dim: usize) -> Result<Self, String> {
        if let Some(space) = space {
            if space.dim() != action_dim {
                return Err(format!(
                    "sac: the action space has {} components, the learner's actions {action_dim}",
                    space.dim()
                ));
            }
            if let Some(i) = (0..action_dim).find(|&i| !(space.low[i].is_finite() && space.high[i].is_finite())) {
                return Err(format!(
                    "sac: action component {i} has bounds [{}, {}]; SAC squashes its actions into a bounded \
                     Box, so every bound must be finite (use an environment with a bounded action space)",
                    space.low[i], space.high[i]
                ));
            }
            if let Some(i) = (0..action_dim).find(|&i| space.low[i] >= space.high[i]) {
                return Err(format!("sac: action component {i} has low ≥ high ({} ≥ {})", space.low[i], space.high[i]));
            }
        }
        Ok(Self { bounds: space.cloned(), action_dim })
    }

    /// `scale_action`: an action in the space's units to [−1, 1], as the buffer stores it.
    pub(crate) fn scale_action(&self, action: &[f64]) -> Vec<f32> {
        match &self.bounds {
            Some(b) => (0..self.action_dim)
                .map(|i| (2.0 * ((action[i] - b.low[i]) / (b.high[i] - b.low[i])) - 1.0) as f32)
                .collect(),
            None => action.iter().map(|&x| x as f32).collect(),
        }
    }

    /// `unscale_action`: squashed actions in [−1, 1] (any number of rows) to the space's units.
    pub(crate) fn unscale_action(&self, actions: &[f32]) -> Vec<f64> {
        actions
            .iter()
            .enumerate()
            .map(|(k, &a)| {
                let a = f64::from(a);
                match &self.bounds {
                    Some(b) => {
                        let i = k % self.action_dim;
                        b.low[i] + 0.5 * (a + 1.0) * (b.high[i] - b.low[i])
                    }
                    None => a,
                }
            })
            .collect()
    }

    /// A uniform draw from the space (`action_space.sample()`), or from [−1, 1]^A without bounds.
    pub(crate) fn sample_uniform(&self, rng: &mut impl Rng, out: &mut [f64]) {
        match &self.bounds {
            Some(space) => space.sample_into(rng, out),
            None => out.iter_mut().for_each(|x| *x = rng.gen_range(-1.0..=1.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescaling_round_trips_and_maps_the_bounds_to_plus_minus_one() {
        let space = BoxSpace { low: vec![-2.0, 0.0], high: vec![2.0, 1.0] };
        let scale = ActionScale::new(Some(&space), 2).unwrap();
        assert_eq!(scale.scale_action(&[-2.0, 1.0]), [-1.0, 1.0]);
        assert_eq!(scale.unscale_action(&[0.0, 0.0, 1.0, -1.0]), [0.0, 0.5, 2.0, 0.0]);
        let infinite = BoxSpace { low: vec![f64::NEG_INFINITY], high: vec![1.0] };
        assert!(ActionScale::new(Some(&infinite), 1).unwrap_err().contains("finite"));
        assert!(ActionScale::new(Some(&space), 3).is_err());
    }
}
