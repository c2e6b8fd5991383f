//! The parallel lines of Arjovsky, Chintala and Bottou (2017), Example 1.
//!
//! Let Z ~ U[0, 1], P₀ the law of (0, Z) ∈ R² and P_θ the law of g_θ(Z) = (θ, Z): two
//! uniform distributions on parallel unit segments a distance |θ| apart. Then
//!
//! ```text
//! W(P₀, P_θ)  = |θ|
//! JS(P₀, P_θ) = ln 2   if θ ≠ 0,   0 if θ = 0
//! KL(P_θ ‖ P₀) = KL(P₀ ‖ P_θ) = +∞   if θ ≠ 0,   0 if θ = 0
//! δ(P₀, P_θ)  = 1      if θ ≠ 0,   0 if θ = 0
//! ```
//!
//! Only W is continuous in θ, so only W gives a gradient that moves θ towards 0 (paper B,
//! Example 1 and Figure 1). W = |θ| because the coupling (0, z) ↦ (θ, z) costs |θ| and the
//! first coordinate is 1-Lipschitz, so no coupling costs less.
//!
//! [`estimate`] measures the same quantities on samples: W exactly between the two
//! empirical measures (network simplex), and TV, KL, JS exactly between the empirical
//! measures over their atoms.

use crate::divergence::total_variation_measures;
use crate::divergence::{jensen_shannon_measures, kullback_leibler_measures};
use crate::error::Result;
use crate::measure::DiscreteMeasure;
use crate::transport::{emd_between, GroundCost};
use rand::Rng;

/// The four distances between P₀ and P_θ, in closed form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosedForm {
    /// W(P₀, P_θ) = |θ|.
    pub earth_mover: f64,
    /// JS(P₀, P_θ) in nats.
    pub jensen_shannon: f64,
    /// KL(P₀ ‖ P_θ) in nats (equal to KL(P_θ ‖ P₀) here).
    pub kullback_leibler: f64,
    /// δ(P₀, P_θ).
    pub total_variation: f64,
}

/// The closed forms of paper B, Example 1, at θ.
///
/// # Examples
/// ```
/// use gan_divergences::models::parallel_lines::closed_form;
/// let at = closed_form(-0.5);
/// assert_eq!(at.earth_mover, 0.5);
/// assert_eq!(at.jensen_shannon, std::f64::consts::LN_2);
/// assert_eq!(closed_form(0.0).kullback_leibler, 0.0);
/// ```
#[must_use]
pub fn closed_form(theta: f64) -> ClosedForm {
    let apart = theta != 0.0;
    ClosedForm {
        earth_mover: theta.abs(),
        jensen_shannon: if apart { std::f64::consts::LN_2 } else { 0.0 },
        kullback_leibler: if apart { f64::INFINITY } else { 0.0 },
        total_variation: if apart { 1.0 } else { 0.0 },
    }
}

/// Draws n latent values z ~ U[0, 1).
pub fn latents<R: Rng + ?Sized>(n: usize, rng: &mut R) -> Vec<f64> {
    (0..n).map(|_| rng.random::<f64>()).collect()
}

/// The empirical measure of the points (θ, zᵢ), each with weight 1/n.
///
/// # Errors
/// [`crate::Error::Empty`] if `latents` is empty, [`crate::Error::NonFinite`] if θ or a
/// latent is not finite.
pub fn line_sample(theta: f64, latents: &[f64]) -> Result<DiscreteMeasure> {
    let coordinates = latents.iter().flat_map(|&z| [theta, z]).collect();
    DiscreteMeasure::uniform_flat(2, coordinates)
}

/// The four distances between two empirical measures, computed exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Exact W₁ between the two empirical measures (network simplex).
    pub earth_mover: f64,
    /// Exact JS between the empirical measures, over their atoms, in nats.
    pub jensen_shannon: f64,
    /// Exact KL(real ‖ generated) between the empirical measures, in nats.
    pub kullback_leibler: f64,
    /// Exact TV between the empirical measures.
    pub total_variation: f64,
}

/// Measures W₁, JS, KL and TV between the samples {(0, zᵢ)} and {(θ, z′ⱼ)}.
///
/// Pass the same latents twice to use common random numbers (then W = |θ| exactly).
///
/// # Errors
/// As [`line_sample`], and the solver's errors from [`emd_between`].
pub fn estimate(theta: f64, real_latents: &[f64], fake_latents: &[f64]) -> Result<Estimate> {
    let real = line_sample(0.0, real_latents)?;
    let fake = line_sample(theta, fake_latents)?;
    let solution = emd_between(&real, &fake, GroundCost::Euclidean)?;
    Ok(Estimate {
        earth_mover: solution.cost,
        jensen_shannon: jensen_shannon_measures(&real, &fake)?,
        kullback_leibler: kullback_leibler_measures(&real, &fake)?,
        total_variation: total_variation_measures(&real, &fake)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn common_latents_reproduce_the_closed_forms() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let z = latents(40, &mut rng);
        for theta in [-1.0, -0.3, 0.0, 0.25, 1.0] {
            let exact = closed_form(theta);
            let measured = estimate(theta, &z, &z).unwrap();
            assert!((measured.earth_mover - exact.earth_mover).abs() < 1e-12);
            assert_eq!(measured.jensen_shannon, exact.jensen_shannon);
            assert_eq!(measured.kullback_leibler, exact.kullback_leibler);
            assert_eq!(measured.total_variation, exact.total_variation);
        }
    }
}
