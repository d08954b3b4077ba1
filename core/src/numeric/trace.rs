//! [`Traced`]: the [`Real`](super::Real) that records what model and cost code computes
//! instead of computing it (issue 18, part 2). One run of the generic code over inputs
//! [`Traced::input`] yields a [`Trace`], a straight-line program of [`Op`]s that
//! [`Trace::evaluate`] interprets on the CPU and `crate::fused` emits as CUDA C.

use std::cell::RefCell;

use super::op::{recorded_real, Op, Recorder};
use super::real::Real;

/// One recorded value: the id of a [`Node`] of the thread's current trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traced(u32);

/// One recorded mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TracedMask(u32);

/// How a value of a trace is made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Node {
    /// A constant.
    Constant(f64),
    /// The program's input number i.
    Input(usize),
    /// `op` applied to earlier nodes (the unused operands are 0).
    Apply(Op, [u32; 3]),
}

/// A straight-line program: nodes in evaluation order, and which of them are its outputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    /// Every value, each made from earlier ones.
    pub nodes: Vec<Node>,
    /// The number of inputs.
    pub inputs: usize,
    /// The nodes the program returns, in order.
    pub outputs: Vec<u32>,
}

thread_local! {
    static RECORDING: RefCell<Option<Vec<Node>>> = const { RefCell::new(None) };
}

fn push(node: Node) -> u32 {
    RECORDING.with_borrow_mut(|nodes| {
        let nodes = nodes.as_mut().expect("Traced values exist only inside Trace::record");
        nodes.push(node);
        (nodes.len() - 1) as u32
    })
}

struct TraceRecorder;

impl Recorder for TraceRecorder {
    fn constant(value: f64) -> u32 {
        push(Node::Constant(value))
    }
    fn apply(op: Op, args: &[u32]) -> u32 {
        let mut operands = [0; 3];
        operands[..args.len()].copy_from_slice(args);
        push(Node::Apply(op, operands))
    }
    fn is_constant_zero(id: u32) -> bool {
        RECORDING.with_borrow(
            |nodes| matches!(nodes.as_ref().and_then(|n| n.get(id as usize)), Some(Node::Constant(c)) if *c == 0.0),
        )
    }
}

recorded_real!(Traced, TracedMask, TraceRecorder);

impl Trace {
    /// Records `f` applied to `inputs` fresh input values; what it returns are the outputs.
    pub fn record(inputs: usize, f: impl FnOnce(&[Traced]) -> Vec<Traced>) -> Trace {
        let previous = RECORDING.with_borrow_mut(|r| r.replace(Vec::new()));
        let values: Vec<Traced> = (0..inputs).map(|i| Traced(push(Node::Input(i)))).collect();
        let outputs = f(&values).into_iter().map(|v| v.0).collect();
        let nodes = RECORDING.with_borrow_mut(|r| std::mem::replace(r, previous)).unwrap_or_default();
        Trace { nodes, inputs, outputs }
    }

    /// The outputs for `inputs`, computed in f64 (masks as 0 / 1) with [`Real`]'s f64
    /// semantics: the reference the emitted CUDA C is held to.
    pub fn evaluate(&self, inputs: &[f64]) -> Vec<f64> {
        let mut values = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let value = match *node {
                Node::Constant(c) => c,
                Node::Input(i) => inputs[i],
                Node::Apply(op, [a, b, c]) => {
                    let (a, b, c) = (values[a as usize], values[b as usize], values[c as usize]);
                    apply_f64(op, a, b, c)
                }
            };
            values.push(value);
        }
        self.outputs.iter().map(|&o| values[o as usize]).collect()
    }
}

fn apply_f64(op: Op, a: f64, b: f64, c: f64) -> f64 {
    let truth = |x: bool| f64::from(u8::from(x));
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
        Op::Neg => -a,
        Op::Sin => a.sin(),
        Op::Cos => a.cos(),
        Op::Sqrt => a.sqrt(),
        Op::Abs => a.abs(),
        Op::Exp => a.exp(),
        Op::Ln => a.ln(),
        Op::Floor => a.floor(),
        Op::Min => Real::min(a, b),
        Op::Max => Real::max(a, b),
        Op::Lt => truth(a < b),
        Op::Gt => truth(a > b),
        Op::Le => truth(a <= b),
        Op::Ge => truth(a >= b),
        Op::And => truth(a != 0.0 && b != 0.0),
        Op::Or => truth(a != 0.0 || b != 0.0),
        Op::Not => truth(a == 0.0),
        Op::Select => {
            if a != 0.0 {
                b
            } else {
                c
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::Mask;

    #[test]
    fn a_trace_evaluates_like_the_f64_code_it_recorded() {
        fn model<R: Real>(x: R, y: R) -> R {
            let inside = x.gt(R::splat(-1.0)).and(y.lt(R::splat(2.0)).not());
            R::select(inside, (x * y).sin(), x.angle_normalize() - y.wrap(-3.0, 3.0).sqrt().abs())
        }
        let trace = Trace::record(2, |v| vec![model(v[0], v[1])]);
        for (x, y) in [(0.5, 3.0), (-4.0, 1.0), (7.3, -9.5), (0.0, 2.0)] {
            assert_eq!(trace.evaluate(&[x, y]), vec![model(x, y)]);
        }
    }
}
