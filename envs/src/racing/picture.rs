//! What a Racing-DZ episode looks like (`rlmpc render`): the track edges, the danger zone,
//! the opponent's path and the ego's path coloured by speed, with start and end markers.

use rlmpc_core::picture::{Element, Picture, Rgb};
use rlmpc_core::Environment;

use super::env::Racing;
use super::model::index;
use super::rewards::Events;

/// Spacing (m) of the drawn track edges.
const EDGE_SPACING: f64 = 2.0;

impl Racing {
    /// The picture of an episode with model states `states` (see the module docs); `events`
    /// name how it ended.
    pub(super) fn episode_picture(&self, states: &[Vec<f64>], events: Events) -> Picture {
        let track = &self.model().track;
        let count = (track.length() / EDGE_SPACING).ceil() as usize;
        let edges: Vec<[[f64; 2]; 2]> =
            (0..=count).map(|i| track.edges(track.length() * i as f64 / count as f64)).collect();
        let grey = Rgb(90, 90, 90);
        let mut elements = vec![
            Element::Line { points: edges.iter().map(|e| e[0]).collect(), colour: grey, width: 2, label: None },
            Element::Line {
                points: edges.iter().map(|e| e[1]).collect(),
                colour: grey,
                width: 2,
                label: Some("track edges".into()),
            },
        ];
        elements.extend(self.danger_zone().map(Element::Zone));
        let point = |x: &Vec<f64>, i: usize, j: usize| [x[i], x[j]];
        elements.push(Element::Line {
            points: states.iter().map(|x| point(x, index::OPPONENT_X, index::OPPONENT_Y)).collect(),
            colour: Rgb(255, 127, 14),
            width: 3,
            label: Some("opponent".into()),
        });
        elements.push(Element::Graded {
            points: states.iter().map(|x| point(x, index::X, index::Y)).collect(),
            values: states.iter().map(|x| x[index::SPEED]).collect(),
            label: "ego speed (m/s)".into(),
        });
        if let (Some(first), Some(last)) = (states.first(), states.last()) {
            let start = point(first, index::X, index::Y);
            elements.push(Element::Marker { at: start, colour: Rgb(44, 160, 44), label: "start".into() });
            let end = match (events.finished, events.collision, events.off_track) {
                (true, ..) => "finish",
                (_, true, _) => "collision",
                (_, _, true) => "off track",
                _ => "time limit",
            };
            let at = point(last, index::X, index::Y);
            elements.push(Element::Marker { at, colour: Rgb(214, 39, 40), label: format!("end: {end}") });
        }
        let laps = states.last().map_or(0.0, |x| x[index::PROGRESS] / track.length());
        let title = format!("racing on `{}`: {} steps, {laps:.2} laps", track.name(), states.len().saturating_sub(1));
        Picture { title, axes: ["x (m)".into(), "y (m)".into()], elements }
    }
}
