//! Racing-DZ tracks: arc length, projection, edges, built-ins and the CSV format.

use std::f64::consts::PI;

use rlmpc_core::{Lanes, Real};
use rlmpc_envs::racing::circuits::{self, parse_csv};
use rlmpc_envs::racing::track::{Track, DEFAULT_HARMONICS};

#[test]
fn the_circle_track_has_length_two_pi_r_and_unit_speed() {
    let track = circuits::load("circle").unwrap();
    // The 360-gon's chords lie inside the circle by at most 100·(1 − cos 0.5°) ≈ 4 mm.
    assert!((track.length() - 200.0 * PI).abs() < 0.02, "L = {}", track.length());
    for i in 0..50 {
        let t = track.eval(track.length() * i as f64 / 50.0).tangent;
        assert!((t[0].hypot(t[1]) - 1.0).abs() < 1e-6, "|c'| = {} at sample {i}", t[0].hypot(t[1]));
    }
}

#[test]
fn known_points_project_onto_the_circle_with_their_offsets() {
    let track = circuits::load("circle").unwrap();
    // Centre (0, 100), radius 100, driven anticlockwise from (0, 0): left is inwards.
    let p = track.project([0.0, 5.0]);
    assert!(p.progress.min(track.length() - p.progress) < 0.05, "s = {}", p.progress);
    assert!((p.lateral - 5.0).abs() < 0.02 && (p.boundary() - 5.0 / 8.0).abs() < 0.01, "{p:?}");
    let quarter = track.length() / 4.0;
    let p = track.project([110.0, 100.0]);
    assert!((p.progress - quarter).abs() < 0.05, "s = {} vs {quarter}", p.progress);
    assert!((p.lateral + 10.0).abs() < 0.02 && (p.boundary() + 1.25).abs() < 0.01, "{p:?}");
    assert!(p.tangent[0].abs() < 1e-3 && (p.tangent[1] - 1.0).abs() < 1e-3, "heading north there: {p:?}");
    // The unwrapped projection keeps the lap: near progress L + quarter, it stays there.
    let p = track.project_near([100.0, 100.0], track.length() + quarter + 4.0, 25.0);
    assert!((p.progress - track.length() - quarter).abs() < 0.05, "s = {}", p.progress);
}

#[test]
fn the_default_track_is_arc_length_parametrised_with_edges_at_its_half_width() {
    let track = circuits::load("default").unwrap();
    assert!((1200.0..1400.0).contains(&track.length()), "L = {}", track.length());
    // The lap starts mid-way along the bottom straight, driving +x.
    let start = track.eval(0.0);
    assert!(start.position[1].abs() < 0.05 && (start.tangent[0] - 1.0).abs() < 1e-3, "{start:?}");
    let mut max_curvature: f64 = 0.0;
    for i in 0..400 {
        let s = track.length() * i as f64 / 400.0;
        let c = track.eval(s);
        assert!((c.tangent[0].hypot(c.tangent[1]) - 1.0).abs() < 5e-3, "|c'| at s = {s}");
        let [left, right] = track.edges(s);
        let width = (left[0] - right[0]).hypot(left[1] - right[1]);
        assert!((width - 12.0).abs() < 0.05, "width {width} at s = {s}");
        max_curvature = max_curvature.max(c.second[0].hypot(c.second[1]));
    }
    // The tight corners have radius 15 m; the fit may round them a little.
    assert!((1.0 / 17.0..1.0 / 13.0).contains(&max_curvature), "tightest radius {}", 1.0 / max_curvature);
}

#[test]
fn newton_projection_agrees_across_backends() {
    let track = circuits::load("default").unwrap();
    let points: Vec<[f64; 2]> = (0..16).map(|i| track.point_at(37.0 * i as f64, 0.4 * i as f64 - 3.0)).collect();
    let hints: Vec<f64> = (0..16).map(|i| 37.0 * i as f64 + 2.5).collect();
    let xs: Vec<f64> = points.iter().map(|p| p[0]).collect();
    let ys: Vec<f64> = points.iter().map(|p| p[1]).collect();
    let lanes = track.project_from([Lanes::load(&xs), Lanes::load(&ys)], Lanes::load(&hints), 2, 10.0);
    let (mut s, mut lateral) = ([0.0; 16], [0.0; 16]);
    lanes.progress.store(&mut s);
    lanes.lateral.store(&mut lateral);
    for i in 0..16 {
        let exact = track.project_from(points[i], hints[i], 2, 10.0);
        assert!((exact.progress - 37.0 * i as f64).abs() < 1e-3, "f64 lane {i}: s = {}", exact.progress);
        assert!((exact.lateral - (0.4 * i as f64 - 3.0)).abs() < 1e-3, "f64 lane {i}: {}", exact.lateral);
        assert!((s[i] - exact.progress).abs() < 0.05, "lanes {i}: s {} vs {}", s[i], exact.progress);
        assert!((lateral[i] - exact.lateral).abs() < 0.05, "lanes {i}: {} vs {}", lateral[i], exact.lateral);
    }
}

#[test]
fn a_csv_track_fits_its_points_and_bad_files_name_the_problem() {
    let mut text = String::from("# a circle of radius 50\nx,y,half_width\n");
    for i in 0..120 {
        let a = 2.0 * PI * i as f64 / 120.0;
        text.push_str(&format!("{},{},5\n", 50.0 * a.cos(), 50.0 * a.sin()));
    }
    let points = parse_csv(&text).unwrap();
    assert_eq!(points.len(), 120);
    let track = Track::fit("csv", &points, DEFAULT_HARMONICS).unwrap();
    assert!((track.length() - 100.0 * PI).abs() < 0.1, "L = {}", track.length());

    let err = parse_csv("x,y,half_width\n0,0,5\n1,2\n").unwrap_err();
    assert!(err.contains("line 3") && err.contains("x,y,half_width"), "{err}");
    let err =
        Track::fit("bad", &[[0.0, 0.0, 5.0], [10.0, 0.0, -1.0], [10.0, 10.0, 5.0], [0.0, 10.0, 5.0]], 8).unwrap_err();
    assert!(err.contains("point 1") && err.contains("half_width > 0"), "{err}");
    let err = Track::fit("short", &[[0.0, 0.0, 5.0], [1.0, 0.0, 5.0], [0.0, 1.0, 5.0]], 8).unwrap_err();
    assert!(err.contains("at least 4"), "{err}");
    // A square with sharp 90° corners cannot be followed by a smooth curve within 0.25 m.
    let square = [[0.0, 0.0, 5.0], [100.0, 0.0, 5.0], [100.0, 100.0, 5.0], [0.0, 100.0, 5.0]];
    let err = Track::fit("square", &square, 8).unwrap_err();
    assert!(err.contains("round the sharp corners"), "{err}");
    let err = circuits::from_csv(std::path::Path::new("no/such/track.csv")).unwrap_err();
    assert!(err.contains("no/such/track.csv"), "{err}");
    let err = circuits::load("monza").unwrap_err();
    assert!(err.contains("`default`") && err.contains(".csv"), "{err}");
}
