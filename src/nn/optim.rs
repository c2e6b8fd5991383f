//! First-order optimizers: SGD with momentum, RMSProp and Adam.
//!
//! Every optimizer *descends*: θ ← θ − step(∇θ L). (A WGAN critic ascends its objective by
//! descending the negated loss of [`crate::nn::loss::critic_loss`].) The update rules are
//! PyTorch's, so runs can be compared with the reference implementations:
//!
//! ```text
//! SGD:      v ← μ v + g,                 θ ← θ − η v            (μ = 0: plain SGD)
//! RMSProp:  s ← α s + (1 − α) g²,        θ ← θ − η g / (√s + ε)
//! Adam:     m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
//!           θ ← θ − (η / (1 − β₁ᵗ)) m / (√v / √(1 − β₂ᵗ) + ε)
//! ```
//!
//! **RMSProp variant.** This is PyTorch's `torch.optim.RMSprop` (not centred, no momentum):
//! decay α = 0.99 and ε = 1e-8 added *outside* the square root, state starting at 0. The
//! WGAN authors' code uses exactly this optimizer. TensorFlow 1's `RMSPropOptimizer`
//! (used by the WGAN-GP toy code) differs: decay 0.9, ε = 1e-10 added *inside* the root, and
//! state starting at 1. Set `alpha` to 0.9 to get TF's decay; the ε placement stays PyTorch's.
//!
//! # References
//! T. Tieleman and G. Hinton, *Lecture 6.5, RMSProp*, COURSERA 2012; D. P. Kingma and J. Ba,
//! *Adam: a method for stochastic optimization*, ICLR 2015.

use crate::error::{Error, Result};
use crate::nn::{Float, Gradient, Mlp};

/// A rule that turns gradients into parameter updates, keeping its own state.
pub trait Optimizer<T: Float>: Send {
    /// Applies one update θ ← θ − step(g) to `net`.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] or [`Error::DimensionMismatch`] if the gradient (or the
    /// optimizer's state) does not have the shapes of `net`.
    fn step(&mut self, net: &mut Mlp<T>, gradient: &Gradient<T>) -> Result<()>;

    /// Forgets all state (moments, step count), as for a freshly built optimizer.
    fn reset(&mut self);
}

/// Hyperparameters of an optimizer, to build one for any float type.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum OptimizerConfig {
    /// Stochastic gradient descent with optional heavy-ball momentum.
    Sgd {
        /// Learning rate η > 0.
        learning_rate: f64,
        /// Momentum μ ∈ [0, 1).
        momentum: f64,
    },
    /// RMSProp, PyTorch's variant (see the module docs).
    RmsProp {
        /// Learning rate η > 0.
        learning_rate: f64,
        /// Decay α ∈ [0, 1) of the squared-gradient average.
        alpha: f64,
        /// ε > 0, added outside the square root.
        eps: f64,
    },
    /// Adam with bias correction.
    Adam {
        /// Learning rate η > 0.
        learning_rate: f64,
        /// First-moment decay β₁ ∈ [0, 1).
        beta1: f64,
        /// Second-moment decay β₂ ∈ [0, 1).
        beta2: f64,
        /// ε > 0, added outside the square root.
        eps: f64,
    },
}

impl OptimizerConfig {
    /// RMSProp with PyTorch's defaults α = 0.99, ε = 1e-8.
    #[must_use]
    pub fn rmsprop(learning_rate: f64) -> Self {
        OptimizerConfig::RmsProp {
            learning_rate,
            alpha: 0.99,
            eps: 1e-8,
        }
    }

    /// Adam with the given β₁, β₂ = 0.999 and ε = 1e-8.
    #[must_use]
    pub fn adam(learning_rate: f64, beta1: f64) -> Self {
        OptimizerConfig::Adam {
            learning_rate,
            beta1,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// Plain SGD (no momentum).
    #[must_use]
    pub fn sgd(learning_rate: f64) -> Self {
        OptimizerConfig::Sgd {
            learning_rate,
            momentum: 0.0,
        }
    }

    /// The learning rate η.
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        match *self {
            OptimizerConfig::Sgd { learning_rate, .. }
            | OptimizerConfig::RmsProp { learning_rate, .. }
            | OptimizerConfig::Adam { learning_rate, .. } => learning_rate,
        }
    }

    /// Checks every hyperparameter against its domain.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad hyperparameter.
    pub fn validate(&self) -> Result<()> {
        positive("learning_rate", self.learning_rate())?;
        match *self {
            OptimizerConfig::Sgd { momentum, .. } => unit("momentum", momentum),
            OptimizerConfig::RmsProp { alpha, eps, .. } => {
                unit("alpha", alpha)?;
                positive("eps", eps)
            }
            OptimizerConfig::Adam {
                beta1, beta2, eps, ..
            } => {
                unit("beta1", beta1)?;
                unit("beta2", beta2)?;
                positive("eps", eps)
            }
        }
    }

    /// An optimizer with these hyperparameters and empty state, for `net`.
    ///
    /// # Errors
    /// As [`OptimizerConfig::validate`].
    pub fn build<T: Float>(&self, net: &Mlp<T>) -> Result<Box<dyn Optimizer<T>>> {
        self.validate()?;
        Ok(match *self {
            OptimizerConfig::Sgd {
                learning_rate,
                momentum,
            } => Box::new(Sgd::new_unchecked(net, learning_rate, momentum)),
            OptimizerConfig::RmsProp {
                learning_rate,
                alpha,
                eps,
            } => Box::new(RmsProp::new_unchecked(net, learning_rate, alpha, eps)),
            OptimizerConfig::Adam {
                learning_rate,
                beta1,
                beta2,
                eps,
            } => Box::new(Adam::new_unchecked(net, learning_rate, beta1, beta2, eps)),
        })
    }
}

/// Accepts a finite value > 0 (learning rates, ε, clipping bounds).
pub(crate) fn positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            reason: "must be finite and > 0",
        })
    }
}

fn unit(name: &'static str, value: f64) -> Result<()> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            reason: "must be in [0, 1)",
        })
    }
}

fn check_state<T: Float>(net: &Mlp<T>, gradient: &Gradient<T>, state: &Gradient<T>) -> Result<()> {
    gradient.check_shapes(net)?;
    state.check_shapes(net)
}

/// Gradient descent with heavy-ball momentum (PyTorch's `SGD`, no dampening or Nesterov).
#[derive(Debug, Clone)]
pub struct Sgd<T: Float> {
    learning_rate: T,
    momentum: T,
    velocity: Gradient<T>,
}

impl<T: Float> Sgd<T> {
    fn new_unchecked(net: &Mlp<T>, learning_rate: f64, momentum: f64) -> Self {
        Sgd {
            learning_rate: T::of_f64(learning_rate),
            momentum: T::of_f64(momentum),
            velocity: Gradient::zeros_like(net),
        }
    }
}

impl<T: Float> Optimizer<T> for Sgd<T> {
    fn step(&mut self, net: &mut Mlp<T>, gradient: &Gradient<T>) -> Result<()> {
        check_state(net, gradient, &self.velocity)?;
        let (eta, mu) = (self.learning_rate, self.momentum);
        let params = net.parameter_slices_mut();
        let state = self.velocity.slices_mut();
        for ((theta, g), v) in params.zip(gradient.slices()).zip(state) {
            for ((t, &gi), vi) in theta.iter_mut().zip(g).zip(v.iter_mut()) {
                *vi = mu * *vi + gi;
                *t -= eta * *vi;
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.velocity.slices_mut().for_each(|s| s.fill(T::zero()));
    }
}

/// RMSProp, PyTorch's variant: s ← α s + (1 − α) g², θ ← θ − η g / (√s + ε).
#[derive(Debug, Clone)]
pub struct RmsProp<T: Float> {
    learning_rate: T,
    alpha: T,
    eps: T,
    square_avg: Gradient<T>,
}

impl<T: Float> RmsProp<T> {
    fn new_unchecked(net: &Mlp<T>, learning_rate: f64, alpha: f64, eps: f64) -> Self {
        RmsProp {
            learning_rate: T::of_f64(learning_rate),
            alpha: T::of_f64(alpha),
            eps: T::of_f64(eps),
            square_avg: Gradient::zeros_like(net),
        }
    }
}

impl<T: Float> Optimizer<T> for RmsProp<T> {
    fn step(&mut self, net: &mut Mlp<T>, gradient: &Gradient<T>) -> Result<()> {
        check_state(net, gradient, &self.square_avg)?;
        let (eta, alpha, eps) = (self.learning_rate, self.alpha, self.eps);
        let one_minus_alpha = T::one() - alpha;
        let params = net.parameter_slices_mut();
        let state = self.square_avg.slices_mut();
        for ((theta, g), s) in params.zip(gradient.slices()).zip(state) {
            for ((t, &gi), si) in theta.iter_mut().zip(g).zip(s.iter_mut()) {
                *si = alpha * *si + one_minus_alpha * gi * gi;
                *t -= eta * gi / (si.sqrt() + eps);
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.square_avg.slices_mut().for_each(|s| s.fill(T::zero()));
    }
}

/// Adam with bias correction (PyTorch's form, ε outside the root).
#[derive(Debug, Clone)]
pub struct Adam<T: Float> {
    learning_rate: f64,
    beta1: f64,
    beta2: f64,
    eps: T,
    n_steps: i32,
    first: Gradient<T>,
    second: Gradient<T>,
}

impl<T: Float> Adam<T> {
    fn new_unchecked(net: &Mlp<T>, learning_rate: f64, beta1: f64, beta2: f64, eps: f64) -> Self {
        Adam {
            learning_rate,
            beta1,
            beta2,
            eps: T::of_f64(eps),
            n_steps: 0,
            first: Gradient::zeros_like(net),
            second: Gradient::zeros_like(net),
        }
    }
}

impl<T: Float> Optimizer<T> for Adam<T> {
    fn step(&mut self, net: &mut Mlp<T>, gradient: &Gradient<T>) -> Result<()> {
        check_state(net, gradient, &self.first)?;
        check_state(net, gradient, &self.second)?;
        self.n_steps = self.n_steps.saturating_add(1);

        // bias corrections 1 − β₁ᵗ and √(1 − β₂ᵗ), in f64
        let correction1 = 1.0 - self.beta1.powi(self.n_steps);
        let correction2 = (1.0 - self.beta2.powi(self.n_steps)).sqrt();
        let step = T::of_f64(self.learning_rate / correction1);
        let inverse_c2 = T::of_f64(1.0 / correction2);
        let (b1, b2) = (T::of_f64(self.beta1), T::of_f64(self.beta2));
        let (one_b1, one_b2) = (T::one() - b1, T::one() - b2);

        // m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − step m / (√v / c₂ + ε)
        let params = net.parameter_slices_mut();
        let moments = self.first.slices_mut().zip(self.second.slices_mut());
        for ((theta, g), (m, v)) in params.zip(gradient.slices()).zip(moments) {
            let entries = theta.iter_mut().zip(g).zip(m.iter_mut().zip(v.iter_mut()));
            for ((t, &gi), (mi, vi)) in entries {
                *mi = b1 * *mi + one_b1 * gi;
                *vi = b2 * *vi + one_b2 * gi * gi;
                *t -= step * *mi / (vi.sqrt() * inverse_c2 + self.eps);
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.n_steps = 0;
        self.first.slices_mut().for_each(|s| s.fill(T::zero()));
        self.second.slices_mut().for_each(|s| s.fill(T::zero()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, Dense};
    use nalgebra::{DMatrix, DVector};

    fn one_weight(w: f64) -> Mlp<f64> {
        let layer = Dense::new(
            DMatrix::from_element(1, 1, w),
            DVector::zeros(1),
            Activation::Identity,
        )
        .unwrap();
        Mlp::new(vec![layer]).unwrap()
    }

    fn gradient(net: &Mlp<f64>, g: f64) -> Gradient<f64> {
        let mut gradient = Gradient::zeros_like(net);
        gradient.weights[0][(0, 0)] = g;
        gradient
    }

    #[test]
    fn first_steps_by_hand() {
        // RMSProp: s = 0.01 g², step = η g / (0.1 |g| + ε) ≈ 10 η sign(g)
        let mut net = one_weight(1.0);
        let g = gradient(&net, 2.0);
        let mut rms = OptimizerConfig::rmsprop(0.1).build(&net).unwrap();
        rms.step(&mut net, &g).unwrap();
        let expected = 1.0 - 0.1 * 2.0 / ((0.01_f64 * 4.0).sqrt() + 1e-8);
        assert!((net.layers()[0].weight()[(0, 0)] - expected).abs() < 1e-15);

        // Adam: the first step is η sign(g) up to ε
        let mut net = one_weight(1.0);
        let mut adam = OptimizerConfig::adam(0.1, 0.5).build(&net).unwrap();
        adam.step(&mut net, &g).unwrap();
        assert!((net.layers()[0].weight()[(0, 0)] - 0.9).abs() < 1e-8);

        // SGD with momentum 0.5, two steps: v = 2, then 3
        let mut net = one_weight(1.0);
        let config = OptimizerConfig::Sgd {
            learning_rate: 0.1,
            momentum: 0.5,
        };
        let mut sgd = config.build(&net).unwrap();
        sgd.step(&mut net, &g).unwrap();
        sgd.step(&mut net, &g).unwrap();
        assert!((net.layers()[0].weight()[(0, 0)] - (1.0 - 0.2 - 0.3)).abs() < 1e-15);
    }

    #[test]
    fn bad_hyperparameters_are_rejected() {
        let net = one_weight(0.0);
        let bad = [
            OptimizerConfig::sgd(0.0),
            OptimizerConfig::Sgd {
                learning_rate: 0.1,
                momentum: 1.0,
            },
            OptimizerConfig::RmsProp {
                learning_rate: 0.1,
                alpha: 0.9,
                eps: 0.0,
            },
            OptimizerConfig::Adam {
                learning_rate: f64::NAN,
                beta1: 0.5,
                beta2: 0.9,
                eps: 1e-8,
            },
            OptimizerConfig::Adam {
                learning_rate: 0.1,
                beta1: 0.5,
                beta2: -0.1,
                eps: 1e-8,
            },
        ];
        for config in bad {
            assert!(matches!(
                config.build(&net),
                Err(Error::InvalidParameter { .. })
            ));
        }
    }

    #[test]
    fn gradient_of_another_network_is_rejected() {
        let mut net = one_weight(0.0);
        let other = Mlp::<f64>::random(
            &[2, 2],
            Activation::Relu,
            Activation::Identity,
            crate::nn::Initialization::HeNormal,
            &mut <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(0),
        )
        .unwrap();
        let mut sgd = OptimizerConfig::sgd(0.1).build(&net).unwrap();
        let g = Gradient::zeros_like(&other);
        assert!(sgd.step(&mut net, &g).is_err());
    }
}
