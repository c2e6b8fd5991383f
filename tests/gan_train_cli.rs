//! The `train` command: bad arguments (and networks too large to allocate) give one line on
//! stderr and exit code 2; a short run writes its two CSV files.

use std::process::Command;

fn train(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_train"))
        .args(args)
        .output()
        .expect("the train binary runs")
}

#[test]
fn bad_arguments_are_one_line_and_exit_code_2() {
    let cases: [&[&str]; 6] = [
        &["--data", "mnist"],
        &["--steps", "0"],
        &["--clip", "-1"],
        &["--lr", "nan"],
        &["--no-such-flag"],
        // about 270 GB of networks: refused by the checked params before any allocation
        &["--width", "8192", "--depth", "64"],
    ];
    for args in cases {
        let out = train(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_short_quiet_run_writes_its_csv_files() {
    let dir = std::env::temp_dir().join(format!("gan_train_cli_{}", std::process::id()));
    let out = train(&[
        "--quiet",
        "--steps",
        "20",
        "--width",
        "16",
        "--eval-every",
        "10",
        "--eval-samples",
        "64",
        "--seed",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "--quiet prints nothing on stderr");
    let evaluations = std::fs::read_to_string(dir.join("train_wgan_8gaussians_evaluations.csv"))
        .expect("evaluations written");
    assert_eq!(
        evaluations.lines().count(),
        1 + 3,
        "header + steps 0, 10, 20"
    );
    let steps = std::fs::read_to_string(dir.join("train_wgan_8gaussians_steps.csv"))
        .expect("steps written");
    assert_eq!(steps.lines().count(), 1 + 20);
    std::fs::remove_dir_all(&dir).ok();
}
