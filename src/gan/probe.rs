//! Measurements of networks without training them.
//!
//! ```text
//! generator gradient:   ‖∇_θ L_G(θ)‖₂,  L_G one of  mean log(1 − D(G(z))),
//!                                                  −mean log D(G(z)),  −mean f(G(z))
//! accuracy:             (#{l(x) > 0} + #{l(G(z)) < 0}) / (n_real + n_fake)
//! critic estimate:      mean f(x) − mean f(G(z))           (≈ K·W₁ for a K-Lipschitz f)
//! JS lower bound:       ln 2 − ½ BCE(D)  ≤ JS(P_r, P_g)   (½ L(D, g) + ln 2)
//! exact W₁:             min_γ Σᵢⱼ γᵢⱼ ‖xᵢ − yⱼ‖₂ between the two empirical measures
//! ```
//!
//! Batches are `dim × n` matrices, one sample per column. Every function is generic over
//! the float type; use f64 to measure gradients many orders of magnitude small (Arjovsky
//! and Bottou 2017, Figures 2 and 3).

use std::f64::consts::LN_2;

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::measure::DiscreteMeasure;
use crate::nn::loss::{discriminator_loss, generator_loss, GeneratorCost};
use crate::nn::{Float, Gradient, Mlp, Workspace};
use crate::transport::{emd_between, GroundCost};

/// The generator's parameter gradient ∇_θ L_G on the noise batch `noise`, backpropagated
/// through the (frozen) discriminator or critic `adversary`.
///
/// # Errors
/// [`Error::DimensionMismatch`] if the adversary has more than one output; the shape
/// errors of [`Mlp::forward`] (noise rows ≠ generator inputs, generator outputs ≠
/// adversary inputs, empty batch) and [`Error::NonFinite`] for non-finite noise.
pub fn generator_gradient<T: Float>(
    generator: &Mlp<T>,
    adversary: &Mlp<T>,
    noise: &DMatrix<T>,
    cost: GeneratorCost,
) -> Result<Gradient<T>> {
    single_output(adversary)?;
    let mut g_ws = Workspace::new(generator, noise.ncols());
    let fake = generator.forward(noise, &mut g_ws)?.clone();
    let mut a_ws = Workspace::new(adversary, fake.ncols());
    let logits = adversary.forward(&fake, &mut a_ws)?;

    // ∂L_G/∂l, then ∂L_G/∂G(z) through the adversary, then ∂L_G/∂θ through the generator
    let mut output_grad = DMatrix::zeros(1, logits.ncols());
    generator_loss(cost, logits.as_slice(), output_grad.as_mut_slice())?;
    let fake_grad = adversary.input_gradient(&mut a_ws, &output_grad)?.clone();
    let mut gradient = Gradient::zeros_like(generator);
    generator.backward(&mut g_ws, &fake_grad, &mut gradient)?;
    Ok(gradient)
}

/// ‖∇_θ L_G‖₂ of [`generator_gradient`], accumulated in f64.
///
/// # Errors
/// As [`generator_gradient`].
pub fn generator_gradient_norm<T: Float>(
    generator: &Mlp<T>,
    adversary: &Mlp<T>,
    noise: &DMatrix<T>,
    cost: GeneratorCost,
) -> Result<f64> {
    generator_gradient(generator, adversary, noise, cost).map(|g| g.norm())
}

/// Fraction of real samples given a positive logit plus fake samples given a negative
/// one, over all samples.
///
/// # Errors
/// [`Error::DimensionMismatch`] for a discriminator with more than one output, and the
/// errors of [`Mlp::forward`] on either batch.
pub fn discriminator_accuracy<T: Float>(
    discriminator: &Mlp<T>,
    real: &DMatrix<T>,
    fake: &DMatrix<T>,
) -> Result<f64> {
    single_output(discriminator)?;
    let right_real = discriminator
        .predict(real)?
        .iter()
        .filter(|&&l| l > T::zero())
        .count();
    let right_fake = discriminator
        .predict(fake)?
        .iter()
        .filter(|&&l| l < T::zero())
        .count();
    Ok((right_real + right_fake) as f64 / (real.ncols() + fake.ncols()) as f64)
}

/// The critic's estimate mean f(real) − mean f(fake), in f64.
///
/// # Errors
/// [`Error::DimensionMismatch`] for a critic with more than one output, and the errors
/// of [`Mlp::forward`] on either batch.
pub fn critic_estimate<T: Float>(
    critic: &Mlp<T>,
    real: &DMatrix<T>,
    fake: &DMatrix<T>,
) -> Result<f64> {
    single_output(critic)?;
    let mean = |m: DMatrix<T>| m.iter().map(|v| v.as_f64()).sum::<f64>() / m.len() as f64;
    Ok(mean(critic.predict(real)?) - mean(critic.predict(fake)?))
}

/// ln 2 − ½ BCE: the lower bound on JS(P_r, P_g) (nats) that `discriminator` certifies on
/// the two batches.
///
/// # Errors
/// [`Error::DimensionMismatch`] for a discriminator with more than one output, and the
/// errors of [`Mlp::forward`] on either batch.
pub fn js_lower_bound<T: Float>(
    discriminator: &Mlp<T>,
    real: &DMatrix<T>,
    fake: &DMatrix<T>,
) -> Result<f64> {
    single_output(discriminator)?;
    let (lr, lf) = (discriminator.predict(real)?, discriminator.predict(fake)?);
    let mut gr = vec![T::zero(); lr.len()];
    let mut gf = vec![T::zero(); lf.len()];
    let bce = discriminator_loss(lr.as_slice(), lf.as_slice(), &mut gr, &mut gf)?;
    Ok(LN_2 - 0.5 * bce)
}

/// Exact W₁ between the empirical measures of two batches (uniform weights), by the
/// network simplex with the Euclidean ground cost.
///
/// # Errors
/// [`Error::DimensionMismatch`] if the batches differ in dimension; the errors of
/// [`DiscreteMeasure::uniform_flat`] (empty, non-finite) and of the solver.
pub fn exact_w1<T: Float>(real: &DMatrix<T>, fake: &DMatrix<T>) -> Result<f64> {
    if real.nrows() != fake.nrows() {
        return Err(Error::DimensionMismatch {
            what: "fake samples",
            expected: real.nrows(),
            found: fake.nrows(),
        });
    }
    // a `dim × n` column-major matrix is the row-major `n × dim` layout of a measure
    let measure = |m: &DMatrix<T>| {
        let coordinates = m.iter().map(|v| v.as_f64()).collect();
        DiscreteMeasure::uniform_flat(m.nrows(), coordinates)
    };
    let solution = emd_between(&measure(real)?, &measure(fake)?, GroundCost::Euclidean)?;
    Ok(solution.cost)
}

fn single_output<T: Float>(net: &Mlp<T>) -> Result<()> {
    if net.n_outputs() != 1 {
        return Err(Error::DimensionMismatch {
            what: "adversary outputs",
            expected: 1,
            found: net.n_outputs(),
        });
    }
    Ok(())
}
