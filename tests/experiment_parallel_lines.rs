//! Runs the `parallel_lines` binary on a small grid and checks its outputs and verdict.

use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gan-div-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_parallel_lines"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn small_run_writes_figure_csv_and_passing_verdict() {
    let out = scratch("parallel-lines");
    let dir = out.to_str().unwrap();
    let result = run(&[
        "--samples",
        "128",
        "--thetas",
        "5",
        "--draws",
        "2",
        "--quiet",
        "--out",
        dir,
    ]);
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    for ext in ["png", "svg", "csv", "json"] {
        let file = out.join(format!("parallel_lines.{ext}"));
        assert!(
            std::fs::metadata(&file)
                .map(|m| m.len() > 0)
                .unwrap_or(false),
            "{file:?}"
        );
    }

    // CSV: a header and one row per theta, theta = 0 included, W exact = |theta|
    let csv = std::fs::read_to_string(out.join("parallel_lines.csv")).unwrap();
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().any(|r| r[0] == 0.0));
    for row in &rows {
        assert_eq!(row[1], row[0].abs());
        assert!(
            (row[6] - row[0].abs()).abs() < 1e-12,
            "common-latent W {row:?}"
        );
    }

    let verdict = std::fs::read_to_string(out.join("parallel_lines.json")).unwrap();
    assert!(verdict.contains("\"pass\": true"), "{verdict}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let csv = |seed: &str, tag: &str| {
        let out = scratch(tag);
        let dir = out.to_str().unwrap().to_string();
        let args = [
            "--samples",
            "32",
            "--thetas",
            "3",
            "--draws",
            "1",
            "--quiet",
        ];
        let result = run(&[&args[..], &["--seed", seed, "--out", &dir]].concat());
        assert!(result.status.success());
        let text = std::fs::read_to_string(out.join("parallel_lines.csv")).unwrap();
        let _ = std::fs::remove_dir_all(out);
        text
    };
    assert_eq!(csv("3", "seed-a"), csv("3", "seed-b"));
    assert_ne!(csv("3", "seed-c"), csv("4", "seed-d"));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    for args in [&["--samples", "0"][..], &["--seed", "x"], &["--nonsense"]] {
        let result = run(args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    }
}
