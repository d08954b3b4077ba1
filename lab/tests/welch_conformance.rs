//! Welch's t-test against SciPy 1.17.1 (`tests/data/welch_ttest_vectors.json`, copied from the
//! shared reference set): t and df within 1e-12 relative, p within 1e-9 relative, the
//! tolerances its README suggests.

use rlmpc_lab::welch::welch_t_test;
use serde::Deserialize;

#[derive(Deserialize)]
struct Pair {
    id: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    t: f64,
    df: f64,
    p_two_sided: f64,
}

#[derive(Deserialize)]
struct Vectors {
    pairs: Vec<Pair>,
}

fn relative(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs()
}

#[test]
fn every_scipy_pair_is_reproduced() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/welch_ttest_vectors.json"))
        .expect("tests/data/welch_ttest_vectors.json");
    let vectors: Vectors = serde_json::from_str(&text).unwrap();
    assert_eq!(vectors.pairs.len(), 6);
    for pair in &vectors.pairs {
        let r = welch_t_test(&pair.a, &pair.b).unwrap();
        assert!(relative(r.t, pair.t) < 1e-12, "pair {}: t {} vs {}", pair.id, r.t, pair.t);
        assert!(relative(r.df, pair.df) < 1e-12, "pair {}: df {} vs {}", pair.id, r.df, pair.df);
        assert!(relative(r.p, pair.p_two_sided) < 1e-9, "pair {}: p {:e} vs {:e}", pair.id, r.p, pair.p_two_sided);
    }
}
