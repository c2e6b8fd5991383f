//! One WGAN generator iteration (5 critic steps with clipping + 1 generator step) on the
//! 8-Gaussians data, f32, generator 2 → H → H → H → 2 and critic 2 → H → H → H → 1 (ReLU),
//! RMSProp lr 5e-5, c = 0.01: width 128 with batch 64, and width 512 with batch 256.
//!
//! `scripts/bench_pytorch.py` runs the same iteration in PyTorch and reads the estimates
//! criterion writes under `target/criterion/wgan_generator_iteration/`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gan_divergences::gan::{EvaluationParams, ModelParams, Wgan, WganParams};

fn wgan(width: usize, batch_size: usize) -> Wgan<f32> {
    let model = ModelParams {
        hidden_widths: vec![width; 3],
        ..ModelParams::default()
    };
    let params = WganParams::new()
        .model(model)
        .batch_size(batch_size)
        .evaluation(EvaluationParams {
            every: 0,
            n_samples: 1,
        })
        .seed(42)
        .check()
        .unwrap();
    Wgan::new(&params).unwrap()
}

fn generator_iteration(c: &mut Criterion) {
    let mut group = c.benchmark_group("wgan_generator_iteration");
    for (width, batch_size) in [(128, 64), (512, 256)] {
        let mut trainer = wgan(width, batch_size);
        let id = BenchmarkId::new(format!("width{width}"), format!("batch{batch_size}"));
        group.bench_function(id, |b| b.iter(|| trainer.generator_iteration().unwrap()));
    }
    group.finish();
}

criterion_group!(benches, generator_iteration);
criterion_main!(benches);
