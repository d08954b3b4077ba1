//! Planar shapes used by danger zones (Eq. 42).

use serde::{Deserialize, Serialize};

use crate::numeric::{Mask, Real};

/// An axis-aligned rectangle centred at `(x, y)` with full `width` and `height`:
/// `D = {(p, q) : |p − x| ≤ w/2, |q − y| ≤ h/2}` (paper App. C, Eq. 42).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerZone {
    /// Centre abscissa.
    pub x: f64,
    /// Centre ordinate.
    pub y: f64,
    /// Full width (extent along x).
    pub width: f64,
    /// Full height (extent along y).
    pub height: f64,
}

impl DangerZone {
    /// A square of side `side` centred at `(x, y)`.
    pub fn square(x: f64, y: f64, side: f64) -> Self {
        Self { x, y, width: side, height: side }
    }

    /// Whether the point lies inside (boundary included), element-wise over samples.
    pub fn contains<R: Real>(&self, point: [R; 2]) -> R::Mask {
        let dx = (point[0] - R::splat(self.x)).abs();
        let dy = (point[1] - R::splat(self.y)).abs();
        dx.le(R::splat(0.5 * self.width)).and(dy.le(R::splat(0.5 * self.height)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_includes_the_boundary_and_excludes_outside() {
        let zone = DangerZone { x: 1.0, y: -1.0, width: 2.0, height: 0.5 };
        assert!(zone.contains([1.0f64, -1.0]));
        assert!(zone.contains([2.0f64, -0.75]));
        assert!(!zone.contains([2.01f64, -1.0]));
        assert!(!zone.contains([1.0f64, -0.7]));
    }
}
