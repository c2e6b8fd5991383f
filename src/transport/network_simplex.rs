//! Exact optimal transport between weighted point clouds by the network simplex method.
//!
//! (Placeholder: the solver is being written. The public signatures below are the contract
//! other modules code against.)

use crate::error::Result;
use crate::measure::DiscreteMeasure;
use crate::transport::cost::{CostMatrix, GroundCost};

/// One non-zero entry γᵢⱼ of a transport plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanEntry {
    /// Source atom index i.
    pub source: usize,
    /// Target atom index j.
    pub target: usize,
    /// Mass γᵢⱼ moved from i to j.
    pub mass: f64,
}

/// An optimal transport plan with its cost and a dual certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct TransportSolution {
    /// Optimal cost Σ γᵢⱼ cᵢⱼ, in the units of the cost.
    pub cost: f64,
    /// The non-zero entries of an optimal plan (at most n + m − 1).
    pub plan: Vec<PlanEntry>,
    /// Dual potential f on the source atoms.
    pub source_potential: Vec<f64>,
    /// Dual potential g on the target atoms.
    pub target_potential: Vec<f64>,
    /// Number of pivots taken.
    pub n_iterations: usize,
}

/// Solves min ⟨γ, C⟩ over plans with marginals `source_weights` and `target_weights`.
///
/// # Errors
/// Not yet implemented.
pub fn emd(
    source_weights: &[f64],
    target_weights: &[f64],
    cost: &CostMatrix,
) -> Result<TransportSolution> {
    let _ = (source_weights, target_weights, cost);
    Err(crate::Error::Infeasible)
}

/// Solves the transport problem between two measures with the given ground cost.
///
/// # Errors
/// Not yet implemented.
pub fn emd_between(
    source: &DiscreteMeasure,
    target: &DiscreteMeasure,
    ground: GroundCost,
) -> Result<TransportSolution> {
    let cost = CostMatrix::between(source, target, ground)?;
    emd(source.weights(), target.weights(), &cost)
}

/// Estimated peak memory, in bytes, of [`emd_between`] on `n_sources × n_targets` atoms,
/// so that a caller can refuse a problem before allocating it.
#[must_use]
pub fn estimated_bytes(n_sources: usize, n_targets: usize) -> u128 {
    let arcs = n_sources as u128 * n_targets as u128;
    // dense costs (8 bytes an arc) plus per-arc solver state (flow and state: 9 bytes)
    arcs * 17 + (n_sources as u128 + n_targets as u128) * 64
}
