//! A plotting-library-free description of one episode's picture, which `rlmpc render` draws.
//! Each environment says what its episode looks like through
//! [`Environment::picture`](crate::Environment::picture); the default is the surrogate's
//! planar position path with the danger zone.

use crate::geometry::DangerZone;
use crate::model::{SurrogateIn, SurrogateModel};

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// One thing to draw, in world coordinates (equal scales on both axes).
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    /// A polyline.
    Line {
        /// Vertices in order.
        points: Vec<[f64; 2]>,
        /// Stroke colour.
        colour: Rgb,
        /// Stroke width in pixels.
        width: u32,
        /// Legend entry, if any.
        label: Option<String>,
    },
    /// A path whose colour follows a value per vertex (e.g. speed) on a colour scale.
    Graded {
        /// Vertices in order.
        points: Vec<[f64; 2]>,
        /// One value per vertex.
        values: Vec<f64>,
        /// What the values are, with units (the legend says their range).
        label: String,
    },
    /// The danger zone, drawn as a filled rectangle.
    Zone(DangerZone),
    /// A labelled point (start, end, collision, …).
    Marker {
        /// Where.
        at: [f64; 2],
        /// Fill colour.
        colour: Rgb,
        /// Legend entry.
        label: String,
    },
}

/// What one episode looks like.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// Caption.
    pub title: String,
    /// What the horizontal and vertical axes show, in words with units.
    pub axes: [String; 2],
    /// Drawn in order (later on top).
    pub elements: Vec<Element>,
}

impl Picture {
    /// The generic picture: the surrogate's planar position ([`crate::Dynamics::position`])
    /// along the model states `states`, the danger zone, and start and end markers.
    pub fn of_positions(
        title: String,
        model: &dyn SurrogateModel,
        states: &[Vec<f64>],
        zone: Option<DangerZone>,
    ) -> Self {
        let points: Vec<[f64; 2]> = states.iter().map(|x| SurrogateIn::<f64>::position(model, x)).collect();
        let mut elements: Vec<Element> = zone.map(Element::Zone).into_iter().collect();
        if let (Some(first), Some(last)) = (points.first().copied(), points.last().copied()) {
            elements.push(Element::Line { points, colour: Rgb(31, 119, 180), width: 2, label: Some("path".into()) });
            elements.push(Element::Marker { at: first, colour: Rgb(44, 160, 44), label: "start".into() });
            elements.push(Element::Marker { at: last, colour: Rgb(214, 39, 40), label: "end".into() });
        }
        let axes = ["x (model units)".to_string(), "y (model units)".to_string()];
        Self { title, axes, elements }
    }

    /// The smallest box ([x_min, y_min], [x_max, y_max]) holding every element.
    pub fn bounds(&self) -> Option<([f64; 2], [f64; 2])> {
        let mut points: Vec<[f64; 2]> = Vec::new();
        for element in &self.elements {
            match element {
                Element::Line { points: p, .. } | Element::Graded { points: p, .. } => points.extend(p),
                Element::Zone(z) => points
                    .extend([[z.x - 0.5 * z.width, z.y - 0.5 * z.height], [z.x + 0.5 * z.width, z.y + 0.5 * z.height]]),
                Element::Marker { at, .. } => points.push(*at),
            }
        }
        let finite = points.into_iter().filter(|p| p[0].is_finite() && p[1].is_finite());
        finite.fold(None, |acc, p| match acc {
            None => Some((p, p)),
            Some((lo, hi)) => Some(([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])),
        })
    }
}
