//! # rlmpc-schedulers
//!
//! Influence schedulers (paper Sec. 4.4): plugins that set the ratio ρ with which virtual
//! MPPI tuples enter the policy loss (Eq. 10) or the minibatch (Eq. 8).
//!
//! | name | rule |
//! |---|---|
//! | `fixed` | ρ constant (Table 1–2's fixed settings) |

mod fixed;

pub use fixed::Fixed;
