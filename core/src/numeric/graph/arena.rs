//! The values of one graph session: K-sample f32 dfdx tensors on device `D`, and constants
//! kept on the host until an operation needs them as tensors. Each [`Op`] becomes the matching
//! dfdx operation (one kernel per operation on a GPU device: issue 18's op-per-kernel graph).

use dfdx::prelude::*;

use crate::numeric::op::Op;

/// K samples of one quantity on device `D`.
pub(crate) type Column<D> = Tensor<(usize,), f32, D>;
/// K booleans on device `D`.
type MaskColumn<D> = Tensor<(usize,), bool, D>;

/// Above this magnitude every f32 is an integer, so `floor` is the identity.
const F32_INTEGER_FROM: f32 = 4_194_304.0; // 2^22
/// Adding and subtracting 1.5·2^23 rounds an f32 of magnitude below 2^22 to an integer.
const F32_ROUNDING_SHIFT: f32 = 12_582_912.0;

/// One value of the session.
#[derive(Clone)]
enum Slot<D: Device<f32>> {
    Constant(f32),
    Column(Column<D>),
    ConstantMask(bool),
    Mask(MaskColumn<D>),
}

/// Every value made since the session began, indexed by the `u32` inside [`super::Graph`].
pub(crate) struct DeviceArena<D: Device<f32>> {
    pub(crate) device: D,
    pub(crate) k: usize,
    slots: Vec<Slot<D>>,
    /// Values below this index survive [`DeviceArena::compact`].
    pinned: usize,
}

impl<D: Device<f32>> DeviceArena<D> {
    /// An empty session for batches of `k` samples.
    pub(crate) fn new(device: D, k: usize) -> Self {
        Self { device, k, slots: Vec::new(), pinned: 0 }
    }

    fn push(&mut self, slot: Slot<D>) -> u32 {
        self.slots.push(slot);
        (self.slots.len() - 1) as u32
    }

    /// Adds a tensor of K samples as a value.
    pub(crate) fn insert(&mut self, column: Column<D>) -> u32 {
        self.push(Slot::Column(column))
    }

    /// The id of a host constant.
    pub(crate) fn constant(&mut self, value: f64) -> u32 {
        self.push(Slot::Constant(value as f32))
    }

    /// Whether `id` is the constant 0.
    pub(crate) fn is_constant_zero(&self, id: u32) -> bool {
        matches!(self.slots[id as usize], Slot::Constant(c) if c == 0.0)
    }

    /// Value `id` as a tensor of K samples (a constant is broadcast).
    pub(crate) fn column(&self, id: u32) -> Column<D> {
        match &self.slots[id as usize] {
            Slot::Column(t) => t.clone(),
            Slot::Constant(c) => self.filled(*c),
            Slot::ConstantMask(_) | Slot::Mask(_) => unreachable!("the Graph and GraphMask types keep masks apart"),
        }
    }

    fn filled(&self, value: f32) -> Column<D> {
        self.device.zeros_like(&(self.k,)) + value
    }

    fn mask(&self, id: u32) -> MaskColumn<D> {
        match &self.slots[id as usize] {
            Slot::Mask(m) => m.clone(),
            Slot::ConstantMask(b) => self.filled(f32::from(u8::from(*b))).gt(0.5),
            Slot::Constant(_) | Slot::Column(_) => unreachable!("the Graph and GraphMask types keep masks apart"),
        }
    }

    /// Makes the values so far survive every later [`DeviceArena::compact`].
    pub(crate) fn pin(&mut self) {
        self.pinned = self.slots.len();
    }

    /// Drops every unpinned value but `live`, renumbering those in place: the rollout calls
    /// this after each step so a session holds one step's intermediates, not H steps'.
    pub(crate) fn compact(&mut self, live: &mut [u32]) {
        let mut kept: Vec<(u32, u32)> = Vec::new();
        let mut moved: Vec<Slot<D>> = Vec::new();
        for id in live.iter_mut() {
            if (*id as usize) < self.pinned {
                continue;
            }
            let new_id = match kept.iter().find(|(old, _)| old == id) {
                Some(&(_, new)) => new,
                None => {
                    let new = (self.pinned + moved.len()) as u32;
                    moved.push(self.slots[*id as usize].clone());
                    kept.push((*id, new));
                    new
                }
            };
            *id = new_id;
        }
        self.slots.truncate(self.pinned);
        self.slots.extend(moved);
    }

    /// Applies `op` to `args` and returns the result's id.
    pub(crate) fn apply(&mut self, op: Op, args: &[u32]) -> u32 {
        let slot = match op {
            Op::Neg | Op::Sin | Op::Cos | Op::Sqrt | Op::Abs | Op::Exp | Op::Ln | Op::Floor => self.unary(op, args[0]),
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Min | Op::Max => self.binary(op, args[0], args[1]),
            Op::Lt | Op::Gt | Op::Le | Op::Ge => self.compare(op, args[0], args[1]),
            Op::And | Op::Or | Op::Not => self.logic(op, args),
            Op::Select => match self.slots[args[0] as usize] {
                Slot::ConstantMask(pick_true) => return if pick_true { args[1] } else { args[2] },
                _ => Slot::Column(self.mask(args[0]).choose(self.column(args[1]), self.column(args[2]))),
            },
        };
        self.push(slot)
    }

    fn unary(&self, op: Op, a: u32) -> Slot<D> {
        if let Slot::Constant(c) = self.slots[a as usize] {
            return Slot::Constant(unary_on_host(op, c));
        }
        let t = self.column(a);
        Slot::Column(match op {
            Op::Neg => -t,
            Op::Sin => t.sin(),
            Op::Cos => t.cos(),
            Op::Sqrt => t.sqrt(),
            Op::Abs => t.abs(),
            Op::Exp => t.exp(),
            Op::Ln => t.ln(),
            Op::Floor => self.floor(t),
            _ => unreachable!("unary() is called with unary operations only"),
        })
    }

    /// dfdx 0.13 has no floor: round with the f32 shift trick, step down where that rounded
    /// up, and keep values that are integers already.
    fn floor(&self, t: Column<D>) -> Column<D> {
        let rounded = (t.clone() + F32_ROUNDING_SHIFT) - F32_ROUNDING_SHIFT;
        let rounded_up = rounded.gt(&t);
        let floored = rounded_up.choose(rounded.clone() - 1.0, rounded);
        t.clone().abs().lt(F32_INTEGER_FROM).choose(floored, t)
    }

    fn binary(&self, op: Op, a: u32, b: u32) -> Slot<D> {
        match (&self.slots[a as usize], &self.slots[b as usize]) {
            (Slot::Constant(x), Slot::Constant(y)) => Slot::Constant(binary_on_host(op, *x, *y)),
            (Slot::Column(t), Slot::Constant(c)) => Slot::Column(match op {
                Op::Add => t.clone() + *c,
                Op::Sub => t.clone() - *c,
                Op::Mul => t.clone() * *c,
                Op::Div => t.clone() / *c,
                _ => self.binary_columns(op, t.clone(), self.filled(*c)),
            }),
            (Slot::Constant(c), Slot::Column(t)) => Slot::Column(match op {
                Op::Add => t.clone() + *c,
                Op::Mul => t.clone() * *c,
                Op::Sub => -t.clone() + *c,
                _ => self.binary_columns(op, self.filled(*c), t.clone()),
            }),
            _ => Slot::Column(self.binary_columns(op, self.column(a), self.column(b))),
        }
    }

    fn binary_columns(&self, op: Op, a: Column<D>, b: Column<D>) -> Column<D> {
        match op {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
            Op::Min => a.minimum(b),
            Op::Max => a.maximum(b),
            _ => unreachable!("binary_columns() is called with arithmetic operations only"),
        }
    }

    fn compare(&self, op: Op, a: u32, b: u32) -> Slot<D> {
        match (&self.slots[a as usize], &self.slots[b as usize]) {
            (Slot::Constant(x), Slot::Constant(y)) => Slot::ConstantMask(compare_on_host(op, *x, *y)),
            (Slot::Column(t), Slot::Constant(c)) => Slot::Mask(compare_scalar(op, t, *c)),
            (Slot::Constant(c), Slot::Column(t)) => Slot::Mask(compare_scalar(mirrored(op), t, *c)),
            _ => {
                let (x, y) = (self.column(a), self.column(b));
                Slot::Mask(match op {
                    Op::Lt => x.lt(&y),
                    Op::Gt => x.gt(&y),
                    Op::Le => x.le(&y),
                    _ => x.ge(&y),
                })
            }
        }
    }

    fn logic(&self, op: Op, args: &[u32]) -> Slot<D> {
        let constant = |id: u32| match self.slots[id as usize] {
            Slot::ConstantMask(b) => Some(b),
            _ => None,
        };
        match op {
            Op::Not => match constant(args[0]) {
                Some(b) => Slot::ConstantMask(!b),
                None => Slot::Mask(!self.mask(args[0])),
            },
            _ => {
                let is_and = op == Op::And;
                match (constant(args[0]), constant(args[1])) {
                    (Some(x), Some(y)) => Slot::ConstantMask(if is_and { x && y } else { x || y }),
                    // x ∧ true = x, x ∨ false = x; x ∧ false = false, x ∨ true = true.
                    (Some(c), None) | (None, Some(c)) => {
                        let other = if constant(args[0]).is_some() { args[1] } else { args[0] };
                        if c == is_and {
                            Slot::Mask(self.mask(other))
                        } else {
                            Slot::ConstantMask(c)
                        }
                    }
                    (None, None) if is_and => Slot::Mask(self.mask(args[0]) & self.mask(args[1])),
                    (None, None) => Slot::Mask(self.mask(args[0]) | self.mask(args[1])),
                }
            }
        }
    }
}

/// `c op t` as `t op' c`.
fn mirrored(op: Op) -> Op {
    match op {
        Op::Lt => Op::Gt,
        Op::Gt => Op::Lt,
        Op::Le => Op::Ge,
        _ => Op::Le,
    }
}

fn compare_scalar<D: Device<f32>>(op: Op, t: &Column<D>, c: f32) -> MaskColumn<D> {
    match op {
        Op::Lt => t.lt(c),
        Op::Gt => t.gt(c),
        Op::Le => t.le(c),
        _ => t.ge(c),
    }
}

fn unary_on_host(op: Op, c: f32) -> f32 {
    match op {
        Op::Neg => -c,
        Op::Sin => c.sin(),
        Op::Cos => c.cos(),
        Op::Sqrt => c.sqrt(),
        Op::Abs => c.abs(),
        Op::Exp => c.exp(),
        Op::Ln => c.ln(),
        _ => c.floor(),
    }
}

fn binary_on_host(op: Op, x: f32, y: f32) -> f32 {
    match op {
        Op::Add => x + y,
        Op::Sub => x - y,
        Op::Mul => x * y,
        Op::Div => x / y,
        Op::Min => crate::numeric::Real::min(x, y),
        _ => crate::numeric::Real::max(x, y),
    }
}

fn compare_on_host(op: Op, x: f32, y: f32) -> bool {
    match op {
        Op::Lt => x < y,
        Op::Gt => x > y,
        Op::Le => x <= y,
        _ => x >= y,
    }
}
