//! One MPPI call on Acrobot-DZ at (K, H) = (100, 10), (1000, 30), (4096, 30), per backend.

use criterion::{criterion_group, criterion_main, Criterion};
use rlmpc::bench::{mppi_cases, MppiBench};

fn mppi_call(c: &mut Criterion) {
    let mut group = c.benchmark_group("mppi_call_acrobot");
    for case in mppi_cases() {
        let mut bench = MppiBench::new(case).expect("benchmark setup");
        group.bench_function(case.label(), |b| b.iter(|| bench.call()));
    }
    group.finish();
}

criterion_group!(benches, mppi_call);
criterion_main!(benches);
