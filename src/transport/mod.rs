//! Optimal transport: the Earth-Mover (Wasserstein-1) distance and W_p.
//!
//! ```text
//! W_p(μ, ν) = ( inf_{γ ∈ Π(μ, ν)} ∫ ‖x − y‖₂ᵖ dγ(x, y) )^(1/p),   p ≥ 1
//! ```
//!
//! where Π(μ, ν) is the set of couplings with marginals μ and ν (Arjovsky, Chintala and
//! Bottou, *Wasserstein GAN*, 2017, eq. (1), for p = 1). Between discrete measures the
//! infimum is a linear program, solved exactly:
//!
//! - on the line by sorting ([`one_d`]), in O((n + m) log(n + m));
//! - in any dimension by the network simplex ([`network_simplex`]), which also returns an
//!   optimal plan and dual potentials that certify it.
//!
//! [`wasserstein`] picks the path from the dimension of the data.

pub mod assignment;
pub mod cost;
pub mod network_simplex;
pub mod one_d;

pub use cost::{CostMatrix, GroundCost};
pub use network_simplex::{emd, emd_between, PlanEntry, TransportSolution};
pub use one_d::{wasserstein_1d, wasserstein_1d_samples, wasserstein_1d_weighted};

use crate::error::{Error, Result};
use crate::measure::DiscreteMeasure;
use crate::validate;

/// Which exact method computed a distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// The sorted 1-D walk of [`one_d`].
    Sorted1d,
    /// The network simplex of [`network_simplex`].
    NetworkSimplex,
}

impl Method {
    /// The method's name as the `divergence` command prints it.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Method::Sorted1d => "sorted-1d",
            Method::NetworkSimplex => "network-simplex",
        }
    }
}

/// W_p between two measures, exactly: by sorting in 1-D, by the network simplex otherwise.
///
/// # Formula
/// ```text
/// W_p(μ, ν) = ( min_γ Σᵢⱼ γᵢⱼ ‖xᵢ − yⱼ‖₂ᵖ )^(1/p)
/// ```
/// In the units of the coordinates.
///
/// W_p is positively homogeneous, W_p(sμ, sν) = s W_p(μ, ν), so when the costs ‖x − y‖ᵖ
/// could over- or underflow f64 (p > 1, or atoms spread beyond 1e±100) the atoms are
/// divided by powers of two that bring every distance to at most 1 (exact in binary
/// floating point) and the distance multiplied back. A distance above f64::MAX comes back
/// as +∞.
///
/// # Limitations
/// In more than one dimension the simplex prices reduced costs to about 1e-12 of the
/// largest cost, so W_pᵖ is accurate to about 1e-12 · (extent of the atoms)ᵖ in absolute
/// terms. For large p that is coarse: at p = 400 a distance moved of half the extent
/// costs 2⁻⁴⁰⁰ of the largest cost and the simplex cannot tell such plans apart, so the
/// result is wrong. Keep p below about 20 in more than one dimension; above
/// [`MAX_EXPONENT_IN_SPACE`] it is refused. The 1-D path scales by the largest distance
/// moved instead, has no such loss, and takes any p ≥ 1.
///
/// # Errors
/// [`Error::DimensionMismatch`] if the measures differ in dimension,
/// [`Error::InvalidParameter`] for p < 1 or not finite, or p > 64 in more than one
/// dimension, and the solver's errors
/// ([`Error::TooLarge`], [`Error::IterationLimit`]).
///
/// # Examples
/// ```
/// use gan_divergences::{transport::wasserstein, DiscreteMeasure};
/// let mu = DiscreteMeasure::uniform(&[vec![0.0], vec![1.0]])?;
/// let nu = DiscreteMeasure::uniform(&[vec![2.0], vec![3.0]])?;
/// let (w, _method) = wasserstein(&mu, &nu, 1.0)?;
/// assert_eq!(w, 2.0);
/// # Ok::<(), gan_divergences::Error>(())
/// ```
pub fn wasserstein(
    source: &DiscreteMeasure,
    target: &DiscreteMeasure,
    p: f64,
) -> Result<(f64, Method)> {
    validate::at_least("p", p, 1.0, "must be finite and >= 1")?;
    if source.dim() != target.dim() {
        return Err(Error::DimensionMismatch {
            what: "target atoms",
            expected: source.dim(),
            found: target.dim(),
        });
    }
    if source.dim() == 1 {
        return Ok((wasserstein_1d(source, target, p)?, Method::Sorted1d));
    }

    if p > MAX_EXPONENT_IN_SPACE {
        return Err(Error::InvalidParameter {
            name: "p",
            reason: "must be at most 64 for points in more than one dimension",
        });
    }

    // W_p(μ/s, ν/s) = W_p(μ, ν)/s: bring every distance to at most 1 when the costs
    // ‖x − y‖ᵖ could leave the f64 range, dividing by powers of two so nothing is rounded
    let half_extent = half_extent(source, target);
    if half_extent == 0.0 {
        return Ok((0.0, Method::NetworkSimplex));
    }
    if p == 1.0 && (1e-100..=1e100).contains(&half_extent) {
        return Ok((simplex_distance(source, target, p)?, Method::NetworkSimplex));
    }
    let coarse = one_d::power_of_two_at_most(half_extent);
    let fine = diagonal_factor(source.dim());
    let (source, target) = (scaled(source, coarse, fine)?, scaled(target, coarse, fine)?);
    let distance = simplex_distance(&source, &target, p)? * fine * coarse;
    Ok((distance, Method::NetworkSimplex))
}

/// Largest p accepted in more than one dimension: beyond it the costs ‖x − y‖ᵖ of a
/// simplex that resolves 1e-12 of the largest cost no longer say which plan is optimal.
pub const MAX_EXPONENT_IN_SPACE: f64 = 64.0;

/// A power of two ≥ 4√d: after dividing by the coarse scale every axis spans less than 4,
/// so dividing by this too brings every distance to at most 1.
fn diagonal_factor(dim: usize) -> f64 {
    let mut factor = 4.0;
    while factor * factor < 16.0 * dim as f64 {
        factor *= 2.0;
    }
    factor
}

/// W_p by the network simplex with the cost ‖x − y‖ᵖ.
fn simplex_distance(source: &DiscreteMeasure, target: &DiscreteMeasure, p: f64) -> Result<f64> {
    let ground = if p == 1.0 {
        GroundCost::Euclidean
    } else if p == 2.0 {
        GroundCost::SquaredEuclidean
    } else {
        GroundCost::Power(p)
    };
    let solution = emd_between(source, target, ground)?;
    if p == 1.0 {
        Ok(solution.cost)
    } else {
        Ok(solution.cost.max(0.0).powf(1.0 / p))
    }
}

/// Half the largest extent, over the axes, of the box holding both measures' atoms
/// (halved so that it cannot overflow).
fn half_extent(source: &DiscreteMeasure, target: &DiscreteMeasure) -> f64 {
    let (low, high) = crate::measure::bounding_box(source, target);
    low.iter()
        .zip(&high)
        .map(|(l, h)| h / 2.0 - l / 2.0)
        .fold(0.0, f64::max)
}

/// A copy of the measure with every coordinate divided by `coarse`, then by `fine`.
fn scaled(measure: &DiscreteMeasure, coarse: f64, fine: f64) -> Result<DiscreteMeasure> {
    let coordinates = measure
        .coordinates()
        .iter()
        .map(|c| c / coarse / fine)
        .collect();
    DiscreteMeasure::from_flat(measure.dim(), coordinates, measure.weights())
}

/// The Earth-Mover distance W₁ between two measures (see [`wasserstein`] with p = 1).
///
/// # Errors
/// As [`wasserstein`].
pub fn earth_mover(source: &DiscreteMeasure, target: &DiscreteMeasure) -> Result<f64> {
    wasserstein(source, target, 1.0).map(|(w, _)| w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_x_axis(values: &[f64]) -> DiscreteMeasure {
        let atoms: Vec<Vec<f64>> = values.iter().map(|&v| vec![v, 0.0]).collect();
        DiscreteMeasure::uniform(&atoms).unwrap()
    }

    /// The simplex path scales too: costs ‖x − y‖ᵖ that leave the f64 range give the
    /// same W_p as the sorted 1-D formula on the same points.
    #[test]
    fn costs_that_leave_the_f64_range_are_scaled_in_the_plane() {
        let (x, y) = ([0.0, 1.0, 3.0], [0.5, 2.0, 2.5]);
        for (s, p) in [
            (1e-200, 2.0),
            (1e200, 2.0),
            (1e-160, 3.0),
            (1e150, 8.0),
            (1e300, 1.0),
        ] {
            let xs: Vec<f64> = x.iter().map(|v| v * s).collect();
            let ys: Vec<f64> = y.iter().map(|v| v * s).collect();
            let (plane, method) = wasserstein(&on_x_axis(&xs), &on_x_axis(&ys), p).unwrap();
            let line = wasserstein_1d_samples(&xs, &ys, p).unwrap();
            assert_eq!(method, Method::NetworkSimplex);
            assert!(line > 0.0 && line.is_finite(), "s {s}, p {p}: {line}");
            assert!(
                (plane / line - 1.0).abs() < 1e-12,
                "s {s}, p {p}: {plane} vs {line}"
            );
        }
    }

    /// Coordinates near ±f64::MAX: a distance below f64::MAX comes back finite, one above
    /// it as +∞, never NaN.
    #[test]
    fn extreme_coordinates_give_finite_or_infinite_distances() {
        let far = on_x_axis(&[9e307, -9e307]);
        let near = on_x_axis(&[1.0, 3.0]);
        let (w, _) = wasserstein(&far, &near, 1.0).unwrap();
        assert!((w / 9e307 - 1.0).abs() < 1e-12, "{w}");
        let (w, _) = wasserstein(&on_x_axis(&[-1.7e308]), &on_x_axis(&[1.7e308]), 2.0).unwrap();
        assert_eq!(w, f64::INFINITY);
        let refused = wasserstein(&far, &near, 65.0);
        assert!(matches!(
            refused,
            Err(Error::InvalidParameter { name: "p", .. })
        ));
    }

    #[test]
    fn identical_atoms_are_at_distance_zero() {
        let a = on_x_axis(&[2.0, 2.0]);
        assert_eq!(wasserstein(&a, &a, 3.0).unwrap().0, 0.0);
    }
}
