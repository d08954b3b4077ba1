//! A closed circuit: a smooth centreline with a half-width, parametrised by arc length s.
//!
//! The centreline and the half-width are truncated Fourier series in θ = 2πs/L, fitted to a
//! closed polyline and re-parametrised by the curve's own arc length (|c'(s)| = 1 within 0.5 %
//! on the built-in circuits; the truncation ripples a little near corners). A Fourier curve is
//! smooth, periodic (progress s may be unwrapped over several laps) and — the reason for the
//! choice — evaluable at a different s per sample without a table look-up, so the projection
//! onto the centreline ([`Track::project_from`]) is branch-free and runs on every [`Real`]
//! backend inside MPPI's rollouts: a few Newton steps from a progress estimate the model state
//! carries. The real environment uses the same projection after a coarse search in a table of
//! centreline samples ([`Track::project_near`]).

use std::f64::consts::TAU;

use rlmpc_core::Real;

/// Harmonics of a fitted track unless told otherwise: enough for corners of radius ≥ 10 m on
/// tracks of a few kilometres (the fit error is checked when a track is built).
pub const DEFAULT_HARMONICS: usize = 96;

/// Points per lap the series is fitted at.
const FIT_POINTS: usize = 1024;
/// Spacing of the centreline table that seeds the environment's projection (m).
const TABLE_SPACING: f64 = 1.0;
/// Largest distance (m) allowed between a given centreline point and the fitted curve.
pub const MAX_FIT_ERROR: f64 = 0.25;

/// The centreline and half-width at one progress value, with derivatives in s.
#[derive(Clone, Copy, Debug)]
pub struct CurvePoint<R: Real> {
    /// c(s), the centreline point.
    pub position: [R; 2],
    /// c'(s), the unit tangent (up to the fit's |c'| ≈ 1).
    pub tangent: [R; 2],
    /// c''(s), whose length is the curvature.
    pub second: [R; 2],
    /// w(s), the distance from the centreline to either edge.
    pub half_width: R,
}

/// A point's place relative to the track.
#[derive(Clone, Copy, Debug)]
pub struct Projection<R: Real> {
    /// Progress s of the closest centreline point (unwrapped: laps add L).
    pub progress: R,
    /// Signed lateral offset from the centreline (m), positive to the left of travel.
    pub lateral: R,
    /// Unit tangent of the centreline at `progress`.
    pub tangent: [R; 2],
    /// Half-width at `progress`.
    pub half_width: R,
}

impl<R: Real> Projection<R> {
    /// The signed boundary coefficient b = lateral / half-width: 0 on the centreline, ±1 at
    /// the edges (App. B.3's TrackState; its magnitude is Eq. 45's BP).
    pub fn boundary(&self) -> R {
        self.lateral / self.half_width
    }
}

/// A closed circuit (see the module docs).
#[derive(Clone, Debug)]
pub struct Track {
    name: String,
    length: f64,
    /// Mean centreline point and half-width (the constant terms).
    mean: [f64; 3],
    /// Per harmonic k = 1..=N: (a_x, b_x, a_y, b_y, a_w, b_w), the cos and sin coefficients of
    /// x, y and w in θ = 2πs/L.
    coefficients: Vec<[f64; 6]>,
    /// Per harmonic k: (kω, (kω)²), ω = 2π/L, the factors of c' and c'' (set with L).
    derivative_factors: Vec<[f64; 2]>,
    /// Centreline samples every [`TABLE_SPACING`] for the coarse search: (s, x, y).
    table: Vec<[f64; 3]>,
}

impl Track {
    /// Fits a track to a closed polyline of centreline points with half-widths `(x, y, w)` (the
    /// last point joins the first; a repeated first point at the end is dropped).
    pub fn fit(name: &str, points: &[[f64; 3]], harmonics: usize) -> Result<Self, String> {
        let mut points = points.to_vec();
        if points.len() > 1 && points[0] == points[points.len() - 1] {
            points.pop();
        }
        if points.len() < 4 {
            return Err(format!(
                "track `{name}` has {} centreline points; a closed circuit needs at least 4",
                points.len()
            ));
        }
        if let Some(i) = points.iter().position(|p| p.iter().any(|v| !v.is_finite()) || p[2] <= 0.0) {
            return Err(format!(
                "track `{name}`, point {i}: {:?} is not finite or has a half-width ≤ 0; give (x, y, half_width) \
                 with half_width > 0",
                points[i]
            ));
        }
        if harmonics == 0 || 2 * harmonics >= FIT_POINTS {
            return Err(format!("harmonics must be in 1..{}, got {harmonics}", FIT_POINTS / 2));
        }
        let samples = resample_polyline(&points, FIT_POINTS);
        let mut track = Self::from_samples(name, &samples, harmonics);
        // Re-parametrise by the fitted curve's own arc length until |c'| = 1.
        for _ in 0..4 {
            let samples = track.resample_by_arc_length(FIT_POINTS);
            track = Self::from_samples(name, &samples, harmonics);
        }
        let error = points.iter().map(|p| track.distance_to_centreline([p[0], p[1]])).fold(0.0, f64::max);
        if error > MAX_FIT_ERROR {
            return Err(format!(
                "track `{name}`: the smooth centreline passes {error:.2} m from a given point (at most \
                 {MAX_FIT_ERROR} m allowed): round the sharp corners of the centreline (radius ≥ 10 m) or \
                 raise the number of harmonics ({harmonics})"
            ));
        }
        Ok(track)
    }

    /// The series through `samples` (uniform in θ), with the table and length of that curve.
    fn from_samples(name: &str, samples: &[[f64; 3]], harmonics: usize) -> Self {
        let n = samples.len() as f64;
        let mean = std::array::from_fn(|j| samples.iter().map(|p| p[j]).sum::<f64>() / n);
        let coefficients = (1..=harmonics)
            .map(|k| {
                let mut c = [0.0; 6];
                for (i, p) in samples.iter().enumerate() {
                    let (sin, cos) = (TAU * (k * i) as f64 / n).sin_cos();
                    for j in 0..3 {
                        c[2 * j] += 2.0 / n * p[j] * cos;
                        c[2 * j + 1] += 2.0 / n * p[j] * sin;
                    }
                }
                c
            })
            .collect();
        let mut track = Self {
            name: name.to_string(),
            length: 0.0,
            mean,
            coefficients,
            derivative_factors: Vec::new(),
            table: Vec::new(),
        };
        // With L = 2π, s is θ itself; measure the curve's arc length by the trapezoid rule.
        track.set_length(TAU);
        let speeds: Vec<f64> =
            (0..FIT_POINTS).map(|i| norm(track.eval(TAU * i as f64 / FIT_POINTS as f64).tangent)).collect();
        track.set_length(speeds.iter().sum::<f64>() * TAU / FIT_POINTS as f64);
        let count = (track.length / TABLE_SPACING).ceil() as usize;
        track.table = (0..count)
            .map(|i| {
                let s = track.length * i as f64 / count as f64;
                let c = track.eval(s).position;
                [s, c[0], c[1]]
            })
            .collect();
        track
    }

    /// Sets L and the derivative factors that depend on it.
    fn set_length(&mut self, length: f64) {
        let omega = TAU / length;
        self.length = length;
        self.derivative_factors = (1..=self.coefficients.len())
            .map(|k| {
                let rate = k as f64 * omega;
                [rate, rate.powi(2)]
            })
            .collect();
    }

    /// `count` points of the fitted curve equally spaced in its arc length, with half-widths.
    fn resample_by_arc_length(&self, count: usize) -> Vec<[f64; 3]> {
        let fine = 8 * count;
        let mut arc = vec![0.0; fine + 1];
        let speed = |i: usize| norm(self.eval(self.length * i as f64 / fine as f64).tangent);
        for i in 0..fine {
            arc[i + 1] = arc[i] + 0.5 * (speed(i) + speed(i + 1)) * self.length / fine as f64;
        }
        let total = arc[fine];
        let mut j = 0;
        (0..count)
            .map(|i| {
                let target = total * i as f64 / count as f64;
                while arc[j + 1] < target {
                    j += 1;
                }
                let t = (target - arc[j]) / (arc[j + 1] - arc[j]);
                let s = self.length * (j as f64 + t) / fine as f64;
                let point = self.eval(s);
                [point.position[0], point.position[1], point.half_width]
            })
            .collect()
    }

    /// The track's name (built-in name or CSV path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// L, the length of one lap of the centreline (m).
    pub fn length(&self) -> f64 {
        self.length
    }

    /// Centreline, tangent, second derivative and half-width at progress `s` (any lap).
    ///
    /// cos kθ and sin kθ come from one `sin_cos` by the angle-addition recurrence, so the
    /// cost is one transcendental call and a few multiply-adds per harmonic.
    #[inline(always)]
    pub fn eval<R: Real>(&self, s: R) -> CurvePoint<R> {
        let c = R::splat;
        let omega = TAU / self.length;
        let (sin1, cos1) = (s * c(omega)).sin_cos();
        let (mut sin_k, mut cos_k) = (R::zero(), R::one());
        let mut position = [c(self.mean[0]), c(self.mean[1])];
        let mut half_width = c(self.mean[2]);
        let mut tangent = [R::zero(); 2];
        let mut second = [R::zero(); 2];
        for (coef, &[rate, rate_squared]) in self.coefficients.iter().zip(&self.derivative_factors) {
            (sin_k, cos_k) = (sin_k * cos1 + cos_k * sin1, cos_k * cos1 - sin_k * sin1);
            let (rate, rate_squared) = (c(rate), c(rate_squared));
            for axis in 0..2 {
                let (a, b) = (c(coef[2 * axis]), c(coef[2 * axis + 1]));
                let even = a * cos_k + b * sin_k;
                position[axis] += even;
                tangent[axis] += rate * (b * cos_k - a * sin_k);
                second[axis] -= rate_squared * even;
            }
            half_width += c(coef[4]) * cos_k + c(coef[5]) * sin_k;
        }
        CurvePoint { position, tangent, second, half_width }
    }

    /// Projects `point` onto the centreline by `iterations` Newton steps on
    /// f(s) = (p − c(s))·c'(s) = 0 from the estimate `s0`, each step at most `max_step` metres.
    ///
    /// Branch-free: the Newton denominator |c'|² − (p − c)·c'' is kept ≥ 0.25, so a point near a
    /// corner's centre of curvature moves s by a bounded step instead of diverging. Converges to
    /// the closest point when `s0` is within a few metres of it (a car moves ≤ v·dt per step).
    pub fn project_from<R: Real>(&self, point: [R; 2], s0: R, iterations: usize, max_step: f64) -> Projection<R> {
        let mut s = s0;
        for _ in 0..iterations {
            let curve = self.eval(s);
            let r = [point[0] - curve.position[0], point[1] - curve.position[1]];
            let slope = dot(r, curve.tangent);
            let curvature_term = dot(curve.tangent, curve.tangent) - dot(r, curve.second);
            let step = slope / curvature_term.max(R::splat(0.25));
            s += step.clamp(R::splat(-max_step), R::splat(max_step));
        }
        let curve = self.eval(s);
        let inverse_speed = R::one() / dot(curve.tangent, curve.tangent).sqrt();
        let tangent = [curve.tangent[0] * inverse_speed, curve.tangent[1] * inverse_speed];
        let r = [point[0] - curve.position[0], point[1] - curve.position[1]];
        let lateral = tangent[0] * r[1] - tangent[1] * r[0];
        Projection { progress: s, lateral, tangent, half_width: curve.half_width }
    }

    /// Projects `point` in f64 for the real environment: the closest table sample within
    /// `window` metres of progress `hint` (unwrapped), refined by Newton steps.
    pub fn project_near(&self, point: [f64; 2], hint: f64, window: f64) -> Projection<f64> {
        let n = self.table.len();
        let spacing = self.length / n as f64;
        let reach = (window / spacing).ceil() as i64;
        let centre = (hint / spacing).round() as i64;
        let mut best = (f64::INFINITY, hint);
        for i in centre - reach.min(n as i64 / 2)..=centre + reach.min(n as i64 / 2) {
            let [_, x, y] = self.table[i.rem_euclid(n as i64) as usize];
            let d = (point[0] - x).powi(2) + (point[1] - y).powi(2);
            if d < best.0 {
                best = (d, i as f64 * spacing);
            }
        }
        self.project_from(point, best.1, 4, spacing)
    }

    /// Projects `point` with no progress estimate (search over the whole lap); s ∈ [0, L).
    pub fn project(&self, point: [f64; 2]) -> Projection<f64> {
        let mut projection = self.project_near(point, 0.5 * self.length, 0.5 * self.length);
        projection.progress = projection.progress.rem_euclid(self.length);
        projection
    }

    /// Distance from `point` to the closest centreline point.
    pub fn distance_to_centreline(&self, point: [f64; 2]) -> f64 {
        self.project(point).lateral.abs()
    }

    /// The left and right edge points at progress `s`: c(s) ± w(s)·n(s).
    pub fn edges(&self, s: f64) -> [[f64; 2]; 2] {
        let curve = self.eval(s);
        let speed = norm(curve.tangent);
        let normal = [-curve.tangent[1] / speed, curve.tangent[0] / speed];
        let w = curve.half_width;
        let [x, y] = curve.position;
        [[x + w * normal[0], y + w * normal[1]], [x - w * normal[0], y - w * normal[1]]]
    }

    /// The point at lateral offset `lateral` (positive left) from the centreline at progress `s`.
    pub fn point_at(&self, s: f64, lateral: f64) -> [f64; 2] {
        let curve = self.eval(s);
        let speed = norm(curve.tangent);
        [curve.position[0] - lateral * curve.tangent[1] / speed, curve.position[1] + lateral * curve.tangent[0] / speed]
    }

    /// The unit tangent at progress `s`.
    pub fn tangent(&self, s: f64) -> [f64; 2] {
        let t = self.eval(s).tangent;
        let speed = norm(t);
        [t[0] / speed, t[1] / speed]
    }
}

/// `count` points equally spaced in arc length along the closed polyline `points`.
fn resample_polyline(points: &[[f64; 3]], count: usize) -> Vec<[f64; 3]> {
    let n = points.len();
    let mut arc = vec![0.0; n + 1];
    for i in 0..n {
        let (a, b) = (points[i], points[(i + 1) % n]);
        arc[i + 1] = arc[i] + (b[0] - a[0]).hypot(b[1] - a[1]);
    }
    let mut j = 0;
    (0..count)
        .map(|i| {
            let target = arc[n] * i as f64 / count as f64;
            while arc[j + 1] < target {
                j += 1;
            }
            let t = (target - arc[j]) / (arc[j + 1] - arc[j]).max(f64::MIN_POSITIVE);
            let (a, b) = (points[j], points[(j + 1) % n]);
            std::array::from_fn(|k| a[k] + t * (b[k] - a[k]))
        })
        .collect()
}

fn dot<R: Real>(a: [R; 2], b: [R; 2]) -> R {
    a[0] * b[0] + a[1] * b[1]
}

fn norm(v: [f64; 2]) -> f64 {
    v[0].hypot(v[1])
}
