//! The networks of the learner: SB3's `ActorCriticPolicy` for a Box action space — a diagonal
//! Gaussian π(a|s) = N(μ(s), diag σ²) with a state-independent log σ — and a separate critic of
//! D independent value heads (decision record §4), packed into one [`ValueEnsemble`], whose mean is V(s).

use dfdx::prelude::*;
use rand::Rng;
use rlmpc_learner_kit::{Param, Parameter};

use super::loss::{LossStats, LossTargets};
use super::loss_gradient::{ppo_loss_gradient, Outputs, Share};
use super::network::{Matrix, Mlp};
use super::value_ensemble::ValueEnsemble;
use super::{PpoConfig, Taped, Vector};

/// ½·ln(2π), the Gaussian's normalising term per action dimension.
pub(crate) const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// What SB3's `evaluate_actions` returns for a minibatch, on one tape per branch.
pub(crate) struct Evaluation {
    /// log π(a|s) per row.
    pub(crate) log_prob: Vector<Taped>,
    /// Entropy of π(·|s) per row.
    pub(crate) entropy: Vector<Taped>,
    /// Each head's V_d(s), `[D][n]`.
    pub(crate) values: Matrix<Taped>,
}

/// Policy mean network, log σ and the value heads.
pub(crate) struct ActorCritic {
    dev: Cpu,
    actor: Mlp,
    log_std: Parameter<(usize,)>,
    critic: ValueEnsemble,
}

impl ActorCritic {
    /// SB3's initialisation: orthogonal weights (gain √2 hidden, 0.01 for μ's output layer, 1 for
    /// each value output), zero biases, log σ = `log_std_init`. The heads are drawn one after
    /// another from `rng`, so each starts different.
    pub(crate) fn new(config: &PpoConfig, observation_dim: usize, action_dim: usize, rng: &mut impl Rng) -> Self {
        let dev = Cpu::default();
        let sizes = |hidden: &[usize], outputs: usize| {
            std::iter::once(observation_dim).chain(hidden.iter().copied()).chain([outputs]).collect::<Vec<_>>()
        };
        let actor = Mlp::new(&dev, &sizes(&config.actor_hidden, action_dim), 0.01, rng);
        let critic = ValueEnsemble::new(&dev, observation_dim, &config.critic_hidden, config.value_heads, rng);
        let log_std = Parameter::new(&dev, vec![config.log_std_init as f32; action_dim], (action_dim,));
        Self { dev, actor, log_std, critic }
    }

    /// A matrix of `values` with `cols` columns (cols > 0).
    pub(crate) fn matrix(&self, values: Vec<f32>, cols: usize) -> Matrix {
        let rows = values.len() / cols;
        self.dev.tensor_from_vec(values, (rows, cols))
    }

    /// μ(s) for a batch of observations, `[n][action_dim]`, without a tape.
    pub(crate) fn mean(&self, observations: &[f32], rows: usize) -> Vec<f32> {
        self.actor.infer(observations, rows)
    }

    /// log σ.
    pub(crate) fn log_std(&self) -> &[f32] {
        self.log_std.values()
    }

    /// Each head's V_d(s), row-major `[n][D]`, without a tape.
    pub(crate) fn heads(&self, observations: &[f32], rows: usize) -> Vec<f32> {
        self.critic.infer(observations, rows)
    }

    /// log π(a|s), the entropy and the D values for a minibatch, recorded for backpropagation.
    /// The Gaussian is torch's `Normal`: log π = Σ_j −(a_j − μ_j)²/(2σ_j²) − log σ_j − ½ln 2π,
    /// entropy = Σ_j ½ + ½ln 2π + log σ_j.
    pub(crate) fn evaluate(&self, observations: &Matrix, actions: &Matrix) -> Evaluation {
        let mean = self.actor.forward(observations.retaped::<Taped>());
        let shape = *mean.shape();
        let rows = (shape.0,);
        let log_std = self.log_std.tensor();
        let std = log_std.retaped::<Taped>().exp().broadcast_like::<_, Axis<0>>(&shape);
        let var = std.square();
        let log_std = log_std.retaped::<Taped>().broadcast_like::<_, Axis<0>>(&shape);
        let log_prob = (-(mean - actions.clone()).square() / (var * 2.0) - log_std - HALF_LN_2PI as f32)
            .sum::<(usize,), Axis<1>>();
        let per_row = 0.5 + HALF_LN_2PI;
        let entropy =
            (self.log_std.tensor().retaped::<Taped>() + per_row as f32).sum::<Rank0, _>().broadcast_like(&rows);
        let values = self.critic.forward(observations.retaped::<Taped>());
        Evaluation { log_prob, entropy, values }
    }

    /// The gradient of `share.weight` · [`ppo_loss_part`](super::loss::ppo_loss_part) of these rows
    /// (row-major observations and actions) for every parameter, in the order of
    /// [`params`](Self::params), and the part's logged terms: the fused training pass, with the
    /// forward and backward passes in plain Rust on the calling thread, the same function as
    /// [`evaluate`](Self::evaluate) with that loss and dfdx's backward pass, up to rounding.
    pub(crate) fn loss_gradient(
        &self,
        observations: &[f32],
        actions: &[f32],
        targets: &LossTargets<'_>,
        share: Share,
        config: &PpoConfig,
    ) -> (Vec<Vec<f32>>, LossStats) {
        let rows = targets.returns.len();
        let actor = self.actor.forward_recorded(observations, rows);
        let critic = self.critic.forward_recorded(observations, rows);
        let values = critic.values();
        let outputs =
            Outputs { mean: actor.last().expect("at least one layer"), log_std: self.log_std(), values: &values };
        let d = ppo_loss_gradient(&outputs, actions, targets, share, config);
        let mut gradient = self.actor.backward(observations, rows, &actor, d.mean);
        gradient.push(d.log_std);
        gradient.extend(self.critic.backward(observations, &critic, &d.values));
        (gradient, d.stats)
    }

    /// Every parameter with its checkpoint name, in a fixed order: the policy network
    /// (`actor.<layer>.weight|bias`), `log_std`, then the packed heads (`critic.<layer>.…`).
    pub(crate) fn params(&self) -> Vec<(String, &dyn Param)> {
        let mut out = Vec::new();
        self.actor.params("actor", &mut out);
        out.push(("log_std".to_string(), &self.log_std as &dyn Param));
        self.critic.params("critic", &mut out);
        out
    }

    /// The parameters in the order of [`params`](Self::params).
    pub(crate) fn params_mut(&mut self) -> Vec<&mut dyn Param> {
        let mut out = Vec::new();
        self.actor.params_mut(&mut out);
        out.push(&mut self.log_std as &mut dyn Param);
        self.critic.params_mut(&mut out);
        out
    }
}
