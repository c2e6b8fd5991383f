//! Properties of the network simplex on random weighted point clouds: a feasible sparse
//! plan, a dual certificate, symmetry, the metric axioms, and agreement with the sorted
//! 1-D formula and with the Hungarian method, which share no code with it.

mod common;

use common::{cloud, cost_scale, translated, uniform_cloud};
use gan_divergences::divergence::total_variation_measures;
use gan_divergences::transport::assignment::optimal_assignment;
use gan_divergences::transport::network_simplex::{CostStorage, NetworkSimplex};
use gan_divergences::transport::{
    emd, emd_between, wasserstein_1d, CostMatrix, GroundCost, TransportSolution,
};
use gan_divergences::DiscreteMeasure;
use proptest::prelude::*;

/// Agreement between two exact methods, relative to the largest cost.
const EXACT: f64 = 1e-11;

/// Tolerance on the dual constraints fᵢ + gⱼ ≤ cᵢⱼ, relative to the largest cost.
const DUAL: f64 = 1e-11;

/// Tolerance on the plan's marginals (masses are multiples of about 1e-18).
const MARGINAL: f64 = 1e-13;

fn solve(source: &DiscreteMeasure, target: &DiscreteMeasure) -> TransportSolution {
    emd_between(source, target, GroundCost::Euclidean).unwrap()
}

fn w1(source: &DiscreteMeasure, target: &DiscreteMeasure) -> f64 {
    solve(source, target).cost
}

fn check_plan(source: &DiscreteMeasure, target: &DiscreteMeasure, s: &TransportSolution) {
    let (n, m) = (source.len(), target.len());
    assert!(s.plan.len() < n + m);
    let mut rows = vec![0.0; n];
    let mut cols = vec![0.0; m];
    let mut cost = 0.0;
    for e in &s.plan {
        assert!(e.mass > 0.0);
        rows[e.source] += e.mass;
        cols[e.target] += e.mass;
        let x = source.atom(e.source).unwrap();
        let y = target.atom(e.target).unwrap();
        cost += e.mass * GroundCost::Euclidean.between(x, y);
    }
    for (got, want) in rows.iter().zip(source.weights()) {
        assert!((got - want).abs() <= MARGINAL, "row {got} vs {want}");
    }
    for (got, want) in cols.iter().zip(target.weights()) {
        assert!((got - want).abs() <= MARGINAL, "column {got} vs {want}");
    }
    assert!(s.cost >= 0.0);
    assert!((cost - s.cost).abs() <= 1e-15 * cost.max(1.0));
}

fn check_dual(source: &DiscreteMeasure, target: &DiscreteMeasure, s: &TransportSolution) {
    let scale = cost_scale(source, target);
    let (f, g) = (&s.source_potential, &s.target_potential);
    for (i, x) in source.atoms().enumerate() {
        for (j, y) in target.atoms().enumerate() {
            let c = GroundCost::Euclidean.between(x, y);
            assert!(
                f[i] + g[j] <= c + DUAL * scale,
                "dual infeasible at ({i}, {j})"
            );
        }
    }
    for e in &s.plan {
        let c = GroundCost::Euclidean.between(
            source.atom(e.source).unwrap(),
            target.atom(e.target).unwrap(),
        );
        assert!((f[e.source] + g[e.target] - c).abs() <= DUAL * scale);
    }
    assert!(s.dual_violation <= DUAL * scale);

    // primal cost = dual value Σ aᵢ fᵢ + Σ bⱼ gⱼ
    let dual: f64 = source
        .weights()
        .iter()
        .zip(f)
        .map(|(a, f)| a * f)
        .sum::<f64>()
        + target
            .weights()
            .iter()
            .zip(g)
            .map(|(b, g)| b * g)
            .sum::<f64>();
    assert!(
        (dual - s.cost).abs() <= EXACT * scale,
        "{dual} vs {}",
        s.cost
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// The plan is a coupling with at most n + m − 1 entries, and its cost is reported.
    #[test]
    fn plan_is_a_sparse_coupling(source in cloud(2), target in cloud(2)) {
        let s = solve(&source, &target);
        check_plan(&source, &target, &s);
    }

    /// fᵢ + gⱼ ≤ cᵢⱼ everywhere, equality on the plan, and no duality gap.
    #[test]
    fn dual_certificate(source in cloud(2), target in cloud(2)) {
        let s = solve(&source, &target);
        check_dual(&source, &target, &s);
    }

    /// Swapping source and target (and transposing the costs) keeps the value.
    #[test]
    fn transposition_keeps_the_value(source in cloud(3), target in cloud(3)) {
        let forward = CostMatrix::between(&source, &target, GroundCost::Euclidean).unwrap();
        let backward = CostMatrix::between(&target, &source, GroundCost::Euclidean).unwrap();
        let there = emd(source.weights(), target.weights(), &forward).unwrap();
        let back = emd(target.weights(), source.weights(), &backward).unwrap();
        let scale = cost_scale(&source, &target);
        prop_assert!((there.cost - back.cost).abs() <= EXACT * scale);
    }

    /// On the line the linear program equals the sorted formula, for W₁ and W₂².
    #[test]
    fn one_d_formula_equals_the_linear_program(source in cloud(1), target in cloud(1)) {
        let scale = cost_scale(&source, &target);
        let lp = w1(&source, &target);
        let sorted = wasserstein_1d(&source, &target, 1.0).unwrap();
        prop_assert!((lp - sorted).abs() <= EXACT * scale, "{lp} vs {sorted}");
        let lp2 = emd_between(&source, &target, GroundCost::SquaredEuclidean).unwrap().cost;
        let sorted2 = wasserstein_1d(&source, &target, 2.0).unwrap().powi(2);
        prop_assert!((lp2 - sorted2).abs() <= EXACT * scale * scale);
    }

    /// W is zero on itself, symmetric, and satisfies the triangle inequality.
    #[test]
    fn w1_is_a_metric(a in cloud(2), b in cloud(2), c in cloud(2)) {
        let scale = cost_scale(&a, &b).max(cost_scale(&b, &c)).max(cost_scale(&a, &c));
        prop_assert!(w1(&a, &a).abs() <= EXACT * scale);
        prop_assert!((w1(&a, &b) - w1(&b, &a)).abs() <= EXACT * scale);
        prop_assert!(w1(&a, &c) <= w1(&a, &b) + w1(&b, &c) + EXACT * scale);
    }

    /// Moving every atom by the same vector s gives W₁ = ‖s‖.
    #[test]
    fn translation_costs_its_length(a in cloud(2), dx in -5.0..5.0f64, dy in -5.0..5.0f64) {
        let moved = translated(&a, &[dx, dy]);
        let length = dx.hypot(dy);
        prop_assert!((w1(&a, &moved) - length).abs() <= EXACT * cost_scale(&a, &moved));
    }

    /// W₁ ≤ diameter · TV over the union of the supports.
    #[test]
    fn w1_is_at_most_diameter_times_tv(a in cloud(2), b in cloud(2)) {
        let both: Vec<Vec<f64>> = a.atoms().chain(b.atoms()).map(<[f64]>::to_vec).collect();
        let diameter = DiscreteMeasure::uniform(&both).unwrap().diameter();
        let tv = total_variation_measures(&a, &b).unwrap();
        prop_assert!(w1(&a, &b) <= diameter * tv + EXACT * diameter.max(1.0));
    }

    /// Costs computed on the fly give the dense matrix's optimum and a valid certificate,
    /// in 2-D and 3-D, for W₁ and W₂², repeated points included.
    #[test]
    fn costs_on_the_fly_agree_with_the_dense_matrix(
        dim in 2usize..=3, source in cloud(2), target in cloud(2), squared in any::<bool>()
    ) {
        let lift = |m: &DiscreteMeasure| -> DiscreteMeasure {
            let xs: Vec<f64> = m.atoms().flat_map(|x| {
                let mut p = x.to_vec();
                p.resize(dim, x[0] - x[1]);
                p
            }).collect();
            DiscreteMeasure::from_flat(dim, xs, m.weights()).unwrap()
        };
        let (a, b) = (lift(&source), lift(&target));
        let ground = if squared { GroundCost::SquaredEuclidean } else { GroundCost::Euclidean };
        let dense = NetworkSimplex::new().cost_storage(CostStorage::Dense);
        let fly = NetworkSimplex::new().cost_storage(CostStorage::OnTheFly);
        let d = dense.solve_between(&a, &b, ground).unwrap();
        let f = fly.solve_between(&a, &b, ground).unwrap();
        let scale = cost_scale(&a, &b);
        let scale = if squared { scale * scale } else { scale };
        prop_assert!((d.cost - f.cost).abs() <= EXACT * scale);
        prop_assert!(f.dual_violation <= DUAL * scale);
        if !squared {
            check_plan(&a, &b, &f);
            check_dual(&a, &b, &f);
        }
    }

    /// Equal-size uniform problems (the most degenerate kind) agree with the Hungarian
    /// method.
    #[test]
    fn uniform_problems_agree_with_hungarian(
        (a, b) in (1usize..=10).prop_flat_map(|n| (uniform_cloud(2, n), uniform_cloud(2, n)))
    ) {
        let cost = CostMatrix::between(&a, &b, GroundCost::Euclidean).unwrap();
        let hungarian = optimal_assignment(&cost).unwrap().total_cost / a.len() as f64;
        let s = emd(a.weights(), b.weights(), &cost).unwrap();
        prop_assert!((s.cost - hungarian).abs() <= EXACT * cost_scale(&a, &b));
        check_plan(&a, &b, &s);
        check_dual(&a, &b, &s);
    }
}

/// A few larger seeded instances (uniform and weighted, with repeated lattice points): the
/// certificate holds, and the uniform ones agree with the Hungarian method.
#[test]
fn larger_instances_are_certified() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        // xorshift64*, mapped to [0, 1)
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    for (n, m, lattice) in [
        (150, 150, false),
        (120, 120, true),
        (200, 90, false),
        (60, 250, true),
    ] {
        let mut point = |_| {
            let (x, y) = (next(), next());
            if lattice {
                vec![(x * 6.0).floor(), (y * 6.0).floor()]
            } else {
                vec![x, y]
            }
        };
        let xs: Vec<Vec<f64>> = (0..n).map(&mut point).collect();
        let ys: Vec<Vec<f64>> = (0..m).map(&mut point).collect();
        let (a, b) = if n == m {
            (
                DiscreteMeasure::uniform(&xs).unwrap(),
                DiscreteMeasure::uniform(&ys).unwrap(),
            )
        } else {
            let wa: Vec<f64> = (0..n).map(|k| (k % 7) as f64).collect();
            let wb: Vec<f64> = (0..m).map(|k| 1.0 + (k % 3) as f64).collect();
            (
                DiscreteMeasure::new(&xs, &wa).unwrap(),
                DiscreteMeasure::new(&ys, &wb).unwrap(),
            )
        };
        let s = solve(&a, &b);
        check_plan(&a, &b, &s);
        check_dual(&a, &b, &s);
        let fly = NetworkSimplex::new().cost_storage(CostStorage::OnTheFly);
        let f = fly.solve_between(&a, &b, GroundCost::Euclidean).unwrap();
        check_plan(&a, &b, &f);
        check_dual(&a, &b, &f);
        assert!((f.cost - s.cost).abs() <= EXACT * cost_scale(&a, &b));
        let near = NetworkSimplex::new().cost_storage(CostStorage::Candidates);
        let c = near.solve_between(&a, &b, GroundCost::Euclidean).unwrap();
        check_plan(&a, &b, &c);
        check_dual(&a, &b, &c);
        assert!((c.cost - s.cost).abs() <= EXACT * cost_scale(&a, &b));
        if n == m {
            let cost = CostMatrix::between(&a, &b, GroundCost::Euclidean).unwrap();
            let hungarian = optimal_assignment(&cost).unwrap().total_cost / n as f64;
            assert!((s.cost - hungarian).abs() <= EXACT * cost_scale(&a, &b));
        }
    }
}
