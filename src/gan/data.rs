//! Toy data sets as sample generators.
//!
//! Every set draws fresh samples from a caller's random generator (an infinite data set),
//! returned as a `dim × n` matrix with one sample per column, the layout of [`crate::nn`].
//!
//! ```text
//! 8 Gaussians:   c ∈ {2 (cos kπ/4, sin kπ/4) : k = 0…7},  x = (c + 0.02 ε) / 1.414
//! 25 Gaussians:  c ∈ {(2i, 2j) : i, j ∈ −2…2},           x = (c + 0.05 ε) / 2.828
//! swiss roll:    t = 1.5π (1 + 2U),  x = ((t cos t, t sin t) + 0.25 ε) / 7.5
//! 1-D Gaussian:  x = μ + σ ε
//! manifold:      x = B u,  B ∈ R^{d×2} with orthonormal columns,
//!                u = (cos θ, sin θ), θ ~ U[0, 2π)    (a circle, a curve)
//!                u ~ U[−1, 1]²                        (a square, a piece of plane)
//! ```
//!
//! with ε ~ N(0, I), U ~ U[0, 1], and the centre c uniform over its set. The first three
//! are the sets of the WGAN-GP toy code (Gulrajani et al. 2017, `gan_toy.py`); the swiss
//! roll is scikit-learn's `make_swiss_roll(noise = 0.25)` keeping coordinates 0 and 2.
//!
//! # Limitations
//! `gan_toy.py` draws its 25-Gaussians batches from one fixed set of 100 000 points; here
//! every batch is fresh, i.e. the limit of an unbounded data set.

use std::f64::consts::PI;

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::error::{Error, Result};
use crate::nn::Float;

/// Mean and standard deviation of the real data of the "two 1-D Gaussians" experiment
/// (Arjovsky, Chintala and Bottou 2017, Figure 2 analogue): N(2, 0.5²).
pub const TWO_GAUSSIANS_REAL: (f64, f64) = (2.0, 0.5);
/// The second Gaussian of that experiment, the fixed "fake" distribution: N(−2, 0.5²).
pub const TWO_GAUSSIANS_FAKE: (f64, f64) = (-2.0, 0.5);

/// Which low-dimensional manifold [`ToyData::Manifold`] embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManifoldKind {
    /// The unit circle, a closed curve (dimension 1).
    Circle,
    /// The square [−1, 1]², a piece of plane (dimension 2).
    Square,
}

/// A toy distribution to sample from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ToyData {
    /// 8 Gaussians of std 0.02 on a circle of radius 2, scaled by 1/1.414.
    EightGaussians,
    /// 25 Gaussians of std 0.05 on the grid {−4, −2, 0, 2, 4}², scaled by 1/2.828.
    TwentyFiveGaussians,
    /// The 2-D swiss roll with noise 0.25, scaled by 1/7.5.
    SwissRoll,
    /// A 1-D Gaussian N(mean, std²); build it with [`ToyData::gaussian_1d`].
    Gaussian1d {
        /// Mean μ.
        mean: f64,
        /// Standard deviation σ > 0.
        std: f64,
    },
    /// A circle or square rotated into R^d; build it with [`ToyData::manifold`].
    Manifold {
        /// Which manifold.
        kind: ManifoldKind,
        /// Orthonormal embedding B (`d × 2`).
        basis: DMatrix<f64>,
    },
}

impl ToyData {
    /// A 1-D Gaussian N(mean, std²).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `mean` is finite and `std` finite and > 0.
    pub fn gaussian_1d(mean: f64, std: f64) -> Result<Self> {
        if !(mean.is_finite() && std.is_finite() && std > 0.0) {
            return Err(Error::InvalidParameter {
                name: "gaussian",
                reason: "mean must be finite and std finite and > 0",
            });
        }
        Ok(ToyData::Gaussian1d { mean, std })
    }

    /// The manifold `kind` embedded in R^`ambient_dim` by a random orthonormal `d × 2`
    /// matrix (Gram-Schmidt on a Gaussian matrix drawn from `seed`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `ambient_dim < 2`.
    ///
    /// # Examples
    /// ```
    /// use gan_divergences::gan::{ManifoldKind, ToyData};
    /// use rand::SeedableRng;
    /// let circle = ToyData::manifold(ManifoldKind::Circle, 64, 0)?;
    /// let x = circle.sample::<f64, _>(5, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
    /// assert_eq!(x.shape(), (64, 5));
    /// assert!(x.column_iter().all(|c| (c.norm() - 1.0).abs() < 1e-12));
    /// # Ok::<(), gan_divergences::Error>(())
    /// ```
    pub fn manifold(kind: ManifoldKind, ambient_dim: usize, seed: u64) -> Result<Self> {
        if ambient_dim < 2 {
            return Err(Error::InvalidParameter {
                name: "ambient_dim",
                reason: "must be at least 2",
            });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let basis = loop {
            let g = DMatrix::from_fn(ambient_dim, 2, |_, _| StandardNormal.sample(&mut rng));
            if let Some(q) = orthonormalize(g) {
                break q;
            }
        };
        Ok(ToyData::Manifold { kind, basis })
    }

    /// Checks a data set built from its public fields: a Gaussian needs a finite mean and
    /// a finite std > 0; a manifold basis needs 2 columns, at least 2 rows and finite
    /// entries. (The constructors only build valid sets.)
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the data set.
    pub fn validate(&self) -> Result<()> {
        match self {
            ToyData::Gaussian1d { mean, std } => Self::gaussian_1d(*mean, *std).map(|_| ()),
            ToyData::Manifold { basis, .. } => {
                if basis.ncols() != 2 || basis.nrows() < 2 || basis.iter().any(|v| !v.is_finite()) {
                    return Err(Error::InvalidParameter {
                        name: "manifold basis",
                        reason: "must be a finite d × 2 matrix with d >= 2",
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Dimension of the samples.
    #[must_use]
    pub fn dim(&self) -> usize {
        match self {
            ToyData::Gaussian1d { .. } => 1,
            ToyData::Manifold { basis, .. } => basis.nrows(),
            _ => 2,
        }
    }

    /// A short name (`8gaussians`, `25gaussians`, `swissroll`, `gaussian1d`, `circle`,
    /// `square`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            ToyData::EightGaussians => "8gaussians",
            ToyData::TwentyFiveGaussians => "25gaussians",
            ToyData::SwissRoll => "swissroll",
            ToyData::Gaussian1d { .. } => "gaussian1d",
            ToyData::Manifold {
                kind: ManifoldKind::Circle,
                ..
            } => "circle",
            ToyData::Manifold {
                kind: ManifoldKind::Square,
                ..
            } => "square",
        }
    }

    /// `n` samples as a `dim × n` matrix.
    #[must_use]
    pub fn sample<T: Float, R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> DMatrix<T> {
        let mut out = DMatrix::zeros(self.dim(), n);
        self.sample_into(out.as_mut_slice(), rng);
        out
    }

    /// Fills a column-major buffer of `k · dim` values with `k` samples.
    pub(crate) fn sample_into<T: Float, R: Rng + ?Sized>(&self, out: &mut [T], rng: &mut R) {
        let dim = self.dim();
        if dim == 0 {
            return;
        }
        let mut point = [0.0_f64; 2];
        for column in out.chunks_exact_mut(dim) {
            match self {
                ToyData::Gaussian1d { mean, std } => {
                    column[0] = T::of_f64(mean + std * normal(rng));
                }
                ToyData::Manifold { kind, basis } => {
                    point = manifold_point(*kind, rng);
                    // x = B u; an entry missing from a malformed basis counts as 0
                    let b = |i: usize, j: usize| -> f64 { basis.get((i, j)).map_or(0.0, |v| *v) };
                    for (i, v) in column.iter_mut().enumerate() {
                        *v = T::of_f64(b(i, 0) * point[0] + b(i, 1) * point[1]);
                    }
                }
                _ => {
                    self.planar_point(&mut point, rng);
                    column[0] = T::of_f64(point[0]);
                    column[1] = T::of_f64(point[1]);
                }
            }
        }
    }

    fn planar_point<R: Rng + ?Sized>(&self, point: &mut [f64; 2], rng: &mut R) {
        match self {
            ToyData::EightGaussians => {
                let angle = f64::from(rng.random_range(0..8_u8)) * PI / 4.0;
                point[0] = (2.0 * angle.cos() + 0.02 * normal(rng)) / 1.414;
                point[1] = (2.0 * angle.sin() + 0.02 * normal(rng)) / 1.414;
            }
            ToyData::TwentyFiveGaussians => {
                let i = f64::from(rng.random_range(0..5_u8)) - 2.0;
                let j = f64::from(rng.random_range(0..5_u8)) - 2.0;
                point[0] = (2.0 * i + 0.05 * normal(rng)) / 2.828;
                point[1] = (2.0 * j + 0.05 * normal(rng)) / 2.828;
            }
            _ => {
                // swiss roll: the height coordinate 21 U' and its noise are drawn and dropped
                // in scikit-learn; they do not change the law of the kept coordinates
                let t = 1.5 * PI * (1.0 + 2.0 * rng.random::<f64>());
                point[0] = (t * t.cos() + 0.25 * normal(rng)) / 7.5;
                point[1] = (t * t.sin() + 0.25 * normal(rng)) / 7.5;
            }
        }
    }
}

fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

fn manifold_point<R: Rng + ?Sized>(kind: ManifoldKind, rng: &mut R) -> [f64; 2] {
    match kind {
        ManifoldKind::Circle => {
            let theta = 2.0 * PI * rng.random::<f64>();
            [theta.cos(), theta.sin()]
        }
        ManifoldKind::Square => [rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)],
    }
}

/// Gram-Schmidt on the two columns; `None` if they are (numerically) dependent.
fn orthonormalize(mut g: DMatrix<f64>) -> Option<DMatrix<f64>> {
    let n0 = g.column(0).norm();
    if n0 < 1e-8 {
        return None;
    }
    g.column_mut(0).scale_mut(1.0 / n0);
    let projection = g.column(0).dot(&g.column(1));
    let first = g.column(0).clone_owned();
    g.column_mut(1).axpy(-projection, &first, 1.0);
    let n1 = g.column(1).norm();
    if n1 < 1e-8 {
        return None;
    }
    g.column_mut(1).scale_mut(1.0 / n1);
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_gaussians_sit_on_their_centres() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let x = ToyData::EightGaussians.sample::<f64, _>(1000, &mut rng);
        for c in x.column_iter() {
            let radius = c.norm();
            assert!((radius - 2.0 / 1.414).abs() < 0.1, "{radius}");
        }
    }

    #[test]
    fn embedding_is_orthonormal_and_reproducible() {
        let a = ToyData::manifold(ManifoldKind::Square, 10, 4).unwrap();
        let b = ToyData::manifold(ManifoldKind::Square, 10, 4).unwrap();
        assert_eq!(a, b);
        if let ToyData::Manifold { basis, .. } = a {
            let gram = basis.transpose() * &basis;
            assert!((gram - DMatrix::identity(2, 2)).abs().max() < 1e-12);
        }
        assert!(ToyData::manifold(ManifoldKind::Circle, 1, 0).is_err());
        assert!(ToyData::gaussian_1d(0.0, 0.0).is_err());
    }

    #[test]
    fn swiss_roll_and_grid_ranges() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let roll = ToyData::SwissRoll.sample::<f32, _>(500, &mut rng);
        assert!(roll.iter().all(|v| v.abs() < 2.5));
        let grid = ToyData::TwentyFiveGaussians.sample::<f64, _>(500, &mut rng);
        assert!(grid.iter().all(|v| v.abs() < 4.0 / 2.828 + 0.3));
        let g = ToyData::gaussian_1d(2.0, 0.5)
            .unwrap()
            .sample::<f64, _>(20_000, &mut rng);
        assert!((g.mean() - 2.0).abs() < 0.02);
    }
}
