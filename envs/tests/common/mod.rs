//! Loading the Gymnasium recordings in `tests/data` and comparing with them.

#![allow(dead_code)] // Each test file uses its own part of this module.

use std::collections::BTreeMap;
use std::f64::consts::TAU;

use rlmpc_lab::fixture::{self, Fixture};
use serde::Deserialize;

/// `tests/data/acrobot_continuous.json`.
pub const ACROBOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/acrobot_continuous.json");
/// `tests/data/pendulum.json`.
pub const PENDULUM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/pendulum.json");

/// One Acrobot recording (the fields the tests compare with).
#[derive(Deserialize)]
pub struct AcrobotRecord {
    pub id: u64,
    pub torques: Vec<f64>,
    pub states: Vec<[f64; 4]>,
    pub next_states: Vec<[f64; 4]>,
    pub observations: Vec<[f64; 6]>,
    pub terminal: Vec<bool>,
    pub rewards: Vec<f64>,
}

#[derive(Deserialize)]
struct AcrobotFile {
    sets: BTreeMap<String, Vec<AcrobotRecord>>,
}

/// One Pendulum recording.
#[derive(Deserialize)]
pub struct PendulumRecord {
    pub id: u64,
    pub actions: Vec<f64>,
    pub states: Vec<[f64; 2]>,
    pub next_states: Vec<[f64; 2]>,
    pub rewards: Vec<f64>,
    pub observations: Vec<[f64; 3]>,
    pub terminated: Vec<bool>,
    pub truncated: Vec<bool>,
}

#[derive(Deserialize)]
struct PendulumFile {
    trajectories: Vec<PendulumRecord>,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Acrobot recordings of each set.
pub fn acrobot_sets() -> BTreeMap<String, Vec<AcrobotRecord>> {
    serde_json::from_str::<AcrobotFile>(&read(ACROBOT)).unwrap().sets
}

/// The Pendulum recordings.
pub fn pendulum_records() -> Vec<PendulumRecord> {
    serde_json::from_str::<PendulumFile>(&read(PENDULUM)).unwrap().trajectories
}

/// A reference file read by the fixture loader under test.
pub fn fixture(path: &str) -> Fixture {
    fixture::load(std::path::Path::new(path)).unwrap()
}

/// |a − b| for angles, modulo 2π (a value at ±π may wrap either way).
pub fn angle_error(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(TAU);
    d.min(TAU - d)
}

/// Largest error between two states, angles (the first `n_angles` components) modulo 2π.
pub fn state_error(got: &[f64], want: &[f64], n_angles: usize) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .enumerate()
        .map(|(i, (g, w))| if i < n_angles { angle_error(*g, *w) } else { (g - w).abs() })
        .fold(0.0, f64::max)
}

/// Largest absolute difference.
pub fn max_error(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter().zip(want).map(|(g, w)| (g - w).abs()).fold(0.0, f64::max)
}

/// `tests/data/lunar_lander_continuous.json`.
pub const LUNAR_LANDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/lunar_lander_continuous.json");
