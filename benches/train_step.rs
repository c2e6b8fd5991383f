//! One WGAN generator iteration (5 critic steps with clipping + 1 generator step) on the
//! 8-Gaussians data, f32, generator 2 → H → H → H → 2 and critic 2 → H → H → H → 1 (ReLU),
//! RMSProp lr 5e-5, c = 0.01: width 128 with batch 64, and width 512 with batch 256.
//!
//! Two groups measure the same iterations: `wgan_generator_iteration` in wall-clock time
//! and `wgan_generator_iteration_cpu` in the benchmark thread's CPU time (from
//! `/proc/thread-self/schedstat`, Linux only), which other processes on a shared machine
//! do not inflate. `scripts/bench_pytorch.py` runs the same iteration in PyTorch and
//! reads the estimates criterion writes under `target/criterion/`.

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gan_divergences::gan::{EvaluationParams, ModelParams, Wgan, WganParams};

const CASES: [(usize, usize); 2] = [(128, 64), (512, 256)];

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
        .expect("valid parameters");
    Wgan::new(&params).expect("networks build")
}

fn run<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let mut group = c.benchmark_group(group_name);
    group.sample_size(20);
    for (width, batch_size) in CASES {
        let mut trainer = wgan(width, batch_size);
        let id = BenchmarkId::new(format!("width{width}"), format!("batch{batch_size}"));
        group.bench_function(id, |b| {
            b.iter(|| trainer.generator_iteration().expect("iteration"))
        });
    }
    group.finish();
}

fn wall_time(c: &mut Criterion) {
    run(c, "wgan_generator_iteration");
}

fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    run(c, "wgan_generator_iteration_cpu");
}

/// CPU time of the calling thread in nanoseconds (first field of
/// `/proc/thread-self/schedstat`); 0 where that file does not exist.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Criterion measurement: nanoseconds of CPU time of the benchmark thread.
struct ThreadCpuTime;

/// Formats nanoseconds like criterion's wall-clock formatter.
struct Nanoseconds;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e-3, "µs")
        } else if typical < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per_iteration = match throughput {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n,
        };
        values
            .iter_mut()
            .for_each(|v| *v = per_iteration as f64 * 1e9 / *v);
        "elem/s"
    }

    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group!(wall, wall_time);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu_time
}
criterion_main!(wall, cpu);
