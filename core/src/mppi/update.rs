//! Steps 8–10 of an MPPI call on the host (pytorch-mppi 0.9.1's update, reference README §4):
//! for each candidate, totals S + P, min-shifted softmax weights (Eq. 3) and U = Ū + Σ ω ε̃.
//! The CPU backends and the fused CUDA path finish here; the graph backend on its device.

use super::config::Settings;
use super::graph_path::{HostResults, HostView};

/// Fills `out` from the call's host arrays.
pub(crate) fn update_on_host(s: &Settings, shifted: &[f64], host: HostView<'_>, out: HostResults<'_>) {
    let (k, h, nu, m) = (s.k, s.h, s.nu, s.candidates);
    let inv_lambda = 1.0 / s.lambda;
    for c in 0..m {
        let totals = &mut out.totals[c * k..(c + 1) * k];
        for (i, t) in totals.iter_mut().enumerate() {
            *t = host.rollout_costs[i * m + c] + host.perturbation[i];
        }
        let beta = totals.iter().copied().fold(f64::INFINITY, f64::min);
        let weights = &mut out.weights[c * k..(c + 1) * k];
        for (w, t) in weights.iter_mut().zip(totals.iter()) {
            *w = (-inv_lambda * (t - beta)).exp();
        }
        let eta: f64 = weights.iter().sum();
        for w in weights.iter_mut() {
            *w *= 1.0 / eta;
        }
        let plan = &mut out.plans[c * h * nu..(c + 1) * h * nu];
        plan.fill(0.0);
        for (w, eps) in weights.iter().zip(host.noise.chunks_exact(h * nu)) {
            for (p, e) in plan.iter_mut().zip(eps) {
                *p += w * e;
            }
        }
        for (p, u) in plan.iter_mut().zip(shifted) {
            *p += u;
        }
    }
}
