//! SB3's PPO clips gradients before its optimiser step (`clip_grad_norm_`, then
//! `torch.optim.Adam`, which is [`rlmpc_learner_kit::Adam`]).

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
