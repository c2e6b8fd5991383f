//! Reference values computed with POT and SciPy (numpy 2.4.6, scipy 1.17.1, POT 0.9.7.post1;
//! each test names the exact call), and the solver's degenerate cases and error paths.

mod common;

use gan_divergences::transport::network_simplex::{CostStorage, NetworkSimplex};
use gan_divergences::transport::{emd, emd_between, CostMatrix, GroundCost, TransportSolution};
use gan_divergences::{DiscreteMeasure, Error};

/// Agreement with a reference printed to 16 digits.
const REFERENCE: f64 = 1e-13;

fn rows(points: &[[f64; 2]]) -> Vec<Vec<f64>> {
    points.iter().map(|p| p.to_vec()).collect()
}

fn case_one(ground: GroundCost) -> f64 {
    let xs = rows(&[[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 1.0]]);
    let xt = rows(&[[1.0, 1.0], [2.0, -1.0], [-1.0, 0.5]]);
    let source = DiscreteMeasure::new(&xs, &[0.1, 0.2, 0.3, 0.4]).unwrap();
    let target = DiscreteMeasure::new(&xt, &[0.5, 0.25, 0.25]).unwrap();
    emd_between(&source, &target, ground).unwrap().cost
}

/// `ot.emd2(a, b, ot.dist(xs, xt, metric='euclidean'))` with
/// xs = [[0,0],[1,0],[0,2],[3,1]], a = [.1,.2,.3,.4], xt = [[1,1],[2,-1],[-1,.5]],
/// b = [.5,.25,.25] gives 1.6533687732657005.
#[test]
fn pot_weighted_euclidean() {
    assert!((case_one(GroundCost::Euclidean) - 1.6533687732657005).abs() < REFERENCE);
}

/// The same call with `metric='sqeuclidean'` gives 2.9625.
#[test]
fn pot_weighted_squared_euclidean() {
    assert!((case_one(GroundCost::SquaredEuclidean) - 2.9625).abs() < REFERENCE);
}

/// `ot.emd2(u, u, ot.dist(ys, yt, metric='euclidean'))`, u = ones(5)/5,
/// ys = [[.5,.2],[1.5,1],[2,2],[0,1],[1,3]], yt = [[1,0],[2.5,1.5],[0,0],[1,2],[3,3]]
/// gives 1.014152806367288.
#[test]
fn pot_uniform_assignment() {
    let ys = rows(&[[0.5, 0.2], [1.5, 1.0], [2.0, 2.0], [0.0, 1.0], [1.0, 3.0]]);
    let yt = rows(&[[1.0, 0.0], [2.5, 1.5], [0.0, 0.0], [1.0, 2.0], [3.0, 3.0]]);
    let source = DiscreteMeasure::uniform(&ys).unwrap();
    let target = DiscreteMeasure::uniform(&yt).unwrap();
    let s = emd_between(&source, &target, GroundCost::Euclidean).unwrap();
    assert!((s.cost - 1.014152806367288).abs() < REFERENCE);
}

fn line_lp(x: &[f64], x_weights: &[f64], y: &[f64], y_weights: &[f64]) -> f64 {
    let source = DiscreteMeasure::on_line(x.to_vec(), Some(x_weights)).unwrap();
    let target = DiscreteMeasure::on_line(y.to_vec(), Some(y_weights)).unwrap();
    emd_between(&source, &target, GroundCost::Euclidean)
        .unwrap()
        .cost
}

/// `scipy.stats.wasserstein_distance([0,1,3], [5,6,8])` = 5.0,
/// `wasserstein_distance([0,1,3], [5,6,8], [.4,.4,.2], [.3,.3,.4])` = 5.5 and
/// `wasserstein_distance([0,0,1,2], [0,1,1])` = 0.4166666666666667, by the simplex.
#[test]
fn scipy_one_d_values_by_the_simplex() {
    let ones = [1.0; 4];
    assert!(
        (line_lp(&[0.0, 1.0, 3.0], &ones[..3], &[5.0, 6.0, 8.0], &ones[..3]) - 5.0).abs()
            < REFERENCE
    );
    let weighted = line_lp(
        &[0.0, 1.0, 3.0],
        &[0.4, 0.4, 0.2],
        &[5.0, 6.0, 8.0],
        &[0.3, 0.3, 0.4],
    );
    assert!((weighted - 5.5).abs() < REFERENCE);
    let ties = line_lp(&[0.0, 0.0, 1.0, 2.0], &ones, &[0.0, 1.0, 1.0], &ones[..3]);
    assert!((ties - 0.4166666666666667).abs() < REFERENCE);
}

/// Points all at one place: the cost is zero and the plan still a coupling.
#[test]
fn repeated_points() {
    let same = DiscreteMeasure::new(&vec![vec![1.0, 1.0]; 5], &[1.0, 2.0, 0.0, 3.0, 1.0]).unwrap();
    let other = DiscreteMeasure::uniform(&vec![vec![1.0, 1.0]; 3]).unwrap();
    let s = emd_between(&same, &other, GroundCost::Euclidean).unwrap();
    assert_eq!(s.cost, 0.0);
    assert!(s.plan.len() < 8);
}

/// Collinear points on a lattice, with many equal distances, against the 1-D formula.
#[test]
fn collinear_lattice_points() {
    let xs: Vec<Vec<f64>> = (0..20).map(|k| vec![k as f64, 2.0 * k as f64]).collect();
    let ys: Vec<Vec<f64>> = (0..20)
        .map(|k| vec![(k + 3) as f64, 2.0 * (k + 3) as f64])
        .collect();
    let a = DiscreteMeasure::uniform(&xs).unwrap();
    let b = DiscreteMeasure::uniform(&ys).unwrap();
    let s = emd_between(&a, &b, GroundCost::Euclidean).unwrap();
    assert!((s.cost - 3.0 * 5f64.sqrt()).abs() < 1e-12);
}

/// A uniform assignment problem on a grid, where every distance ties with many others.
#[test]
fn grid_assignment_ties() {
    let grid: Vec<Vec<f64>> = (0..64)
        .map(|k| vec![(k % 8) as f64, (k / 8) as f64])
        .collect();
    let shifted: Vec<Vec<f64>> = grid.iter().map(|p| vec![p[0] + 1.0, p[1]]).collect();
    let a = DiscreteMeasure::uniform(&grid).unwrap();
    let b = DiscreteMeasure::uniform(&shifted).unwrap();
    let s = emd_between(&a, &b, GroundCost::Euclidean).unwrap();
    assert!((s.cost - 1.0).abs() < 1e-12);
    let itself = emd_between(&a, &a, GroundCost::SquaredEuclidean).unwrap();
    assert_eq!(itself.cost, 0.0);
}

/// A single atom against anything: everything moves to (or from) it.
#[test]
fn single_atom() {
    let one = DiscreteMeasure::uniform(&[vec![0.0, 0.0]]).unwrap();
    let four = DiscreteMeasure::new(
        &[
            vec![3.0, 4.0],
            vec![0.0, 1.0],
            vec![0.0, 0.0],
            vec![6.0, 8.0],
        ],
        &[1.0, 1.0, 0.0, 2.0],
    )
    .unwrap();
    let s = emd_between(&one, &four, GroundCost::Euclidean).unwrap();
    assert!((s.cost - (5.0 + 1.0 + 20.0) / 4.0).abs() < 1e-15);
    assert_eq!(s.plan.len(), 3);
}

/// Two fixed clouds of 30 and 25 points in the unit square's neighbourhood.
fn two_clouds() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let base = (0..30)
        .map(|k| vec![(k as f64 * 0.37).sin(), (k as f64 * 0.11).cos()])
        .collect();
    let other = (0..25)
        .map(|k| vec![(k as f64 * 0.53).cos(), (k as f64 * 0.29).sin()])
        .collect();
    (base, other)
}

/// Every coordinate of every point through `f`.
fn map_points(points: &[Vec<f64>], f: impl Fn(f64) -> f64) -> Vec<Vec<f64>> {
    points
        .iter()
        .map(|p| p.iter().map(|&c| f(c)).collect())
        .collect()
}

fn euclidean_emd(a: &[Vec<f64>], b: &[Vec<f64>]) -> TransportSolution {
    let (a, b) = (DiscreteMeasure::uniform(a), DiscreteMeasure::uniform(b));
    emd_between(&a.unwrap(), &b.unwrap(), GroundCost::Euclidean).unwrap()
}

/// Clouds offset by 1e9 keep their digits: the value equals that of the same points moved
/// back to the origin (the subtraction is exact there), to near 1e-12 relative.
#[test]
fn large_offsets_keep_relative_accuracy() {
    let (base, other) = two_clouds();
    let (far_a, far_b) = (
        map_points(&base, |c| c + 1e9),
        map_points(&other, |c| c + 1e9),
    );
    let far = euclidean_emd(&far_a, &far_b);
    let back = euclidean_emd(
        &map_points(&far_a, |c| c - 1e9),
        &map_points(&far_b, |c| c - 1e9),
    );
    assert!(
        (far.cost / back.cost - 1.0).abs() < 1e-12,
        "{} vs {}",
        far.cost,
        back.cost
    );
    assert!(far.cost > 0.1);
}

/// Clouds spread over 1e-9 give 1e-9 times the value at unit spread, to near 1e-12.
#[test]
fn tiny_spreads_keep_relative_accuracy() {
    let (base, other) = two_clouds();
    let unit = euclidean_emd(&base, &other);
    let tiny = euclidean_emd(
        &map_points(&base, |c| c * 1e-9),
        &map_points(&other, |c| c * 1e-9),
    );
    assert!((tiny.cost / (unit.cost * 1e-9) - 1.0).abs() < 1e-12);
    assert!(tiny.dual_violation <= 1e-11 * 1e-9);
}

/// Negative and constant costs: adding a constant shifts the value by that constant.
#[test]
fn negative_costs_shift_the_value() {
    let costs = vec![1.0, 4.0, 2.0, 3.0, 0.5, 7.0];
    let cost = CostMatrix::new(2, 3, costs.clone()).unwrap();
    let shifted = CostMatrix::new(2, 3, costs.iter().map(|c| c - 10.0).collect()).unwrap();
    let (a, b) = ([0.3, 0.7], [0.2, 0.5, 0.3]);
    let base = emd(&a, &b, &cost).unwrap().cost;
    let lowered = emd(&a, &b, &shifted).unwrap().cost;
    assert!((lowered - (base - 10.0)).abs() < 1e-13);
    let zero = CostMatrix::new(2, 3, vec![0.0; 6]).unwrap();
    assert_eq!(emd(&a, &b, &zero).unwrap().cost, 0.0);
}

/// Every error of the solver's public entry points.
#[test]
fn every_error_path() {
    let cost = CostMatrix::new(2, 2, vec![0.0, 1.0, 1.0, 0.0]).unwrap();
    assert_eq!(
        emd(&[], &[1.0, 1.0], &cost),
        Err(Error::Empty {
            what: "source weights"
        })
    );
    assert_eq!(
        emd(&[1.0, 1.0], &[], &cost),
        Err(Error::Empty {
            what: "target weights"
        })
    );
    assert!(matches!(
        emd(&[1.0], &[1.0, 1.0], &cost),
        Err(Error::LengthMismatch {
            what: "source weights",
            ..
        })
    ));
    assert!(matches!(
        emd(&[1.0, 1.0], &[1.0, 1.0, 1.0], &cost),
        Err(Error::LengthMismatch {
            what: "target weights",
            ..
        })
    ));
    assert!(matches!(
        emd(&[1.0, f64::INFINITY], &[1.0, 1.0], &cost),
        Err(Error::NonFinite { index: 1, .. })
    ));
    assert!(matches!(
        emd(&[1.0, 1.0], &[-0.5, 2.5], &cost),
        Err(Error::NegativeWeight { index: 0, .. })
    ));
    assert!(matches!(
        emd(&[1.0, 1.0], &[0.0, 0.0], &cost),
        Err(Error::ZeroMass { .. })
    ));
    assert!(matches!(
        emd(&[1.0, 1.0], &[1.0, 1.0 + 1e-6], &cost),
        Err(Error::MassMismatch { .. })
    ));
    assert!(emd(&[1.0, 1.0], &[1.0, 1.0 + 1e-12], &cost).is_ok());
    let limited = NetworkSimplex::new().max_iterations(1);
    assert_eq!(
        limited.solve(&[1.0, 1.0], &[1.0, 1.0], &cost),
        Err(Error::IterationLimit { iterations: 1 })
    );

    let plane = DiscreteMeasure::uniform(&[vec![0.0, 0.0]]).unwrap();
    let space = DiscreteMeasure::uniform(&[vec![0.0, 0.0, 0.0]]).unwrap();
    assert!(matches!(
        emd_between(&plane, &space, GroundCost::Euclidean),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        emd_between(&plane, &plane, GroundCost::Power(0.5)),
        Err(Error::InvalidParameter { .. })
    ));
    let overflow = DiscreteMeasure::uniform(&[vec![1e300, 0.0]]).unwrap();
    let opposite = DiscreteMeasure::uniform(&[vec![-1e300, 0.0]]).unwrap();
    assert!(matches!(
        emd_between(&overflow, &opposite, GroundCost::SquaredEuclidean),
        Err(Error::NonFinite { .. })
    ));
}

/// Costs on the fly at extreme scales (squares that overflow or underflow take the
/// rescaled path) give the dense matrix's value.
#[test]
fn costs_on_the_fly_at_extreme_scales() {
    for scale in [1e200, 1e-200, 1.0] {
        let xs: Vec<Vec<f64>> = (0..20)
            .map(|k| vec![scale * (k as f64 * 0.7).sin(), scale * (k % 3) as f64])
            .collect();
        let ys: Vec<Vec<f64>> = (0..17)
            .map(|k| vec![scale * (k as f64 * 0.3).cos(), scale * (k % 4) as f64])
            .collect();
        let a = DiscreteMeasure::uniform(&xs).unwrap();
        let b = DiscreteMeasure::uniform(&ys).unwrap();
        let dense = NetworkSimplex::new().cost_storage(CostStorage::Dense);
        let fly = NetworkSimplex::new().cost_storage(CostStorage::OnTheFly);
        let d = dense.solve_between(&a, &b, GroundCost::Euclidean).unwrap();
        let f = fly.solve_between(&a, &b, GroundCost::Euclidean).unwrap();
        assert!(
            (d.cost / f.cost - 1.0).abs() < 1e-12,
            "{} vs {}",
            d.cost,
            f.cost
        );
        assert!(f.dual_violation <= 1e-11 * scale * 4.0);
    }
}

/// Candidate arcs fall back to the complete search where they do not apply (3-D, squared
/// costs still exact), and agree with the dense matrix in 2-D on a lattice full of ties.
#[test]
fn candidates_agree_with_the_dense_matrix() {
    let near = NetworkSimplex::new().cost_storage(CostStorage::Candidates);
    let dense = NetworkSimplex::new().cost_storage(CostStorage::Dense);
    let lattice: Vec<Vec<f64>> = (0..120)
        .map(|k| vec![(k % 11) as f64, (k / 11) as f64])
        .collect();
    let moved: Vec<Vec<f64>> = lattice
        .iter()
        .map(|p| vec![p[1] * 0.5, p[0] + 0.25])
        .collect();
    let a = DiscreteMeasure::uniform(&lattice).unwrap();
    let b = DiscreteMeasure::uniform(&moved).unwrap();
    for ground in [GroundCost::Euclidean, GroundCost::SquaredEuclidean] {
        let c = near.solve_between(&a, &b, ground).unwrap();
        let d = dense.solve_between(&a, &b, ground).unwrap();
        assert!((c.cost - d.cost).abs() < 1e-12 * d.cost.max(1.0));
        assert!(c.dual_violation < 1e-11 * 200.0);
    }
    let space: Vec<Vec<f64>> = (0..30)
        .map(|k| vec![k as f64, (k % 4) as f64, (k % 7) as f64])
        .collect();
    let other: Vec<Vec<f64>> = (0..30)
        .map(|k| vec![(k % 5) as f64, k as f64, 1.0])
        .collect();
    let a = DiscreteMeasure::uniform(&space).unwrap();
    let b = DiscreteMeasure::uniform(&other).unwrap();
    let c = near.solve_between(&a, &b, GroundCost::Euclidean).unwrap();
    let d = dense.solve_between(&a, &b, GroundCost::Euclidean).unwrap();
    assert!((c.cost - d.cost).abs() < 1e-12 * d.cost.max(1.0));
}
