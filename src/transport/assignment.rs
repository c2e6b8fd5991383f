//! Exact optimal assignment by the Hungarian method with potentials (shortest augmenting
//! paths), an O(n³) solver independent of the network simplex.
//!
//! Between two samples of equal size n with uniform weights 1/n, an optimal transport plan
//! can be taken to be a permutation (Birkhoff-von Neumann: the extreme points of the
//! doubly-stochastic polytope are permutation matrices), so
//!
//! ```text
//! W_c(μ, ν) = min_σ (1/n) Σᵢ c(xᵢ, y_σ(i))
//! ```
//!
//! This module solves that minimum directly. It serves as an independent check of the
//! network simplex (the two share no code), and as a second exact path for equal-size
//! samples.
//!
//! The method keeps dual potentials uᵢ, vⱼ with uᵢ + vⱼ ≤ cᵢⱼ and adds one row at a time,
//! growing a shortest alternating path from it in the reduced costs cᵢⱼ − uᵢ − vⱼ (Kuhn 1955;
//! Munkres 1957; the O(n³) form with potentials is due to Edmonds and Karp 1972 and
//! Tomizawa 1971). Cost: O(n³) time, O(n) memory beyond the cost matrix.

use crate::error::{Error, Result};
use crate::transport::cost::CostMatrix;

/// An optimal assignment of rows to columns with its dual certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// `column_of_row[i]` is the column assigned to row i.
    pub column_of_row: Vec<usize>,
    /// Σᵢ c(i, σ(i)), the total (not average) cost.
    pub total_cost: f64,
    /// Row potentials u.
    pub row_potential: Vec<f64>,
    /// Column potentials v, with uᵢ + vⱼ ≤ cᵢⱼ and equality on the assignment.
    pub column_potential: Vec<f64>,
}

/// Solves min_σ Σᵢ c(i, σ(i)) over permutations σ of a square cost matrix.
///
/// # Errors
/// [`Error::LengthMismatch`] if the matrix is not square.
///
/// # Examples
/// ```
/// use gan_divergences::transport::{assignment::optimal_assignment, CostMatrix};
/// let cost = CostMatrix::new(2, 2, vec![4.0, 1.0, 2.0, 8.0])?;
/// let best = optimal_assignment(&cost)?;
/// assert_eq!(best.column_of_row, vec![1, 0]);
/// assert_eq!(best.total_cost, 3.0);
/// # Ok::<(), gan_divergences::Error>(())
/// ```
pub fn optimal_assignment(cost: &CostMatrix) -> Result<Assignment> {
    let n = cost.n_rows();
    if cost.n_cols() != n {
        return Err(Error::LengthMismatch {
            what: "cost matrix columns (assignment needs a square matrix)",
            expected: n,
            found: cost.n_cols(),
        });
    }
    let c = cost.values();

    // 1-based arrays: index 0 is the virtual column the augmenting path starts from
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; n + 1];
    let mut row_of_column = vec![0usize; n + 1];
    let mut previous_column = vec![0usize; n + 1];
    for row in 1..=n {
        row_of_column[0] = row;
        let mut current = 0usize;
        let mut distance = vec![f64::INFINITY; n + 1];
        let mut done = vec![false; n + 1];

        // Dijkstra in reduced costs until a free column is reached
        loop {
            done[current] = true;
            let i = row_of_column[current];
            let mut delta = f64::INFINITY;
            let mut next = 0usize;
            for j in 1..=n {
                if done[j] {
                    continue;
                }
                let reduced = c[(i - 1) * n + (j - 1)] - u[i] - v[j];
                if reduced < distance[j] {
                    distance[j] = reduced;
                    previous_column[j] = current;
                }
                if distance[j] < delta {
                    delta = distance[j];
                    next = j;
                }
            }

            // shift potentials so the reduced costs on the tree stay zero
            for j in 0..=n {
                if done[j] {
                    u[row_of_column[j]] += delta;
                    v[j] -= delta;
                } else {
                    distance[j] -= delta;
                }
            }
            current = next;
            if row_of_column[current] == 0 {
                break;
            }
        }

        // flip the alternating path back to the virtual column
        while current != 0 {
            let before = previous_column[current];
            row_of_column[current] = row_of_column[before];
            current = before;
        }
    }

    let mut column_of_row = vec![0usize; n];
    for j in 1..=n {
        column_of_row[row_of_column[j] - 1] = j - 1;
    }
    let total_cost = column_of_row
        .iter()
        .enumerate()
        .map(|(i, &j)| c[i * n + j])
        .sum();
    Ok(Assignment {
        column_of_row,
        total_cost,
        row_potential: u[1..].to_vec(),
        column_potential: v[1..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_by_three() {
        // compare with all 3! permutations
        let values = vec![4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
        let cost = CostMatrix::new(3, 3, values.clone()).unwrap();
        let best = optimal_assignment(&cost).unwrap();
        let permutations = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let brute = permutations
            .iter()
            .map(|s| (0..3).map(|i| values[i * 3 + s[i]]).sum::<f64>())
            .fold(f64::INFINITY, f64::min);
        assert_eq!(best.total_cost, brute);

        // dual feasibility and complementary slackness
        for i in 0..3 {
            for j in 0..3 {
                let slack = values[i * 3 + j] - best.row_potential[i] - best.column_potential[j];
                assert!(slack >= -1e-12);
            }
            let j = best.column_of_row[i];
            let slack = values[i * 3 + j] - best.row_potential[i] - best.column_potential[j];
            assert!(slack.abs() < 1e-12);
        }
    }

    #[test]
    fn rectangular_is_an_error() {
        let cost = CostMatrix::new(1, 2, vec![0.0, 1.0]).unwrap();
        assert!(matches!(
            optimal_assignment(&cost),
            Err(Error::LengthMismatch { .. })
        ));
    }
}
