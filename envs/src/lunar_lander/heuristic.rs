//! Gymnasium's `heuristic(env, s)` for the continuous lander, ported: a PD controller that
//! points the lander towards the pad and holds a hover height proportional to the horizontal
//! offset. Gymnasium feeds it the float32 observation, so NumPy computes it in float32; so does
//! this port (the recorded heuristic actions are reproduced exactly).

/// The action `[main, lateral]` ∈ [−1, 1]² for observation `s` (its first 8 entries; the
/// danger-zone features, if any, are ignored).
pub fn heuristic(s: &[f64]) -> [f64; 2] {
    let s: [f32; 8] = std::array::from_fn(|i| s[i] as f32);
    // The angle should point towards the centre.
    let angle_target = (s[0] * 0.5 + s[2] * 1.0).clamp(-0.4, 0.4);
    // The target height is proportional to the horizontal offset.
    let hover_target = 0.55 * s[0].abs();
    let mut angle_todo = (angle_target - s[4]) * 0.5 - s[5] * 1.0;
    let mut hover_todo = (hover_target - s[1]) * 0.5 - s[3] * 0.5;
    if s[6] != 0.0 || s[7] != 0.0 {
        // After touchdown only the fall speed matters.
        angle_todo = 0.0;
        hover_todo = -s[3] * 0.5;
    }
    [hover_todo * 20.0 - 1.0, -angle_todo * 20.0].map(|a| f64::from(a.clamp(-1.0, 1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falling_fast_fires_the_main_engine_and_tilting_right_fires_the_left_engine() {
        let falling = heuristic(&[0.0, 1.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(falling, [-1.0f32 as f64, 0.0]);
        let falling_fast = heuristic(&[0.0, 0.2, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(falling_fast[0], 1.0);
        let tilted = heuristic(&[0.0, 1.0, 0.0, 0.0, 0.3, 0.0, 0.0, 0.0]);
        assert!(tilted[1] > 0.5, "{tilted:?}");
        let landed = heuristic(&[0.0, 0.0, 0.0, 0.0, 0.3, 0.0, 1.0, 0.0]);
        assert_eq!(landed, [-1.0, 0.0]);
    }
}
