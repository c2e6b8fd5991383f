//! Ground costs between atoms.
//!
//! ```text
//! Euclidean            c(x, y) = ‖x − y‖₂            (transport cost = W₁)
//! SquaredEuclidean     c(x, y) = ‖x − y‖₂²           (transport cost = W₂²)
//! Power(p)             c(x, y) = ‖x − y‖₂ᵖ, p ≥ 1     (transport cost = W_pᵖ)
//! ```
//!
//! Every cost is computed from the coordinate differences `xₖ − yₖ` directly, never through
//! the expansion `‖x‖² + ‖y‖² − 2⟨x, y⟩`, which cancels catastrophically when the points are
//! far from the origin compared with their spread (clouds offset by 10⁹ lose every digit).
//! The Euclidean norm is taken with scaling by the largest difference, so it neither
//! overflows nor underflows for spreads between 1e-300 and 1e300.

use crate::error::{Error, Result};
use crate::measure::DiscreteMeasure;
use crate::validate;

/// The ground cost c(x, y) of a transport problem between point clouds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum GroundCost {
    /// c(x, y) = ‖x − y‖₂; the optimal cost is W₁, the Earth-Mover distance.
    Euclidean,
    /// c(x, y) = ‖x − y‖₂²; the optimal cost is W₂².
    SquaredEuclidean,
    /// c(x, y) = ‖x − y‖₂ᵖ for p ≥ 1; the optimal cost is W_pᵖ.
    Power(f64),
}

impl GroundCost {
    /// The cost between two atoms of equal length.
    #[must_use]
    pub fn between(&self, x: &[f64], y: &[f64]) -> f64 {
        match *self {
            GroundCost::Euclidean => euclidean(x, y),
            GroundCost::SquaredEuclidean => squared_euclidean(x, y),
            GroundCost::Power(p) => euclidean(x, y).powf(p),
        }
    }

    /// Checks the exponent of [`GroundCost::Power`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if p is not finite or p < 1.
    pub fn validate(&self) -> Result<()> {
        match *self {
            GroundCost::Power(p) => validate::at_least("p", p, 1.0, "must be finite and >= 1"),
            _ => Ok(()),
        }
    }
}

/// ‖x − y‖₂ from coordinate differences, scaled so that it cannot overflow or underflow.
#[must_use]
pub fn euclidean(x: &[f64], y: &[f64]) -> f64 {
    if x.len() == 1 {
        return (x[0] - y[0]).abs();
    }

    // the plain sum of squares is exact to rounding unless it overflows or loses bits
    // to underflow; only then rescale
    let squares = squared_euclidean(x, y);
    if squares.is_finite() && squares >= SAFE_SQUARES {
        return squares.sqrt();
    }
    if squares == 0.0 && x.iter().zip(y).all(|(a, b)| a == b) {
        return 0.0;
    }
    rescaled_euclidean(x, y)
}

/// Smallest sum of squares whose terms cannot have lost bits to underflow: the smallest
/// normal number divided by machine epsilon, so a term 2⁻⁵² times the sum is still normal.
const SAFE_SQUARES: f64 = f64::MIN_POSITIVE / f64::EPSILON;

/// ‖d‖ = s · ‖d / s‖ with s the largest |dₖ|, so every squared term is at most 1.
fn rescaled_euclidean(x: &[f64], y: &[f64]) -> f64 {
    let largest = x
        .iter()
        .zip(y)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0_f64, f64::max);
    if largest == 0.0 || !largest.is_finite() {
        return largest;
    }
    let scaled: f64 = x
        .iter()
        .zip(y)
        .map(|(a, b)| {
            let t = (a - b) / largest;
            t * t
        })
        .sum();
    largest * scaled.sqrt()
}

/// ‖x − y‖₂² from coordinate differences.
#[must_use]
pub fn squared_euclidean(x: &[f64], y: &[f64]) -> f64 {
    x.iter()
        .zip(y)
        .map(|(a, b)| {
            let d = a - b;
            d * d
        })
        .sum()
}

/// A dense n × m matrix of finite transport costs, row-major: entry (i, j) is the cost of
/// moving a unit of mass from source atom i to target atom j.
#[derive(Debug, Clone, PartialEq)]
pub struct CostMatrix {
    n_rows: usize,
    n_cols: usize,
    values: Vec<f64>,
}

/// Bytes the crate allows a dense cost matrix to take before refusing (16 GiB).
pub const MAX_COST_MATRIX_BYTES: u128 = 16 << 30;

impl CostMatrix {
    /// Wraps row-major values as an `n_rows × n_cols` cost matrix.
    ///
    /// Costs may be negative (a transport problem is unchanged by adding a constant).
    ///
    /// # Errors
    /// [`Error::Empty`] for zero rows or columns, [`Error::LengthMismatch`] if
    /// `values.len() != n_rows * n_cols`, [`Error::NonFinite`] for a NaN or infinite cost.
    pub fn new(n_rows: usize, n_cols: usize, values: Vec<f64>) -> Result<Self> {
        if n_rows == 0 || n_cols == 0 {
            return Err(Error::Empty {
                what: "cost matrix",
            });
        }
        validate::length("cost matrix", n_rows.saturating_mul(n_cols), values.len())?;
        validate::finite("cost matrix", &values)?;
        Ok(Self {
            n_rows,
            n_cols,
            values,
        })
    }

    /// The cost matrix c(xᵢ, yⱼ) between the atoms of two measures. Cost O(n m d) time and
    /// 8 n m bytes.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if the measures differ in dimension,
    /// [`Error::InvalidParameter`] for a bad exponent, [`Error::TooLarge`] if the matrix
    /// would exceed [`MAX_COST_MATRIX_BYTES`], [`Error::NonFinite`] if a cost overflows.
    pub fn between(
        source: &DiscreteMeasure,
        target: &DiscreteMeasure,
        ground: GroundCost,
    ) -> Result<Self> {
        ground.validate()?;
        if source.dim() != target.dim() {
            return Err(Error::DimensionMismatch {
                what: "target atoms",
                expected: source.dim(),
                found: target.dim(),
            });
        }
        check_dense_size(source.len(), target.len())?;

        let mut values = Vec::with_capacity(source.len() * target.len());
        for x in source.atoms() {
            values.extend(target.atoms().map(|y| ground.between(x, y)));
        }
        Self::new(source.len(), target.len(), values)
    }

    /// Number of rows (source atoms).
    #[must_use]
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns (target atoms).
    #[must_use]
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// The costs, row-major.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Entry (i, j), or `None` outside the matrix.
    #[must_use]
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        if i >= self.n_rows || j >= self.n_cols {
            return None;
        }
        self.values.get(i * self.n_cols + j).copied()
    }
}

/// Refuses an n × m dense f64 matrix larger than [`MAX_COST_MATRIX_BYTES`].
///
/// # Errors
/// [`Error::TooLarge`] with the bytes it would need.
pub fn check_dense_size(n_rows: usize, n_cols: usize) -> Result<()> {
    let bytes = (n_rows as u128) * (n_cols as u128) * 8;
    if bytes > MAX_COST_MATRIX_BYTES {
        return Err(Error::TooLarge {
            what: "dense cost matrix",
            bytes,
            limit: MAX_COST_MATRIX_BYTES,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_survive_large_offsets() {
        let x = [1e9 + 3.0, 1e9];
        let y = [1e9, 1e9 + 4.0];
        assert_eq!(euclidean(&x, &y), 5.0);
        assert_eq!(squared_euclidean(&x, &y), 25.0);
    }

    #[test]
    fn euclidean_does_not_overflow() {
        let x = [3e200, 0.0];
        let y = [0.0, -4e200];
        assert!((euclidean(&x, &y) / 5e200 - 1.0).abs() < 1e-15);
        assert_eq!(euclidean(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
        assert!((euclidean(&[0.0, 0.0], &[3.0, 4.0]) - 5.0).abs() < 1e-15);
    }

    #[test]
    fn euclidean_does_not_underflow() {
        let x = [3e-200, 0.0];
        let y = [0.0, 4e-200];
        assert!((euclidean(&x, &y) / 5e-200 - 1.0).abs() < 1e-15);
    }

    #[test]
    fn cost_matrix_rejects_bad_input() {
        assert!(matches!(
            CostMatrix::new(0, 2, vec![]),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            CostMatrix::new(2, 2, vec![1.0; 3]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            CostMatrix::new(1, 2, vec![1.0, f64::NAN]),
            Err(Error::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            check_dense_size(1 << 20, 1 << 20),
            Err(Error::TooLarge { .. })
        ));
        assert!(GroundCost::Power(0.5).validate().is_err());
    }
}
