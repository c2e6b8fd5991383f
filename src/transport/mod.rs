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
/// # Errors
/// [`Error::DimensionMismatch`] if the measures differ in dimension,
/// [`Error::InvalidParameter`] for p < 1 or not finite, and the solver's errors
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

    let ground = if p == 1.0 {
        GroundCost::Euclidean
    } else if p == 2.0 {
        GroundCost::SquaredEuclidean
    } else {
        GroundCost::Power(p)
    };
    let solution = emd_between(source, target, ground)?;
    let distance = if p == 1.0 {
        solution.cost
    } else {
        solution.cost.max(0.0).powf(1.0 / p)
    };
    Ok((distance, Method::NetworkSimplex))
}

/// The Earth-Mover distance W₁ between two measures (see [`wasserstein`] with p = 1).
///
/// # Errors
/// As [`wasserstein`].
pub fn earth_mover(source: &DiscreteMeasure, target: &DiscreteMeasure) -> Result<f64> {
    wasserstein(source, target, 1.0).map(|(w, _)| w)
}
