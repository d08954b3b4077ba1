//! Steps 2–10 of an MPPI call on a dfdx device (issue 18, part 1): noise (injected, or drawn
//! on the device), clamp, perturbation cost, the shared rollouts as a [`Graph`], the M
//! candidates' costs, the min-shifted softmax weights (Eq. 3) and the update of U — one dfdx
//! operation per step, on whichever device the engine was built for. The host receives the
//! per-sample arrays the engine exposes to the trainer and the M updated sequences.

use dfdx::prelude::*;

use super::config::Settings;
use super::rollout::RolloutJob;
use super::sampling::NoiseInput;
use crate::cost::Cost;
use crate::model::SurrogateModel;
use crate::numeric::{with_session, Column, Graph};
use crate::Error;

/// Host arrays a call fills for the engine's accessors, laid out as the CPU path lays them.
pub(crate) struct HostCopies<'a> {
    /// ε̃, `[K][H][nu]`.
    pub noise: &'a mut [f64],
    /// P_k.
    pub perturbation: &'a mut [f64],
    /// S_k^(m), `[K][M]`.
    pub rollout_costs: &'a mut [f64],
    /// x_H, `[K][nx]`.
    pub final_states: &'a mut [f64],
}

/// The host arrays a call filled, as [`DevicePath::finish`] may read them.
pub(crate) struct HostView<'a> {
    /// ε̃, `[K][H][nu]`.
    pub noise: &'a [f64],
    /// P_k.
    pub perturbation: &'a [f64],
    /// S_k^(m) with any terminal costs added, `[K][M]`.
    pub rollout_costs: &'a [f64],
}

/// Host arrays [`DevicePath::finish`] fills.
pub(crate) struct HostResults<'a> {
    /// S + P, `[M][K]`.
    pub totals: &'a mut [f64],
    /// ω, `[M][K]`.
    pub weights: &'a mut [f64],
    /// U^(m), `[M][H][nu]`.
    pub plans: &'a mut [f64],
}

/// The part of an MPPI call that runs on a device; the engine keeps shift, warm start and
/// candidate choice. Every method takes `&mut self`: one thread at a time drives a device.
pub(crate) trait DevicePath {
    /// Steps 2–7 (see [`super::Mppi::roll_out`]).
    fn roll_out(
        &mut self,
        s: &Settings,
        shifted: &[f64],
        noise: NoiseInput<'_>,
        job: &RolloutJob<'_, dyn SurrogateModel + '_, dyn Cost + '_>,
        out: HostCopies<'_>,
    ) -> Result<(), Error>;
    /// Adds a terminal cost per sample to every candidate's rollout cost.
    fn add_terminal_costs(&mut self, costs: &[f64]);
    /// Steps 8–10 for every candidate.
    fn finish(&mut self, s: &Settings, shifted: &[f64], host: HostView<'_>, out: HostResults<'_>);
}

/// A device path as the engine holds it (the engine moves between threads).
pub(crate) type BoxedDevicePath = Box<dyn DevicePath + Send + Sync>;

/// What stays on the device between [`DevicePath::roll_out`] and [`DevicePath::finish`].
struct DeviceBatch<D: Device<f32>> {
    /// ε̃ per control entry j of the sequence (`t·nu + i`), K samples each.
    noise: Vec<Column<D>>,
    perturbation: Column<D>,
    /// S^(m) per candidate.
    costs: Vec<Column<D>>,
}

/// MPPI as a dfdx graph on device `D` (`Cpu` for `backend = "dfdx-cpu"`, `Cuda` for `"cuda"`).
pub(crate) struct GraphPath<D: Device<f32>> {
    device: D,
    batch: Option<DeviceBatch<D>>,
}

impl<D: Device<f32>> GraphPath<D> {
    /// A path on `device`, whose generator draws the noise of [`NoiseInput::Sampled`] calls.
    pub(crate) fn new(device: D) -> Self {
        Self { device, batch: None }
    }

    fn upload(&self, values: impl Iterator<Item = f64>, k: usize) -> Column<D> {
        self.device.tensor_from_vec(values.map(|v| v as f32).collect(), (k,))
    }

    /// Step 2: ε per control entry, as given or drawn on the device (ε = z Lᵀ + μ).
    fn noise(&self, s: &Settings, noise: NoiseInput<'_>) -> Vec<Column<D>> {
        let (k, hn, nu) = (s.k, s.h * s.nu, s.nu);
        match noise {
            NoiseInput::Given(given) => (0..hn).map(|j| self.upload((0..k).map(|n| given[n * hn + j]), k)).collect(),
            NoiseInput::Sampled => {
                let mut columns = Vec::with_capacity(hn);
                for _ in 0..s.h {
                    let z: Vec<Column<D>> = (0..nu).map(|_| self.device.sample_normal_like(&(k,))).collect();
                    for i in 0..nu {
                        let eps = match &s.sigma_diagonal {
                            Some(diag) => z[i].clone() * diag[i].sqrt() as f32,
                            None => (0..=i)
                                .map(|j| z[j].clone() * s.sigma_cholesky[i * nu + j] as f32)
                                .reduce(|a, b| a + b)
                                .expect("a control has at least one entry"),
                        };
                        columns.push(eps + s.mu[i] as f32);
                    }
                }
                columns
            }
        }
    }
}

fn download<D: Device<f32>>(column: &Column<D>) -> Vec<f32> {
    column.as_vec()
}

/// Scatters per-quantity columns into a row-major `[K][columns]` host array.
fn scatter<D: Device<f32>>(columns: &[Column<D>], out: &mut [f64]) {
    let width = columns.len();
    for (j, column) in columns.iter().enumerate() {
        for (n, v) in download(column).into_iter().enumerate() {
            out[n * width + j] = f64::from(v);
        }
    }
}

impl<D: Device<f32>> DevicePath for GraphPath<D> {
    fn roll_out(
        &mut self,
        s: &Settings,
        shifted: &[f64],
        noise: NoiseInput<'_>,
        job: &RolloutJob<'_, dyn SurrogateModel + '_, dyn Cost + '_>,
        out: HostCopies<'_>,
    ) -> Result<(), Error> {
        let (k, nu, m) = (s.k, s.nu, s.candidates);
        let mut effective = self.noise(s, noise);
        // Steps 3–4: v = clamp(Ū + ε); ε̃ = v − Ū.
        let mut controls = Vec::with_capacity(effective.len());
        for (j, eps) in effective.iter_mut().enumerate() {
            let (u, i) = (shifted[j] as f32, j % nu);
            let lo = s.u_min.as_ref().map_or(f32::NEG_INFINITY, |lo| lo[i] as f32);
            let hi = s.u_max.as_ref().map_or(f32::INFINITY, |hi| hi[i] as f32);
            let v = (eps.clone() + u).clamp(lo, hi);
            *eps = v.clone() - u;
            controls.push(v);
        }
        // Step 7: P_k = Σ_{t,j} c_{t,j} ε̃_{k,t,j} with c_{t,j} = λ Σ_i Ū_{t,i} Σ⁻¹_{j,i}.
        let mut perturbation = self.device.zeros_like(&(k,));
        for (j, eps) in effective.iter().enumerate() {
            let (t, jj) = (j / nu, j % nu);
            let coefficient: f64 =
                (0..nu).map(|i| shifted[t * nu + i] * s.sigma_inverse[jj * nu + i]).sum::<f64>() * s.lambda;
            let e = if s.noise_abs_cost { eps.clone().abs() } else { eps.clone() };
            perturbation = perturbation + e * coefficient as f32;
        }
        // Steps 5–6: the shared rollouts, scored under each candidate.
        let (costs, finals) = with_session(self.device.clone(), k, || {
            let controls: Vec<Graph> = controls.into_iter().map(Graph::from_column::<D>).collect();
            let actions = job.splat_actions::<Graph>();
            Graph::pin::<D>();
            let end = job.roll(&actions, |t, i| controls[t * nu + i], |x, acc| Graph::compact::<D>(&mut [x, acc]));
            let costs: Vec<Column<D>> = end.costs[..m].iter().map(|c| c.column::<D>()).collect();
            let finals: Vec<Column<D>> = end.final_state[..job.nx].iter().map(|x| x.column::<D>()).collect();
            (costs, finals)
        });
        scatter(&effective, out.noise);
        for (p, v) in out.perturbation.iter_mut().zip(download(&perturbation)) {
            *p = f64::from(v);
        }
        scatter(&costs, out.rollout_costs);
        scatter(&finals, out.final_states);
        self.batch = Some(DeviceBatch { noise: effective, perturbation, costs });
        Ok(())
    }

    fn add_terminal_costs(&mut self, costs: &[f64]) {
        let terminal = self.upload(costs.iter().copied(), costs.len());
        if let Some(batch) = &mut self.batch {
            for c in &mut batch.costs {
                *c = c.clone() + terminal.clone();
            }
        }
    }

    fn finish(&mut self, s: &Settings, shifted: &[f64], _host: HostView<'_>, out: HostResults<'_>) {
        let Some(batch) = &self.batch else { return };
        let (k, hn) = (s.k, s.h * s.nu);
        for (c, cost) in batch.costs.iter().enumerate() {
            // Step 8: S + P, shifted by its minimum β; Eq. 3: ω = exp(−(S + P − β)/λ) / η.
            let totals = cost.clone() + batch.perturbation.clone();
            let beta = totals.clone().min::<(), _>().as_vec()[0];
            let unnormalised = ((totals.clone() - beta) * (-1.0 / s.lambda) as f32).exp();
            let eta = unnormalised.clone().sum::<(), _>().as_vec()[0];
            let weights = unnormalised * (1.0 / eta);
            // Steps 9–10: U^(m) = Ū + Σ_k ω_k ε̃_k.
            let plan = &mut out.plans[c * hn..(c + 1) * hn];
            for ((p, eps), u) in plan.iter_mut().zip(&batch.noise).zip(shifted) {
                *p = f64::from((weights.clone() * eps.clone()).sum::<(), _>().as_vec()[0]) + u;
            }
            for (dst, column) in [(&mut *out.totals, &totals), (&mut *out.weights, &weights)] {
                for (d, v) in dst[c * k..(c + 1) * k].iter_mut().zip(download(column)) {
                    *d = f64::from(v);
                }
            }
        }
    }
}
