//! Whether an MPPI call rolls its chunks of samples out on rayon's pool or on the calling
//! thread. Either way gives the same numbers (each chunk draws from its own noise stream), so
//! the choice is about speed alone: fork/join costs a few microseconds, which pays when the
//! rollouts are long — many samples, or a model whose step is expensive (Racing-DZ projects
//! onto a 96-harmonic track four times a step) — and not for a cheap model at K = 100.

use std::time::{Duration, Instant};

/// At this many samples the rollouts always run on the pool.
const ALWAYS_FROM_SAMPLES: usize = 256;
/// Below it, they run on the pool when the quickest of the first calls' sequential rollouts
/// took longer than this.
const WORTH_A_FORK: Duration = Duration::from_micros(60);
/// Sequential calls timed before deciding (the minimum discards a cold first call).
const TIMED_CALLS: u32 = 4;

/// The decision for one engine, made from its own first calls.
#[derive(Clone, Debug)]
pub(crate) struct ParallelRollouts {
    quickest: Duration,
    timed: u32,
}

impl ParallelRollouts {
    pub(crate) fn new() -> Self {
        Self { quickest: Duration::MAX, timed: 0 }
    }

    /// Whether `samples` rollouts are to run on the pool.
    pub(crate) fn parallel(&self, samples: usize) -> bool {
        rayon::current_num_threads() > 1
            && (samples >= ALWAYS_FROM_SAMPLES || (self.timed >= TIMED_CALLS && self.quickest > WORTH_A_FORK))
    }

    /// Runs `rollouts` on the calling thread, timing it while undecided.
    pub(crate) fn sequential(&mut self, rollouts: impl FnOnce()) {
        if self.timed >= TIMED_CALLS {
            return rollouts();
        }
        let start = Instant::now();
        rollouts();
        self.quickest = self.quickest.min(start.elapsed());
        self.timed += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_sequential_rollouts_move_to_the_pool_after_the_timed_calls() {
        let mut schedule = ParallelRollouts::new();
        let threads = rayon::current_num_threads() > 1;
        assert_eq!(schedule.parallel(256), threads, "many samples always go to the pool");
        for _ in 0..TIMED_CALLS {
            assert!(!schedule.parallel(100), "undecided: sequential");
            schedule.sequential(|| std::thread::sleep(WORTH_A_FORK * 2));
        }
        assert_eq!(schedule.parallel(100), threads);

        let mut quick = ParallelRollouts::new();
        for _ in 0..TIMED_CALLS {
            quick.sequential(|| {});
        }
        assert!(!quick.parallel(100), "quick rollouts stay on the calling thread");
    }
}
