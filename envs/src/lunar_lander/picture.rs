//! What a Lunar Lander episode looks like, in Box2D's metres (equal axes): the episode's
//! terrain, the pad and its flags, the danger zone, the lander's path with its hull drawn
//! at regular intervals, and how the episode ended.

use rlmpc_core::picture::{Element, Picture, Rgb};
use rlmpc_core::DangerZone;

use super::model::{to_world, Kinematics, X_UNIT, Y_UNIT};
use super::{Ending, LunarLander, Terrain, CHUNKS, HELIPAD_Y, LANDER_POLY, SCALE};

/// Steps between two drawn hull outlines (0.5 s of flight).
const POSE_EVERY: usize = 25;
/// Height of the pad's flag poles (Gymnasium draws them 50 px tall).
const FLAG_HEIGHT: f64 = 50.0 / SCALE;

impl LunarLander {
    /// The picture of the episode whose model states are `states` (see the module docs).
    pub(super) fn episode_picture(&self, states: &[Vec<f64>]) -> Picture {
        let mut elements = Vec::new();
        if let Some(terrain) = &self.terrain {
            elements.extend(ground(terrain));
        }
        if let Some(zone) = self.zone {
            elements.push(Element::Zone(zone_in_metres(&zone)));
        }
        let poses: Vec<Kinematics> = states.iter().map(|x| to_world(x)).collect();
        let path: Vec<[f64; 2]> = poses.iter().map(|k| k.position).collect();
        for (n, pose) in poses.iter().step_by(POSE_EVERY).chain(poses.last()).enumerate() {
            let label = (n == 0).then(|| format!("hull every {POSE_EVERY} steps ({} s)", POSE_EVERY as f64 / 50.0));
            elements.push(Element::Line { points: hull(pose), colour: Rgb(110, 110, 110), width: 1, label });
        }
        if let (Some(&first), Some(&last)) = (path.first(), path.last()) {
            elements.push(Element::Line {
                points: path,
                colour: Rgb(31, 119, 180),
                width: 2,
                label: Some("path".into()),
            });
            elements.push(Element::Marker { at: first, colour: Rgb(44, 160, 44), label: "start".into() });
            let (colour, how) = match self.ending {
                Some(Ending::Landed) => (Rgb(23, 190, 207), "landed at rest"),
                Some(Ending::Crashed) => (Rgb(214, 39, 40), "crashed (hull contact)"),
                Some(Ending::OutOfBounds) => (Rgb(148, 103, 189), "left the viewport"),
                Some(Ending::TimeLimit) => (Rgb(255, 127, 14), "time limit"),
                None => (Rgb(127, 127, 127), "end (still running)"),
            };
            elements.push(Element::Marker { at: last, colour, label: format!("end: {how}") });
        }
        Picture {
            title: format!("lunar-lander, {} steps", states.len().saturating_sub(1)),
            axes: ["x (m)".into(), "height (m)".into()],
            elements,
        }
    }
}

/// The terrain polyline, the pad between its flags, and the flags.
fn ground(terrain: &Terrain) -> Vec<Element> {
    let surface = terrain.chunk_x.iter().zip(&terrain.smooth_y).map(|(&x, &y)| [x, y]).collect();
    let pad = [terrain.chunk_x[CHUNKS / 2 - 1], terrain.chunk_x[CHUNKS / 2 + 1]];
    let mut elements = vec![
        Element::Line { points: surface, colour: Rgb(90, 70, 50), width: 2, label: Some("terrain".into()) },
        Element::Line {
            points: pad.iter().map(|&x| [x, HELIPAD_Y]).collect(),
            colour: Rgb(0, 0, 0),
            width: 4,
            label: Some("pad".into()),
        },
    ];
    for (n, x) in pad.into_iter().enumerate() {
        elements.push(Element::Line {
            points: vec![[x, HELIPAD_Y], [x, HELIPAD_Y + FLAG_HEIGHT]],
            colour: Rgb(204, 204, 0),
            width: 2,
            label: (n == 0).then(|| "flags".to_string()),
        });
    }
    elements
}

/// The hull polygon at a pose, closed.
fn hull(pose: &Kinematics) -> Vec<[f64; 2]> {
    let (sin, cos) = pose.angle.sin_cos();
    let corner = |&(px, py): &(f64, f64)| {
        let (x, y) = (px / SCALE, py / SCALE);
        [pose.position[0] + cos * x - sin * y, pose.position[1] + sin * x + cos * y]
    };
    LANDER_POLY.iter().chain(&LANDER_POLY[..1]).map(corner).collect()
}

/// The zone, given in observation units, in metres: its centre maps as a model state's
/// position does.
fn zone_in_metres(zone: &DangerZone) -> DangerZone {
    let [x, y] = to_world(&[zone.x, zone.y, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]).position;
    DangerZone { x, y, width: zone.width * X_UNIT, height: zone.height * Y_UNIT }
}

#[cfg(test)]
mod tests {
    use rlmpc_core::Environment;

    use super::*;
    use crate::lunar_lander::{LunarLanderParams, LEG_DOWN};

    #[test]
    fn the_zone_and_the_path_share_the_frame() {
        let env = LunarLander::from_params(LunarLanderParams::default()).unwrap();
        // A state at the zone's centre is drawn at the centre of the zone's rectangle.
        let zone = DangerZone { x: 0.2, y: 0.6, width: 0.3, height: 0.2 };
        let in_metres = zone_in_metres(&zone);
        assert!((in_metres.width - 0.3 * 10.0).abs() < 1e-12, "x: 10 m per unit: {in_metres:?}");
        let at = env.picture_point(&[0.2, 0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert!((at[0] - in_metres.x).abs() < 1e-12 && (at[1] - in_metres.y).abs() < 1e-12, "{at:?} vs {in_metres:?}");
        // At rest on the pad (x = y = 0) the body origin is LEG_DOWN above the pad's surface.
        let on_pad = env.picture_point(&[0.0; 8]);
        assert!((on_pad[1] - (HELIPAD_Y + LEG_DOWN / SCALE)).abs() < 1e-12, "{on_pad:?}");
    }

    #[test]
    fn the_hull_turns_with_the_lander() {
        let upright = hull(&Kinematics { position: [0.0, 0.0], velocity: [0.0; 2], angle: 0.0, angular_velocity: 0.0 });
        let turned = hull(&Kinematics {
            position: [0.0, 0.0],
            velocity: [0.0; 2],
            angle: std::f64::consts::FRAC_PI_2,
            angular_velocity: 0.0,
        });
        assert_eq!(upright.first(), upright.last(), "closed");
        // A quarter turn counter-clockwise maps (x, y) to (−y, x).
        for (u, t) in upright.iter().zip(&turned) {
            assert!((t[0] + u[1]).abs() < 1e-12 && (t[1] - u[0]).abs() < 1e-12, "{u:?} → {t:?}");
        }
    }
}
