//! Kullback-Leibler divergence, in nats.
//!
//! ```text
//! KL(P ‖ Q) = Σᵢ pᵢ ln(pᵢ / qᵢ),   0 · ln(0 / q) = 0,   p ln(p / 0) = +∞ for p > 0
//! ```
//!
//! Summed as the non-negative terms qᵢ h((pᵢ − qᵢ)/qᵢ), h(u) = (1+u) ln(1+u) − u, with a
//! series for small |u| and logs taken apart (pᵢ(ln pᵢ − ln qᵢ) − pᵢ + qᵢ) when pᵢ > 2qᵢ,
//! so a subnormal qᵢ keeps its term. Cost O(n). Reference: Cover and Thomas, *Elements of
//! Information Theory* (2006), section 2.3.

use super::probability_pair;
use crate::error::Result;
use crate::measure::{common_support, DiscreteMeasure};

/// Below this |u| the series of h(u) = (1+u) ln(1+u) − u is used.
const SERIES_RADIUS: f64 = 0.1;

/// Kullback-Leibler divergence of p from q, over the same bins, in nats.
///
/// Both vectors are normalized to sum 1 first. The result is in [0, +∞]; it is `+∞` when
/// some bin has qᵢ = 0 < pᵢ. It is never negative or NaN.
///
/// # Formula
/// ```text
/// KL(p ‖ q) = Σᵢ pᵢ ln(pᵢ / qᵢ) = Σᵢ qᵢ h((pᵢ − qᵢ)/qᵢ),  h(u) = (1+u) ln(1+u) − u
/// ```
///
/// # Errors
/// As [`total_variation`](super::total_variation). Cost O(n).
///
/// # Examples
/// ```
/// use gan_divergences::divergence::kullback_leibler;
/// let kl = kullback_leibler(&[0.5, 0.5], &[0.25, 0.75])?;
/// assert!((kl - (0.5 * (2.0f64).ln() + 0.5 * (2.0f64 / 3.0).ln())).abs() < 1e-15);
/// assert_eq!(kullback_leibler(&[0.5, 0.5], &[1.0, 0.0])?, f64::INFINITY);
/// # Ok::<(), gan_divergences::Error>(())
/// ```
pub fn kullback_leibler(p: &[f64], q: &[f64]) -> Result<f64> {
    let (p, q) = probability_pair(p, q)?;
    Ok(kullback_leibler_normalized(&p, &q))
}

/// Kullback-Leibler divergence of measure p from measure q, over the union of their atoms.
///
/// # Errors
/// [`Error::DimensionMismatch`](crate::Error::DimensionMismatch) if the dimensions differ.
/// Cost O((n + m) log(n + m) d).
pub fn kullback_leibler_measures(p: &DiscreteMeasure, q: &DiscreteMeasure) -> Result<f64> {
    let support = common_support(p, q)?;
    Ok(kullback_leibler_normalized(&support.p, &support.q))
}

pub(crate) fn kullback_leibler_normalized(p: &[f64], q: &[f64]) -> f64 {
    let mut total = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        if b == 0.0 {
            if a > 0.0 {
                return f64::INFINITY;
            }
            continue;
        }
        total += kl_term(a, b);
    }
    total
}

/// One term pᵢ ln(pᵢ/qᵢ) − pᵢ + qᵢ ≥ 0, for pᵢ ≥ 0 < qᵢ.
fn kl_term(a: f64, b: f64) -> f64 {
    // p > 2q: no cancellation, and logs of each side survive a tiny or subnormal q
    if a > 2.0 * b {
        return (a * (a.ln() - b.ln()) - (a - b)).max(0.0);
    }
    b * bregman_entropy((a - b) / b)
}

/// h(u) = (1+u) ln(1+u) − u for u ≥ −1, which is ≥ 0, computed without cancellation.
fn bregman_entropy(u: f64) -> f64 {
    if u.abs() < SERIES_RADIUS {
        // h(u) = Σ_{k≥2} (−1)ᵏ uᵏ / (k (k−1)); 18 terms reach 1e-18 relative at |u| = 0.1
        let mut power = u * u;
        let mut sum = 0.0;
        for k in 2..20 {
            let kf = k as f64;
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            sum += sign * power / (kf * (kf - 1.0));
            power *= u;
        }
        return sum.max(0.0);
    }
    if u <= -1.0 {
        return 1.0;
    }
    ((1.0 + u) * u.ln_1p() - u).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        let kl = kullback_leibler(&[0.25, 0.75], &[0.5, 0.5]).unwrap();
        let expected = 0.25 * 0.5f64.ln() + 0.75 * 1.5f64.ln();
        assert!((kl - expected).abs() < 1e-15);
        assert_eq!(kullback_leibler(&[0.3, 0.7], &[0.3, 0.7]).unwrap(), 0.0);
        // p zero where q is not: finite
        let kl = kullback_leibler(&[0.0, 1.0], &[0.5, 0.5]).unwrap();
        assert!((kl - 2.0f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn nearly_identical_is_small_and_positive() {
        let e = 1e-9;
        let kl = kullback_leibler(&[0.5 + e, 0.5 - e], &[0.5, 0.5]).unwrap();
        // KL ≈ Σ (p − q)² / (2 q) = 2 e²
        assert!(kl > 0.0);
        assert!((kl / (2.0 * e * e) - 1.0).abs() < 1e-6, "{kl}");
    }

    /// SciPy 1.17.1: `scipy.stats.entropy([1, 1], [1e-310, 1])` and
    /// `scipy.stats.entropy([1, 1], [5e-324, 1])`; the ratio p/q overflows f64 there, so
    /// the term needs the difference of logs.
    #[test]
    fn subnormal_q_is_not_dropped() {
        for (q0, scipy) in [(1e-310, 356.2075422335172), (5e-324, 371.5268887801307)] {
            let kl = kullback_leibler(&[1.0, 1.0], &[q0, 1.0]).unwrap();
            assert!((kl - scipy).abs() <= 1e-13 * scipy, "{kl} vs {scipy}");
        }
    }

    #[test]
    fn series_meets_closed_form() {
        for u in [-0.0999, -0.05, 0.05, 0.0999] {
            let closed = (1.0 + u) * f64::ln_1p(u) - u;
            assert!((bregman_entropy(u) - closed).abs() < 1e-15);
        }
    }
}
