//! GAN and WGAN losses on network outputs, with their gradients.
//!
//! The discriminator returns a logit l, D = σ(l). Every log-probability is written through
//! the softplus, so no σ is ever rounded to 0 or 1 before its logarithm is taken:
//!
//! ```text
//! softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|})
//! log D       = −softplus(−l)          log(1 − D) = −softplus(l)
//! ∂/∂l log D  = σ(−l)                  ∂/∂l log(1 − D) = −σ(l)
//! ```
//!
//! Losses are means over the batch and every function here is a loss to **minimise**:
//!
//! ```text
//! discriminator:        L_D = −mean log D(x) − mean log(1 − D(G(z)))      (BCE)
//! generator, minimax:   L_G = mean log(1 − D(G(z)))                       (saturates)
//! generator, −log D:    L_G = −mean log D(G(z))                           (non-saturating)
//! WGAN critic:          L_f = mean f(G(z)) − mean f(x)  = −(W estimate)
//! WGAN generator:       L_G = −mean f(G(z))
//! ```
//!
//! The WGAN signs follow the paper (Arjovsky, Chintala and Bottou 2017, Algorithm 1): the
//! critic f is high on real data and *ascends* mean f(x) − mean f(G(z)); minimising L_f is
//! the same step. (The authors' PyTorch code uses the opposite sign for f throughout.)
//!
//! Each function returns the loss as f64 and writes ∂L/∂(output) into the gradient slices,
//! with the 1/n of the mean included.
//!
//! # References
//! I. Goodfellow et al., *Generative adversarial nets*, NeurIPS 2014 (minimax and −log D);
//! M. Arjovsky and L. Bottou, *Towards principled methods for training GANs*, ICLR 2017.

use crate::error::{Error, Result};
use crate::nn::Float;

/// Which cost the generator minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GeneratorCost {
    /// The original minimax cost E log(1 − D(G(z))); its gradient vanishes as D improves
    /// (Arjovsky and Bottou 2017, Theorem 2.4).
    Minimax,
    /// The −log D(G(z)) alternative; its expected gradient is that of
    /// KL(P_g ‖ P_r) − 2 JS(P_g ‖ P_r) (ibid., Theorem 2.5).
    NonSaturating,
    /// The WGAN cost −E f(G(z)) on a critic's outputs (not logits).
    Wasserstein,
}

impl GeneratorCost {
    /// `minimax`, `non_saturating` or `wasserstein`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            GeneratorCost::Minimax => "minimax",
            GeneratorCost::NonSaturating => "non_saturating",
            GeneratorCost::Wasserstein => "wasserstein",
        }
    }
}

/// softplus(x) = ln(1 + eˣ), without overflow for large x or loss of precision for small.
#[must_use]
pub fn softplus<T: Float>(x: T) -> T {
    x.max(T::zero()) + (-x.abs()).exp().ln_1p()
}

/// σ(x) = 1 / (1 + e^{−x}), evaluated on the side where the exponential cannot overflow.
#[must_use]
pub fn sigmoid<T: Float>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// Discriminator binary cross-entropy from logits, and its gradients.
///
/// # Formula
/// ```text
/// L_D = (1/n_r) Σ softplus(−l_r) + (1/n_f) Σ softplus(l_f)
/// ∂L_D/∂l_r = −σ(−l_r)/n_r,   ∂L_D/∂l_f = σ(l_f)/n_f
/// ```
///
/// # Errors
/// [`Error::Empty`] for an empty logit slice; [`Error::LengthMismatch`] if a gradient slice
/// differs in length from its logits.
///
/// # Examples
/// ```
/// use gan_divergences::nn::loss::discriminator_loss;
/// let (mut gr, mut gf) = ([0.0], [0.0]);
/// let loss = discriminator_loss(&[0.0_f64], &[0.0], &mut gr, &mut gf)?;
/// assert!((loss - 2.0 * std::f64::consts::LN_2).abs() < 1e-15);
/// assert_eq!((gr[0], gf[0]), (-0.5, 0.5));
/// # Ok::<(), gan_divergences::Error>(())
/// ```
pub fn discriminator_loss<T: Float>(
    real_logits: &[T],
    fake_logits: &[T],
    real_grad: &mut [T],
    fake_grad: &mut [T],
) -> Result<f64> {
    check("real logits", real_logits, real_grad)?;
    check("fake logits", fake_logits, fake_grad)?;
    let real = mean_map(real_logits, real_grad, |l| (softplus(-l), -sigmoid(-l)));
    let fake = mean_map(fake_logits, fake_grad, |l| (softplus(l), sigmoid(l)));
    Ok(real + fake)
}

/// The generator's loss from the discriminator's logits on fakes, and its gradient.
///
/// # Formula
/// ```text
/// Minimax:        L_G = −(1/n) Σ softplus(l),    ∂L_G/∂l = −σ(l)/n
/// NonSaturating:  L_G =  (1/n) Σ softplus(−l),   ∂L_G/∂l = −σ(−l)/n
/// Wasserstein:    L_G = −(1/n) Σ f,              ∂L_G/∂f = −1/n
/// ```
///
/// # Errors
/// As [`discriminator_loss`].
pub fn generator_loss<T: Float>(
    cost: GeneratorCost,
    fake_logits: &[T],
    fake_grad: &mut [T],
) -> Result<f64> {
    check("fake logits", fake_logits, fake_grad)?;
    Ok(generator_loss_unchecked(cost, fake_logits, fake_grad))
}

pub(crate) fn generator_loss_unchecked<T: Float>(
    cost: GeneratorCost,
    fake_logits: &[T],
    fake_grad: &mut [T],
) -> f64 {
    match cost {
        GeneratorCost::Minimax => mean_map(fake_logits, fake_grad, |l| (-softplus(l), -sigmoid(l))),
        GeneratorCost::NonSaturating => {
            mean_map(fake_logits, fake_grad, |l| (softplus(-l), -sigmoid(-l)))
        }
        GeneratorCost::Wasserstein => mean_map(fake_logits, fake_grad, |f| (-f, -T::one())),
    }
}

/// WGAN critic loss, the negated estimate of W, and its gradients.
///
/// # Formula
/// ```text
/// L_f = (1/n_f) Σ f(G(z)) − (1/n_r) Σ f(x)
/// ∂L_f/∂f(x) = −1/n_r,   ∂L_f/∂f(G(z)) = 1/n_f
/// ```
///
/// # Errors
/// As [`discriminator_loss`].
pub fn critic_loss<T: Float>(
    real_outputs: &[T],
    fake_outputs: &[T],
    real_grad: &mut [T],
    fake_grad: &mut [T],
) -> Result<f64> {
    check("real critic outputs", real_outputs, real_grad)?;
    check("fake critic outputs", fake_outputs, fake_grad)?;
    let real = mean_map(real_outputs, real_grad, |f| (-f, -T::one()));
    let fake = mean_map(fake_outputs, fake_grad, |f| (f, T::one()));
    Ok(real + fake)
}

/// WGAN generator loss −mean f(G(z)) and its gradient −1/n.
///
/// # Errors
/// As [`discriminator_loss`].
pub fn wasserstein_generator_loss<T: Float>(
    fake_outputs: &[T],
    fake_grad: &mut [T],
) -> Result<f64> {
    check("fake critic outputs", fake_outputs, fake_grad)?;
    Ok(mean_map(fake_outputs, fake_grad, |f| (-f, -T::one())))
}

/// Mean of the first component of `term(v)` over `values` (accumulated in f64), writing the
/// second component divided by n into `grad`.
fn mean_map<T: Float>(values: &[T], grad: &mut [T], term: impl Fn(T) -> (T, T)) -> f64 {
    let inverse_n = T::of_f64(1.0 / values.len() as f64);
    let mut total = 0.0;
    for (&v, g) in values.iter().zip(grad.iter_mut()) {
        let (value, derivative) = term(v);
        total += value.as_f64();
        *g = derivative * inverse_n;
    }
    total / values.len() as f64
}

fn check<T>(what: &'static str, values: &[T], grad: &[T]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::Empty { what });
    }
    if grad.len() != values.len() {
        return Err(Error::LengthMismatch {
            what,
            expected: values.len(),
            found: grad.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softplus_and_sigmoid_are_stable_at_extremes() {
        assert_eq!(softplus(1000.0_f64), 1000.0);
        assert!(softplus(-1000.0_f64) >= 0.0);
        assert_eq!(softplus(-50.0_f64), (-50.0_f64).exp());
        assert_eq!(sigmoid(-1000.0_f64), 0.0);
        assert_eq!(sigmoid(1000.0_f32), 1.0);
        assert!((softplus(0.0_f64) - std::f64::consts::LN_2).abs() < 1e-16);
    }

    #[test]
    fn minimax_gradient_vanishes_where_non_saturating_does_not() {
        // a confident discriminator: D(G(z)) = σ(−30) ≈ 1e−13
        let (mut g_mm, mut g_ns) = ([0.0], [0.0]);
        generator_loss(GeneratorCost::Minimax, &[-30.0_f64], &mut g_mm).unwrap();
        generator_loss(GeneratorCost::NonSaturating, &[-30.0_f64], &mut g_ns).unwrap();
        assert!(g_mm[0].abs() < 1e-12);
        assert!((g_ns[0] + 1.0).abs() < 1e-12);
    }

    #[test]
    fn critic_loss_is_minus_the_mean_difference() {
        let (mut gr, mut gf) = ([0.0; 2], [0.0; 2]);
        let loss = critic_loss(&[1.0_f64, 3.0], &[0.5, -0.5], &mut gr, &mut gf).unwrap();
        assert_eq!(loss, -2.0);
        assert_eq!((gr, gf), ([-0.5, -0.5], [0.5, 0.5]));
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        let mut g = [0.0_f64; 1];
        assert!(matches!(
            wasserstein_generator_loss::<f64>(&[], &mut []),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            generator_loss(GeneratorCost::Minimax, &[1.0, 2.0], &mut g),
            Err(Error::LengthMismatch {
                expected: 2,
                found: 1,
                ..
            })
        ));
    }
}
