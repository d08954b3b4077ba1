//! Stable-Baselines3's `VecNormalize` for observations: a running mean and variance
//! (`RunningMeanStd`, starting from a count of 1e-4) and s ↦ clip((s − μ)/√(σ² + 1e-8), ±10),
//! shared by the learners' `normalize_observations` setting, and its place in a checkpoint's
//! metadata (`obs_norm.mean`, `obs_norm.var`, `obs_norm.count`).

use std::collections::HashMap;

/// SB3's `RunningMeanStd(epsilon=1e-4)` initial count.
const INITIAL_COUNT: f64 = 1e-4;
/// SB3's `VecNormalize(epsilon=1e-8)`.
const EPSILON: f64 = 1e-8;
/// SB3's `VecNormalize(clip_obs=10.0)`.
const CLIP: f64 = 10.0;

/// Running statistics of the observations seen while training.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservationNormalizer {
    pub mean: Vec<f64>,
    pub var: Vec<f64>,
    pub count: f64,
}

impl ObservationNormalizer {
    /// No observations seen yet: mean 0, variance 1.
    pub fn new(dim: usize) -> Self {
        Self { mean: vec![0.0; dim], var: vec![1.0; dim], count: INITIAL_COUNT }
    }

    /// Adds one observation (SB3's `update_from_moments` with a batch of one).
    pub fn update(&mut self, observation: &[f64]) {
        let total = self.count + 1.0;
        for ((mean, var), x) in self.mean.iter_mut().zip(&mut self.var).zip(observation) {
            let delta = x - *mean;
            *mean += delta / total;
            *var = (*var * self.count + delta * delta * self.count / total) / total;
        }
        self.count = total;
    }

    /// Normalised, clipped rows of `observations`, as f32 network inputs.
    pub fn normalize(&self, observations: &[f64]) -> Vec<f32> {
        self.normalize_values(observations.iter().copied())
    }

    /// The same for observations stored in f32 (a replay buffer's, as SB3 stores them and
    /// normalises a sampled batch with the statistics of the moment).
    pub fn normalize_stored(&self, observations: &[f32]) -> Vec<f32> {
        self.normalize_values(observations.iter().map(|&x| f64::from(x)))
    }

    fn normalize_values(&self, observations: impl Iterator<Item = f64>) -> Vec<f32> {
        let dim = self.mean.len();
        observations
            .enumerate()
            .map(|(i, x)| {
                let j = i % dim;
                ((x - self.mean[j]) / (self.var[j] + EPSILON).sqrt()).clamp(-CLIP, CLIP) as f32
            })
            .collect()
    }

    /// Writes the statistics into a checkpoint's metadata.
    pub fn to_metadata(&self, metadata: &mut HashMap<String, String>) {
        let text = |values: &[f64]| values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(",");
        metadata.insert("obs_norm.mean".into(), text(&self.mean));
        metadata.insert("obs_norm.var".into(), text(&self.var));
        metadata.insert("obs_norm.count".into(), format!("{:?}", self.count));
    }

    /// Statistics of `dim` observations read back from a checkpoint's metadata, or what is
    /// missing or malformed there.
    pub fn from_metadata(dim: usize, metadata: &HashMap<String, String>) -> Result<Self, String> {
        let entry = |key: &str| metadata.get(key).ok_or_else(|| format!("no `{key}` metadata"));
        let floats = |key: &str| -> Result<Vec<f64>, String> {
            let values: Option<Vec<f64>> = entry(key)?.split(',').map(|v| v.parse().ok()).collect();
            values.filter(|v| v.len() == dim).ok_or_else(|| format!("malformed `{key}`"))
        };
        let count = entry("obs_norm.count")?.parse().map_err(|e| format!("`obs_norm.count`: {e}"))?;
        Ok(Self { mean: floats("obs_norm.mean")?, var: floats("obs_norm.var")?, count })
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
        let stored = [normalizer.mean[0] as f32, -1e9];
        assert_eq!(normalizer.normalize_stored(&stored), normalizer.normalize(&[f64::from(stored[0]), -1e9]));
    }

    #[test]
    fn statistics_come_back_from_metadata_bit_for_bit() {
        let mut normalizer = ObservationNormalizer::new(3);
        for i in 0..7 {
            normalizer.update(&[i as f64 * 0.1, (i as f64).sqrt(), -1.0 / (i as f64 + 3.0)]);
        }
        let mut metadata = HashMap::new();
        normalizer.to_metadata(&mut metadata);
        assert_eq!(ObservationNormalizer::from_metadata(3, &metadata), Ok(normalizer));
        assert!(ObservationNormalizer::from_metadata(2, &metadata).unwrap_err().contains("obs_norm.mean"));
        metadata.remove("obs_norm.count");
        assert!(ObservationNormalizer::from_metadata(3, &metadata).unwrap_err().contains("obs_norm.count"));
    }
}
