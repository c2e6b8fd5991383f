//! Exact total variation, Kullback-Leibler and Jensen-Shannon divergences between discrete
//! distributions.
//!
//! ```text
//! TV(p, q) = sup_A |P(A) − Q(A)| = ½ Σᵢ |pᵢ − qᵢ|                  ∈ [0, 1]
//! KL(p ‖ q) = Σᵢ pᵢ ln(pᵢ / qᵢ)                                     ∈ [0, +∞]
//! JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),   m = ½ (p + q)             ∈ [0, ln 2]
//! ```
//!
//! Conventions (Arjovsky and Bottou 2017; Arjovsky, Chintala and Bottou 2017, section 2):
//! natural logarithms, so every value is in nats; 0 · ln 0 = 0; KL = +∞ when some
//! qᵢ = 0 < pᵢ (P is not absolutely continuous with respect to Q); JS carries the ½ factors,
//! so its largest value is ln 2, reached exactly when the supports are disjoint.
//!
//! Each function comes in two forms: on probability vectors over the same bins
//! (`total_variation`, ...) and on measures ([`crate::DiscreteMeasure`]), compared over the
//! union of their atoms (`total_variation_measures`, ...). Vectors are **normalized to sum
//! 1** before use.
//!
//! # Numerics
//! KL and JS are summed as non-negative terms, so they are never negative through
//! cancellation, even for nearly identical distributions:
//!
//! ```text
//! KL(p ‖ q) = Σᵢ qᵢ h(uᵢ),   uᵢ = (pᵢ − qᵢ)/qᵢ,   h(u) = (1+u) ln(1+u) − u ≥ 0
//! JS(p, q)  = Σᵢ ½ mᵢ φ(vᵢ), vᵢ = (pᵢ − qᵢ)/(pᵢ + qᵢ),
//!             φ(v) = (1+v) ln(1+v) + (1−v) ln(1−v) ∈ [0, 2 ln 2]
//! ```
//!
//! (the first adds Σ(qᵢ − pᵢ) = 0 to the textbook sum), with a power series for small |u|
//! and |v| where the closed forms would cancel. Rounding can still push a sum of order
//! 1e-16 past its bound: TV is clamped to [0, 1] and JS to [0, ln 2], and TV = 1, JS = ln 2
//! are returned exactly when no atom carries mass from both distributions.
//!
//! # Limitations
//! Atoms of two measures are matched by exact equality of their coordinates. Two samples
//! from a continuous distribution share no atom, so between them TV = 1, JS = ln 2 and
//! KL = +∞ exactly: that is the correct value for the empirical measures (and the point of
//! Arjovsky and Bottou's Theorem 2.3), not an estimate of the divergence between the
//! underlying continuous distributions.

mod jensen_shannon;
mod kullback_leibler;
mod total_variation;

pub use jensen_shannon::{jensen_shannon, jensen_shannon_measures};
pub use kullback_leibler::{kullback_leibler, kullback_leibler_measures};
pub use total_variation::{total_variation, total_variation_measures};

use crate::error::Result;
use crate::validate;

/// Checks two mass vectors over the same bins and normalizes each to sum 1.
fn probability_pair(p: &[f64], q: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    validate::non_empty("p", p)?;
    validate::non_empty("q", q)?;
    validate::length("q", p.len(), q.len())?;
    Ok((validate::normalized("p", p)?, validate::normalized("q", q)?))
}
