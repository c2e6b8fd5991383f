//! The analytic models of the papers, with their closed forms and samplers.
//!
//! - [`parallel_lines`]: paper B, Example 1 (two parallel segments a distance θ apart).

pub mod parallel_lines;
