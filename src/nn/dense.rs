//! Dense (fully connected) layers and their seeded initialization.
//!
//! ```text
//! z = W a + b,   W ∈ R^{n_out × n_in},   b ∈ R^{n_out},   output φ(z)
//! ```
//!
//! Initialization schemes (fan_in = n_in):
//!
//! ```text
//! UniformFanIn:  Wᵢⱼ, bᵢ ~ U(−1/√fan_in, 1/√fan_in)   (PyTorch's nn.Linear default)
//! HeNormal:      Wᵢⱼ ~ N(0, 2/fan_in),  b = 0          (He et al. 2015)
//! Normal(σ):     Wᵢⱼ ~ N(0, σ²),        b = 0          (DCGAN uses σ = 0.02)
//! ```
//!
//! The draws come from the caller's random generator in a fixed order (weights column by
//! column, then biases), so a seeded generator gives the same network on every platform.

use nalgebra::{DMatrix, DVector};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

use crate::error::{Error, Result};
use crate::nn::{Activation, Float};

/// How the weights and biases of a new layer are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Initialization {
    /// W and b uniform on ±1/√fan_in, as PyTorch's `nn.Linear` does by default.
    UniformFanIn,
    /// W ~ N(0, 2/fan_in), b = 0 (He et al., *Delving deep into rectifiers*, 2015).
    HeNormal,
    /// W ~ N(0, std²), b = 0.
    Normal {
        /// Standard deviation of the weights, > 0.
        std: f64,
    },
}

/// An affine map followed by an activation: a ↦ φ(W a + b).
#[derive(Debug, Clone, PartialEq)]
pub struct Dense<T: Float> {
    pub(crate) weight: DMatrix<T>,
    pub(crate) bias: DVector<T>,
    pub(crate) activation: Activation,
}

impl<T: Float> Dense<T> {
    /// A layer with the given weight (`n_out × n_in`), bias (`n_out`) and activation.
    ///
    /// # Errors
    /// - [`Error::Empty`] if the weight has no rows or no columns;
    /// - [`Error::LengthMismatch`] if the bias length differs from the number of rows;
    /// - [`Error::NonFinite`] for a NaN or infinite weight or bias (flat column-major index);
    /// - [`Error::InvalidParameter`] for an activation that fails [`Activation::validate`].
    ///
    /// # Examples
    /// ```
    /// use gan_divergences::nn::{Activation, Dense};
    /// use nalgebra::{DMatrix, DVector};
    /// let weight = DMatrix::<f64>::identity(2, 3);
    /// let layer = Dense::new(weight, DVector::zeros(2), Activation::Relu)?;
    /// assert_eq!((layer.n_inputs(), layer.n_outputs()), (3, 2));
    /// # Ok::<(), gan_divergences::Error>(())
    /// ```
    pub fn new(weight: DMatrix<T>, bias: DVector<T>, activation: Activation) -> Result<Self> {
        if weight.is_empty() {
            return Err(Error::Empty {
                what: "layer weight",
            });
        }
        if bias.len() != weight.nrows() {
            return Err(Error::LengthMismatch {
                what: "layer bias",
                expected: weight.nrows(),
                found: bias.len(),
            });
        }
        first_non_finite("layer weight", weight.as_slice())?;
        first_non_finite("layer bias", bias.as_slice())?;
        activation.validate()?;
        Ok(Dense {
            weight,
            bias,
            activation,
        })
    }

    /// A layer `n_inputs → n_outputs` with random parameters drawn by `init` from `rng`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if a size is zero, a `Normal` standard deviation is not
    /// finite and positive, or the activation fails [`Activation::validate`].
    pub fn random<R: Rng + ?Sized>(
        n_inputs: usize,
        n_outputs: usize,
        activation: Activation,
        init: Initialization,
        rng: &mut R,
    ) -> Result<Self> {
        if n_inputs == 0 || n_outputs == 0 {
            return Err(Error::InvalidParameter {
                name: "layer sizes",
                reason: "every layer needs at least one input and one output",
            });
        }
        activation.validate()?;
        let fan_in = n_inputs as f64;
        let (weight, bias) = match init {
            Initialization::UniformFanIn => {
                let bound = 1.0 / fan_in.sqrt();
                let law = Uniform::new_inclusive(-bound, bound).map_err(|_| bad_std())?;
                let weight = DMatrix::from_fn(n_outputs, n_inputs, |_, _| draw(&law, rng));
                (weight, DVector::from_fn(n_outputs, |_, _| draw(&law, rng)))
            }
            Initialization::HeNormal => {
                let law = Normal::new(0.0, (2.0 / fan_in).sqrt()).map_err(|_| bad_std())?;
                let weight = DMatrix::from_fn(n_outputs, n_inputs, |_, _| draw(&law, rng));
                (weight, DVector::zeros(n_outputs))
            }
            Initialization::Normal { std } => {
                if !(std.is_finite() && std > 0.0) {
                    return Err(bad_std());
                }
                let law = Normal::new(0.0, std).map_err(|_| bad_std())?;
                let weight = DMatrix::from_fn(n_outputs, n_inputs, |_, _| draw(&law, rng));
                (weight, DVector::zeros(n_outputs))
            }
        };
        Ok(Dense {
            weight,
            bias,
            activation,
        })
    }

    /// Number of inputs n_in.
    #[must_use]
    pub fn n_inputs(&self) -> usize {
        self.weight.ncols()
    }

    /// Number of outputs n_out.
    #[must_use]
    pub fn n_outputs(&self) -> usize {
        self.weight.nrows()
    }

    /// The weight matrix W (`n_out × n_in`).
    #[must_use]
    pub fn weight(&self) -> &DMatrix<T> {
        &self.weight
    }

    /// The bias vector b.
    #[must_use]
    pub fn bias(&self) -> &DVector<T> {
        &self.bias
    }

    /// The activation φ.
    #[must_use]
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Mutable access to W and b, e.g. for a finite-difference check. Shapes cannot change.
    pub fn parameters_mut(&mut self) -> (&mut [T], &mut [T]) {
        (self.weight.as_mut_slice(), self.bias.as_mut_slice())
    }
}

fn draw<T: Float, D: Distribution<f64>, R: Rng + ?Sized>(law: &D, rng: &mut R) -> T {
    T::of_f64(law.sample(rng))
}

fn bad_std() -> Error {
    Error::InvalidParameter {
        name: "init std",
        reason: "must be finite and > 0",
    }
}

fn first_non_finite<T: Float>(what: &'static str, values: &[T]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { what, index }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn seeded_initialization_is_reproducible_and_bounded() {
        let make = || {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            Dense::<f64>::random(
                16,
                4,
                Activation::Relu,
                Initialization::UniformFanIn,
                &mut rng,
            )
            .unwrap()
        };
        let (a, b) = (make(), make());
        assert_eq!(a, b);
        assert!(a.weight.iter().all(|w| w.abs() <= 0.25));
    }

    #[test]
    fn bad_shapes_and_values_are_rejected() {
        let w = DMatrix::<f64>::zeros(2, 3);
        let err = Dense::new(w.clone(), DVector::zeros(3), Activation::Tanh).unwrap_err();
        assert!(matches!(
            err,
            Error::LengthMismatch {
                expected: 2,
                found: 3,
                ..
            }
        ));
        let mut bad = w.clone();
        bad[(1, 2)] = f64::NAN;
        let err = Dense::new(bad, DVector::zeros(2), Activation::Tanh).unwrap_err();
        assert_eq!(
            err,
            Error::NonFinite {
                what: "layer weight",
                index: 5
            }
        );
        let err = Dense::new(
            DMatrix::<f64>::zeros(0, 3),
            DVector::zeros(0),
            Activation::Relu,
        );
        assert!(matches!(err, Err(Error::Empty { .. })));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let init = Initialization::Normal { std: -1.0 };
        let err = Dense::<f64>::random(2, 2, Activation::Relu, init, &mut rng).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidParameter {
                name: "init std",
                ..
            }
        ));
    }

    #[test]
    fn leaky_relu_built_from_its_field_is_checked() {
        // a negative slope breaks a > 0 ⇔ z > 0, so the backward pass would be wrong
        let bad = Activation::LeakyRelu { slope: -0.5 };
        let err = Dense::new(DMatrix::<f64>::zeros(1, 1), DVector::zeros(1), bad);
        assert!(matches!(
            err,
            Err(Error::InvalidParameter { name: "slope", .. })
        ));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let err = Dense::<f64>::random(2, 2, bad, Initialization::HeNormal, &mut rng);
        assert!(matches!(
            err,
            Err(Error::InvalidParameter { name: "slope", .. })
        ));
    }
}
