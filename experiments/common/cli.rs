//! What every experiment binary shares: argument errors as one line with exit code 2, a
//! progress bar on standard error that `--quiet` hides, and the verdict file.
//!
//! Included by each binary with `#[path = "common/cli.rs"] mod cli;`, so the library itself
//! never prints.

// each binary compiles this file on its own and uses only part of it
#![allow(dead_code)]

use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::Path;

/// Parses the command line; `--help` and `--version` print and exit 0, any other problem
/// prints one line naming it and exits 2.
pub fn parse<T: clap::Parser>() -> T {
    install_panic_hook();
    match T::try_parse() {
        Ok(args) => args,
        Err(error) => {
            use clap::error::ErrorKind;
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                if let Err(e) = write!(std::io::stdout(), "{error}") {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        fail(format!("cannot write the help: {e}"));
                    }
                }
                std::process::exit(0);
            }
            let text = error.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            fail(first.trim_start_matches("error: "));
        }
    }
}

/// Ends quietly when standard output is a closed pipe (`... | head`), as command-line
/// tools do; another failure to write standard output (a full disk) is one line and exit
/// code 2; any other panic is a bug, reported in one line with exit code 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        if message.starts_with("failed printing to stdout") {
            eprintln!("error: cannot write the report: {}", one_line(message));
            std::process::exit(2);
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "internal error (a bug, please report it): {}{place}",
            one_line(message)
        );
        std::process::exit(101);
    }));
}

/// Prints `error: <message>` as one line on standard error and exits with code 2.
pub fn fail(message: impl std::fmt::Display) -> ! {
    let name = std::env::args().next().unwrap_or_default();
    let name = Path::new(&name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    eprintln!("{name}: error: {}", one_line(&message.to_string()));
    std::process::exit(2);
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A progress bar over `total` steps on standard error, hidden when `quiet`.
pub fn progress(total: u64, quiet: bool, what: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed_precise}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// One line of the printed report: what was measured, and the bound or value the theory
/// (with its tolerance) requires of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// What is checked.
    pub name: String,
    /// The measured value.
    pub measured: f64,
    /// How `measured` must relate to `required`: `"<="`, `">="` or `"="`.
    pub relation: &'static str,
    /// The bound or value from the theory.
    pub required: f64,
    /// Whether the check passed.
    pub pass: bool,
}

impl Check {
    /// A check that `measured ≤ bound`.
    pub fn at_most(name: &str, measured: f64, bound: f64) -> Self {
        Self {
            name: name.to_string(),
            measured,
            relation: "<=",
            required: bound,
            pass: measured <= bound,
        }
    }

    /// A check that `measured ≥ bound`.
    pub fn at_least(name: &str, measured: f64, bound: f64) -> Self {
        Self {
            name: name.to_string(),
            measured,
            relation: ">=",
            required: bound,
            pass: measured >= bound,
        }
    }

    /// A check that a condition holds, shown as 1 (yes) or 0 (no) against 1.
    pub fn holds(name: &str, condition: bool) -> Self {
        Self {
            name: name.to_string(),
            measured: f64::from(u8::from(condition)),
            relation: "=",
            required: 1.0,
            pass: condition,
        }
    }
}

/// Prints the checks as a table and writes them as `<dir>/<stem>.json`; returns whether
/// all passed.
pub fn report_checks(checks: &[Check], dir: &Path, stem: &str, seed: u64) -> bool {
    println!("\nChecks against the theory (measured, then what the theory requires)");
    for check in checks {
        let verdict = if check.pass { "PASS" } else { "FAIL" };
        println!(
            "  {verdict}  {:<58} {:>10.3e} {:<2} {:.3e}",
            check.name, check.measured, check.relation, check.required
        );
    }
    let all_pass = checks.iter().all(|c| c.pass);
    let verdict = serde_json::json!({
        "experiment": stem,
        "seed": seed,
        "pass": all_pass,
        "checks": checks,
    });
    let path = dir.join(format!("{stem}.json"));
    let text = serde_json::to_string_pretty(&verdict).unwrap_or_default();
    if let Err(error) = std::fs::write(&path, text + "\n") {
        fail(format!("cannot write {}: {error}", path.display()));
    }
    all_pass
}
