//! Multilayer perceptrons with hand-written backpropagation over a batch.
//!
//! A network is a chain of dense layers, each followed by an activation:
//!
//! ```text
//! a₀ = x,   zₗ = Wₗ aₗ₋₁ + bₗ,   aₗ = φₗ(zₗ),   l = 1, …, L,   f(x) = a_L
//! ```
//!
//! A batch of `n` samples is a matrix with one sample **per column** (`dim × n`), so the
//! forward pass of a layer is one matrix product `Z = W A + b 1ᵀ` and the backward pass is
//! two (`∂W = Δ Aᵀ`, `∂A = Wᵀ Δ`), computed by nalgebra's `gemm` (matrixmultiply underneath).
//!
//! Everything is generic over the float type through [`Float`] (`f32` for speed, `f64` where
//! an experiment measures gradients many orders of magnitude small).
//!
//! - [`activation`]: ReLU, leaky ReLU, tanh, identity;
//! - [`dense`]: one affine layer with its activation;
//! - [`mlp`]: the network, its forward and backward passes, [`Gradient`] and the reusable
//!   [`Workspace`];
//! - [`loss`]: GAN and WGAN losses from logits, in stable softplus forms;
//! - [`optim`]: SGD, RMSProp and Adam, and weight clipping.
//!
//! # Limitations
//! - Dense layers only: no convolution, batch or layer normalization, dropout.
//! - At a ReLU kink (z = 0 exactly) the subgradient 0 is taken, so a finite-difference
//!   check there disagrees; the gradient checks keep their inputs away from kinks.
//! - Single-threaded: below the `gemm` sizes the products run on direct loops, and the
//!   batch is never split across cores.
//! - In `f32` the forward and backward sums round in `f32`; only losses, norms and reported
//!   numbers are accumulated in `f64`.
//!
//! # References
//! D. E. Rumelhart, G. E. Hinton and R. J. Williams, *Learning representations by
//! back-propagating errors*, Nature 323 (1986).

pub mod activation;
pub mod dense;
pub mod loss;
pub mod mlp;
pub mod optim;

pub use activation::Activation;
pub use dense::{Dense, Initialization};
pub use loss::GeneratorCost;
pub use mlp::{Gradient, Mlp, Workspace};
pub use optim::{Adam, Optimizer, OptimizerConfig, RmsProp, Sgd};

use nalgebra::RealField;

/// The float types the networks run on: `f32` and `f64`.
///
/// A thin layer over nalgebra's `RealField` with lossless conversions to and from `f64`, the
/// type of every hyperparameter and reported number.
pub trait Float: RealField + Copy + Default + Send + Sync + 'static {
    /// Rounds an `f64` to this type.
    fn of_f64(value: f64) -> Self;
    /// Widens this value to `f64` (exact for `f32` and `f64`).
    fn as_f64(self) -> f64;
}

impl Float for f32 {
    fn of_f64(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Float for f64 {
    fn of_f64(value: f64) -> Self {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
}
