//! Total variation distance.
//!
//! ```text
//! δ(P, Q) = sup_A |P(A) − Q(A)| = ½ Σᵢ |pᵢ − qᵢ|,   0 ≤ δ ≤ 1
//! ```
//!
//! The sup form of Arjovsky, Chintala and Bottou (2017), section 2 (not the L1 norm, which
//! is twice it). Exactly 1 when no atom carries mass under both. Cost O(n).

use super::probability_pair;
use crate::error::Result;
use crate::measure::{common_support, DiscreteMeasure};

/// Total variation between two probability vectors over the same bins.
///
/// Both vectors are normalized to sum 1 first. The result is in [0, 1]; it is exactly 1
/// when no bin has mass under both.
///
/// # Formula
/// ```text
/// TV(p, q) = ½ Σᵢ |pᵢ − qᵢ|
/// ```
///
/// # Errors
/// [`Error::Empty`](crate::Error::Empty), [`Error::LengthMismatch`](crate::Error::LengthMismatch)
/// if the lengths differ, and the mass errors of a [`DiscreteMeasure`]'s weights
/// (non-finite, negative, all zero). Cost O(n).
///
/// # Examples
/// ```
/// use gan_divergences::divergence::total_variation;
/// assert_eq!(total_variation(&[1.0, 0.0], &[0.5, 0.5])?, 0.5);
/// # Ok::<(), gan_divergences::Error>(())
/// ```
pub fn total_variation(p: &[f64], q: &[f64]) -> Result<f64> {
    let (p, q) = probability_pair(p, q)?;
    Ok(total_variation_normalized(&p, &q))
}

/// Total variation between two measures, over the union of their atoms.
///
/// # Errors
/// [`Error::DimensionMismatch`](crate::Error::DimensionMismatch) if the dimensions differ.
/// Cost O((n + m) log(n + m) d).
pub fn total_variation_measures(p: &DiscreteMeasure, q: &DiscreteMeasure) -> Result<f64> {
    let support = common_support(p, q)?;
    Ok(total_variation_normalized(&support.p, &support.q))
}

pub(crate) fn total_variation_normalized(p: &[f64], q: &[f64]) -> f64 {
    let shared = p.iter().zip(q).any(|(a, b)| *a > 0.0 && *b > 0.0);
    if !shared {
        return 1.0;
    }
    let half_l1: f64 = 0.5 * p.iter().zip(q).map(|(a, b)| (a - b).abs()).sum::<f64>();
    half_l1.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        assert_eq!(total_variation(&[0.2, 0.8], &[0.2, 0.8]).unwrap(), 0.0);
        assert_eq!(total_variation(&[1.0, 0.0], &[0.0, 1.0]).unwrap(), 1.0);
        let tv = total_variation(&[0.5, 0.3, 0.2], &[0.2, 0.3, 0.5]).unwrap();
        assert!((tv - 0.3).abs() < 1e-15);
        // masses are normalized first
        assert_eq!(total_variation(&[2.0, 2.0], &[1.0, 1.0]).unwrap(), 0.0);
    }

    #[test]
    fn errors() {
        use crate::Error;
        assert!(matches!(
            total_variation(&[1.0], &[0.5, 0.5]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            total_variation(&[], &[]),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            total_variation(&[0.0], &[1.0]),
            Err(Error::ZeroMass { .. })
        ));
    }
}
