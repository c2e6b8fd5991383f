//! Jensen-Shannon divergence, in nats.
//!
//! ```text
//! JS(P, Q) = ½ KL(P ‖ M) + ½ KL(Q ‖ M),   M = ½ (P + Q),   0 ≤ JS ≤ ln 2
//! ```
//!
//! With the ½ factors, as in Arjovsky and Bottou (2017), where the optimal discriminator
//! reaches L(D*, g) = 2 JS(P_r ‖ P_g) − 2 ln 2; JS = ln 2 exactly when the supports are
//! disjoint (their Theorem 2.3). Summed as non-negative terms ½ mᵢ φ(vᵢ) (see the
//! [module above](super)), with a series for small |vᵢ|. Cost O(n).

use super::probability_pair;
use crate::error::Result;
use crate::measure::{common_support, DiscreteMeasure};
use std::f64::consts::LN_2;

/// Below this |v| the series of φ(v) is used.
const SERIES_RADIUS: f64 = 0.1;

/// Jensen-Shannon divergence between two probability vectors over the same bins, in nats.
///
/// Both vectors are normalized to sum 1 first. The result is in [0, ln 2] (clamped there
/// to remove rounding of order 1e-16) and is exactly ln 2 when no bin has mass under both.
/// This is the divergence itself, not the Jensen-Shannon *distance* √JS that
/// `scipy.spatial.distance.jensenshannon` returns.
///
/// # Formula
/// ```text
/// JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),   m = ½ (p + q)
///          = Σᵢ ½ mᵢ φ(vᵢ),   vᵢ = (pᵢ − qᵢ)/(pᵢ + qᵢ),   φ(v) = (1+v)ln(1+v) + (1−v)ln(1−v)
/// ```
///
/// # Errors
/// As [`total_variation`](super::total_variation). Cost O(n).
///
/// # Examples
/// ```
/// use gan_divergences::divergence::jensen_shannon;
/// assert_eq!(jensen_shannon(&[1.0, 0.0], &[0.0, 1.0])?, std::f64::consts::LN_2);
/// assert_eq!(jensen_shannon(&[0.4, 0.6], &[0.4, 0.6])?, 0.0);
/// # Ok::<(), gan_divergences::Error>(())
/// ```
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> Result<f64> {
    let (p, q) = probability_pair(p, q)?;
    Ok(jensen_shannon_normalized(&p, &q))
}

/// Jensen-Shannon divergence between two measures, over the union of their atoms, in nats.
///
/// # Errors
/// [`Error::DimensionMismatch`](crate::Error::DimensionMismatch) if the dimensions differ.
/// Cost O((n + m) log(n + m) d).
pub fn jensen_shannon_measures(p: &DiscreteMeasure, q: &DiscreteMeasure) -> Result<f64> {
    let support = common_support(p, q)?;
    Ok(jensen_shannon_normalized(&support.p, &support.q))
}

pub(crate) fn jensen_shannon_normalized(p: &[f64], q: &[f64]) -> f64 {
    let shared = p.iter().zip(q).any(|(a, b)| *a > 0.0 && *b > 0.0);
    if !shared {
        return LN_2;
    }

    let mut total = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        let sum = a + b;
        if sum > 0.0 {
            // ½ mᵢ φ(vᵢ) with mᵢ = ½ (pᵢ + qᵢ)
            total += 0.25 * sum * mixture_entropy((a - b) / sum);
        }
    }
    total.clamp(0.0, LN_2)
}

/// φ(v) = (1+v) ln(1+v) + (1−v) ln(1−v) for |v| ≤ 1, in [0, 2 ln 2], without cancellation.
fn mixture_entropy(v: f64) -> f64 {
    let v = v.abs();
    if v < SERIES_RADIUS {
        // φ(v) = Σ_{k≥1} v^{2k} / (k (2k − 1)); 9 terms reach 1e-19 relative at v = 0.1
        let v2 = v * v;
        let mut power = v2;
        let mut sum = 0.0;
        for k in 1..10 {
            let kf = k as f64;
            sum += power / (kf * (2.0 * kf - 1.0));
            power *= v2;
        }
        return sum;
    }
    if v >= 1.0 {
        return 2.0 * LN_2;
    }
    ((1.0 + v) * v.ln_1p() + (1.0 - v) * (-v).ln_1p()).clamp(0.0, 2.0 * LN_2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::divergence::kullback_leibler;

    #[test]
    fn matches_definition() {
        let p = [0.1, 0.4, 0.5];
        let q = [0.3, 0.3, 0.4];
        let m: Vec<f64> = p.iter().zip(&q).map(|(a, b)| 0.5 * (a + b)).collect();
        let expected =
            0.5 * kullback_leibler(&p, &m).unwrap() + 0.5 * kullback_leibler(&q, &m).unwrap();
        assert!((jensen_shannon(&p, &q).unwrap() - expected).abs() < 1e-15);
    }

    #[test]
    fn series_meets_closed_form() {
        for v in [0.01, 0.05, 0.0999] {
            let closed = (1.0 + v) * f64::ln_1p(v) + (1.0 - v) * f64::ln_1p(-v);
            assert!((mixture_entropy(v) - closed).abs() < 1e-16);
        }
    }

    #[test]
    fn nearly_identical_is_small_and_positive() {
        let e = 1e-10;
        let js = jensen_shannon(&[0.5 + e, 0.5 - e], &[0.5, 0.5]).unwrap();
        // JS ≈ Σ (p − q)² / (8 m) = e² / 2
        assert!(js > 0.0);
        assert!((js / (0.5 * e * e) - 1.0).abs() < 1e-5, "{js}");
    }
}
