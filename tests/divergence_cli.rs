//! Runs the `divergence` binary on the files in `tests/fixtures/` and checks values, output
//! format and exit codes.
//!
//! Reference values come from `tests/fixtures/make_fixtures.py` (numpy 2.4.6, scipy 1.17.1,
//! POT 0.9.7.post1), which also wrote the NPY fixtures; each value below names its call.
//! There, `emd_p(x, y, wx, wy, p)` is `ot.emd2(wx/Σwx, wy/Σwy, ot.dist(x, y,
//! metric="euclidean")**p) ** (1/p)`, the exact LP on the |x − y|ᵖ cost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::npy::npy_bytes;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Agreement required with a reference value computed in f64 by another library.
const TOLERANCE: f64 = 1e-12;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Exit code, stdout and stderr of one run, started in the fixture folder.
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_divergence"));
    command.args(args).current_dir(fixtures());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the binary runs");
    (
        output.status.code().expect("exit code, not a signal"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_with_env(args, &[])
}

/// The plain value printed by a successful run.
fn value(args: &[&str]) -> f64 {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    out.trim().parse().unwrap()
}

/// The JSON object printed by a successful run with --json.
fn json(args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    serde_json::from_str(&out).unwrap()
}

fn assert_close(found: f64, expected: f64) {
    assert!(
        (found - expected).abs() <= TOLERANCE * expected.abs().max(1.0),
        "found {found}, expected {expected}"
    );
}

/// Runs a command that must fail: exit 2, nothing on stdout, one line on stderr that
/// contains every string of `needles`.
fn assert_fails(args: &[&str], needles: &[&str]) {
    assert_fails_with_env(args, &[], needles);
}

fn assert_fails_with_env(args: &[&str], env: &[(&str, &str)], needles: &[&str]) {
    let (code, out, err) = run_with_env(args, env);
    assert_failure(args, (code, &out, &err), needles);
}

/// Checks the outcome of a run that must fail, as [`assert_fails`] describes.
fn assert_failure(args: &[&str], (code, out, err): (i32, &str, &str), needles: &[&str]) {
    assert_eq!(code, 2, "{args:?}: exit code {code}, stderr {err}");
    assert!(out.is_empty(), "{args:?} printed {out}");
    assert_eq!(
        err.lines().count(),
        1,
        "{args:?}: stderr is not one line: {err}"
    );
    assert!(err.starts_with("divergence: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    }
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// 1-D samples

#[test]
fn w1_between_1d_samples() {
    // scipy.stats.wasserstein_distance(a1, b1)
    let expected = 1.0833333333333335;
    assert_close(value(&["w1", "a_1d.csv", "b_1d.csv"]), expected);
    assert_close(value(&["w1", "a_1d.npy", "b_1d_f32.npy"]), expected);
    assert_close(value(&["w1", "b_1d_f32.npy", "a_1d.csv"]), expected);
}

#[test]
fn w2_and_wp_between_1d_samples() {
    // emd_p(a1, b1, 1, 1, 2) = 1.414213562373095, i.e. √2 (W2² = 2)
    let sqrt_2 = std::f64::consts::SQRT_2;
    assert_close(value(&["w2", "a_1d.csv", "b_1d.csv"]), sqrt_2);
    assert_close(value(&["wp", "a_1d.csv", "b_1d.csv", "--p", "2"]), sqrt_2);
    // emd_p(a1, b1, 1, 1, 3)
    assert_close(
        value(&["wp", "a_1d.csv", "b_1d.csv", "--p", "3"]),
        1.8129045206237708,
    );
}

#[test]
fn weighted_1d_samples() {
    let args = [
        "a_1d.csv",
        "b_1d.csv",
        "--weights-a",
        "wa_1d.csv",
        "--weights-b",
        "wb_1d_i64.npy",
    ];
    let with = |metric: &'static str| [&[metric][..], &args[..]].concat();
    // scipy.stats.wasserstein_distance(a1, b1, wa1, wb1)
    assert_close(value(&with("w1")), 1.9000000000000001);
    // emd_p(a1, b1, wa1, wb1, 2)
    assert_close(value(&with("w2")), 2.3130067012440754);
}

#[test]
fn json_output_has_the_documented_fields() {
    let (code, out, _) = run(&["w1", "a_1d.csv", "b_1d.csv", "--json"]);
    assert_eq!(code, 0);
    // fields in the documented order; 13/12 exactly rounded
    let expected = concat!(
        r#"{"metric":"w1","value":1.0833333333333333,"n_a":4,"n_b":3,"dim":1,"#,
        r#""method":"sorted-1d"}"#,
        "\n"
    );
    assert_eq!(out, expected);
    let object = json(&["w1", "a_1d.csv", "b_1d.csv"]);
    assert_close(object["value"].as_f64().unwrap(), 1.0833333333333335);
}

// ---------------------------------------------------------------------------------------
// divergences between empirical measures

#[test]
fn divergences_between_samples_with_shared_atoms() {
    // p = (1/2, 1/4, 1/4), q = (1/4, 1/4, 1/2) on the atoms 0, 1, 2
    assert_close(value(&["tv", "s_a.csv", "s_b.csv"]), 0.25);
    // scipy.stats.entropy(p, q)
    assert_close(value(&["kl", "s_a.csv", "s_b.csv"]), 0.17328679513998632);
    // scipy.spatial.distance.jensenshannon(p, q)**2
    assert_close(value(&["js", "s_a.csv", "s_b.csv"]), 0.042474759198849354);
    let object = json(&["js", "s_a.csv", "s_b.csv"]);
    assert_eq!(object["method"], "discrete");
}

#[test]
fn disjoint_samples_reach_the_extremes() {
    assert_eq!(value(&["tv", "a_1d.csv", "b_1d.csv"]), 1.0);
    assert_eq!(
        value(&["js", "a_1d.csv", "b_1d.csv"]),
        std::f64::consts::LN_2
    );
    let (code, out, _) = run(&["kl", "a_1d.csv", "b_1d.csv"]);
    assert_eq!((code, out.as_str()), (0, "inf\n"));
    assert_eq!(json(&["kl", "a_1d.csv", "b_1d.csv"])["value"], "inf");
}

#[test]
fn two_dimensional_divergences_and_readers_agree() {
    // text column skipped, Fortran order transposed: the same five points either way
    assert_eq!(value(&["tv", "a_2d.csv", "a_2d_fortran.npy"]), 0.0);
    // atoms shared: (0,0) and (1,1); 0.5 * sum|p - q|
    assert_close(value(&["tv", "a_2d.csv", "b_2d.npy"]), 0.6);
    // scipy.spatial.distance.jensenshannon(pa, qb)**2
    assert_close(
        value(&["js", "a_2d_fortran.npy", "b_2d.npy"]),
        0.3840144710911498,
    );
    let object = json(&["tv", "a_2d.csv", "b_2d.npy"]);
    assert_eq!(
        (object["n_a"].as_u64(), object["dim"].as_u64()),
        (Some(5), Some(2))
    );
}

#[test]
fn weights_follow_their_points() {
    // the same five points, weighted 1..5 in A and 5..1 in B (rows of A are not sorted)
    let args = |metric| {
        let files = ["a_2d.csv", "a_2d_fortran.npy"];
        let weights = ["--weights-a", "w5_up.csv", "--weights-b", "w5_down.csv"];
        [&[metric][..], &files[..], &weights[..]].concat()
    };
    // 0.5 * sum|up/15 - down/15|
    assert_close(value(&args("tv")), 0.4);
    // scipy.stats.entropy(up, down)
    assert_close(value(&args("kl")), 0.5216030673904194);
}

// ---------------------------------------------------------------------------------------
// n-D transport

#[test]
fn w1_and_w2_between_2d_samples() {
    // emd_p(a2, b2, 1, 1, 1), equal to scipy.stats.wasserstein_distance_nd(a2, b2)
    assert_close(value(&["w1", "a_2d.csv", "b_2d.npy"]), 1.0070881063960369);
    // emd_p(a2, b2, 1, 1, 2)
    assert_close(
        value(&["w2", "a_2d_fortran.npy", "b_2d.npy"]),
        1.3322912594474228,
    );
    // emd_p(a2, b2, 1, wb2, 1), weights as one CSV row
    let weighted = ["w1", "a_2d.csv", "b_2d.npy", "--weights-b", "wb_2d.csv"];
    assert_close(value(&weighted), 1.3324555320336757);
    assert_eq!(
        json(&["w1", "a_2d.csv", "b_2d.npy"])["method"],
        "network-simplex"
    );
}

#[test]
fn oversized_transport_is_refused_up_front() {
    // estimated_bytes(5, 4) is of the order of a kilobyte, far above 100 bytes
    let limit = [("DIVERGENCE_MEMORY_LIMIT", "100")];
    let needles = ["w1 between 5 and 4 points in 2-D", "needs about", "refused"];
    assert_fails_with_env(&["w1", "a_2d.csv", "b_2d.npy"], &limit, &needles);
    let bad = [("DIVERGENCE_MEMORY_LIMIT", "lots")];
    assert_fails_with_env(
        &["w1", "a_2d.csv", "b_2d.npy"],
        &bad,
        &["DIVERGENCE_MEMORY_LIMIT"],
    );
    // the guard is for the simplex only: 1-D data and divergences ignore it
    let (code, _, _) = run_with_env(&["w1", "a_1d.csv", "b_1d.csv"], &limit);
    assert_eq!(code, 0);
}

// ---------------------------------------------------------------------------------------
// histograms

#[test]
fn histogram_divergences() {
    let h = |metric| value(&[metric, "h_a.csv", "h_b.npy", "--histogram"]);
    // 0.5 * sum|ha/Σha - hb/Σhb|
    assert_close(h("tv"), 0.375);
    // scipy.stats.entropy(ha, hb)
    assert_close(h("kl"), 0.41197960825054114);
    // scipy.spatial.distance.jensenshannon(ha, hb)**2
    assert_close(h("js"), 0.12479181495372044);
    // scipy.stats.entropy(hb, ha) = inf: ha has an empty bin
    let reverse = json(&["kl", "h_b.npy", "h_a.csv", "--histogram"]);
    let expected = serde_json::json!({
        "metric": "kl", "value": "inf", "n_a": 4, "n_b": 4, "dim": 1, "method": "discrete"
    });
    assert_eq!(reverse, expected);
}

#[test]
fn histogram_transport_on_positions_and_centers() {
    let base = ["h_a.csv", "h_b.npy", "--histogram"];
    let with = |extra: &[&'static str]| [extra, &base[..]].concat();
    // scipy.stats.wasserstein_distance(pos, pos, ha, hb), pos = 0, 1, 2, 3
    assert_close(value(&with(&["w1"])), 0.375);
    // scipy.stats.wasserstein_distance(cen, cen, ha, hb), cen = 0, 0.5, 2, 10
    assert_close(
        value(&with(&["w1", "--bin-centers", "centers.csv"])),
        2.0625,
    );
    // emd_p(cen, cen, ha, hb, 2)
    assert_close(
        value(&with(&["w2", "--bin-centers", "centers.csv"])),
        4.003904344511741,
    );
    let object = json(&with(&["w1"]));
    assert_eq!(object["method"], "sorted-1d");
}

#[test]
fn histogram_transport_on_2d_centers() {
    // emd_p(c2, c2, ha, hb, 1)
    let args = [
        "w1",
        "h_a.csv",
        "h_b.npy",
        "--histogram",
        "--bin-centers",
        "centers_2d.npy",
    ];
    assert_close(value(&args), 0.375);
}

// ---------------------------------------------------------------------------------------
// help and arguments

#[test]
fn help_states_the_conventions_and_exits_zero() {
    let (code, out, err) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(err.is_empty());
    for needle in [
        "nats",
        "ln 2",
        "[0, 1]",
        "normalized to sum 1",
        "--weights-a",
        "--p <P>",
        "--header <WHEN>",
        "made only of numbers",
        "read as data",
        "holds no number in any row",
        "16 MiB",
    ] {
        assert!(out.contains(needle), "--help lacks {needle:?}");
    }
    let (code, short, _) = run(&["-h"]);
    assert_eq!(code, 0);
    assert!(short.contains("Usage"));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    assert_fails(&[], &["required", "<METRIC>"]);
    assert_fails(
        &["hellinger", "a_1d.csv", "b_1d.csv"],
        &["hellinger", "possible values"],
    );
    assert_fails(&["wp", "a_1d.csv", "b_1d.csv"], &["--p"]);
    assert_fails(&["w1", "a_1d.csv", "b_1d.csv", "--p", "2"], &["--p", "wp"]);
    assert_fails(
        &["wp", "a_1d.csv", "b_1d.csv", "--p", "0.5"],
        &["--p", ">= 1"],
    );
    assert_fails(&["wp", "a_1d.csv", "b_1d.csv", "--p", "nan"], &["--p"]);
    assert_fails(
        &["w1", "a_1d.csv", "b_1d.csv", "--bin-centers", "centers.csv"],
        &["--histogram"],
    );
    let centers = [
        "kl",
        "h_a.csv",
        "h_b.npy",
        "--histogram",
        "--bin-centers",
        "centers.csv",
    ];
    assert_fails(&centers, &["--bin-centers", "w1"]);
    let both = [
        "tv",
        "h_a.csv",
        "h_b.npy",
        "--histogram",
        "--weights-a",
        "wa_1d.csv",
    ];
    assert_fails(&both, &["--histogram", "--weights-a"]);
    assert_fails(
        &["w1", "a_1d.csv", "b_1d.csv", "--frobnicate"],
        &["--frobnicate"],
    );
}

// ---------------------------------------------------------------------------------------
// bad files: exit 2, one line naming the file

#[test]
fn malformed_csv_names_line_and_column() {
    assert_fails(
        &["w1", "bad_text.csv", "b_1d.csv"],
        &["bad_text.csv", "line 4, column 1", "'abc'"],
    );
    assert_fails(
        &["tv", "a_1d.csv", "bad_ragged.csv"],
        &["bad_ragged.csv", "line 3", "expected 2"],
    );
    assert_fails(
        &["w1", "bad_blank_line.csv", "b_1d.csv"],
        &["bad_blank_line.csv", "line 3"],
    );
    assert_fails(
        &["w1", "bad_utf8.csv", "b_1d.csv"],
        &["bad_utf8.csv", "line 2, column 1"],
    );
}

#[test]
fn non_finite_values_are_refused() {
    assert_fails(
        &["w1", "bad_nan.csv", "a_2d.csv"],
        &["bad_nan.csv", "line 3, column 2", "nan"],
    );
    assert_fails(
        &["w1", "bad_overflow.csv", "b_1d.csv"],
        &["bad_overflow.csv", "line 2", "1e400"],
    );
    assert_fails(
        &["w1", "bad_nan.npy", "a_2d.csv"],
        &["bad_nan.npy", "element [1, 0]", "NaN"],
    );
    assert_fails(
        &["w1", "a_1d.csv", "bad_inf_f32.npy"],
        &["bad_inf_f32.npy", "element [1]"],
    );
}

#[test]
fn empty_and_unreadable_files_are_refused() {
    assert_fails(
        &["w1", "bad_empty.csv", "b_1d.csv"],
        &["bad_empty.csv", "no data"],
    );
    assert_fails(
        &["w1", "bad_header_only.csv", "b_1d.csv"],
        &["bad_header_only.csv", "no data"],
    );
    assert_fails(
        &["w1", "a_1d.csv", "bad_empty.npy"],
        &["bad_empty.npy", "no data"],
    );
    assert_fails(
        &["w1", "missing.csv", "b_1d.csv"],
        &["missing.csv", "no such file"],
    );
    assert_fails(
        &["w1", "bad_ext.txt", "b_1d.csv"],
        &["bad_ext.txt", ".csv or .npy"],
    );
    assert_fails(&["w1", "a_1d.csv", "."], &[".", ".csv or .npy"]);
}

#[test]
fn malformed_npy_files_are_refused() {
    assert_fails(
        &["w1", "bad_garbage.npy", "b_1d.csv"],
        &["bad_garbage.npy", "NPY"],
    );
    assert_fails(
        &["w1", "bad_truncated.npy", "b_1d.csv"],
        &["bad_truncated.npy", "27 bytes"],
    );
    assert_fails(&["w1", "bad_3d.npy", "b_1d.csv"], &["bad_3d.npy", "3 axes"]);
    assert_fails(
        &["w1", "bad_complex.npy", "b_1d.csv"],
        &["bad_complex.npy", "<c16"],
    );
}

#[test]
fn differing_dimensions_and_lengths_are_refused() {
    assert_fails(
        &["w1", "a_1d.csv", "a_2d.csv"],
        &["a_1d.csv", "a_2d.csv", "1-D", "2-D"],
    );
    let short = ["tv", "h_a.csv", "h_short.csv", "--histogram"];
    assert_fails(&short, &["h_a.csv", "h_short.csv", "4 bins", "3"]);
    let centers = [
        "w1",
        "h_a.csv",
        "h_b.npy",
        "--histogram",
        "--bin-centers",
        "wa_short.csv",
    ];
    assert_fails(&centers, &["wa_short.csv", "3 bin centers for 4 bins"]);
    assert_fails(
        &["tv", "bad_matrix.csv", "h_a.csv", "--histogram"],
        &["bad_matrix.csv", "one row"],
    );
}

#[test]
fn overflowing_distances_are_refused() {
    // W1 between δ(-1e308) and δ(1e308) is 2e308, beyond f64
    assert_fails(
        &["w1", "overflow_a.csv", "overflow_b.csv"],
        &["w1 overflowed", "rescale"],
    );
}

#[test]
fn bad_weights_are_refused() {
    let with_a = |w: &'static str| ["w1", "a_1d.csv", "b_1d.csv", "--weights-a", w];
    assert_fails(
        &with_a("wa_short.csv"),
        &["wa_short.csv", "3 weights", "4 points", "a_1d.csv"],
    );
    let negative = with_a("bad_negative_weights.csv");
    assert_fails(
        &negative,
        &[
            "bad_negative_weights.csv",
            "line 2, column 1",
            "-2",
            "negative",
        ],
    );
    assert_fails(
        &with_a("bad_zero_weights.csv"),
        &["bad_zero_weights.csv", "zero"],
    );
    let npy_negative = [
        "tv",
        "b_1d.csv",
        "s_a.csv",
        "--weights-a",
        "bad_negative_weights.npy",
    ];
    assert_fails(
        &npy_negative,
        &["bad_negative_weights.npy", "element [1]", "negative"],
    );
    assert_fails(&with_a("bad_nan.npy"), &["bad_nan.npy", "not finite"]);
    assert_fails(
        &with_a("bad_matrix.csv"),
        &["bad_matrix.csv", "one row or one column"],
    );
    let hist = ["js", "bad_zero_weights.npy", "h_b.npy", "--histogram"];
    assert_fails(&hist, &["bad_zero_weights.npy", "zero"]);
    let hist = ["js", "h_b.npy", "bad_negative_weights.csv", "--histogram"];
    assert_fails(&hist, &["bad_negative_weights.csv", "negative"]);
}

// ---------------------------------------------------------------------------------------
// size

/// An NPY file holding a 1-D float64 array.
fn write_npy_1d(path: &Path, values: impl ExactSizeIterator<Item = f64>) {
    let dict = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({},), }}",
        values.len()
    );
    let data: Vec<u8> = values.flat_map(f64::to_le_bytes).collect();
    std::fs::write(path, npy_bytes(&dict, &data)).unwrap();
}

#[test]
#[ignore = "slow: writes two 80 MB files and reads 10^7 points a side"]
fn ten_million_points_a_side() {
    // a = k/n for k in [0, n), b = k/n for k in [n/2, 3n/2): W1 = 1/2, half the atoms shared
    let n = 10_000_000usize;
    let dir = std::env::temp_dir().join(format!("divergence-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (dir.join("a.npy"), dir.join("b.npy"));
    write_npy_1d(&a, (0..n).map(|k| k as f64 / n as f64));
    write_npy_1d(&b, (n / 2..n + n / 2).map(|k| k as f64 / n as f64));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());

    assert!((value(&["w1", a, b]) - 0.5).abs() < 1e-9);
    // the sum of 10^7 terms of 1e-7 carries rounding of order 1e-10
    assert!((value(&["tv", a, b]) - 0.5).abs() < 1e-9);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------
// output

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_divergence"))
        .args(["w1", "a_1d.csv", "b_1d.csv"])
        .current_dir(fixtures())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot write the result"), "{err}");
}

// ---------------------------------------------------------------------------------------
// inputs the readers once got wrong

/// A fresh folder for files a test writes.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("divergence-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Exit code, stdout and stderr of a run that must end within `seconds`; a run that
/// takes longer is killed and the test fails.
fn run_with_deadline(args: &[&str], seconds: u64) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_divergence"))
        .args(args)
        .current_dir(fixtures())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(seconds) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} still running after {seconds} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().expect("exit code, not a signal"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_numeric_column_is_never_dropped_as_text() {
    let needles = [
        "bad_missing_marker.csv",
        "line 2, column 2",
        "'3' is a number",
        "taken as text from line 1 because of '#N/A'",
    ];
    assert_fails(
        &["w1", "bad_missing_marker.csv", "b_1d.csv", "--json"],
        &needles,
    );

    // the other markers found by testing, each in the first data row of a numeric column
    let dir = temp_dir("markers");
    let path = dir.join("t.csv");
    let path_arg = path.to_str().unwrap();
    for marker in ["?", "missing", "nil", "#DIV/0!", "N.A."] {
        std::fs::write(&path, format!("1,{marker}\n2,3\n4,5\n")).unwrap();
        let because = format!("from line 1 because of '{marker}'");
        assert_fails(
            &["w1", path_arg, "b_1d.csv"],
            &["t.csv", "line 2, column 2", &because],
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();

    // a label column with no number in any row is skipped: the points of b_1d.csv remain
    let object = json(&["w1", "labels_without_numbers.csv", "b_1d.csv"]);
    assert_eq!(object["value"].as_f64(), Some(0.0));
    assert_eq!(
        (object["n_a"].as_u64(), object["dim"].as_u64()),
        (Some(3), Some(1))
    );
}

#[test]
fn a_header_of_numbers_is_data_unless_said_otherwise() {
    // pandas' to_csv(index=False) of the Series [5.0, 7.0] starts with the header 0
    let series = ["w1", "pandas_series.csv", "r_1d.csv"];
    let auto = json(&series);
    assert_eq!(
        (auto["n_a"].as_u64(), auto["n_b"].as_u64()),
        (Some(3), Some(2))
    );
    // scipy.stats.wasserstein_distance([0, 5, 7], [5, 7])
    assert_close(auto["value"].as_f64().unwrap(), 1.9999999999999998);
    let yes = json(&[&series[..], &["--header", "yes"]].concat());
    assert_eq!(
        (yes["value"].as_f64(), yes["n_a"].as_u64()),
        (Some(0.0), Some(2))
    );

    // and of a DataFrame, the header 0,1
    let frame = ["tv", "pandas_frame.csv", "pandas_frame.csv", "--header"];
    let yes = json(&[&frame[..], &["yes"]].concat());
    assert_eq!(
        (yes["n_a"].as_u64(), yes["dim"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        json(&[&frame[..], &["auto"]].concat())["n_a"].as_u64(),
        Some(3)
    );

    // no header: a first line of text is an error, not a header
    assert_fails(
        &["w1", "a_1d.csv", "b_1d.csv", "--header", "no"],
        &["a_1d.csv", "line 1", "no numeric field"],
    );
    assert_fails(
        &["w1", "a_1d.csv", "b_1d.csv", "--header", "maybe"],
        &["maybe", "possible values"],
    );
}

#[cfg(target_os = "linux")]
#[test]
fn endless_inputs_are_refused_quickly() {
    let dir = temp_dir("endless");
    for name in ["z.npy", "z.csv"] {
        std::os::unix::fs::symlink("/dev/zero", dir.join(name)).unwrap();
    }
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();

    let npy = ["w1".to_owned(), path("z.npy"), "b_1d.csv".to_owned()];
    let npy: Vec<&str> = npy.iter().map(String::as_str).collect();
    let outcome = run_with_deadline(&npy, 30);
    assert_failure(
        &npy,
        (outcome.0, &outcome.1, &outcome.2),
        &["z.npy", "NPY magic"],
    );

    let csv = ["w1".to_owned(), path("z.csv"), "b_1d.csv".to_owned()];
    let csv: Vec<&str> = csv.iter().map(String::as_str).collect();
    let outcome = run_with_deadline(&csv, 30);
    let needles = ["z.csv", "line 1 is longer than 16777216 bytes"];
    assert_failure(&csv, (outcome.0, &outcome.1, &outcome.2), &needles);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn npy_data_must_end_where_the_header_says() {
    // a_1d.npy holds 4 float64 values, 32 bytes; three more bytes follow here
    assert_fails(
        &["w1", "bad_trailing.npy", "b_1d.csv"],
        &[
            "bad_trailing.npy",
            "longer than the 32 bytes the header announces",
        ],
    );
}

#[test]
fn tokens_in_messages_are_escaped_and_cut() {
    let (code, out, err) = run(&["w1", "bad_nul.csv", "b_1d.csv"]);
    assert_failure(
        &["bad_nul.csv"],
        (code, &out, &err),
        &["bad_nul.csv", "line 1, column 1", r"'1\0' is not a number"],
    );
    assert!(!err.contains('\0'), "{err:?}");

    let (code, out, err) = run(&["w1", "bad_cr_only.csv", "b_1d.csv"]);
    let needles = [
        "bad_cr_only.csv",
        "line 1, column 1",
        r"'1\r2\r3' is not a number",
        "the file seems to use CR-only line endings",
    ];
    assert_failure(&["bad_cr_only.csv"], (code, &out, &err), &needles);
    assert!(!err.contains('\r'), "{err:?}");

    // 40 characters of a 101-character field, then an ellipsis
    let cut = format!("'9{}…' is not a number", "z".repeat(39));
    assert_fails(
        &["w1", "bad_long_token.csv", "b_1d.csv"],
        &["bad_long_token.csv", "line 2, column 1", &cut],
    );
}

#[test]
fn transport_overflow_in_any_dimension_says_how_to_fix_it() {
    // |x - y| = 2e308 in 2-D: beyond f64 whatever the solver computes
    for metric in [&["w1"][..], &["w2"], &["wp", "--p", "3"]] {
        let args = [metric, &["overflow_2d_a.csv", "overflow_2d_b.csv"]].concat();
        let overflowed = format!("{} overflowed the range of f64", metric[0]);
        assert_fails(&args, &[&overflowed, "rescale the data or lower p"]);
    }

    // squared costs of 1e400 although W2 itself is finite: a solver that works on them
    // overflows and must say so; one that rescales gives the value
    let args = ["w2", "overflow_nd_a.csv", "overflow_nd_b.csv"];
    let (code, out, err) = run(&args);
    if code == 0 {
        // sqrt of the smaller mean squared distance of the two pairings, in exact
        // arithmetic (make_fixtures.py)
        assert_close(out.trim().parse().unwrap(), 7.071067811865475e199);
    } else {
        let needles = [
            "w2 overflowed the range of f64",
            "rescale the data or lower p",
        ];
        assert_failure(&args, (code, &out, &err), &needles);
    }
}
