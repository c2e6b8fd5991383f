//! Criterion benchmarks of the exact discrete divergences: TV, KL and JS between
//! probability vectors, and between two 2-D samples over the union of their atoms (which
//! sorts the atoms).
//!
//! ```text
//! cargo bench --bench divergence
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gan_divergences::divergence::{
    jensen_shannon, jensen_shannon_measures, kullback_leibler, total_variation,
};
use gan_divergences::DiscreteMeasure;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seed of every benchmark input.
const SEED: u64 = 20170117;

fn masses(rng: &mut ChaCha8Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.random::<f64>()).collect()
}

/// A sample on an integer grid, so the two samples share about half their atoms.
fn grid_sample(rng: &mut ChaCha8Rng, n: usize) -> DiscreteMeasure {
    let side = (n as f64).sqrt() as u32 + 1;
    let coordinates = (0..2 * n)
        .map(|_| f64::from(rng.random_range(0..side)))
        .collect();
    DiscreteMeasure::uniform_flat(2, coordinates).expect("finite grid points")
}

fn vectors(c: &mut Criterion) {
    let mut group = c.benchmark_group("probability_vectors");
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    for n in [1_000usize, 100_000, 1_000_000] {
        let (p, q) = (masses(&mut rng, n), masses(&mut rng, n));
        group.bench_with_input(BenchmarkId::new("tv", n), &n, |b, _| {
            b.iter(|| total_variation(black_box(&p), black_box(&q)))
        });
        group.bench_with_input(BenchmarkId::new("kl", n), &n, |b, _| {
            b.iter(|| kullback_leibler(black_box(&p), black_box(&q)))
        });
        group.bench_with_input(BenchmarkId::new("js", n), &n, |b, _| {
            b.iter(|| jensen_shannon(black_box(&p), black_box(&q)))
        });
    }
    group.finish();
}

fn samples(c: &mut Criterion) {
    let mut group = c.benchmark_group("samples_2d");
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    for n in [1_000usize, 100_000] {
        let (a, b) = (grid_sample(&mut rng, n), grid_sample(&mut rng, n));
        group.bench_with_input(BenchmarkId::new("js_measures", n), &n, |bench, _| {
            bench.iter(|| jensen_shannon_measures(black_box(&a), black_box(&b)))
        });
    }
    group.finish();
}

criterion_group!(benches, vectors, samples);
criterion_main!(benches);
