//! `torch.optim.Adam` as SB3's SAC builds it (`lr`, betas (0.9, 0.999), ε = 1e-8 — the torch
//! default, since `SACPolicy` passes no optimiser arguments), on flat f32 arrays. Written out,
//! rather than taken from dfdx, so that its moments can be checkpointed.

use super::parameter::Param;

/// PyTorch's default β₁, β₂.
const BETAS: (f64, f64) = (0.9, 0.999);
/// PyTorch's default ε (SB3's PPO uses 1e-5; its SAC keeps this one).
const EPS: f64 = 1e-8;

/// Adam's state for one group of parameters (the actor, both critics, or log α).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Adam {
    lr: f64,
    /// Steps taken, t.
    pub(crate) step: u64,
    /// First moments, one array per parameter.
    pub(crate) m: Vec<Vec<f32>>,
    /// Second moments, one array per parameter.
    pub(crate) v: Vec<Vec<f32>>,
}

impl Adam {
    /// Zero moments for parameters of the given sizes.
    pub(crate) fn new(lr: f64, sizes: impl IntoIterator<Item = usize>) -> Self {
        let m: Vec<Vec<f32>> = sizes.into_iter().map(|n| vec![0.0; n]).collect();
        Self { lr, step: 0, v: m.clone(), m }
    }

    /// One step of torch's single-tensor Adam on `params` with `grads` (same order):
    /// m ← m + (1 − β₁)(g − m), v ← β₂v + (1 − β₂)g²,
    /// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
    pub(crate) fn step(&mut self, params: &mut [&mut dyn Param], grads: &[Vec<f32>]) {
        self.step += 1;
        let t = self.step as i32;
        let (b1, b2) = BETAS;
        let step_size = (self.lr / (1.0 - b1.powi(t))) as f32;
        let bias_correction2_sqrt = (1.0 - b2.powi(t)).sqrt() as f32;
        let (b1, b2, eps) = (b1 as f32, b2 as f32, EPS as f32);
        for (((param, g), m), v) in params.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
            param.update(&mut |theta| {
                for (((theta, g), m), v) in theta.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                    *m += (1.0 - b1) * (g - *m);
                    *v = b2 * *v + (1.0 - b2) * g * g;
                    *theta -= step_size * *m / (v.sqrt() / bias_correction2_sqrt + eps);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parameter::Parameter;
    use dfdx::prelude::Cpu;

    #[test]
    fn the_first_step_moves_each_parameter_by_about_lr_against_its_gradient() {
        let mut p = Parameter::new(&Cpu::default(), vec![1.0, 1.0, 1.0], (3usize,));
        let mut adam = Adam::new(0.01, [3]);
        adam.step(&mut [&mut p], &[vec![2.0, -0.5, 0.0]]);
        let moved: Vec<f32> = p.values().iter().map(|x| x - 1.0).collect();
        assert!((moved[0] + 0.01).abs() < 1e-6 && (moved[1] - 0.01).abs() < 1e-6 && moved[2] == 0.0, "{moved:?}");
        assert_eq!(adam.step, 1);
    }
}
