//! Costs between two point clouds computed on the fly, so the solver needs no n × m matrix.
//!
//! Each cost is formed exactly as [`GroundCost::between`] forms it (coordinate differences,
//! squares summed in coordinate order, then the square root), so the values are the same
//! bits as in [`CostMatrix::between`](crate::transport::CostMatrix::between). Pricing a row
//! walks the target coordinates stored by dimension, with independent lanes; a segment in
//! which some squared distance could have over- or underflowed is redone atom by atom with
//! [`GroundCost::between`], which rescales.

use std::ops::Range;

use super::pivot::{ArcCosts, LANES};
use crate::measure::DiscreteMeasure;
use crate::transport::cost::GroundCost;

/// Smallest sum of squares whose square root is taken directly (see `cost::euclidean`).
const SAFE_SQUARES: f64 = f64::MIN_POSITIVE / f64::EPSILON;

/// Euclidean or squared Euclidean costs between two clouds of dimension ≥ 2.
pub(crate) struct PointCosts<'a> {
    source: &'a DiscreteMeasure,
    target: &'a DiscreteMeasure,
    squared: bool,
    /// `columns[k][j]` is coordinate k of target atom j.
    columns: Vec<Vec<f64>>,
    bound: f64,
}

impl<'a> PointCosts<'a> {
    /// On-the-fly costs, or `None` when the ground cost or the dimension has no fast path
    /// (the caller then builds the dense matrix).
    pub fn new(
        source: &'a DiscreteMeasure,
        target: &'a DiscreteMeasure,
        ground: GroundCost,
    ) -> Option<Self> {
        let squared = match ground {
            GroundCost::Euclidean => false,
            GroundCost::SquaredEuclidean => true,
            _ => return None,
        };
        let dim = source.dim();
        if dim < 2 || target.dim() != dim {
            return None;
        }
        let columns = (0..dim)
            .map(|k| target.atoms().map(|y| y[k]).collect())
            .collect();
        let bound = bounding_diagonal(source, target);
        let bound = if squared { bound * bound } else { bound };
        Some(Self {
            source,
            target,
            squared,
            columns,
            bound,
        })
    }

    fn ground(&self) -> GroundCost {
        if self.squared {
            GroundCost::SquaredEuclidean
        } else {
            GroundCost::Euclidean
        }
    }

    /// The lane loop over one row segment; `None` if a sum of squares left the safe range.
    fn fast_row_minimum(
        &self,
        x: &[f64],
        columns: Range<usize>,
        scale: f64,
        source_potential: f64,
        potentials: &[f64],
    ) -> Option<(f64, usize)> {
        let len = columns.len();
        let mut minima = [f64::INFINITY; LANES];
        let mut at = [0usize; LANES];
        let mut unsafe_sum = false;
        let mut squares = [0.0; LANES];
        let mut start = 0;
        while start + LANES <= len {
            // Σₖ (xₖ − yₖ)², in coordinate order
            let window = columns.start + start..columns.start + start + LANES;
            if let ([x0, x1], [c0, c1]) = (x, self.columns.as_slice()) {
                let (y0, y1) = (c0.get(window.clone())?, c1.get(window)?);
                for lane in 0..LANES {
                    let (d0, d1) = (x0 - y0[lane], x1 - y1[lane]);
                    squares[lane] = d0 * d0 + d1 * d1;
                }
            } else {
                squares.iter_mut().for_each(|s| *s = 0.0);
                for (xk, column) in x.iter().zip(&self.columns) {
                    let ys = column.get(window.clone())?;
                    for lane in 0..LANES {
                        let d = xk - ys[lane];
                        squares[lane] += d * d;
                    }
                }
            }
            let rho = potentials.get(start..start + LANES)?;
            for lane in 0..LANES {
                let s = squares[lane];
                unsafe_sum |= !(SAFE_SQUARES..=f64::MAX).contains(&s);
                let c = if self.squared { s } else { s.sqrt() };
                let reduced = c * scale + source_potential - rho[lane];
                if reduced < minima[lane] {
                    minima[lane] = reduced;
                    at[lane] = start + lane;
                }
            }
            start += LANES;
        }
        if unsafe_sum && !self.squared {
            return None;
        }

        // the lanes' minima (ties to the smaller index), then the last few arcs
        let mut best = (f64::INFINITY, 0);
        for lane in 0..LANES {
            if minima[lane] < best.0 || (minima[lane] == best.0 && at[lane] < best.1) {
                best = (minima[lane], at[lane]);
            }
        }
        let ground = self.ground();
        for k in start..len {
            let y = self.target.atom(columns.start + k)?;
            let reduced = ground.between(x, y) * scale + source_potential - potentials.get(k)?;
            if reduced < best.0 {
                best = (reduced, k);
            }
        }
        Some(best)
    }
}

impl ArcCosts for PointCosts<'_> {
    fn n_sources(&self) -> usize {
        self.source.len()
    }

    fn n_targets(&self) -> usize {
        self.target.len()
    }

    fn cost(&self, i: usize, j: usize) -> f64 {
        match (self.source.atom(i), self.target.atom(j)) {
            (Some(x), Some(y)) => self.ground().between(x, y),
            _ => 0.0,
        }
    }

    /// An upper bound: the diagonal of the box holding both clouds (squared for W₂²).
    fn largest_abs(&self) -> f64 {
        self.bound
    }

    fn row_minimum(
        &self,
        i: usize,
        columns: Range<usize>,
        scale: f64,
        source_potential: f64,
        target_potentials: &[f64],
    ) -> (f64, usize) {
        let potentials = target_potentials.get(columns.clone()).unwrap_or(&[]);
        let fast = self.source.atom(i).and_then(|x| {
            self.fast_row_minimum(x, columns.clone(), scale, source_potential, potentials)
        });
        match fast {
            Some((reduced, offset)) => (reduced, columns.start + offset),
            None => {
                let mut best = (f64::INFINITY, columns.start);
                for (j, rho) in columns.zip(potentials) {
                    let reduced = self.cost(i, j) * scale + source_potential - rho;
                    if reduced < best.0 {
                        best = (reduced, j);
                    }
                }
                best
            }
        }
    }
}

/// Diagonal of the bounding box of both clouds, at least as large as every distance
/// between them (rescaled so that it cannot overflow).
fn bounding_diagonal(source: &DiscreteMeasure, target: &DiscreteMeasure) -> f64 {
    let (low, high) = crate::measure::bounding_box(source, target);
    crate::transport::cost::euclidean(&low, &high)
}
