//! [`Graph`]: the [`Real`](super::Real) whose values are dfdx tensors of K samples on any dfdx
//! device (issue 18, part 1). Model and cost code written against `Real` runs unchanged; every
//! operation it performs appends the matching dfdx operation to the current session's device.
//!
//! `Real` values are `Copy`, and dfdx tensors are not, so a [`Graph`] is the id of a tensor
//! held by the thread's current session ([`DeviceArena`]). The MPPI engine opens a session
//! for each call ([`with_session`]) and compacts it after each rollout step.

mod arena;

use std::any::Any;
use std::cell::RefCell;

use dfdx::prelude::Device;

pub(crate) use arena::{Column, DeviceArena};

use super::op::{recorded_real, Op, Recorder};

/// K samples of one quantity as a dfdx tensor of the current session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Graph(u32);

/// K booleans as a dfdx tensor of the current session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphMask(u32);

/// A session's arena with its device type erased, so one thread-local serves every device.
trait Session {
    fn constant(&mut self, value: f64) -> u32;
    fn apply(&mut self, op: Op, args: &[u32]) -> u32;
    fn is_constant_zero(&self, id: u32) -> bool;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<D: Device<f32>> Session for DeviceArena<D> {
    fn constant(&mut self, value: f64) -> u32 {
        DeviceArena::constant(self, value)
    }
    fn apply(&mut self, op: Op, args: &[u32]) -> u32 {
        DeviceArena::apply(self, op, args)
    }
    fn is_constant_zero(&self, id: u32) -> bool {
        DeviceArena::is_constant_zero(self, id)
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

thread_local! {
    static SESSION: RefCell<Option<Box<dyn Session>>> = const { RefCell::new(None) };
}

fn with_current<T>(f: impl FnOnce(&mut dyn Session) -> T) -> T {
    SESSION.with_borrow_mut(|session| {
        f(session.as_deref_mut().expect("Graph values exist only inside graph::with_session"))
    })
}

/// The session's ops go straight to its device.
struct GraphRecorder;

impl Recorder for GraphRecorder {
    fn constant(value: f64) -> u32 {
        with_current(|s| s.constant(value))
    }
    fn apply(op: Op, args: &[u32]) -> u32 {
        with_current(|s| s.apply(op, args))
    }
    fn is_constant_zero(id: u32) -> bool {
        with_current(|s| s.is_constant_zero(id))
    }
}

recorded_real!(Graph, GraphMask, GraphRecorder);

/// Runs `f` with a fresh session of `k`-sample values on `device` as this thread's current
/// one; [`Graph`] values made inside are valid only until it returns.
pub(crate) fn with_session<D: Device<f32>, T>(device: D, k: usize, f: impl FnOnce() -> T) -> T {
    let previous = SESSION.with_borrow_mut(|s| s.replace(Box::new(DeviceArena::new(device, k))));
    let result = f();
    SESSION.with_borrow_mut(|s| *s = previous);
    result
}

/// Typed access to the current session, which must be on device `D`.
pub(crate) fn with_arena<D: Device<f32>, T>(f: impl FnOnce(&mut DeviceArena<D>) -> T) -> T {
    with_current(|s| {
        f(s.as_any_mut().downcast_mut::<DeviceArena<D>>().expect("the session runs on the device it was opened with"))
    })
}

impl Graph {
    /// A tensor of K samples as a value of the current session.
    pub(crate) fn from_column<D: Device<f32>>(column: Column<D>) -> Graph {
        Graph(with_arena(|a: &mut DeviceArena<D>| a.insert(column)))
    }

    /// This value as a tensor of K samples.
    pub(crate) fn column<D: Device<f32>>(self) -> Column<D> {
        with_arena(|a: &mut DeviceArena<D>| a.column(self.0))
    }

    /// Keeps every value made so far for the rest of the session.
    pub(crate) fn pin<D: Device<f32>>() {
        with_arena(|a: &mut DeviceArena<D>| a.pin());
    }

    /// Frees every unpinned value except those in `live`, which are renumbered in place.
    pub(crate) fn compact<D: Device<f32>>(live: &mut [&mut [Graph]]) {
        let mut ids: Vec<u32> = live.iter().flat_map(|values| values.iter().map(|g| g.0)).collect();
        with_arena(|a: &mut DeviceArena<D>| a.compact(&mut ids));
        let mut ids = ids.into_iter();
        for values in live.iter_mut() {
            for (value, id) in values.iter_mut().zip(ids.by_ref()) {
                value.0 = id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use dfdx::prelude::*;

    use super::*;
    use crate::numeric::{Mask, Real};

    fn on_cpu(xs: &[f64], f: impl Fn(Graph) -> Graph) -> Vec<f32> {
        let device = Cpu::default();
        let column = device.tensor_from_vec(xs.iter().map(|&x| x as f32).collect(), (xs.len(),));
        with_session(device, xs.len(), || f(Graph::from_column::<Cpu>(column)).column::<Cpu>().as_vec())
    }

    #[test]
    fn graph_agrees_with_f64_on_every_method() {
        let xs: Vec<f64> = (0..40).map(|i| -13.0 + 0.71 * i as f64).collect();
        type Check = (&'static str, fn(Graph) -> Graph, fn(f64) -> f64);
        let checks: [Check; 7] = [
            ("sin", |x| x.sin(), f64::sin),
            ("floor", |x| x.floor(), f64::floor),
            ("angle_normalize", |x| x.angle_normalize(), |v| Real::angle_normalize(v)),
            ("wrap", |x| x.wrap(-3.0, 3.0), |v| Real::wrap(v, -3.0, 3.0)),
            ("clamp", |x| x.clamp(Graph::splat(-2.0), Graph::splat(1.5)), |v| v.clamp(-2.0, 1.5)),
            ("const minus", |x| Graph::splat(2.0) - x * x, |v| 2.0 - v * v),
            (
                "masks",
                |x| {
                    let outside = x.lt(Graph::splat(4.0)).not().or(x.le(Graph::splat(0.0)));
                    Graph::indicator(x.gt(Graph::splat(-10.0)).and(outside))
                },
                |v| f64::from(v > -10.0 && (v >= 4.0 || v <= 0.0)),
            ),
        ];
        for (name, f, reference) in checks {
            for (x, got) in xs.iter().zip(on_cpu(&xs, f)) {
                let want = reference(*x);
                assert!((f64::from(got) - want).abs() < 1e-5 * want.abs().max(1.0), "{name}({x}): {got} vs {want}");
            }
        }
    }

    #[test]
    fn compaction_keeps_live_values_and_pinned_ones() {
        let got = on_cpu(&[1.0, 2.0], |x| {
            let y = x + Graph::splat(1.0);
            Graph::pin::<Cpu>();
            let mut live = [y * y, Graph::splat(0.5)];
            let _garbage = live[0].sin();
            Graph::compact::<Cpu>(&mut [&mut live]);
            live[0] * live[1] + y
        });
        assert_eq!(got, vec![4.0, 7.5]);
    }
}
