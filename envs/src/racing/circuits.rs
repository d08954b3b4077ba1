//! The built-in circuits and the CSV track format.
//!
//! Built-in circuits are polygons whose corners are rounded by circular arcs (straights joined
//! by constant-radius turns), fitted by [`Track::fit`]:
//!
//! | name | shape | lap | half-width |
//! |---|---|---|---|
//! | `default` | 400 m main straight, six 90° left turns (r = 25–30 m), a tight right–left complex (r = 15 m) | ≈ 1.3 km | 6 m |
//! | `oval` | two 300 m straights joined by 180° turns of radius 60 m | ≈ 977 m | 7 m |
//! | `circle` | a circle of radius 100 m (for tests: L = 200π) | ≈ 628 m | 8 m |
//!
//! A CSV track lists centreline points `x,y,half_width` (metres) in driving order around the
//! lap, one per line; a header line and `#` comments are allowed. The car starts at the first
//! point, driving towards the second.

use std::f64::consts::TAU;
use std::path::Path;

use super::track::{Track, DEFAULT_HARMONICS};

/// Names of the built-in circuits.
pub const BUILTIN: [&str; 3] = ["default", "oval", "circle"];

/// A built-in circuit by name, or a CSV file when `spec` ends in `.csv`.
pub fn load(spec: &str) -> Result<Track, String> {
    if spec.ends_with(".csv") {
        return from_csv(Path::new(spec));
    }
    let points = match spec {
        "default" => rounded_polygon(
            &[
                ([0.0, 0.0], 30.0),
                ([400.0, 0.0], 25.0),
                ([400.0, 150.0], 25.0),
                ([250.0, 150.0], 15.0),
                ([250.0, 90.0], 15.0),
                ([150.0, 90.0], 15.0),
                ([150.0, 200.0], 25.0),
                ([0.0, 200.0], 30.0),
            ],
            6.0,
        )?,
        "oval" => rounded_polygon(
            &[([0.0, 0.0], 60.0), ([300.0, 0.0], 60.0), ([300.0, 120.0], 60.0), ([0.0, 120.0], 60.0)],
            7.0,
        )?,
        "circle" => (0..360)
            .map(|i| {
                let (sin, cos) = (TAU * i as f64 / 360.0).sin_cos();
                [100.0 * sin, 100.0 - 100.0 * cos, 8.0]
            })
            .collect(),
        other => {
            return Err(format!(
                "unknown track `{other}`: use one of {} or a path ending in .csv",
                BUILTIN.map(|b| format!("`{b}`")).join(", ")
            ))
        }
    };
    Track::fit(spec, &points, DEFAULT_HARMONICS)
}

/// Reads a CSV track (see the module docs) and fits it.
pub fn from_csv(path: &Path) -> Result<Track, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read track file {}: {e}", path.display()))?;
    let points = parse_csv(&text).map_err(|e| format!("track file {}: {e}", path.display()))?;
    Track::fit(&path.display().to_string(), &points, DEFAULT_HARMONICS)
}

/// Parses `x,y,half_width` lines (see the module docs).
pub fn parse_csv(text: &str) -> Result<Vec<[f64; 3]>, String> {
    let mut points = Vec::new();
    for (number, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let values: Result<Vec<f64>, _> = fields.iter().map(|f| f.parse::<f64>()).collect();
        match values {
            Ok(values) if values.len() == 3 => points.push([values[0], values[1], values[2]]),
            Err(_) if points.is_empty() && fields.iter().all(|f| f.parse::<f64>().is_err()) => {} // header
            _ => return Err(format!("line {number}: expected three numbers `x,y,half_width` (metres), got `{line}`")),
        }
    }
    Ok(points)
}

/// Centreline points (spaced ≈ 1 m) of the closed polygon `corners`, each corner rounded by
/// an arc of its radius tangent to both edges, with a constant half-width.
fn rounded_polygon(corners: &[([f64; 2], f64)], half_width: f64) -> Result<Vec<[f64; 3]>, String> {
    let n = corners.len();
    let unit = |a: [f64; 2], b: [f64; 2]| {
        let d = [b[0] - a[0], b[1] - a[1]];
        let len = d[0].hypot(d[1]);
        ([d[0] / len, d[1] / len], len)
    };
    let arcs: Vec<Arc> = (0..n)
        .map(|i| {
            let (p, (v, radius), q) = (corners[(i + n - 1) % n].0, corners[i], corners[(i + 1) % n].0);
            let ((d_in, _), (d_out, _)) = (unit(p, v), unit(v, q));
            let turn = (d_in[0] * d_out[1] - d_in[1] * d_out[0]).atan2(d_in[0] * d_out[0] + d_in[1] * d_out[1]);
            let tangent_length = radius * (turn.abs() / 2.0).tan();
            let start = [v[0] - tangent_length * d_in[0], v[1] - tangent_length * d_in[1]];
            let end = [v[0] + tangent_length * d_out[0], v[1] + tangent_length * d_out[1]];
            let side = turn.signum();
            let centre = [start[0] - side * radius * d_in[1], start[1] + side * radius * d_in[0]];
            let angle = (start[1] - centre[1]).atan2(start[0] - centre[0]);
            Arc { start, end, centre, angle, turn, radius, tangent_length }
        })
        .collect();
    let mut points = Vec::new();
    for i in 0..n {
        let (arc, next) = (&arcs[i], &arcs[(i + 1) % n]);
        let (_, edge) = unit(corners[i].0, corners[(i + 1) % n].0);
        if arc.tangent_length + next.tangent_length > edge {
            return Err(format!(
                "corners {i} and {} need {:.1} m of their {edge:.1} m edge: lower their radii",
                (i + 1) % n,
                arc.tangent_length + next.tangent_length
            ));
        }
        let straight = edge - arc.tangent_length - next.tangent_length;
        let steps = straight.ceil().max(1.0) as usize;
        points.extend((0..steps).map(|k| {
            let t = k as f64 / steps as f64;
            [arc.end[0] + t * (next.start[0] - arc.end[0]), arc.end[1] + t * (next.start[1] - arc.end[1]), half_width]
        }));
        let steps = (next.radius * next.turn.abs()).ceil().max(1.0) as usize;
        points.extend((0..steps).map(|k| {
            let a = next.angle + next.turn * k as f64 / steps as f64;
            [next.centre[0] + next.radius * a.cos(), next.centre[1] + next.radius * a.sin(), half_width]
        }));
    }
    // Start the lap at the middle of the first straight.
    let first_straight = ((arcs[0].end[0] - arcs[1].start[0]).hypot(arcs[0].end[1] - arcs[1].start[1]) / 2.0) as usize;
    let last = points.len() - 1;
    points.rotate_left(first_straight.min(last));
    Ok(points)
}

/// A rounded corner of [`rounded_polygon`]: an arc from `start` to `end` around `centre`.
struct Arc {
    start: [f64; 2],
    end: [f64; 2],
    centre: [f64; 2],
    /// Angle of `start` seen from `centre`.
    angle: f64,
    /// Signed sweep (positive = left turn).
    turn: f64,
    radius: f64,
    /// Distance from the polygon's corner to where the arc meets each edge.
    tangent_length: f64,
}
