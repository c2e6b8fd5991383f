//! Times this crate's exact transport on data written by `scripts/compare_transport.py`.
//!
//! ```text
//! cargo run --release --example compare_transport -- simplex a.npy b.npy
//! cargo run --release --example compare_transport -- w1d a.npy b.npy
//! ```
//!
//! `simplex`: W₁ between the uniform empirical measures of two n × d point clouds by the
//! network simplex (Euclidean cost, default cost storage); `simplex-on-the-fly` and
//! `simplex-candidates` choose that [`CostStorage`]. `w1d`: W₁ between two 1-D samples by sorting.
//! Prints one JSON object: the value, the best wall time of `--repeat` runs (default 1),
//! the pivots and the dual certificate's worst violation (simplex), and the process's peak
//! resident memory.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use gan_divergences::io::read_table;
use gan_divergences::transport::network_simplex::{CostStorage, NetworkSimplex};
use gan_divergences::transport::{wasserstein_1d_samples, GroundCost};
use gan_divergences::DiscreteMeasure;

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("compare_transport: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, a, b, rest @ ..] = args.as_slice() else {
        return Err(concat!(
            "usage: compare_transport MODE A.npy B.npy [--repeat N]; ",
            "MODE is w1d, simplex, simplex-on-the-fly or simplex-candidates"
        )
        .into());
    };
    let repeat = match rest {
        [flag, n] if flag == "--repeat" => n.parse::<usize>().map_err(|e| e.to_string())?,
        _ => 1,
    };
    let x = read_table(Path::new(a)).map_err(|e| e.to_string())?;
    let y = read_table(Path::new(b)).map_err(|e| e.to_string())?;
    let mut best = f64::INFINITY;
    let mut fields = String::new();
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        fields = match mode.as_str() {
            "w1d" => {
                let w = wasserstein_1d_samples(x.values(), y.values(), 1.0)
                    .map_err(|e| e.to_string())?;
                format!("\"value\":{w:.17e}")
            }
            "simplex" | "simplex-candidates" | "simplex-on-the-fly" => {
                let mu = DiscreteMeasure::uniform_flat(x.n_cols(), x.values().to_vec())
                    .map_err(|e| e.to_string())?;
                let nu = DiscreteMeasure::uniform_flat(y.n_cols(), y.values().to_vec())
                    .map_err(|e| e.to_string())?;
                let storage = match mode.as_str() {
                    "simplex-candidates" => CostStorage::Candidates,
                    "simplex-on-the-fly" => CostStorage::OnTheFly,
                    _ => CostStorage::Auto,
                };
                let s = NetworkSimplex::new()
                    .cost_storage(storage)
                    .solve_between(&mu, &nu, GroundCost::Euclidean)
                    .map_err(|e| e.to_string())?;
                format!(
                    "\"value\":{:.17e},\"pivots\":{},\"dual_violation\":{:.3e},\"plan_entries\":{}",
                    s.cost,
                    s.n_iterations,
                    s.dual_violation,
                    s.plan.len()
                )
            }
            other => return Err(format!("unknown mode {other}")),
        };
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(format!(
        "{{{fields},\"seconds\":{best:.6},\"peak_rss_bytes\":{}}}",
        peak_rss_bytes()
    ))
}

/// The process's peak resident set size (VmHWM in /proc/self/status), 0 if unknown.
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
