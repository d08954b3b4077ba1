//! # rlmpc-schedulers
//!
//! Influence schedulers (paper Sec. 4.4): plugins that set the ratio ρ with which virtual
//! MPPI tuples enter the policy loss (Eq. 10) or the minibatch (Eq. 8).
//!
//! | name | rule |
//! |---|---|
//! | `fixed` | ρ constant (Table 1–2's fixed settings) |
//! | `adaptive` | Alg. 2: ρ ← max(0, ρ(1 − (1 − λ)Ω)), Ω the EMA of the ensemble confidence |

mod adaptive;
mod fixed;

pub use adaptive::Adaptive;
pub use fixed::Fixed;
