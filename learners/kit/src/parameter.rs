//! Trainable tensors: a dfdx tensor (what the taped training pass reads) paired with a plain
//! copy of its values (what inference, the optimiser, Polyak averaging and checkpoints read).
//! Every change goes through [`Param::update`], which writes both, so the two never disagree.

use dfdx::prelude::*;

/// A tensor of shape `S` on the CPU device and its values, row-major.
pub struct Parameter<S: Shape> {
    tensor: Tensor<S, f32, Cpu>,
    values: Vec<f32>,
}

impl<S: Shape> Parameter<S> {
    /// A parameter of `shape` holding `values` (row-major, as many as the shape has).
    pub fn new(dev: &Cpu, values: Vec<f32>, shape: S) -> Self {
        Self { tensor: dev.tensor_from_vec(values.clone(), shape), values }
    }

    /// The tensor, without a tape.
    pub fn tensor(&self) -> &Tensor<S, f32, Cpu> {
        &self.tensor
    }
}

/// A copy is a new tensor (dfdx's `Tensor::clone` would keep the tensor's id, and gradients
/// are looked up by id): SAC's target critics start as such a copy of the critics.
impl<S: Shape> Clone for Parameter<S> {
    fn clone(&self) -> Self {
        let shape = *self.tensor.shape();
        Self::new(self.tensor.device(), self.values.clone(), shape)
    }
}

/// One parameter tensor seen as a flat f32 array, whatever its rank.
pub trait Param {
    /// Its dimensions.
    fn dims(&self) -> Vec<usize>;
    /// Its values, row-major.
    fn values(&self) -> &[f32];
    /// Its gradient in `grads`, row-major.
    fn gradient(&self, grads: &Gradients<f32, Cpu>) -> Vec<f32>;
    /// Changes its values in place with `change`.
    fn update(&mut self, change: &mut dyn FnMut(&mut [f32]));
    /// Overwrites its values.
    fn assign(&mut self, values: &[f32]) {
        self.update(&mut |theta| theta.copy_from_slice(values));
    }
}

impl<S: Shape> Param for Parameter<S> {
    fn dims(&self) -> Vec<usize> {
        self.tensor.shape().concrete().into_iter().collect()
    }
    fn values(&self) -> &[f32] {
        &self.values
    }
    fn gradient(&self, grads: &Gradients<f32, Cpu>) -> Vec<f32> {
        grads.get(&self.tensor).as_vec()
    }
    fn update(&mut self, change: &mut dyn FnMut(&mut [f32])) {
        change(&mut self.values);
        self.tensor.copy_from(&self.values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Taped = OwnedTape<f32, Cpu>;

    #[test]
    fn an_update_reaches_both_the_values_and_the_tensor() {
        let dev = Cpu::default();
        let mut p = Parameter::new(&dev, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], (2usize, 3usize));
        p.update(&mut |theta| theta.iter_mut().for_each(|x| *x *= -2.0));
        assert_eq!(p.values(), [-2.0, -4.0, -6.0, -8.0, -10.0, -12.0]);
        assert_eq!(p.tensor().as_vec(), p.values());
        assert_eq!(p.dims(), [2, 3]);
    }

    #[test]
    fn a_copy_is_a_separate_tensor_with_its_own_gradient_and_values() {
        let original = Parameter::new(&Cpu::default(), vec![1.0, 2.0], (2usize,));
        let mut copy = original.clone();
        // loss = Σ original + 3·Σ copy: each must receive only its own gradient.
        let loss = original.tensor().retaped::<Taped>().sum::<Rank0, _>()
            + copy.tensor().retaped::<Taped>().sum::<Rank0, _>() * 3.0;
        let grads = loss.backward();
        assert_eq!((original.gradient(&grads), copy.gradient(&grads)), (vec![1.0, 1.0], vec![3.0, 3.0]));
        copy.update(&mut |theta| theta[0] = 5.0);
        assert_eq!((original.values(), original.tensor().as_vec()), (&[1.0, 2.0][..], vec![1.0, 2.0]));
        assert_eq!(copy.tensor().as_vec(), [5.0, 2.0]);
    }
}
