//! LunarLander-DZ's danger zone (decision record §6, paper App. B.2): one random axis-aligned
//! rectangle per episode, between the spawn point (observation (0, ≈1.4)) and the pad
//! (observation (0, 0)), in the observation's frame of x and y.

use rlmpc_core::registry::BuildError;
use rlmpc_core::DangerZone;
use serde::Deserialize;

use super::randomness::RandomSource;

/// Ranges the zone's centre and size are drawn from, uniformly, in observation units (the
/// pad is at (0, 0); x = ±1 is the edge of the viewport; spawn is at y ≈ 1.4).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ZoneRanges {
    /// Range of the centre's x.
    pub centre_x: [f64; 2],
    /// Range of the centre's y.
    pub centre_y: [f64; 2],
    /// Range of the full width.
    pub width: [f64; 2],
    /// Range of the full height.
    pub height: [f64; 2],
}

impl Default for ZoneRanges {
    /// Zones on the descent path that leave room to fly around: centre x ∈ [−0.3, 0.3],
    /// y ∈ [0.45, 0.85], width ∈ [0.2, 0.5], height ∈ [0.1, 0.25].
    fn default() -> Self {
        Self { centre_x: [-0.3, 0.3], centre_y: [0.45, 0.85], width: [0.2, 0.5], height: [0.1, 0.25] }
    }
}

impl ZoneRanges {
    /// Checks that every range is finite and ordered, and sizes are positive.
    pub fn validate(&self) -> Result<(), BuildError> {
        let ranges =
            [("centre_x", self.centre_x), ("centre_y", self.centre_y), ("width", self.width), ("height", self.height)];
        for (name, [low, high]) in ranges {
            if !(low.is_finite() && high.is_finite() && low <= high) {
                return Err(BuildError::Invalid(format!(
                    "danger_zone.{name} must be a finite range [low, high] with low <= high, got [{low}, {high}]"
                )));
            }
        }
        if self.width[0] <= 0.0 || self.height[0] <= 0.0 {
            return Err(BuildError::Invalid(format!(
                "danger_zone sizes must be positive, got width {:?} and height {:?}",
                self.width, self.height
            )));
        }
        Ok(())
    }

    /// Draws one zone: centre x, centre y, width, height, in that order.
    pub fn draw(&self, source: &mut dyn RandomSource) -> DangerZone {
        let mut draw = |[low, high]: [f64; 2]| if low == high { low } else { source.uniform(low, high) };
        DangerZone {
            x: draw(self.centre_x),
            y: draw(self.centre_y),
            width: draw(self.width),
            height: draw(self.height),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lunar_lander::randomness::SeededSource;

    #[test]
    fn zones_lie_between_spawn_and_pad() {
        let ranges = ZoneRanges::default();
        let mut source = SeededSource::new(1);
        for _ in 0..200 {
            let zone = ranges.draw(&mut source);
            assert!(zone.y - zone.height / 2.0 > 0.0 && zone.y + zone.height / 2.0 < 1.4, "{zone:?}");
            assert!(zone.x.abs() <= 0.3 && zone.width >= 0.2 && zone.width <= 0.5, "{zone:?}");
        }
    }

    #[test]
    fn bad_ranges_are_rejected_with_the_field_name() {
        let ranges = ZoneRanges { centre_y: [1.0, 0.5], ..ZoneRanges::default() };
        assert!(matches!(ranges.validate(), Err(BuildError::Invalid(m)) if m.contains("centre_y")));
        let ranges = ZoneRanges { width: [0.0, 0.5], ..ZoneRanges::default() };
        assert!(matches!(ranges.validate(), Err(BuildError::Invalid(m)) if m.contains("positive")));
    }
}
