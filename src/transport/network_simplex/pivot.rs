//! Choosing the entering arc: block search over the reduced costs, and where the costs of
//! the arcs come from.
//!
//! The arcs are scanned cyclically in blocks of about √(number of arcs); at the end of a
//! block the arc with the most negative reduced cost enters, if it is below −tolerance.
//! A full cycle over every arc without a candidate proves optimality (Grigoriadis 1986;
//! the same rule as LEMON's network simplex, Kovács 2015).

use std::ops::Range;

use super::tree::{Arc, SpanningTree};
use crate::transport::cost::CostMatrix;

/// Smallest number of arcs in a block.
const MIN_BLOCK_SIZE: usize = 16;

/// The costs cᵢⱼ of the real arcs of an n × m transport problem.
pub(crate) trait ArcCosts: Sync {
    /// Number of sources n.
    fn n_sources(&self) -> usize;
    /// Number of targets m.
    fn n_targets(&self) -> usize;
    /// The cost of moving mass from source i to target j, in the caller's units.
    fn cost(&self, i: usize, j: usize) -> f64;
    /// Largest |cᵢⱼ| over all arcs, or an upper bound on it within a small factor.
    fn largest_abs(&self) -> f64;

    /// The smallest scaled reduced cost `scale·cᵢⱼ + πᵢ − ρⱼ` over `columns`, and its j.
    fn row_minimum(
        &self,
        i: usize,
        columns: Range<usize>,
        scale: f64,
        source_potential: f64,
        target_potentials: &[f64],
    ) -> (f64, usize) {
        let mut best = (f64::INFINITY, columns.start);
        for j in columns {
            let potential = target_potentials.get(j).copied().unwrap_or(0.0);
            let reduced = self.cost(i, j) * scale + source_potential - potential;
            if reduced < best.0 {
                best = (reduced, j);
            }
        }
        best
    }
}

impl ArcCosts for CostMatrix {
    fn n_sources(&self) -> usize {
        self.n_rows()
    }

    fn n_targets(&self) -> usize {
        self.n_cols()
    }

    fn cost(&self, i: usize, j: usize) -> f64 {
        self.get(i, j).unwrap_or(0.0)
    }

    fn largest_abs(&self) -> f64 {
        self.values()
            .iter()
            .fold(0.0, |largest, c| largest.max(c.abs()))
    }

    fn row_minimum(
        &self,
        i: usize,
        columns: Range<usize>,
        scale: f64,
        source_potential: f64,
        target_potentials: &[f64],
    ) -> (f64, usize) {
        let start = i * self.n_cols();
        let costs = self
            .values()
            .get(start + columns.start..start + columns.end)
            .unwrap_or(&[]);
        let potentials = target_potentials.get(columns.clone()).unwrap_or(&[]);
        let (reduced, offset) = lane_minimum(costs, potentials, scale, source_potential);
        (reduced, columns.start + offset)
    }
}

/// Number of independent running minima in [`lane_minimum`] (two vector registers' worth,
/// so the compiler can keep them in registers and compare them in parallel).
pub(super) const LANES: usize = 8;

/// min over k of `costs[k]·scale + source_potential − potentials[k]`, and its k.
///
/// Keeps one running minimum per lane, so the loop carries no dependency from one arc to
/// the next; ties go to the smallest k, as in a plain scan.
fn lane_minimum(
    costs: &[f64],
    potentials: &[f64],
    scale: f64,
    source_potential: f64,
) -> (f64, usize) {
    let mut minima = [f64::INFINITY; LANES];
    let mut chunk_of = [0usize; LANES];
    let chunks = costs
        .chunks_exact(LANES)
        .zip(potentials.chunks_exact(LANES));
    for (chunk, (c, rho)) in chunks.enumerate() {
        for lane in 0..LANES {
            let reduced = c[lane] * scale + source_potential - rho[lane];
            if reduced < minima[lane] {
                minima[lane] = reduced;
                chunk_of[lane] = chunk;
            }
        }
    }

    // the lanes' minima, then the arcs past the last whole chunk
    let mut best = (f64::INFINITY, 0);
    for lane in 0..LANES {
        let k = chunk_of[lane] * LANES + lane;
        if minima[lane] < best.0 || (minima[lane] == best.0 && k < best.1) {
            best = (minima[lane], k);
        }
    }
    let tail = costs.len().min(potentials.len()) / LANES * LANES;
    for (k, (c, rho)) in costs.iter().zip(potentials).enumerate().skip(tail) {
        let reduced = c * scale + source_potential - rho;
        if reduced < best.0 {
            best = (reduced, k);
        }
    }
    best
}

/// The network of a transport problem: real arcs `i → n + j` with ids `i·m + j`, then the
/// artificial arc of each node v with id `n·m + v`, which joins v and the root.
pub(super) struct Network<'a, C: ArcCosts> {
    pub costs: &'a C,
    pub n_sources: usize,
    pub n_targets: usize,
    /// `true` when the artificial arc of node v points from v to the root.
    pub artificial_upward: Vec<bool>,
    /// Cost of every artificial arc, in the scaled units.
    pub artificial_cost: f64,
    /// Multiplier taking the caller's costs to order one.
    pub scale: f64,
}

impl<C: ArcCosts> Network<'_, C> {
    /// Number of real arcs n·m.
    pub fn n_real_arcs(&self) -> usize {
        self.n_sources * self.n_targets
    }

    /// Number of arcs, real and artificial.
    pub fn n_arcs(&self) -> usize {
        self.n_real_arcs() + self.n_sources + self.n_targets
    }

    /// The end nodes of arc `id`.
    pub fn arc(&self, id: usize) -> Arc {
        let real = self.n_real_arcs();
        if id < real {
            return Arc {
                id,
                tail: id / self.n_targets,
                head: self.n_sources + id % self.n_targets,
            };
        }
        let v = id - real;
        let root = self.n_sources + self.n_targets;
        let upward = self.artificial_upward.get(v).copied().unwrap_or(true);
        let (tail, head) = if upward { (v, root) } else { (root, v) };
        Arc { id, tail, head }
    }

    /// The cost of arc `id` in the scaled units the simplex works in.
    pub fn scaled_cost(&self, id: usize) -> f64 {
        if id < self.n_real_arcs() {
            self.costs.cost(id / self.n_targets, id % self.n_targets) * self.scale
        } else {
            self.artificial_cost
        }
    }

    /// The cost of arc `id` in the caller's units.
    pub fn original_cost(&self, id: usize) -> f64 {
        if id < self.n_real_arcs() {
            self.costs.cost(id / self.n_targets, id % self.n_targets)
        } else {
            self.artificial_cost / self.scale
        }
    }
}

/// The block search state: where the next scan starts and how long a block is.
pub(super) struct BlockSearch {
    block_size: usize,
    next: usize,
}

impl BlockSearch {
    /// A block of ⌈√n_arcs⌉ arcs (at least [`MIN_BLOCK_SIZE`]).
    pub fn new(n_arcs: usize) -> Self {
        let block_size = ((n_arcs as f64).sqrt().ceil() as usize).max(MIN_BLOCK_SIZE);
        Self {
            block_size,
            next: 0,
        }
    }

    /// The entering arc and its scaled reduced cost, or `None` when every arc has reduced
    /// cost ≥ −tolerance.
    pub fn find<C: ArcCosts>(
        &mut self,
        network: &Network<'_, C>,
        tree: &SpanningTree,
        tolerance: f64,
    ) -> Option<(Arc, f64)> {
        let n_arcs = network.n_arcs();
        let real = network.n_real_arcs();
        let (n, m) = (network.n_sources, network.n_targets);
        let targets = tree.potential.get(n..n + m).unwrap_or(&[]);
        let mut best = (-tolerance, usize::MAX);
        let (mut scanned, mut in_block) = (0, 0);
        let mut position = self.next;
        while scanned < n_arcs {
            // one run of arcs: the rest of a row, or one artificial arc
            let length = if position < real {
                let (i, j) = (position / m, position % m);
                let length = (m - j).min(self.block_size - in_block);
                let (reduced, column) = network.costs.row_minimum(
                    i,
                    j..j + length,
                    network.scale,
                    tree.potential[i],
                    targets,
                );
                if reduced < best.0 {
                    best = (reduced, i * m + column);
                }
                length
            } else {
                let arc = network.arc(position);
                let reduced =
                    network.artificial_cost + tree.potential[arc.tail] - tree.potential[arc.head];
                if reduced < best.0 {
                    best = (reduced, position);
                }
                1
            };
            position = if position + length >= n_arcs {
                0
            } else {
                position + length
            };
            scanned += length;
            in_block += length;

            // at the end of a block, the best arc so far enters
            if in_block >= self.block_size || scanned >= n_arcs {
                if best.1 != usize::MAX {
                    self.next = position;
                    return Some((network.arc(best.1), best.0));
                }
                in_block = 0;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_minimum_matches_a_plain_scan() {
        for len in [0, 1, 7, 8, 9, 23, 64] {
            let costs: Vec<f64> = (0..len).map(|k| ((k * 37) % 11) as f64).collect();
            let potentials: Vec<f64> = (0..len).map(|k| ((k * 5) % 3) as f64).collect();
            let mut plain = (f64::INFINITY, 0);
            for k in 0..len {
                let reduced = costs[k] * 0.5 + 1.0 - potentials[k];
                if reduced < plain.0 {
                    plain = (reduced, k);
                }
            }
            assert_eq!(lane_minimum(&costs, &potentials, 0.5, 1.0), plain);
        }
    }
}
