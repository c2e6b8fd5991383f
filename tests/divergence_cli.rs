//! Runs the `divergence` binary on the files in `tests/fixtures/` and checks values, output
//! format and exit codes.
//!
//! Reference values come from `tests/fixtures/make_fixtures.py` (numpy 2.4.6, scipy 1.17.1,
//! POT 0.9.7.post1), which also wrote the NPY fixtures; each value below names its call.
//! There, `emd_p(x, y, wx, wy, p)` is `ot.emd2(wx/Σwx, wy/Σwy, ot.dist(x, y,
//! metric="euclidean")**p) ** (1/p)`, the exact LP on the |x − y|ᵖ cost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

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
    let mut header = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({},), }}",
        values.len()
    )
    .into_bytes();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend(header);
    bytes.extend(values.flat_map(f64::to_le_bytes));
    std::fs::write(path, bytes).unwrap();
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
