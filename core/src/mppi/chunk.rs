//! Steps 2–7 of one MPPI call for one chunk of `CHUNK` samples: noise, clamp, perturbation
//! cost and rollouts (reference README §4). Chunks are independent, so the engine runs them in
//! parallel; each has its own noise stream.

use std::cell::RefCell;

use super::config::{Backend, Settings};
use super::limits::CHUNK;
use super::rollout::RolloutJob;
use super::sampling::{chunk_rng, sample_noise, NoiseInput};
use crate::cost::Cost;
use crate::model::SurrogateModel;
use crate::numeric::Lanes;

thread_local! {
    /// Clamped controls of the chunk being rolled out, `[t][i][lane]`: reused across calls so
    /// the hot loop does not allocate.
    static CONTROLS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// The per-chunk work of one call: noise, clamp, perturbation cost, rollouts.
pub(crate) struct ChunkTask<'a, 'j> {
    pub(crate) s: &'a Settings,
    pub(crate) shifted: &'a [f64],
    pub(crate) seed: u64,
    pub(crate) call: u64,
    pub(crate) noise: NoiseInput<'a>,
    pub(crate) job: &'a RolloutJob<'j, dyn SurrogateModel + 'j, dyn Cost + 'j>,
}

impl ChunkTask<'_, '_> {
    /// Steps 2–7 for samples `[chunk·CHUNK, chunk·CHUNK + n)`.
    pub(crate) fn run(
        &self,
        chunk: usize,
        eps: &mut [f64],
        perturbation: &mut [f64],
        costs: &mut [f64],
        finals: &mut [f64],
    ) {
        let s = self.s;
        let (h, nu) = (s.h, s.nu);
        let hn = h * nu;
        let n = perturbation.len();
        // Step 2: ε.
        match self.noise {
            NoiseInput::Sampled => sample_noise(s, &mut chunk_rng(self.seed, self.call, chunk), eps),
            NoiseInput::Given(all) => eps.copy_from_slice(&all[chunk * CHUNK * hn..][..n * hn]),
        }
        // Steps 3–7, with the clamped controls lane-major in a per-thread buffer.
        CONTROLS.with_borrow_mut(|controls| {
            controls.resize(hn * CHUNK, 0.0);
            // Steps 3–4: v = clamp(Ū + ε); ε̃ = v − Ū. Controls go lane-major for the rollout.
            let (u_min, u_max) = (s.u_min.as_deref(), s.u_max.as_deref());
            for (lane, e) in eps.chunks_exact_mut(hn).enumerate() {
                let steps = e.chunks_exact_mut(nu).zip(self.shifted.chunks_exact(nu));
                for (t, (e_t, u_t)) in steps.enumerate() {
                    for (i, (ej, uj)) in e_t.iter_mut().zip(u_t).enumerate() {
                        let mut v = uj + *ej;
                        if let Some(lo) = u_min {
                            v = if v < lo[i] { lo[i] } else { v };
                        }
                        if let Some(hi) = u_max {
                            v = if v > hi[i] { hi[i] } else { v };
                        }
                        *ej = v - uj;
                        controls[(t * nu + i) * CHUNK + lane] = v;
                    }
                }
            }
            for j in 0..hn {
                let last = controls[j * CHUNK + n - 1];
                controls[j * CHUNK + n..(j + 1) * CHUNK].fill(last);
            }
            // Step 7: P_k = λ Σ_t Ū_tᵀ Σ⁻¹ ε̃_{k,t} (|ε̃| with noise_abs_cost).
            for (p, e) in perturbation.iter_mut().zip(eps.chunks_exact(hn)) {
                let mut total = 0.0;
                for (u_t, e_t) in self.shifted.chunks_exact(nu).zip(e.chunks_exact(nu)) {
                    for (i, u) in u_t.iter().enumerate() {
                        let a: f64 = e_t
                            .iter()
                            .enumerate()
                            .map(|(j, e)| if s.noise_abs_cost { e.abs() } else { *e } * s.sigma_inverse[j * nu + i])
                            .sum();
                        total += u * (s.lambda * a);
                    }
                }
                *p = total;
            }
            // Steps 5–6: rollouts and their costs under each candidate.
            // Device backends run their calls in `GraphPath` and never reach this CPU path.
            match s.backend {
                Backend::Scalar => self.job.run::<f64>(controls, n, costs, finals),
                _ => self.job.run::<Lanes>(controls, n, costs, finals),
            }
        });
    }
}
