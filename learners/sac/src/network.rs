//! ReLU multilayer perceptrons on dfdx with runtime sizes, laid out as PyTorch lays out
//! `nn.Linear` (weight `[outputs][inputs]`, y = x·Wᵀ + b) and initialised as PyTorch's default
//! `nn.Linear` init, which SB3's SAC keeps (no orthogonal init): W and b ~ U(−1/√fan_in, 1/√fan_in).

use dfdx::prelude::*;
use rand::Rng;
use rlmpc_learner_kit::dense::{self, Activation, Layer, Rows, Wanted, WeightLayout};
use rlmpc_learner_kit::{Param, Parameter};

use super::Matrix;

/// One `nn.Linear`.
#[derive(Clone)]
pub(crate) struct Linear {
    pub(crate) weight: Parameter<(usize, usize)>,
    pub(crate) bias: Parameter<(usize,)>,
}

impl Linear {
    /// PyTorch's default initialisation (`kaiming_uniform_(a=√5)` for W, the same bound for b).
    pub(crate) fn new(dev: &Cpu, inputs: usize, outputs: usize, rng: &mut impl Rng) -> Self {
        let bound = 1.0 / (inputs as f64).sqrt();
        let mut draw = |n: usize| (0..n).map(|_| rng.gen_range(-bound..bound) as f32).collect::<Vec<_>>();
        let weight = draw(inputs * outputs);
        let bias = draw(outputs);
        Self { weight: Parameter::new(dev, weight, (outputs, inputs)), bias: Parameter::new(dev, bias, (outputs,)) }
    }

    /// y = x·Wᵀ + b for a batch `[n][inputs]`.
    pub(crate) fn forward<T: Tape<f32, Cpu>>(&self, x: Matrix<T>) -> Matrix<T> {
        let weight = self.weight.tensor().retaped::<T>().permute::<(usize, usize), Axes2<1, 0>>();
        let y = x.matmul(weight);
        let shape = *y.shape();
        y + self.bias.tensor().retaped::<T>().broadcast_like::<_, Axis<0>>(&shape)
    }

    /// Its weights as the plain-Rust passes read them.
    pub(crate) fn as_layer(&self) -> Layer<'_> {
        Layer { weight: self.weight.values(), bias: self.bias.values(), layout: WeightLayout::OutputsByInputs }
    }

    fn params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a dyn Param)>) {
        out.push((format!("{prefix}.weight"), &self.weight));
        out.push((format!("{prefix}.bias"), &self.bias));
    }

    fn params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut dyn Param>) {
        out.push(&mut self.weight);
        out.push(&mut self.bias);
    }
}

/// `nn.Sequential` of Linear layers with a ReLU after each hidden one, and after the last too
/// when `relu_output` is set (SB3's `create_mlp`: the actor's latent network ends in a ReLU,
/// a Q network in a linear output). Layer i is named `<prefix>.<2i>`, its index in the
/// `Sequential` that holds the ReLUs between.
#[derive(Clone)]
pub(crate) struct Mlp {
    pub(crate) layers: Vec<Linear>,
    relu_output: bool,
}

impl Mlp {
    /// Layer sizes `inputs, hidden…, outputs`, initialised layer after layer from `rng`.
    pub(crate) fn new(dev: &Cpu, sizes: &[usize], relu_output: bool, rng: &mut impl Rng) -> Self {
        let layers = sizes.windows(2).map(|io| Linear::new(dev, io[0], io[1], rng)).collect();
        Self { layers, relu_output }
    }

    /// The network's output for a batch `[n][inputs]`.
    pub(crate) fn forward<T: Tape<f32, Cpu>>(&self, x: Matrix<T>) -> Matrix<T> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |x, (i, layer)| {
            let y = layer.forward(x);
            if i < last || self.relu_output {
                y.relu()
            } else {
                y
            }
        })
    }

    /// The activation after layer `index`.
    fn activation(&self, index: usize) -> Activation {
        if index + 1 < self.layers.len() || self.relu_output {
            Activation::Relu
        } else {
            Activation::Identity
        }
    }

    /// Each layer's output, after its activation, for the rows of `x`, in plain Rust (the
    /// matrix products on rayon's pool): the last is the network's output.
    pub(crate) fn forward_recorded(&self, x: Rows) -> Vec<Vec<f32>> {
        let mut outputs: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for (i, layer) in self.layers.iter().enumerate() {
            let input = outputs.last().map_or(x, |y| Rows::packed(y, layer.as_layer().inputs()));
            outputs.push(dense::forward(input, layer.as_layer(), self.activation(i), true));
        }
        outputs
    }

    /// The gradients of its parameters, in the order of [`params`](Self::params), and of its
    /// input, each when `wanted`, given `d_output` = dL/d(output) and the `outputs` of
    /// [`forward_recorded`](Self::forward_recorded) on the same `x`.
    pub(crate) fn backward(
        &self,
        x: Rows,
        outputs: &[Vec<f32>],
        d_output: Vec<f32>,
        wanted: Wanted,
    ) -> (Vec<Vec<f32>>, Option<Vec<f32>>) {
        let mut gradients = vec![Vec::new(); 2 * self.layers.len()];
        let mut d = d_output;
        for (k, layer) in self.layers.iter().enumerate().rev() {
            let layer_weights = layer.as_layer();
            dense::activation_backward(&mut d, Rows::packed(&outputs[k], layer_weights.outputs()), self.activation(k));
            let input = if k == 0 { x } else { Rows::packed(&outputs[k - 1], layer_weights.inputs()) };
            let needs_input = k > 0 || wanted.input;
            let g = dense::backward(input, layer_weights, &d, Wanted { input: needs_input, ..wanted }, true);
            (gradients[2 * k], gradients[2 * k + 1]) = (g.weight, g.bias);
            match g.input {
                Some(d_input) => d = d_input,
                None => return (gradients, None),
            }
        }
        (gradients, Some(d))
    }

    /// Its parameters in layer order, named `<prefix>.<2i>.weight|bias`.
    pub(crate) fn params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a dyn Param)>) {
        for (i, layer) in self.layers.iter().enumerate() {
            layer.params(&format!("{prefix}.{}", 2 * i), out);
        }
    }

    /// Its parameters in the order of [`params`](Self::params).
    pub(crate) fn params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut dyn Param>) {
        for layer in &mut self.layers {
            layer.params_mut(out);
        }
    }
}
