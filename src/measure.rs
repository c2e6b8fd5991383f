//! Validated discrete measures on R^d.
//!
//! A [`DiscreteMeasure`] is a finite weighted sum of Dirac masses,
//!
//! ```text
//! μ = Σᵢ aᵢ δ_{xᵢ},   xᵢ ∈ Rᵈ,   aᵢ ≥ 0,   Σᵢ aᵢ = 1.
//! ```
//!
//! Construction validates the input once, so every estimator can take a `&DiscreteMeasure`
//! without checking again. The weights given by the caller are **normalized to sum 1**:
//! weights `[2, 2]` and `[1, 1]` give the same measure. Atoms with zero weight are kept (they
//! change nothing in any distance) and repeated atoms are kept as given; the divergences that
//! need distinct atoms merge them, see [`crate::divergence`].
//!
//! Coordinates are stored row-major in one `Vec<f64>` of length `len() * dim()`.

use crate::error::{Error, Result};
use crate::validate;

/// A probability measure with finitely many atoms in R^d.
///
/// # Invariants
/// At least one atom; every coordinate finite; every weight finite and ≥ 0; weights sum to 1
/// up to rounding (they are the caller's weights divided by their total).
#[derive(Debug, Clone, PartialEq)]
pub struct DiscreteMeasure {
    dim: usize,
    coordinates: Vec<f64>,
    weights: Vec<f64>,
}

impl DiscreteMeasure {
    /// Builds a measure from atoms given as rows and one weight per atom.
    ///
    /// The weights are normalized to sum 1.
    ///
    /// # Errors
    /// - [`Error::Empty`] if there are no atoms, or the atoms have zero coordinates;
    /// - [`Error::LengthMismatch`] if `weights.len() != atoms.len()`;
    /// - [`Error::DimensionMismatch`] if two atoms differ in length;
    /// - [`Error::NonFinite`] for a NaN or infinite coordinate or weight;
    /// - [`Error::NegativeWeight`] for a weight below zero;
    /// - [`Error::ZeroMass`] if every weight is zero;
    /// - [`Error::MassOverflow`] if the weights' sum overflows f64.
    ///
    /// # Examples
    /// ```
    /// use gan_divergences::DiscreteMeasure;
    /// let mu = DiscreteMeasure::new(&[vec![0.0, 0.0], vec![1.0, 0.0]], &[1.0, 3.0])?;
    /// assert_eq!(mu.weights(), &[0.25, 0.75]);
    /// # Ok::<(), gan_divergences::Error>(())
    /// ```
    pub fn new(atoms: &[Vec<f64>], weights: &[f64]) -> Result<Self> {
        validate::non_empty("atoms", atoms)?;
        validate::length("weights", atoms.len(), weights.len())?;
        let dim = atoms[0].len();
        if let Some(bad) = atoms.iter().find(|a| a.len() != dim) {
            return Err(Error::DimensionMismatch {
                what: "atoms",
                expected: dim,
                found: bad.len(),
            });
        }

        let coordinates: Vec<f64> = atoms.iter().flatten().copied().collect();
        Self::from_flat(dim, coordinates, weights)
    }

    /// Builds the empirical measure of a sample: every atom gets weight 1/n.
    ///
    /// # Errors
    /// As [`DiscreteMeasure::new`], without the weight errors.
    pub fn uniform(atoms: &[Vec<f64>]) -> Result<Self> {
        let weights = vec![1.0; atoms.len()];
        Self::new(atoms, &weights)
    }

    /// Builds a measure from row-major coordinates (`n * dim` values) and `n` weights,
    /// normalized to sum 1.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if `dim == 0`;
    /// - [`Error::Empty`] if there are no coordinates;
    /// - [`Error::LengthMismatch`] if `coordinates.len()` is not a multiple of `dim`, or
    ///   `weights.len()` is not `coordinates.len() / dim`;
    /// - and the coordinate and weight errors of [`DiscreteMeasure::new`].
    pub fn from_flat(dim: usize, coordinates: Vec<f64>, weights: &[f64]) -> Result<Self> {
        if dim == 0 {
            return Err(Error::InvalidParameter {
                name: "dim",
                reason: "atoms must have at least one coordinate",
            });
        }
        validate::non_empty("atoms", &coordinates)?;
        if coordinates.len() % dim != 0 {
            return Err(Error::LengthMismatch {
                what: "coordinates (not a whole number of atoms)",
                expected: (coordinates.len() / dim + 1).saturating_mul(dim),
                found: coordinates.len(),
            });
        }
        validate::length("weights", coordinates.len() / dim, weights.len())?;
        validate::finite("coordinates", &coordinates)?;

        let weights = validate::normalized("weights", weights)?;
        Ok(Self {
            dim,
            coordinates,
            weights,
        })
    }

    /// Builds the uniform (empirical) measure of `coordinates.len() / dim` points.
    ///
    /// # Errors
    /// As [`DiscreteMeasure::from_flat`]; a length that is not a multiple of `dim` is a
    /// [`Error::LengthMismatch`].
    pub fn uniform_flat(dim: usize, coordinates: Vec<f64>) -> Result<Self> {
        let n = coordinates.len().checked_div(dim).unwrap_or(0);
        Self::from_flat(dim, coordinates, &vec![1.0; n])
    }

    /// Builds a measure on the real line from values and optional weights (uniform if
    /// `None`), normalized to sum 1.
    ///
    /// # Errors
    /// As [`DiscreteMeasure::from_flat`] with `dim = 1`.
    pub fn on_line(values: Vec<f64>, weights: Option<&[f64]>) -> Result<Self> {
        match weights {
            Some(w) => Self::from_flat(1, values, w),
            None => Self::uniform_flat(1, values),
        }
    }

    /// Number of atoms (repeated atoms counted as often as they are given).
    #[must_use]
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Always `false`: a measure has at least one atom. Present for clippy's `len` rule.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Dimension d of the space the atoms live in.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The normalized weights, summing to 1 up to rounding.
    #[must_use]
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// All coordinates, row-major: atom `i` is `coordinates()[i*d .. (i+1)*d]`.
    #[must_use]
    pub fn coordinates(&self) -> &[f64] {
        &self.coordinates
    }

    /// The coordinates of atom `i`, or `None` if `i >= len()`.
    #[must_use]
    pub fn atom(&self, i: usize) -> Option<&[f64]> {
        self.coordinates.get(i * self.dim..(i + 1) * self.dim)
    }

    /// Iterator over the atoms' coordinates, in order.
    pub fn atoms(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        self.coordinates.chunks_exact(self.dim)
    }

    /// Largest Euclidean distance between two atoms (0 for one atom). Cost O(n² d).
    #[must_use]
    pub fn diameter(&self) -> f64 {
        let atoms: Vec<&[f64]> = self.atoms().collect();
        let mut largest = 0.0_f64;
        for (i, x) in atoms.iter().enumerate() {
            for y in &atoms[i + 1..] {
                largest = largest.max(crate::transport::cost::euclidean(x, y));
            }
        }
        largest
    }
}

/// The smallest axis-aligned box holding the atoms of both measures (of equal dimension):
/// per-axis lowest and highest coordinates. Cost O((n + m) d).
pub(crate) fn bounding_box(
    first: &DiscreteMeasure,
    second: &DiscreteMeasure,
) -> (Vec<f64>, Vec<f64>) {
    let mut low = vec![f64::INFINITY; first.dim()];
    let mut high = vec![f64::NEG_INFINITY; first.dim()];
    for atom in first.atoms().chain(second.atoms()) {
        for ((l, h), &c) in low.iter_mut().zip(high.iter_mut()).zip(atom) {
            *l = l.min(c);
            *h = h.max(c);
        }
    }
    (low, high)
}

/// Two measures written as probability vectors over the union of their distinct atoms.
///
/// Atoms are equal when all their coordinates compare equal as f64 (so `0.0 == -0.0`);
/// no tolerance is applied. Weights of repeated atoms are added.
#[derive(Debug, Clone, PartialEq)]
pub struct CommonSupport {
    /// Dimension of the atoms.
    pub dim: usize,
    /// The distinct atoms, row-major, in lexicographic order.
    pub atoms: Vec<f64>,
    /// Mass of the first measure on each distinct atom.
    pub p: Vec<f64>,
    /// Mass of the second measure on each distinct atom.
    pub q: Vec<f64>,
}

/// Writes two measures over the union of their atoms. Cost O((n + m) log(n + m) · d).
///
/// # Errors
/// [`Error::DimensionMismatch`] if the measures live in spaces of different dimension.
pub fn common_support(first: &DiscreteMeasure, second: &DiscreteMeasure) -> Result<CommonSupport> {
    if first.dim() != second.dim() {
        return Err(Error::DimensionMismatch {
            what: "second measure",
            expected: first.dim(),
            found: second.dim(),
        });
    }
    let dim = first.dim();

    // tag every atom with its measure and weight, then sort lexicographically
    let mut tagged: Vec<(&[f64], bool, f64)> = first
        .atoms()
        .zip(first.weights())
        .map(|(x, &w)| (x, false, w))
        .chain(
            second
                .atoms()
                .zip(second.weights())
                .map(|(x, &w)| (x, true, w)),
        )
        .collect();
    tagged.sort_by(|a, b| lexicographic(a.0, b.0));

    // sweep: merge runs of equal atoms, adding each measure's weight
    let mut support = CommonSupport {
        dim,
        atoms: Vec::new(),
        p: Vec::new(),
        q: Vec::new(),
    };
    let mut previous: Option<&[f64]> = None;
    for (x, in_second, w) in tagged {
        if previous != Some(x) {
            support.atoms.extend_from_slice(x);
            support.p.push(0.0);
            support.q.push(0.0);
            previous = Some(x);
        }
        let last = support.p.len() - 1;
        if in_second {
            support.q[last] += w;
        } else {
            support.p[last] += w;
        }
    }
    Ok(support)
}

/// Lexicographic order on finite coordinate rows (`0.0` and `-0.0` compare equal).
fn lexicographic(a: &[f64], b: &[f64]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.partial_cmp(y) {
            Some(std::cmp::Ordering::Equal) | None => continue,
            Some(order) => return order,
        }
    }
    std::cmp::Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_normalized() {
        let mu = DiscreteMeasure::new(&[vec![0.0], vec![1.0]], &[2.0, 6.0]).unwrap();
        assert_eq!(mu.weights(), &[0.25, 0.75]);
        assert_eq!(mu.len(), 2);
        assert_eq!(mu.dim(), 1);
    }

    #[test]
    fn every_bad_input_has_its_error() {
        let nan = f64::NAN;
        assert_eq!(
            DiscreteMeasure::new(&[], &[]),
            Err(Error::Empty { what: "atoms" })
        );
        assert!(matches!(
            DiscreteMeasure::new(&[vec![0.0], vec![1.0]], &[1.0]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            DiscreteMeasure::new(&[vec![0.0], vec![1.0, 2.0]], &[1.0, 1.0]),
            Err(Error::DimensionMismatch { found: 2, .. })
        ));
        assert!(matches!(
            DiscreteMeasure::new(&[vec![nan]], &[1.0]),
            Err(Error::NonFinite { index: 0, .. })
        ));
        assert!(matches!(
            DiscreteMeasure::new(&[vec![0.0]], &[f64::INFINITY]),
            Err(Error::NonFinite { .. })
        ));
        assert!(matches!(
            DiscreteMeasure::new(&[vec![0.0], vec![1.0]], &[1.0, -1.0]),
            Err(Error::NegativeWeight { index: 1, .. })
        ));
        assert!(matches!(
            DiscreteMeasure::new(&[vec![0.0]], &[0.0]),
            Err(Error::ZeroMass { .. })
        ));
        assert!(matches!(
            DiscreteMeasure::uniform_flat(2, vec![1.0, 2.0, 3.0]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            DiscreteMeasure::new(&[vec![]], &[1.0]),
            Err(Error::InvalidParameter { .. })
        ));
        assert_eq!(
            DiscreteMeasure::new(&[vec![0.0], vec![1.0]], &[1e308, 1e308]),
            Err(Error::MassOverflow { what: "weights" })
        );
        assert!(matches!(
            DiscreteMeasure::on_line(vec![1.0, 2.0], Some(&[1.0])),
            Err(Error::LengthMismatch {
                what: "weights",
                expected: 2,
                found: 1
            })
        ));
        // sizes that would overflow usize arithmetic are a typed error, not a panic
        assert!(matches!(
            DiscreteMeasure::from_flat(usize::MAX, vec![1.0], &[1.0, 1.0]),
            Err(Error::LengthMismatch { .. })
        ));
    }

    #[test]
    fn common_support_merges_equal_atoms() {
        let a = DiscreteMeasure::uniform(&[vec![0.0], vec![1.0], vec![1.0]]).unwrap();
        let b = DiscreteMeasure::uniform(&[vec![-0.0], vec![2.0]]).unwrap();
        let s = common_support(&a, &b).unwrap();
        assert_eq!(s.atoms, vec![0.0, 1.0, 2.0]);
        assert!((s.p[1] - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(s.q, vec![0.5, 0.0, 0.5]);
    }
}
