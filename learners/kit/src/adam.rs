//! `torch.optim.Adam` (no weight decay, no AMSGrad) on flat f32 arrays, one per parameter
//! tensor. Written out rather than taken from dfdx so that the moments can be checkpointed
//! (dfdx's `Adam` keeps them private).

use super::parameter::Param;

/// PyTorch's default β₁, β₂ (SB3 keeps them for PPO and SAC).
const BETAS: (f64, f64) = (0.9, 0.999);

/// How the first moment m takes in a gradient g. The two are equal in exact arithmetic but
/// round differently in f32; each learner keeps the one its SB3 conformance tests were matched
/// against, so that its updates stay bit for bit what they were.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstMoment {
    /// m ← β₁m + (1 − β₁)g (the PPO learner's).
    Weighted,
    /// m ← m + (1 − β₁)(g − m), torch's single-tensor `lerp_` (the SAC learner's).
    Interpolated,
}

/// Adam's state for one group of parameters:
/// m ← [`FirstMoment`], v ← β₂v + (1 − β₂)g²,
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    lr: f64,
    eps: f64,
    first_moment: FirstMoment,
    /// Steps taken, t.
    pub step: u64,
    /// First moments, one array per parameter.
    pub m: Vec<Vec<f32>>,
    /// Second moments, one array per parameter.
    pub v: Vec<Vec<f32>>,
}

impl Adam {
    /// Zero moments for parameters of the given sizes, learning rate `lr` and ε = `eps`.
    pub fn new(lr: f64, eps: f64, first_moment: FirstMoment, sizes: impl IntoIterator<Item = usize>) -> Self {
        let m: Vec<Vec<f32>> = sizes.into_iter().map(|n| vec![0.0; n]).collect();
        Self { lr, eps, first_moment, step: 0, v: m.clone(), m }
    }

    /// One step on `params` with their gradients `grads` (same order).
    pub fn step(&mut self, params: &mut [&mut dyn Param], grads: &[Vec<f32>]) {
        let b1 = BETAS.0 as f32;
        match self.first_moment {
            FirstMoment::Weighted => self.step_with(params, grads, move |m, g| b1 * m + (1.0 - b1) * g),
            FirstMoment::Interpolated => self.step_with(params, grads, move |m, g| m + (1.0 - b1) * (g - m)),
        }
    }

    /// The step with the first-moment update `first` (m, g) ↦ m', monomorphised so that the
    /// inner loop stays free of branches.
    fn step_with(&mut self, params: &mut [&mut dyn Param], grads: &[Vec<f32>], first: impl Fn(f32, f32) -> f32 + Copy) {
        self.step += 1;
        let t = self.step as i32;
        let (b1, b2) = BETAS;
        let constants = Constants {
            step_size: (self.lr / (1.0 - b1.powi(t))) as f32,
            bias_correction2_sqrt: (1.0 - b2.powi(t)).sqrt() as f32,
            b2: b2 as f32,
            eps: self.eps as f32,
        };
        for (((param, g), m), v) in params.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
            param.update(&mut |theta| update_parameter(theta, g, m, v, constants, first));
        }
    }
}

/// The per-step constants of [`Adam::step_with`].
#[derive(Clone, Copy)]
struct Constants {
    step_size: f32,
    bias_correction2_sqrt: f32,
    b2: f32,
    eps: f32,
}

/// Adam's update of one parameter tensor. A function of its own: its slice arguments cannot
/// alias one another or the constants (passed by value), so the loop compiles to vector
/// instructions; written inline in the closure of `step_with` it ran one lane at a time,
/// reloading the captured constants after every store (10% of a SAC run, `perf`).
fn update_parameter(
    theta: &mut [f32],
    g: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    constants: Constants,
    first: impl Fn(f32, f32) -> f32,
) {
    let Constants { step_size, bias_correction2_sqrt, b2, eps } = constants;
    for (((theta, g), m), v) in theta.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        *m = flush_subnormal(first(*m, *g));
        *v = flush_subnormal(b2 * *v + (1.0 - b2) * g * g);
        *theta -= step_size * *m / (v.sqrt() / bias_correction2_sqrt + eps);
    }
}

/// 0 in place of a subnormal moment. A parameter whose gradient stays 0 (a ReLU unit that
/// never fires) has moments that decay by β each step into f32's subnormal range and, rounded
/// there, never reach 0 (β₂·v rounds back to v); arithmetic on subnormals takes a slow path on
/// x86, and on Racing-DZ it made Adam 39% of a SAC run. A step driven by a subnormal moment
/// moves θ by at most lr·2⁻¹²⁶/ε ≈ 1e-33, so this changes no parameter of practical size.
#[inline(always)]
fn flush_subnormal(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE {
        0.0
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parameter::Parameter;
    use dfdx::prelude::Cpu;

    #[test]
    fn the_first_step_moves_each_parameter_by_about_lr_against_its_gradient() {
        for first_moment in [FirstMoment::Weighted, FirstMoment::Interpolated] {
            let mut p = Parameter::new(&Cpu::default(), vec![1.0, 1.0, 1.0], (3usize,));
            let mut adam = Adam::new(0.01, 1e-8, first_moment, [3]);
            adam.step(&mut [&mut p], &[vec![2.0, -0.5, 0.0]]);
            let moved: Vec<f32> = p.values().iter().map(|x| x - 1.0).collect();
            assert!((moved[0] + 0.01).abs() < 1e-6 && (moved[1] - 0.01).abs() < 1e-6 && moved[2] == 0.0, "{moved:?}");
            assert_eq!(adam.step, 1);
        }
    }

    #[test]
    fn moments_of_a_parameter_without_gradient_decay_to_zero_not_to_a_subnormal() {
        for first_moment in [FirstMoment::Weighted, FirstMoment::Interpolated] {
            let mut p = Parameter::new(&Cpu::default(), vec![0.5], (1usize,));
            let mut adam = Adam::new(1e-3, 1e-8, first_moment, [1]);
            adam.step(&mut [&mut p], &[vec![1e-3]]);
            // v = 1e-9 after the first step; β₂ = 0.999 takes it below 2⁻¹²⁶ within 75,000 steps.
            for _ in 0..80_000 {
                adam.step(&mut [&mut p], &[vec![0.0]]);
            }
            assert_eq!((adam.m[0][0], adam.v[0][0]), (0.0, 0.0), "{first_moment:?}");
        }
    }
}
