//! Eq. 39: track the target state the RL action names.

use rlmpc_core::registry::{BuildError, CostRegistration, Params};
use rlmpc_core::{Cost, CostContext, CostCoupling, Needs, Real, StepView};
use serde::Deserialize;

/// J_RL = ‖x_sel − x*(a)‖ (Eq. 39), with x* = offset + scale ⊙ a (a clipped to [−c, c] first
/// when a bound c is set: SB3's clipping of a Gaussian action to its box, so that x* ranges
/// over the box offset ± c·scale) and x_sel the model's tracked coordinates
/// (e.g. (θ1, θ2) in Acrobot, (ẋ, ẏ) in Lunar Lander). Periodic coordinates compare through
/// `angle_normalize`, so a target of π is reached from either side.
#[derive(Clone, Debug)]
pub struct TargetTracking {
    /// Indices into the model's tracked coordinates, one per action entry.
    selected: Vec<usize>,
    /// Whether each selected coordinate is an angle.
    periodic: Vec<bool>,
    /// x* = offset + scale ⊙ a: the target each unit of action means.
    scale: Vec<f64>,
    /// The target of a = 0.
    offset: Vec<f64>,
    /// c: each action entry is brought into [−c, c] before scaling (see `squash`); `None` takes
    /// a as it is.
    action_bound: Option<f64>,
    /// How an entry is brought into [−c, c].
    squash: Squash,
    /// (lo, hi): one more action entry a_w, after the targets, scales J_RL by
    /// lo + (hi − lo)·(clip(a_w, −1, 1) + 1)/2 — the RL action choosing a cost weight as well
    /// as a target (the paper's high-level parameters include the cost's weights).
    weight_range: Option<(f64, f64)>,
}

/// How `target-tracking` brings an action entry into [−c, c].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Squash {
    /// clip(a, −c, c), as SB3 clips a Gaussian action to its Box: past ±c every action names
    /// the same target.
    Clip,
    /// c·tanh(a/c): the same as clipping near 0, and no two actions name the same target.
    Tanh,
}

impl CostCoupling for TargetTracking {
    fn needs(&self) -> Needs {
        Needs { tracked: true, ..Needs::default() }
    }
    fn running<R: Real>(&self, step: &StepView<'_, R>, a: &[R]) -> R {
        let mut squared = R::zero();
        let targets = self.scale.iter().zip(&self.offset);
        for (((&index, &periodic), (&scale, &offset)), &action) in
            self.selected.iter().zip(&self.periodic).zip(targets).zip(a)
        {
            let action = match (self.action_bound, self.squash) {
                (Some(c), Squash::Clip) => action.clamp(R::splat(-c), R::splat(c)),
                (Some(c), Squash::Tanh) => R::splat(c) * tanh(action * R::splat(1.0 / c)),
                (None, _) => action,
            };
            let error = step.tracked[index] - R::splat(offset) - R::splat(scale) * action;
            let error = if periodic { error.angle_normalize() } else { error };
            squared += error * error;
        }
        let distance = squared.sqrt();
        let Some((lo, hi)) = self.weight_range else { return distance };
        let unit = (a[self.selected.len()].clamp(-R::one(), R::one()) + R::one()) * R::splat(0.5);
        (R::splat(lo) + R::splat(hi - lo) * unit) * distance
    }
}

/// tanh(x) = 1 − 2/(e^{2x} + 1), which neither overflows nor loses its sign for large |x|.
fn tanh<R: Real>(x: R) -> R {
    R::one() - R::splat(2.0) / ((x + x).exp() + R::one())
}

/// `[costs.params]` of `target-tracking`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetTrackingParams {
    /// Names of the tracked coordinates the action targets, in action order (default: all).
    #[serde(default)]
    coordinates: Option<Vec<String>>,
    /// x* = scale ⊙ a, one factor per selected coordinate (default 1): e.g. π turns a policy's
    /// action in [−1, 1] into a target angle in [−π, π].
    #[serde(default)]
    scale: Option<Vec<f64>>,
    /// x* = offset + scale ⊙ a: the target of a zero action, one per selected coordinate
    /// (default 0).
    #[serde(default)]
    offset: Option<Vec<f64>>,
    /// c > 0: clip each action entry to [−c, c] before scaling, as SB3 clips a Gaussian
    /// policy's action to its Box bounds (default: no clipping, the paper's Eq. 39 as written).
    #[serde(default)]
    action_bound: Option<f64>,
    /// `"clip"` (default) or `"tanh"`: how an action entry is brought into [−c, c] (needs
    /// `action_bound`).
    #[serde(default = "clip")]
    action_squash: Squash,
    /// [lo, hi] with 0 ≤ lo ≤ hi: the action has one more entry, which scales J_RL from lo
    /// (at −1 and below) to hi (at 1 and above); default: no such entry, J_RL as Eq. 39.
    #[serde(default)]
    weight_range: Option<[f64; 2]>,
    /// Compare angles modulo 2π (default); `false` takes Eq. 39's plain difference.
    #[serde(default = "wrap_angles_default")]
    wrap_angles: bool,
}

fn wrap_angles_default() -> bool {
    true
}

fn clip() -> Squash {
    Squash::Clip
}

fn build(params: Params<'_, '_>, context: &CostContext) -> Result<Box<dyn Cost>, BuildError> {
    let params: TargetTrackingParams = rlmpc_core::erased_serde::deserialize(params)?;
    let tracked = &context.layout.tracked;
    let known = || tracked.iter().map(|t| t.name).collect::<Vec<_>>().join(", ");
    let selected: Vec<usize> = match params.coordinates {
        None => (0..tracked.len()).collect(),
        Some(names) => names
            .iter()
            .map(|name| {
                tracked.iter().position(|t| t.name == name).ok_or_else(|| {
                    BuildError::Invalid(format!("unknown coordinate `{name}`; this model tracks: {}", known()))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let weight_range = match params.weight_range {
        Some([lo, hi]) if lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi => Some((lo, hi)),
        Some([lo, hi]) => {
            return Err(BuildError::Invalid(format!(
                "`weight_range` must be [lo, hi] with 0 ≤ lo ≤ hi, got [{lo}, {hi}]"
            )))
        }
        None => None,
    };
    let weight_entries = usize::from(weight_range.is_some());
    if selected.len() + weight_entries != context.action_dim {
        return Err(BuildError::Invalid(format!(
            "the RL action has {} entries but {} coordinates are tracked ({}){}; set `coordinates` or the action size",
            context.action_dim,
            selected.len(),
            selected.iter().map(|&i| tracked[i].name).collect::<Vec<_>>().join(", "),
            if weight_range.is_some() { " and `weight_range` takes one more" } else { "" }
        )));
    }
    let periodic = selected.iter().map(|&i| params.wrap_angles && tracked[i].periodic).collect();
    let scale = per_coordinate("scale", params.scale, 1.0, selected.len())?;
    let offset = per_coordinate("offset", params.offset, 0.0, selected.len())?;
    if let Some(c) = params.action_bound {
        if !(c.is_finite() && c > 0.0) {
            return Err(BuildError::Invalid(format!("`action_bound` must be finite and > 0, got {c}")));
        }
    }
    if params.action_squash == Squash::Tanh && params.action_bound.is_none() {
        return Err(BuildError::Invalid(
            "`action_squash = \"tanh\"` squashes into [−c, c]: set `action_bound = c` as well".into(),
        ));
    }
    Ok(Box::new(TargetTracking {
        selected,
        periodic,
        scale,
        offset,
        action_bound: params.action_bound,
        squash: params.action_squash,
        weight_range,
    }))
}

/// One finite factor per tracked coordinate (`default` for each when absent), or an error
/// naming the parameter.
fn per_coordinate(name: &str, values: Option<Vec<f64>>, default: f64, n: usize) -> Result<Vec<f64>, BuildError> {
    let values = values.unwrap_or_else(|| vec![default; n]);
    if values.len() != n {
        return Err(BuildError::Invalid(format!("`{name}` has {} entries for {n} tracked coordinates", values.len())));
    }
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(BuildError::Invalid(format!("`{name}` must be finite, got {v}")));
    }
    Ok(values)
}

rlmpc_core::inventory::submit! {
    CostRegistration::new(
        "target-tracking",
        "Eq. 39: distance of the tracked coordinates to the target x*(a) the RL action gives",
        build,
        module_path!()
    )
}

#[cfg(test)]
mod tests {
    use rlmpc_core::{CostContext, Lanes, StateLayout, StepView, TrackedCoordinate};

    use super::*;

    fn context(action_dim: usize) -> CostContext {
        let tracked = vec![
            TrackedCoordinate { name: "theta", periodic: true },
            TrackedCoordinate { name: "speed", periodic: false },
        ];
        CostContext { layout: StateLayout { state_dim: 2, control_dim: 1, tracked, has_position: false }, action_dim }
    }

    fn view<'a, R: Real>(tracked: &'a [R]) -> StepView<'a, R> {
        StepView {
            prev_state: tracked,
            state: tracked,
            control: &tracked[..1],
            actuation: &tracked[..1],
            reward: R::zero(),
            tracked,
            position: [R::zero(); 2],
            zone: None,
        }
    }

    #[test]
    fn distance_wraps_angles_but_not_plain_coordinates() {
        let cost = TargetTracking {
            selected: vec![0, 1],
            periodic: vec![true, false],
            scale: vec![1.0, 1.0],
            offset: vec![0.0, 0.0],
            action_bound: None,
            squash: Squash::Clip,
            weight_range: None,
        };
        let pi = std::f64::consts::PI;
        let got = CostCoupling::running(&cost, &view(&[-pi + 0.3, 2.0]), &[pi - 0.1, 5.0]);
        assert!((got - (0.4f64.powi(2) + 9.0).sqrt()).abs() < 1e-12, "{got}");
        let lanes = CostCoupling::running(
            &cost,
            &view(&[Lanes::splat(-pi + 0.3), Lanes::splat(2.0)]),
            &[Lanes::splat(pi - 0.1), Lanes::splat(5.0)],
        );
        let mut out = [0.0; 16];
        lanes.store(&mut out);
        assert!(out.iter().all(|v| (v - got).abs() < 1e-5), "{out:?}");
    }

    #[test]
    fn wrap_angles_false_takes_the_plain_difference_of_eq_39() {
        let params = toml::Value::Table(toml::toml! { wrap_angles = false });
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        let cost = build(&mut de, &context(2)).ok().unwrap();
        let pi = std::f64::consts::PI;
        let got = rlmpc_core::cost::CostIn::<f64>::running(cost.as_ref(), &view(&[-pi + 0.3, 2.0]), &[pi - 0.1, 2.0]);
        assert!((got - (2.0 * pi - 0.4)).abs() < 1e-12, "{got}");
    }

    #[test]
    fn scale_turns_actions_into_targets() {
        let params = toml::Value::Table(toml::toml! { scale = [2.0, 10.0] });
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        let cost = build(&mut de, &context(2)).ok().unwrap();
        let got = rlmpc_core::cost::CostIn::<f64>::running(cost.as_ref(), &view(&[1.0, 5.0]), &[0.5, 0.5]);
        assert!(got.abs() < 1e-12, "x* = (1, 5) is reached: {got}");
        let params = toml::Value::Table(toml::toml! { scale = [2.0] });
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        assert!(build(&mut de, &context(2)).is_err(), "one factor per coordinate");
    }

    #[test]
    fn action_bound_clips_the_action_before_scaling_and_offset_shifts_the_target() {
        let params = toml::Value::Table(
            toml::from_str("scale = [2.0, 10.0]\noffset = [0.0, -3.0]\naction_bound = 0.5\nwrap_angles = false")
                .unwrap(),
        );
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        let cost = build(&mut de, &context(2)).ok().unwrap();
        // a = (3, −0.25) is clipped to (0.5, −0.25): x* = (0, −3) + (1, −2.5).
        let got = rlmpc_core::cost::CostIn::<f64>::running(cost.as_ref(), &view(&[1.0, -5.5]), &[3.0, -0.25]);
        assert!(got.abs() < 1e-12, "x* = (1, −5.5) is reached: {got}");
        for bad in [0.0, -1.0, f64::INFINITY] {
            let params = toml::Value::Table(toml::Table::from_iter([("action_bound".to_string(), bad.into())]));
            let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
            assert!(build(&mut de, &context(2)).is_err(), "action_bound = {bad} is refused");
        }
    }

    #[test]
    fn tanh_squash_keeps_distinct_actions_distinct_inside_the_bound() {
        let build_with = |text: &str| {
            let params = toml::Value::Table(toml::from_str(text).unwrap());
            let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
            build(&mut de, &context(1))
        };
        let cost = build_with("coordinates = [\"speed\"]\nscale = [0.5]\naction_bound = 2.0\naction_squash = \"tanh\"")
            .ok()
            .unwrap();
        let target = |a: f64| {
            // The speed at which the cost is 0 is the target: x* = 0.5·2·tanh(a/2).
            let expected = 0.5 * 2.0 * (a / 2.0).tanh();
            let at = rlmpc_core::cost::CostIn::<f64>::running(cost.as_ref(), &view(&[0.0, expected]), &[a]);
            assert!(at.abs() < 1e-12, "a = {a}: cost {at} at x* = {expected}");
            expected
        };
        assert!(target(3.0) < target(4.0) && target(4.0) < 1.0, "past the bound, actions still differ");
        assert!((target(1e-3) - 0.5e-3).abs() < 1e-9, "near 0 it scales like the clip");
        assert!((target(500.0) - 1.0).abs() < 1e-12 && (target(-500.0) + 1.0).abs() < 1e-12, "no overflow");
        let Err(BuildError::Invalid(message)) = build_with("coordinates = [\"speed\"]\naction_squash = \"tanh\"")
        else {
            panic!("tanh without a bound accepted")
        };
        assert!(message.contains("action_bound"), "{message}");
    }

    #[test]
    fn weight_range_lets_one_more_action_entry_scale_the_distance() {
        let build_with = |text: &str, action_dim: usize| {
            let params = toml::Value::Table(toml::from_str(text).unwrap());
            let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
            build(&mut de, &context(action_dim))
        };
        let cost = build_with("coordinates = [\"speed\"]\nweight_range = [0.0, 2.0]", 2).ok().unwrap();
        // The speed is 3 away from the target 0: the entry a_w scales that distance.
        let at = |a_w: f64| rlmpc_core::cost::CostIn::<f64>::running(cost.as_ref(), &view(&[0.0, 3.0]), &[0.0, a_w]);
        for (a_w, expected) in [(-7.0, 0.0), (-1.0, 0.0), (-0.5, 1.5), (0.0, 3.0), (1.0, 6.0), (4.0, 6.0)] {
            assert!((at(a_w) - expected).abs() < 1e-12, "a_w = {a_w}: {} against {expected}", at(a_w));
        }
        let Err(BuildError::Invalid(message)) = build_with("coordinates = [\"speed\"]\nweight_range = [0.0, 2.0]", 1)
        else {
            panic!("no entry left for the weight, accepted")
        };
        assert!(message.contains("`weight_range` takes one more"), "{message}");
        for bad in ["[1.0, 0.5]", "[-1.0, 1.0]", "[0.0, inf]"] {
            let text = format!("coordinates = [\"speed\"]\nweight_range = {bad}");
            let Err(BuildError::Invalid(message)) = build_with(&text, 2) else { panic!("{bad} accepted") };
            assert!(message.contains("0 ≤ lo ≤ hi"), "{message}");
        }
    }

    #[test]
    fn coordinates_select_by_name_and_sizes_must_match() {
        let params = toml::Value::Table(toml::toml! { coordinates = ["speed"] });
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        assert!(build(&mut de, &context(1)).is_ok());
        let params = toml::Value::Table(toml::Table::new());
        let mut de = <dyn rlmpc_core::erased_serde::Deserializer>::erase(params);
        let Err(BuildError::Invalid(message)) = build(&mut de, &context(1)) else { panic!("size mismatch accepted") };
        assert!(message.contains("1 entries but 2 coordinates"), "{message}");
    }
}
