//! MPPI settings as written in a config file (`[mppi]`), and their validation.

use serde::{Deserialize, Serialize};

use super::{config_checks as checks, linalg};
use crate::Error;

/// Which number type the rollouts run in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// f32 structure-of-arrays lanes of 16 samples, parallel with rayon (the CPU default).
    #[default]
    Lanes,
    /// f64 scalars, one sample at a time (reference).
    Scalar,
    /// The whole call as a dfdx tensor graph on dfdx's CPU device (issue 18; conformance).
    DfdxCpu,
    /// The whole call as a dfdx tensor graph on dfdx's CUDA device (needs the `cuda` feature).
    Cuda,
    /// The rollouts and costs traced once into one CUDA kernel per call (needs the `cuda`
    /// feature).
    CudaFused,
}

/// The noise covariance Σ: a number `s` means `s·I`; otherwise a full `nu × nu` matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NoiseSigma {
    /// `s·I`.
    Scalar(f64),
    /// The full matrix, row-major.
    Matrix(Vec<Vec<f64>>),
}

fn default_num_samples() -> usize {
    100
}
fn default_horizon() -> usize {
    10
}
fn default_lambda() -> f64 {
    1.0
}
fn default_noise_sigma() -> NoiseSigma {
    NoiseSigma::Scalar(0.5)
}
fn default_candidates() -> usize {
    1
}

/// `[mppi]`: the controller's settings (defaults: paper Table 5, Acrobot column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MppiConfig {
    /// K: number of sampled control sequences.
    #[serde(default = "default_num_samples")]
    pub num_samples: usize,
    /// H: planning horizon in steps.
    #[serde(default = "default_horizon")]
    pub horizon: usize,
    /// λ: temperature of the importance weights (Eq. 3).
    #[serde(default = "default_lambda")]
    pub lambda: f64,
    /// Σ: noise covariance; a number s means s·I.
    #[serde(default = "default_noise_sigma")]
    pub noise_sigma: NoiseSigma,
    /// μ: noise mean (default zeros).
    #[serde(default)]
    pub noise_mu: Option<Vec<f64>>,
    /// Lower control bounds (default: the environment's action space).
    #[serde(default)]
    pub u_min: Option<Vec<f64>>,
    /// Upper control bounds (default: the environment's action space).
    #[serde(default)]
    pub u_max: Option<Vec<f64>>,
    /// Control appended by the warm-start shift (default zeros).
    #[serde(default)]
    pub u_init: Option<Vec<f64>>,
    /// Perturbation cost on |ε̃| instead of ε̃ (pytorch-mppi's `noise_abs_cost`).
    #[serde(default)]
    pub noise_abs_cost: bool,
    /// M: high-level candidates scored on one shared set of rollouts (decision record §1).
    #[serde(default = "default_candidates")]
    pub candidates: usize,
    /// Where and in which number type the rollouts run: `"lanes"` (f32 SIMD, default),
    /// `"scalar"` (f64), `"dfdx-cpu"`, `"cuda"` or `"cuda-fused"` (issue 18).
    #[serde(default)]
    pub backend: Backend,
}

impl Default for MppiConfig {
    fn default() -> Self {
        toml::from_str("").expect("every MPPI setting has a default")
    }
}

/// Validated settings with derived matrices.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub k: usize,
    pub h: usize,
    pub nu: usize,
    pub lambda: f64,
    pub sigma_diagonal: Option<Vec<f64>>,
    pub sigma_cholesky: Vec<f64>,
    pub sigma_inverse: Vec<f64>,
    pub mu: Vec<f64>,
    pub u_min: Option<Vec<f64>>,
    pub u_max: Option<Vec<f64>>,
    pub u_init: Vec<f64>,
    pub noise_abs_cost: bool,
    pub candidates: usize,
    pub backend: Backend,
}

fn check_len(name: &str, v: &[f64], nu: usize) -> Result<(), Error> {
    if v.len() != nu {
        let message = format!("has {} entries but the control has {nu}", v.len());
        return Err(Error::Setting { key: format!("mppi.{name}"), message });
    }
    Ok(())
}

impl MppiConfig {
    /// Validates against the control size `nu` and the environment's action bounds.
    pub(crate) fn resolve(&self, nu: usize, bounds: Option<(&[f64], &[f64])>) -> Result<Settings, Error> {
        for (key, value) in
            [("num_samples", self.num_samples), ("horizon", self.horizon), ("candidates", self.candidates)]
        {
            if value == 0 {
                return Err(Error::Setting { key: format!("mppi.{key}"), message: "must be at least 1, got 0".into() });
            }
        }
        checks::lambda(self.lambda)?;
        checks::memory(self.num_samples, self.horizon, nu, self.candidates)?;
        let sigma: Vec<f64> = match &self.noise_sigma {
            NoiseSigma::Scalar(s) => (0..nu * nu).map(|i| if i % (nu + 1) == 0 { *s } else { 0.0 }).collect(),
            NoiseSigma::Matrix(rows) => {
                if rows.len() != nu || rows.iter().any(|r| r.len() != nu) {
                    let message = format!("must be a number or a {nu}×{nu} matrix (one row per control)");
                    return Err(Error::Setting { key: "mppi.noise_sigma".into(), message });
                }
                rows.concat()
            }
        };
        checks::finite("noise_sigma", &sigma)?;
        let sigma_cholesky = linalg::cholesky(&sigma, nu).ok_or_else(|| Error::Setting {
            key: "mppi.noise_sigma".into(),
            message: "must be symmetric positive definite (a scalar s means s·I, so s > 0)".into(),
        })?;
        let sigma_inverse = linalg::inverse(&sigma, nu);
        checks::sigma(&sigma_cholesky, &sigma_inverse, nu, self.backend)?;
        let is_diagonal = (0..nu * nu).all(|i| i % (nu + 1) == 0 || sigma[i] == 0.0);
        let sigma_diagonal = is_diagonal.then(|| (0..nu).map(|i| sigma[i * nu + i]).collect());
        let mu = self.noise_mu.clone().unwrap_or_else(|| vec![0.0; nu]);
        check_len("noise_mu", &mu, nu)?;
        checks::finite("noise_mu", &mu)?;
        for (name, v) in [("u_min", &self.u_min), ("u_max", &self.u_max)] {
            if let Some(v) = v {
                check_len(name, v, nu)?;
                checks::finite(name, v)?;
            }
        }
        let u_min = self.u_min.clone().or_else(|| bounds.map(|b| b.0.to_vec()));
        let u_max = self.u_max.clone().or_else(|| bounds.map(|b| b.1.to_vec()));
        checks::bounds(u_min.as_deref(), u_max.as_deref())?;
        let u_init = self.u_init.clone().unwrap_or_else(|| vec![0.0; nu]);
        check_len("u_init", &u_init, nu)?;
        checks::finite("u_init", &u_init)?;
        Ok(Settings {
            k: self.num_samples,
            h: self.horizon,
            nu,
            lambda: self.lambda,
            sigma_diagonal,
            sigma_inverse,
            sigma_cholesky,
            mu,
            u_min,
            u_max,
            u_init,
            noise_abs_cost: self.noise_abs_cost,
            candidates: self.candidates,
            backend: self.backend,
        })
    }
}
