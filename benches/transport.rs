//! Criterion benchmarks of exact transport: the sorted 1-D W₁, the network simplex on 2-D
//! uniform clouds with Euclidean cost, and the simplex against sorting on the same 1-D data.
//!
//! Inputs come from a fixed seed. Every simplex instance has its dual certificate checked
//! once, outside the timed loop: fᵢ + gⱼ ≤ cᵢⱼ everywhere (the solver's own scan) and
//! Σ aᵢ fᵢ + Σ bⱼ gⱼ equal to the cost.
//!
//! ```text
//! cargo bench --bench transport                 # everything
//! cargo bench --bench transport -- simplex_2d   # one group
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gan_divergences::transport::{
    emd_between, wasserstein_1d_samples, GroundCost, TransportSolution,
};
use gan_divergences::DiscreteMeasure;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seed of every benchmark input.
const SEED: u64 = 20170126;

/// Certificate tolerance, relative to the largest cost (√2 on the unit square).
const CERTIFICATE: f64 = 1e-11;

fn uniform_cloud(rng: &mut ChaCha8Rng, n: usize, dim: usize) -> DiscreteMeasure {
    let coordinates: Vec<f64> = (0..n * dim).map(|_| rng.random::<f64>()).collect();
    DiscreteMeasure::uniform_flat(dim, coordinates).expect("finite coordinates")
}

fn normal_sample(rng: &mut ChaCha8Rng, n: usize, mean: f64) -> Vec<f64> {
    let normal = rand_distr::Normal::new(mean, 1.0).expect("valid normal");
    (0..n).map(|_| rng.sample(normal)).collect()
}

/// Panics unless the solution's dual certificate holds.
fn check_certificate(a: &DiscreteMeasure, b: &DiscreteMeasure, s: &TransportSolution) {
    let scale = 2.0_f64.sqrt();
    assert!(
        s.dual_violation <= CERTIFICATE * scale,
        "dual violation {}",
        s.dual_violation
    );
    let dual: f64 = a
        .weights()
        .iter()
        .zip(&s.source_potential)
        .map(|(w, f)| w * f)
        .sum::<f64>()
        + b.weights()
            .iter()
            .zip(&s.target_potential)
            .map(|(w, g)| w * g)
            .sum::<f64>();
    assert!(
        (dual - s.cost).abs() <= CERTIFICATE * scale,
        "gap {}",
        dual - s.cost
    );
}

fn one_d(c: &mut Criterion) {
    let mut group = c.benchmark_group("w1d");
    group.sample_size(10);
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    for n in [100_000usize, 1_000_000] {
        let x = normal_sample(&mut rng, n, 0.0);
        let y = normal_sample(&mut rng, n, 0.5);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| {
            bench.iter(|| wasserstein_1d_samples(black_box(&x), black_box(&y), 1.0))
        });
    }
    group.finish();
}

fn simplex_2d(c: &mut Criterion) {
    let mut group = c.benchmark_group("simplex_2d");
    group.sample_size(10);
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    for n in [500usize, 1000, 2000, 4000] {
        let a = uniform_cloud(&mut rng, n, 2);
        let b = uniform_cloud(&mut rng, n, 2);
        let solution = emd_between(&a, &b, GroundCost::Euclidean).expect("solvable");
        check_certificate(&a, &b, &solution);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| {
            bench.iter(|| emd_between(black_box(&a), black_box(&b), GroundCost::Euclidean))
        });
    }
    group.finish();
}

fn simplex_vs_sorting(c: &mut Criterion) {
    let mut group = c.benchmark_group("simplex_vs_sorting_1d");
    group.sample_size(10);
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    for n in [256usize, 1024] {
        let x = normal_sample(&mut rng, n, 0.0);
        let y = normal_sample(&mut rng, n, 0.5);
        let a = DiscreteMeasure::on_line(x.clone(), None).expect("finite");
        let b = DiscreteMeasure::on_line(y.clone(), None).expect("finite");
        let solution = emd_between(&a, &b, GroundCost::Euclidean).expect("solvable");
        let sorted = wasserstein_1d_samples(&x, &y, 1.0).expect("valid");
        assert!((solution.cost - sorted).abs() <= 1e-12 * sorted.max(1.0));
        group.bench_with_input(BenchmarkId::new("simplex", n), &n, |bench, _| {
            bench.iter(|| emd_between(black_box(&a), black_box(&b), GroundCost::Euclidean))
        });
        group.bench_with_input(BenchmarkId::new("sorting", n), &n, |bench, _| {
            bench.iter(|| wasserstein_1d_samples(black_box(&x), black_box(&y), 1.0))
        });
    }
    group.finish();
}

criterion_group!(benches, one_d, simplex_2d, simplex_vs_sorting);
criterion_main!(benches);
