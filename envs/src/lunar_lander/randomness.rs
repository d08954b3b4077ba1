//! The one source of every random number the Lunar Lander draws.
//!
//! Gymnasium draws from one NumPy generator in a fixed order (reference README §3): the 12
//! terrain heights, the initial force (x, then y), the wind and turbulence offsets when wind is
//! on, and two dispersion values in every step (the step inside `reset` included). The env asks
//! a [`RandomSource`] for each of them in that order, so a seeded generator plays new episodes
//! and a [`ReplaySource`] plays back the draws recorded from Gymnasium, value for value.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Where the environment's random numbers come from.
pub trait RandomSource: Send {
    /// A float in `[low, high)`: NumPy's `uniform(low, high)`.
    fn uniform(&mut self, low: f64, high: f64) -> f64;
    /// An integer in `[low, high)`: NumPy's `integers(low, high)`.
    fn integer(&mut self, low: i64, high: i64) -> i64;
}

/// New episodes: a ChaCha8 generator (not NumPy's PCG64, so a seed does not give Gymnasium's
/// episode for that seed, only a reproducible one of ours).
pub struct SeededSource(ChaCha8Rng);

impl SeededSource {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }
}

impl RandomSource for SeededSource {
    /// `low + (high − low)·U`, U uniform in [0, 1), as NumPy scales its draws.
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.0.gen::<f64>()
    }
    fn integer(&mut self, low: i64, high: i64) -> i64 {
        self.0.gen_range(low..high)
    }
}

/// Recorded draws, already scaled to their ranges, handed out in order (fixture replay).
pub struct ReplaySource {
    draws: Vec<f64>,
    next: usize,
}

impl ReplaySource {
    /// Plays back `draws` in order.
    pub fn new(draws: Vec<f64>) -> Self {
        Self { draws, next: 0 }
    }

    /// Draws not consumed yet.
    pub fn remaining(&self) -> usize {
        self.draws.len() - self.next
    }

    fn take(&mut self, low: f64, high: f64) -> f64 {
        let Some(&value) = self.draws.get(self.next) else {
            panic!(
                "the replayed episode asked for random draw #{} but its fixture recorded only {}: \
                 replay at most as many steps as were recorded",
                self.next + 1,
                self.draws.len()
            );
        };
        assert!(
            (low..=high).contains(&value),
            "recorded draw #{} = {value} lies outside the range [{low}, {high}] the environment asked for: \
             the fixture's draws are out of order or belong to another configuration (wind?)",
            self.next + 1
        );
        self.next += 1;
        value
    }
}

impl RandomSource for ReplaySource {
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        self.take(low, high)
    }
    fn integer(&mut self, low: i64, high: i64) -> i64 {
        let value = self.take(low as f64, high as f64);
        assert!(value.fract() == 0.0, "recorded integer draw #{} is {value}, not an integer", self.next);
        value as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_draws_stay_in_range_and_repeat_with_the_seed() {
        let (mut a, mut b) = (SeededSource::new(3), SeededSource::new(3));
        for _ in 0..1000 {
            let (x, y) = (a.uniform(-2.0, 5.0), b.uniform(-2.0, 5.0));
            assert!((-2.0..5.0).contains(&x) && x == y);
            assert!((-9999..9999).contains(&a.integer(-9999, 9999)));
            b.integer(-9999, 9999);
        }
    }

    #[test]
    fn replay_hands_out_the_recorded_values_in_order() {
        let mut source = ReplaySource::new(vec![0.25, -0.5, 42.0]);
        assert_eq!(source.uniform(0.0, 1.0), 0.25);
        assert_eq!(source.uniform(-1.0, 1.0), -0.5);
        assert_eq!(source.remaining(), 1);
        assert_eq!(source.integer(-9999, 9999), 42);
    }

    #[test]
    #[should_panic(expected = "recorded only 1")]
    fn replay_past_the_recording_names_the_problem() {
        let mut source = ReplaySource::new(vec![0.5]);
        source.uniform(0.0, 1.0);
        source.uniform(0.0, 1.0);
    }
}
