//! The optimiser step of SB3's PPO: a global gradient-norm clip (`clip_grad_norm_`) and Adam
//! (`torch.optim.Adam`), on flat f32 arrays, one per parameter tensor. Written out rather than
//! taken from dfdx so that the moments can be checkpointed (dfdx's `Adam` keeps them private).

use super::parameter::Param;

/// Scales `grads` in place so that their global L2 norm (over all arrays together) is at most
/// `max_norm`, as `torch.nn.utils.clip_grad_norm_`: the factor is max_norm / (norm + 1e-6),
/// applied only when below 1. Returns the norm before clipping.
pub fn clip_grad_norm(grads: &mut [Vec<f32>], max_norm: f64) -> f64 {
    let norm = grads.iter().flatten().map(|&g| f64::from(g).powi(2)).sum::<f64>().sqrt();
    let factor = max_norm / (norm + 1e-6);
    if factor < 1.0 {
        let factor = factor as f32;
        grads.iter_mut().flatten().for_each(|g| *g *= factor);
    }
    norm
}

/// Adam with PyTorch's update (no weight decay, no AMSGrad):
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Adam {
    lr: f64,
    eps: f64,
    /// Steps taken, t.
    pub(crate) step: u64,
    /// First moments, one array per parameter.
    pub(crate) m: Vec<Vec<f32>>,
    /// Second moments, one array per parameter.
    pub(crate) v: Vec<Vec<f32>>,
}

/// PyTorch's default β₁, β₂ (SB3 keeps them).
const BETAS: (f64, f64) = (0.9, 0.999);

impl Adam {
    /// Zero moments for parameters of the given sizes.
    pub(crate) fn new(lr: f64, eps: f64, sizes: impl IntoIterator<Item = usize>) -> Self {
        let m: Vec<Vec<f32>> = sizes.into_iter().map(|n| vec![0.0; n]).collect();
        Self { lr, eps, step: 0, v: m.clone(), m }
    }

    /// One step on `params` with their gradients `grads` (same order).
    pub(crate) fn step(&mut self, params: &mut [&mut dyn Param], grads: &[Vec<f32>]) {
        self.step += 1;
        let t = self.step as i32;
        let (b1, b2) = BETAS;
        let step_size = (self.lr / (1.0 - b1.powi(t))) as f32;
        let bias_correction2_sqrt = (1.0 - b2.powi(t)).sqrt() as f32;
        let (b1, b2, eps) = (b1 as f32, b2 as f32, self.eps as f32);
        for (((param, g), m), v) in params.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
            // Zipped slices, no indices: the loop compiles to vector instructions.
            param.update(&mut |theta| {
                for (((theta, g), m), v) in theta.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                    *m = b1 * *m + (1.0 - b1) * g;
                    *v = b2 * *v + (1.0 - b2) * g * g;
                    *theta -= step_size * *m / (v.sqrt() / bias_correction2_sqrt + eps);
                }
            });
        }
    }
}
