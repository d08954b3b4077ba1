//! Stable-Baselines3's `VecNormalize` for observations: a running mean and variance
//! (`RunningMeanStd`, starting from a count of 1e-4) and s ↦ clip((s − μ)/√(σ² + 1e-8), ±10).

/// SB3's `RunningMeanStd(epsilon=1e-4)` initial count.
const INITIAL_COUNT: f64 = 1e-4;
/// SB3's `VecNormalize(epsilon=1e-8)`.
const EPSILON: f64 = 1e-8;
/// SB3's `VecNormalize(clip_obs=10.0)`.
const CLIP: f64 = 10.0;

/// Running statistics of the observations seen while training.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ObservationNormalizer {
    pub(crate) mean: Vec<f64>,
    pub(crate) var: Vec<f64>,
    pub(crate) count: f64,
}

impl ObservationNormalizer {
    /// No observations seen yet: mean 0, variance 1.
    pub(crate) fn new(dim: usize) -> Self {
        Self { mean: vec![0.0; dim], var: vec![1.0; dim], count: INITIAL_COUNT }
    }

    /// Adds one observation (SB3's `update_from_moments` with a batch of one).
    pub(crate) fn update(&mut self, observation: &[f64]) {
        let total = self.count + 1.0;
        for ((mean, var), x) in self.mean.iter_mut().zip(&mut self.var).zip(observation) {
            let delta = x - *mean;
            *mean += delta / total;
            *var = (*var * self.count + delta * delta * self.count / total) / total;
        }
        self.count = total;
    }

    /// Normalised, clipped rows of `observations`, as f32 network inputs.
    pub(crate) fn normalize(&self, observations: &[f64]) -> Vec<f32> {
        let dim = self.mean.len();
        observations
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let j = i % dim;
                ((x - self.mean[j]) / (self.var[j] + EPSILON).sqrt()).clamp(-CLIP, CLIP) as f32
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_match_the_sample_mean_and_population_variance() {
        let xs: Vec<[f64; 2]> = (0..500).map(|i| [(i as f64 * 0.37).sin() * 3.0 + 1.0, i as f64 * 0.01]).collect();
        let mut normalizer = ObservationNormalizer::new(2);
        for x in &xs {
            normalizer.update(x);
        }
        for d in 0..2 {
            let mean = xs.iter().map(|x| x[d]).sum::<f64>() / xs.len() as f64;
            let var = xs.iter().map(|x| (x[d] - mean).powi(2)).sum::<f64>() / xs.len() as f64;
            assert!((normalizer.mean[d] - mean).abs() < 1e-5, "mean {d}");
            assert!((normalizer.var[d] - var).abs() / var < 1e-5, "var {d}");
        }
        let z = normalizer.normalize(&[normalizer.mean[0] + normalizer.var[0].sqrt(), 1e9]);
        assert!((z[0] - 1.0).abs() < 1e-6 && z[1] == 10.0, "{z:?}");
    }
}
