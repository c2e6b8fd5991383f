//! The Hungarian method against the sorted 1-D formula, and its dual certificate: two
//! exact methods that share no code.

use gan_divergences::transport::assignment::optimal_assignment;
use gan_divergences::transport::{wasserstein_1d_samples, CostMatrix, GroundCost};
use gan_divergences::DiscreteMeasure;
use proptest::prelude::*;

const ROUNDING: f64 = 1e-10;

fn samples(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![-10.0..10.0f64, Just(0.0), Just(1.0)], n)
}

fn pair() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1usize..=24).prop_flat_map(|n| (samples(n), samples(n)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// On the line, the optimal assignment of equal-size samples is the sorted matching, for
    /// |x − y| and for |x − y|².
    #[test]
    fn assignment_equals_sorted_formula((x, y) in pair()) {
        let n = x.len() as f64;
        let source = DiscreteMeasure::uniform_flat(1, x.clone()).unwrap();
        let target = DiscreteMeasure::uniform_flat(1, y.clone()).unwrap();
        for (ground, p) in [(GroundCost::Euclidean, 1.0), (GroundCost::SquaredEuclidean, 2.0)] {
            let cost = CostMatrix::between(&source, &target, ground).unwrap();
            let assignment = optimal_assignment(&cost).unwrap();
            let sorted = wasserstein_1d_samples(&x, &y, p).unwrap().powf(p);
            let scale = sorted.abs().max(1.0);
            prop_assert!((assignment.total_cost / n - sorted).abs() <= ROUNDING * scale);
        }
    }

    /// uᵢ + vⱼ ≤ cᵢⱼ everywhere, equality on the assignment, and Σu + Σv = the cost.
    #[test]
    fn dual_certificate((x, y) in pair()) {
        let rows: Vec<Vec<f64>> = x.chunks(1).map(|c| vec![c[0], c[0] * 0.5]).collect();
        let cols: Vec<Vec<f64>> = y.chunks(1).map(|c| vec![c[0], -c[0]]).collect();
        let source = DiscreteMeasure::uniform(&rows).unwrap();
        let target = DiscreteMeasure::uniform(&cols).unwrap();
        let cost = CostMatrix::between(&source, &target, GroundCost::Euclidean).unwrap();
        let a = optimal_assignment(&cost).unwrap();
        let n = rows.len();
        for i in 0..n {
            for j in 0..n {
                let reduced = cost.get(i, j).unwrap() - a.row_potential[i] - a.column_potential[j];
                prop_assert!(reduced >= -ROUNDING);
            }
            let j = a.column_of_row[i];
            let reduced = cost.get(i, j).unwrap() - a.row_potential[i] - a.column_potential[j];
            prop_assert!(reduced.abs() <= ROUNDING);
        }
        let dual: f64 = a.row_potential.iter().chain(&a.column_potential).sum();
        prop_assert!((dual - a.total_cost).abs() <= ROUNDING * a.total_cost.max(1.0));
    }
}
