//! Pointwise activations and their derivatives.
//!
//! ```text
//! ReLU:           φ(z) = max(z, 0)                 φ'(z) = 1[z > 0]
//! leaky ReLU(s):  φ(z) = z if z > 0, else s·z       φ'(z) = 1 if z > 0, else s
//! tanh:           φ(z) = tanh z                    φ'(z) = 1 − φ(z)²
//! identity:       φ(z) = z                         φ'(z) = 1
//! ```
//!
//! Every derivative is written as a function of the *output* a = φ(z), so backpropagation
//! needs only the stored activations (for leaky ReLU with s > 0, a > 0 ⇔ z > 0). At the kink
//! z = 0 the (sub)derivative taken is the left one, 0 for ReLU and s for leaky ReLU.

use crate::error::{Error, Result};
use crate::nn::Float;

/// A pointwise nonlinearity applied after a dense layer.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Activation {
    /// max(z, 0).
    Relu,
    /// z for z > 0, `slope`·z otherwise; build it with [`Activation::leaky_relu`].
    LeakyRelu {
        /// Slope on the negative side, in (0, 1).
        slope: f64,
    },
    /// The hyperbolic tangent.
    Tanh,
    /// No nonlinearity (an output layer that returns logits or coordinates).
    Identity,
}

impl Activation {
    /// Leaky ReLU with negative-side slope `slope`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless 0 < `slope` < 1 (a slope ≥ 1 or ≤ 0 would break
    /// the rule a > 0 ⇔ z > 0 that the backward pass relies on).
    ///
    /// # Examples
    /// ```
    /// use gan_divergences::nn::Activation;
    /// let leaky = Activation::leaky_relu(0.2)?;
    /// assert_eq!(leaky.apply(-1.0_f64), -0.2);
    /// # Ok::<(), gan_divergences::Error>(())
    /// ```
    pub fn leaky_relu(slope: f64) -> Result<Self> {
        let leaky = Activation::LeakyRelu { slope };
        leaky.validate()?;
        Ok(leaky)
    }

    /// Checks an activation built from its public fields: a leaky ReLU slope must lie in
    /// (0, 1). The other activations have no parameter and always pass.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `slope` for a slope outside (0, 1) or NaN: the
    /// backward pass reads φ'(z) from the output a = φ(z) and needs a > 0 ⇔ z > 0.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Activation::LeakyRelu { slope } if !(slope > 0.0 && slope < 1.0) => {
                Err(Error::InvalidParameter {
                    name: "slope",
                    reason: "leaky ReLU slope must be in (0, 1)",
                })
            }
            _ => Ok(()),
        }
    }

    /// φ(z) for one value.
    #[must_use]
    pub fn apply<T: Float>(&self, z: T) -> T {
        match *self {
            Activation::Relu => z.max(T::zero()),
            Activation::LeakyRelu { slope } => {
                if z > T::zero() {
                    z
                } else {
                    z * T::of_f64(slope)
                }
            }
            Activation::Tanh => z.tanh(),
            Activation::Identity => z,
        }
    }

    /// φ'(z) written through the output a = φ(z).
    #[must_use]
    pub fn derivative_from_output<T: Float>(&self, a: T) -> T {
        match *self {
            Activation::Relu => {
                if a > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu { slope } => {
                if a > T::zero() {
                    T::one()
                } else {
                    T::of_f64(slope)
                }
            }
            Activation::Tanh => T::one() - a * a,
            Activation::Identity => T::one(),
        }
    }

    /// Applies φ in place to every entry of a buffer.
    pub(crate) fn apply_mut<T: Float>(&self, values: &mut [T]) {
        match *self {
            Activation::Relu => values.iter_mut().for_each(|v| *v = v.max(T::zero())),
            Activation::Identity => {}
            _ => values.iter_mut().for_each(|v| *v = self.apply(*v)),
        }
    }

    /// Multiplies an upstream gradient in place by φ'(z), given the outputs a = φ(z):
    /// `grad ← grad ⊙ φ'(a)`.
    pub(crate) fn backward_mut<T: Float>(&self, outputs: &[T], grad: &mut [T]) {
        debug_assert_eq!(outputs.len(), grad.len());
        match *self {
            Activation::Relu => grad.iter_mut().zip(outputs).for_each(|(g, &a)| {
                *g = if a > T::zero() { *g } else { T::zero() };
            }),
            Activation::Identity => {}
            _ => grad
                .iter_mut()
                .zip(outputs)
                .for_each(|(g, &a)| *g *= self.derivative_from_output(a)),
        }
    }

    /// A short lowercase name (`relu`, `leaky_relu`, `tanh`, `identity`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu { .. } => "leaky_relu",
            Activation::Tanh => "tanh",
            Activation::Identity => "identity",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_derivatives_by_hand() {
        let leaky = Activation::leaky_relu(0.1).unwrap();
        assert_eq!(Activation::Relu.apply(-2.0_f64), 0.0);
        assert_eq!(Activation::Relu.apply(3.0_f64), 3.0);
        assert_eq!(leaky.apply(-2.0_f64), -0.2);
        assert_eq!(leaky.derivative_from_output(-0.2_f64), 0.1);
        assert_eq!(Activation::Tanh.derivative_from_output(0.5_f64), 0.75);
        assert_eq!(Activation::Identity.derivative_from_output(-7.0_f64), 1.0);
    }

    #[test]
    fn leaky_slope_outside_unit_interval_is_rejected() {
        for slope in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(matches!(
                Activation::leaky_relu(slope),
                Err(Error::InvalidParameter { name: "slope", .. })
            ));
            assert!(Activation::LeakyRelu { slope }.validate().is_err());
        }
        assert!(Activation::Tanh.validate().is_ok());
    }
}
