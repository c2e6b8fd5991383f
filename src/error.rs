//! The one error type of the library.
//!
//! Every fallible function returns [`Result`]. Each variant names the input it is about with a
//! `what` string such as `"source weights"`, and carries the index or sizes needed to find the
//! problem, so a caller can match on it and a command can print it as one line.
//!
//! Inputs are validated once, in constructors, in this order: empty, lengths, finite,
//! non-negative, positive total. A value that is defined but extreme, such as KL = +∞ when
//! the supports differ, is returned as a value, never as an error.

use thiserror::Error;

/// Errors returned by the estimators, solvers, networks and readers of this crate.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// An input that needs at least one element (atom, weight, bin, sample) has none.
    #[error("{what} is empty")]
    Empty {
        /// Which input, e.g. `"source atoms"`.
        what: &'static str,
    },

    /// Two inputs that must have the same length do not, e.g. weights and atoms.
    #[error("{what}: expected length {expected}, found {found}")]
    LengthMismatch {
        /// Which input.
        what: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        found: usize,
    },

    /// Two point sets, or the points of one set, do not share a dimension.
    #[error("{what}: expected dimension {expected}, found {found}")]
    DimensionMismatch {
        /// Which input.
        what: &'static str,
        /// The dimension of the first point or of the other set.
        expected: usize,
        /// The offending dimension.
        found: usize,
    },

    /// A coordinate, weight or cost is NaN or infinite.
    #[error("{what}: value at index {index} is not finite")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Flat index of the first offending value.
        index: usize,
    },

    /// A weight or probability mass is negative.
    #[error("{what}: value {value} at index {index} is negative")]
    NegativeWeight {
        /// Which input.
        what: &'static str,
        /// Index of the first negative value.
        index: usize,
        /// The negative value.
        value: f64,
    },

    /// All weights are zero, so the input is not a measure that can be normalized.
    #[error("{what}: total mass is zero")]
    ZeroMass {
        /// Which input.
        what: &'static str,
    },

    /// Every weight is finite but their sum overflows f64 (above about 1.8e308).
    #[error("{what}: the sum of the values overflows f64; rescale them")]
    MassOverflow {
        /// Which input.
        what: &'static str,
    },

    /// Two measures that must have equal mass (a transport problem) do not.
    #[error("total masses differ: source {source_mass}, target {target_mass}")]
    MassMismatch {
        /// Total mass of the source.
        source_mass: f64,
        /// Total mass of the target.
        target_mass: f64,
    },

    /// A parameter is outside its domain, e.g. p < 1 for W_p or a zero learning rate.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter's name as the caller spells it.
        name: &'static str,
        /// Why it is rejected, e.g. `"must be >= 1"`.
        reason: &'static str,
    },

    /// An iterative solver reached its iteration bound before proving optimality.
    ///
    /// The solver returns no approximate answer in this case.
    #[error("solver stopped at its bound of {iterations} iterations without an optimum")]
    IterationLimit {
        /// The bound that was reached.
        iterations: usize,
    },

    /// The transport problem has no feasible plan (only possible through round-off in the
    /// masses of a user-supplied problem).
    #[error("transport problem is infeasible")]
    Infeasible,

    /// A problem would need more memory than the crate is willing to allocate.
    #[error("{what} would need {bytes} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// What would be allocated, e.g. `"dense cost matrix"`.
        what: &'static str,
        /// Bytes the allocation would take.
        bytes: u128,
        /// The limit in force.
        limit: u128,
    },
}

/// Shorthand for `std::result::Result<T, Error>`.
pub type Result<T> = std::result::Result<T, Error>;
