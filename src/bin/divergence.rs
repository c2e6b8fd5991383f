//! `divergence METRIC A B [options]`: an exact TV, KL, JS or Wasserstein distance between two
//! samples or two histograms stored as CSV or NPY files.
//!
//! `main` only turns the outcome of `run` into an exit status: 0 on success, 2 on any error,
//! reported as one line on standard error.

use clap::{Parser, ValueEnum};
use gan_divergences::io::{self, Header, ReadError, Table};
use gan_divergences::transport::{self, network_simplex, Method};
use gan_divergences::{divergence, DiscreteMeasure, Error};
use serde::Serialize;
use std::cmp::Ordering;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status for every error.
const EXIT_FAILURE: u8 = 2;

/// Environment variable that caps the memory of an n-D transport problem, in bytes.
const MEMORY_LIMIT_VAR: &str = "DIVERGENCE_MEMORY_LIMIT";

/// Memory assumed when neither the variable nor /proc/meminfo gives a figure (4 GiB).
const FALLBACK_MEMORY_BYTES: u128 = 4 << 30;

const AFTER_HELP: &str = "\
Files:
  .csv  one point per row, comma-separated, optional header row, lines of at most
        16 MiB. Header (--header, for every CSV file read): under auto, the default,
        the first line is a header when none of its fields is a number or starts like
        one, so a header made only of numbers (the 0 or 0,1 that pandas writes for
        unnamed columns) is read as data: give --header yes (the --json counts n_a and
        n_b show what was read). Columns: a column whose field in the first data row is
        text (labels, ids, #N/A) is skipped, but only if it holds no number in any row;
        a number further down such a column is an error. Every other field must be a
        finite number: empty fields and NA, N/A, null, None are errors.
  .npy  1-D array (points on the line) or 2-D array (one point per row); float64,
        float32 or integer; C or Fortran order

Modes:
  samples (default)  A and B are samples, i.e. the empirical measures (1/n) Σ δ(x_i);
        with --weights-a/--weights-b, Σ w_i δ(x_i) with the weights normalized to sum 1.
        tv, kl, js compare the two measures point by point (exact equality of
        coordinates), so samples with no common point give tv = 1, js = ln 2, kl = inf.
        w1, w2, wp are exact: by sorting for 1-D data (method sorted-1d), by the network
        simplex otherwise (method network-simplex).
  --histogram        A and B each hold one vector (one row or one column) of non-negative
        masses over the same bins; the masses are normalized to sum 1. tv, kl, js are
        exact (method discrete); w1, w2, wp place bin i at position i (0, 1, 2, ...) or
        at row i of --bin-centers.

Conventions (natural logarithms: kl and js are in nats):
  tv(P, Q) = ½ Σ |p_i − q_i|                          in [0, 1]
  kl(P‖Q)  = Σ p_i ln(p_i / q_i)                      in [0, inf]; inf if q_i = 0 < p_i
  js(P, Q) = ½ kl(P‖M) + ½ kl(Q‖M),  M = ½ (P + Q)    in [0, ln 2 = 0.693147...]
  wp(P, Q) = (min over couplings γ of Σ γ_ij ‖x_i − y_j‖^p)^(1/p), Euclidean norm, p >= 1
  w1 is wp with p = 1 (the Earth-Mover distance), w2 is wp with p = 2

Output: the value on one line (inf for an infinite kl), or with --json one object:
  {\"metric\":\"w1\",\"value\":0.25,\"n_a\":4,\"n_b\":3,\"dim\":1,\"method\":\"sorted-1d\"}
  where value is a number or the string \"inf\".

Exit status: 0 on success; 2 on any error, reported as one line on standard error that
names the file (and the line and column of a CSV parse error).

Environment: DIVERGENCE_MEMORY_LIMIT=BYTES caps the memory an n-D transport problem may
use (default: MemAvailable from /proc/meminfo); larger problems are refused up front.

Example:
  divergence w1 real.csv fake.npy --json";

/// Exact divergences and Wasserstein distances between two samples or two histograms.
#[derive(Debug, Parser)]
#[command(name = "divergence", version, after_help = AFTER_HELP)]
struct Cli {
    /// The quantity to compute.
    #[arg(value_enum)]
    metric: Metric,

    /// First file, P (.csv or .npy).
    a: PathBuf,

    /// Second file, Q (.csv or .npy).
    b: PathBuf,

    /// Exponent p >= 1 of wp (required for wp, refused otherwise).
    #[arg(long = "p", value_name = "P", value_parser = parse_exponent)]
    p: Option<f64>,

    /// One non-negative weight per point of A (normalized to sum 1).
    #[arg(long, value_name = "FILE", conflicts_with = "histogram")]
    weights_a: Option<PathBuf>,

    /// One non-negative weight per point of B (normalized to sum 1).
    #[arg(long, value_name = "FILE", conflicts_with = "histogram")]
    weights_b: Option<PathBuf>,

    /// Read A and B as histograms: masses over the same bins, normalized to sum 1.
    #[arg(long)]
    histogram: bool,

    /// Positions of the bins for w1/w2/wp in --histogram mode: one row per bin
    /// (default: 0, 1, 2, ...).
    #[arg(long, value_name = "FILE", requires = "histogram")]
    bin_centers: Option<PathBuf>,

    /// Whether the first line of each CSV file is a header: auto (when no field is a
    /// number), yes or no.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    header: HeaderArg,

    /// Print one JSON object instead of the bare value.
    #[arg(long)]
    json: bool,
}

/// The values of --header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum HeaderArg {
    /// A header when none of its fields is a number or starts like one; a header made
    /// only of numbers (pandas' 0 or 0,1) is read as data.
    Auto,
    /// The first non-blank line is a header, whatever it holds.
    Yes,
    /// The first non-blank line is data.
    No,
}

impl Cli {
    /// The header rule for every CSV file read.
    fn header(&self) -> Header {
        match self.header {
            HeaderArg::Auto => Header::Auto,
            HeaderArg::Yes => Header::Present,
            HeaderArg::No => Header::Absent,
        }
    }

    fn read_table(&self, path: &Path) -> Result<Table, ReadError> {
        io::read_table_with_header(path, self.header())
    }

    fn read_weights(&self, path: &Path) -> Result<Vec<f64>, ReadError> {
        io::read_weights_with_header(path, self.header())
    }
}

/// The quantities the command computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Metric {
    /// Total variation ½‖p − q‖₁, in [0, 1].
    Tv,
    /// Kullback-Leibler divergence KL(A‖B), in nats, possibly inf.
    Kl,
    /// Jensen-Shannon divergence (with the ½ factors), in [0, ln 2].
    Js,
    /// Earth-Mover distance W1.
    W1,
    /// Wasserstein distance W2.
    W2,
    /// Wasserstein distance Wp, with --p P.
    Wp,
}

impl Metric {
    fn name(self) -> &'static str {
        match self {
            Metric::Tv => "tv",
            Metric::Kl => "kl",
            Metric::Js => "js",
            Metric::W1 => "w1",
            Metric::W2 => "w2",
            Metric::Wp => "wp",
        }
    }
}

/// Everything that makes the command fail, each printed as one line.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{message}")]
    Usage { message: String },

    /// Boxed: a read error carries the path and up to two quoted fields.
    #[error(transparent)]
    Read(Box<ReadError>),

    #[error("{}: {source}", path.display())]
    Input { path: PathBuf, source: Error },

    #[error(
        "{} holds points in {dim_a}-D but {} holds points in {dim_b}-D",
        a.display(),
        b.display()
    )]
    DimensionMismatch {
        a: PathBuf,
        b: PathBuf,
        dim_a: usize,
        dim_b: usize,
    },

    #[error("{} has {n_a} bins but {} has {n_b}", a.display(), b.display())]
    BinMismatch {
        a: PathBuf,
        b: PathBuf,
        n_a: usize,
        n_b: usize,
    },

    #[error(
        "{}: {found} weights for the {expected} points of {}",
        weights.display(),
        points.display()
    )]
    WeightCount {
        weights: PathBuf,
        points: PathBuf,
        expected: usize,
        found: usize,
    },

    #[error("{}: {found} bin centers for {expected} bins", centers.display())]
    CenterCount {
        centers: PathBuf,
        expected: usize,
        found: usize,
    },

    #[error(
        "{metric} between {n_a} and {n_b} points in {dim}-D needs about {} for the network \
         simplex, more than the {} {limit_source}; refused",
        human_bytes(*needed),
        human_bytes(*limit)
    )]
    TooLarge {
        metric: &'static str,
        n_a: usize,
        n_b: usize,
        dim: usize,
        needed: u128,
        limit: u128,
        limit_source: &'static str,
    },

    #[error("{MEMORY_LIMIT_VAR} must be a whole number of bytes")]
    BadMemoryLimit,

    #[error("{0}")]
    Compute(Error),

    #[error(
        "{metric} overflowed the range of f64 (the distance is above 1.8e308); \
         rescale the data or lower p"
    )]
    Overflow { metric: &'static str },

    #[error("cannot write the result: {kind}")]
    Output { kind: std::io::ErrorKind },
}

impl From<ReadError> for Failure {
    fn from(error: ReadError) -> Self {
        Failure::Read(Box::new(error))
    }
}

/// What the command prints.
#[derive(Debug, Serialize)]
struct Report {
    metric: &'static str,
    value: JsonValue,
    n_a: usize,
    n_b: usize,
    dim: usize,
    method: &'static str,
}

/// A finite value as a JSON number, an infinite one as the string "inf".
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum JsonValue {
    Number(f64),
    Text(&'static str),
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        let line = format!("divergence: internal error{place}, please report it");
        let _ = writeln!(std::io::stderr(), "{line}");
    }));

    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(None) => ExitCode::SUCCESS,
        Err(Some(failure)) => {
            let message = failure.to_string().replace('\n', " ");
            let _ = writeln!(std::io::stderr(), "divergence: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Parses the command line; `Err(None)` after printing --help or --version.
fn parse_args() -> Result<Cli, Option<Failure>> {
    use clap::error::ErrorKind;
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            Err(None)
        }
        Err(e) => Err(Some(Failure::Usage {
            message: one_line(&e.render().to_string()),
        })),
    }
}

/// A clap message on one line: without usage, blank lines and the "error:" prefix.
fn one_line(rendered: &str) -> String {
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more"))
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect();
    format!("{} (see --help)", parts.join(" "))
}

fn parse_exponent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 1.0 => Ok(p),
        _ => Err("must be a finite number >= 1".to_owned()),
    }
}

fn run(cli: Cli) -> Result<(), Option<Failure>> {
    let exponent = exponent(&cli)?;
    let report = if cli.histogram {
        histograms(&cli, exponent)?
    } else {
        samples(&cli, exponent)?
    };
    print_report(&report, cli.json).map_err(Some)
}

/// The exponent of a Wasserstein metric; `None` for tv, kl and js.
fn exponent(cli: &Cli) -> Result<Option<f64>, Failure> {
    let usage = |message: &str| Failure::Usage {
        message: message.to_owned(),
    };
    match (cli.metric, cli.p) {
        (Metric::Wp, Some(p)) => Ok(Some(p)),
        (Metric::Wp, None) => Err(usage("wp needs --p P (see --help)")),
        (_, Some(_)) => Err(usage("--p only applies to wp (see --help)")),
        _ if cli.bin_centers.is_some() && !is_transport(cli.metric) => Err(usage(
            "--bin-centers only applies to w1, w2 and wp (see --help)",
        )),
        (Metric::W1, None) => Ok(Some(1.0)),
        (Metric::W2, None) => Ok(Some(2.0)),
        _ => Ok(None),
    }
}

fn is_transport(metric: Metric) -> bool {
    matches!(metric, Metric::W1 | Metric::W2 | Metric::Wp)
}

// ---------------------------------------------------------------------------------------
// histogram mode

fn histograms(cli: &Cli, exponent: Option<f64>) -> Result<Report, Failure> {
    let p = cli.read_weights(&cli.a)?;
    let q = cli.read_weights(&cli.b)?;
    if p.len() != q.len() {
        return Err(Failure::BinMismatch {
            a: cli.a.clone(),
            b: cli.b.clone(),
            n_a: p.len(),
            n_b: q.len(),
        });
    }

    let n_bins = p.len();
    let Some(exponent) = exponent else {
        let value = discrete_vectors(cli.metric, &p, &q).map_err(Failure::Compute)?;
        return report(cli.metric, value, (n_bins, n_bins, 1), "discrete");
    };
    let (dim, centers) = bin_centers(cli, n_bins)?;
    let mu = DiscreteMeasure::from_flat(dim, centers.clone(), &p).map_err(input_error(&cli.a))?;
    let nu = DiscreteMeasure::from_flat(dim, centers, &q).map_err(input_error(&cli.b))?;
    let (value, method) = transport_measures(cli, &mu, &nu, exponent)?;
    report(cli.metric, value, (n_bins, n_bins, dim), method.name())
}

/// Attributes a library error to a file.
fn input_error(path: &Path) -> impl Fn(Error) -> Failure + '_ {
    move |source| Failure::Input {
        path: path.to_path_buf(),
        source,
    }
}

fn discrete_vectors(metric: Metric, p: &[f64], q: &[f64]) -> gan_divergences::Result<f64> {
    match metric {
        Metric::Tv => divergence::total_variation(p, q),
        Metric::Kl => divergence::kullback_leibler(p, q),
        _ => divergence::jensen_shannon(p, q),
    }
}

/// The bin positions, row-major, and their dimension.
fn bin_centers(cli: &Cli, n_bins: usize) -> Result<(usize, Vec<f64>), Failure> {
    let Some(path) = &cli.bin_centers else {
        return Ok((1, (0..n_bins).map(|i| i as f64).collect()));
    };
    let table = cli.read_table(path)?;
    if table.n_rows() == n_bins {
        return Ok((table.n_cols(), table.into_values()));
    }
    if table.n_rows() == 1 && table.n_cols() == n_bins {
        return Ok((1, table.into_values()));
    }
    Err(Failure::CenterCount {
        centers: path.clone(),
        expected: n_bins,
        found: table.n_rows(),
    })
}

// ---------------------------------------------------------------------------------------
// sample mode

fn samples(cli: &Cli, exponent: Option<f64>) -> Result<Report, Failure> {
    let (a, b) = read_pair(cli)?;
    if a.n_cols() != b.n_cols() {
        return Err(Failure::DimensionMismatch {
            a: cli.a.clone(),
            b: cli.b.clone(),
            dim_a: a.n_cols(),
            dim_b: b.n_cols(),
        });
    }
    let weights_a = sample_weights(cli, cli.weights_a.as_deref(), &cli.a, a.n_rows())?;
    let weights_b = sample_weights(cli, cli.weights_b.as_deref(), &cli.b, b.n_rows())?;
    let sizes = (a.n_rows(), b.n_rows(), a.n_cols());

    // unweighted samples on the line: the exact integer walk over sorted samples
    let unweighted = weights_a.is_none() && weights_b.is_none();
    if let (Some(p), true, 1) = (exponent, unweighted, a.n_cols()) {
        let value = transport::wasserstein_1d_samples(a.values(), b.values(), p)
            .map_err(transport_error(cli.metric))?;
        return report(cli.metric, value, sizes, Method::Sorted1d.name());
    }

    let (a, weights_a) = sorted_points(a, weights_a, exponent.is_none());
    let (b, weights_b) = sorted_points(b, weights_b, exponent.is_none());
    let blame_a = cli.weights_a.as_deref().unwrap_or(&cli.a);
    let blame_b = cli.weights_b.as_deref().unwrap_or(&cli.b);
    let mu = measure(a, weights_a.as_deref(), blame_a)?;
    let nu = measure(b, weights_b.as_deref(), blame_b)?;
    let (value, method) = match exponent {
        Some(p) => {
            let (value, method) = transport_measures(cli, &mu, &nu, p)?;
            (value, method.name())
        }
        None => (discrete_measures(cli.metric, &mu, &nu)?, "discrete"),
    };
    report(cli.metric, value, sizes, method)
}

/// Reads the two sample files at the same time, reporting A's error first.
fn read_pair(cli: &Cli) -> Result<(Table, Table), Failure> {
    let (a, b) = (cli.a.as_path(), cli.b.as_path());
    let (table_a, table_b) = std::thread::scope(|scope| {
        let first = scope.spawn(|| cli.read_table(a));
        let second = cli.read_table(b);
        (first.join(), second)
    });
    let table_a = table_a.map_err(|_| Failure::Usage {
        message: format!("{}: the reader stopped unexpectedly", a.display()),
    })??;
    Ok((table_a, table_b?))
}

fn sample_weights(
    cli: &Cli,
    path: Option<&Path>,
    points: &Path,
    n_points: usize,
) -> Result<Option<Vec<f64>>, Failure> {
    let Some(path) = path else {
        return Ok(None);
    };
    let weights = cli.read_weights(path)?;
    if weights.len() != n_points {
        return Err(Failure::WeightCount {
            weights: path.to_path_buf(),
            points: points.to_path_buf(),
            expected: n_points,
            found: weights.len(),
        });
    }
    Ok(Some(weights))
}

/// The points (and their weights) in lexicographic order, when `wanted`.
///
/// The measure is unchanged. `common_support` sorts the atoms of both measures together
/// with a stable sort, which finds the two sorted runs and merges them in linear time:
/// for 10⁷ points a side this takes tv from about 13 s to a few seconds.
fn sorted_points(
    table: Table,
    weights: Option<Vec<f64>>,
    wanted: bool,
) -> (Points, Option<Vec<f64>>) {
    let dim = table.n_cols();
    let mut values = table.into_values();
    if !wanted {
        return (Points { dim, values }, weights);
    }
    if dim == 1 && weights.is_none() {
        values.sort_unstable_by(|x, y| x.partial_cmp(y).unwrap_or(Ordering::Equal));
        return (Points { dim, values }, None);
    }

    let rows: Vec<&[f64]> = values.chunks_exact(dim).collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_unstable_by(|&i, &j| lexicographic(rows[i], rows[j]));
    let sorted = order.iter().flat_map(|&i| rows[i]).copied().collect();
    let weights = weights.map(|w| order.iter().filter_map(|&i| w.get(i)).copied().collect());
    (
        Points {
            dim,
            values: sorted,
        },
        weights,
    )
}

/// Lexicographic order of two rows of finite coordinates (so 0.0 and -0.0 are equal).
fn lexicographic(a: &[f64], b: &[f64]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.partial_cmp(y).unwrap_or(Ordering::Equal))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Row-major coordinates of a sample.
struct Points {
    dim: usize,
    values: Vec<f64>,
}

/// The measure of a sample; `blame` is the file named if the weights are refused.
fn measure(
    points: Points,
    weights: Option<&[f64]>,
    blame: &Path,
) -> Result<DiscreteMeasure, Failure> {
    let Points { dim, values } = points;
    let measure = match weights {
        Some(w) => DiscreteMeasure::from_flat(dim, values, w),
        None => DiscreteMeasure::uniform_flat(dim, values),
    };
    measure.map_err(input_error(blame))
}

fn discrete_measures(
    metric: Metric,
    mu: &DiscreteMeasure,
    nu: &DiscreteMeasure,
) -> Result<f64, Failure> {
    let value = match metric {
        Metric::Tv => divergence::total_variation_measures(mu, nu),
        Metric::Kl => divergence::kullback_leibler_measures(mu, nu),
        _ => divergence::jensen_shannon_measures(mu, nu),
    };
    value.map_err(Failure::Compute)
}

// ---------------------------------------------------------------------------------------
// transport and its memory guard

fn transport_measures(
    cli: &Cli,
    mu: &DiscreteMeasure,
    nu: &DiscreteMeasure,
    exponent: f64,
) -> Result<(f64, Method), Failure> {
    if mu.dim() > 1 {
        check_memory(cli.metric, mu, nu)?;
    }
    transport::wasserstein(mu, nu, exponent).map_err(transport_error(cli.metric))
}

/// The failure for a library error from a transport solver.
///
/// Points and weights are checked finite when read, so a value that is not finite inside
/// a solver (a cost |x - y|^p, a sum of costs, or whatever the solver derives from them)
/// means the range of f64 overflowed: it gets the same message as an infinite distance.
fn transport_error(metric: Metric) -> impl Fn(Error) -> Failure {
    move |error| match error {
        Error::NonFinite { .. } => Failure::Overflow {
            metric: metric.name(),
        },
        other => Failure::Compute(other),
    }
}

/// Refuses a network-simplex problem whose estimated peak memory exceeds the limit.
fn check_memory(metric: Metric, mu: &DiscreteMeasure, nu: &DiscreteMeasure) -> Result<(), Failure> {
    let needed = network_simplex::estimated_bytes(mu.len(), nu.len());
    let (limit, limit_source) = memory_limit()?;
    if needed > limit {
        return Err(Failure::TooLarge {
            metric: metric.name(),
            n_a: mu.len(),
            n_b: nu.len(),
            dim: mu.dim(),
            needed,
            limit,
            limit_source,
        });
    }
    Ok(())
}

/// The memory a problem may use, and where that figure comes from.
fn memory_limit() -> Result<(u128, &'static str), Failure> {
    if let Some(text) = std::env::var_os(MEMORY_LIMIT_VAR) {
        let bytes = text.to_str().and_then(|t| t.trim().parse::<u128>().ok());
        return bytes
            .map(|b| (b, "limit set by DIVERGENCE_MEMORY_LIMIT"))
            .ok_or(Failure::BadMemoryLimit);
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    match meminfo.as_deref().and_then(mem_available) {
        Some(bytes) => Ok((bytes, "available memory (MemAvailable)")),
        None => Ok((
            FALLBACK_MEMORY_BYTES,
            "assumed memory (4 GiB; MemAvailable unknown)",
        )),
    }
}

/// MemAvailable from the text of /proc/meminfo, in bytes.
fn mem_available(meminfo: &str) -> Option<u128> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut words = line.split_whitespace().skip(1);
    let amount: u128 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => amount.checked_mul(1024),
        Some(_) => None,
    }
}

fn human_bytes(bytes: u128) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

// ---------------------------------------------------------------------------------------
// output

/// The report of a value; an infinite or NaN distance (only possible through overflow,
/// since a distance between finite points is finite) is refused rather than printed.
fn report(
    metric: Metric,
    value: f64,
    (n_a, n_b, dim): (usize, usize, usize),
    method: &'static str,
) -> Result<Report, Failure> {
    let overflowed = value.is_nan() || (value.is_infinite() && is_transport(metric));
    if overflowed {
        return Err(Failure::Overflow {
            metric: metric.name(),
        });
    }
    let value = if value.is_finite() {
        JsonValue::Number(value)
    } else {
        JsonValue::Text("inf")
    };
    Ok(Report {
        metric: metric.name(),
        value,
        n_a,
        n_b,
        dim,
        method,
    })
}

fn print_report(report: &Report, json: bool) -> Result<(), Failure> {
    let line = if json {
        serde_json::to_string(report).map_err(|_| Failure::Output {
            kind: std::io::ErrorKind::InvalidData,
        })?
    } else {
        match report.value {
            JsonValue::Number(v) => plain_number(v),
            JsonValue::Text(t) => t.to_owned(),
        }
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Output { kind: e.kind() })
        }
        _ => Ok(()),
    }
}

/// Shortest round-trip decimal, in scientific notation when very small or very large.
fn plain_number(v: f64) -> String {
    if v == 0.0 || (1e-5..1e16).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_read_in_kib() {
        let text = "MemTotal:       32 kB\nMemAvailable:   2 kB\n";
        assert_eq!(mem_available(text), Some(2048));
        assert_eq!(mem_available("MemFree: 1 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: x kB\n"), None);
    }

    #[test]
    fn numbers_print_compactly() {
        assert_eq!(plain_number(0.25), "0.25");
        assert_eq!(plain_number(2.0), "2");
        assert_eq!(plain_number(1e-300), "1e-300");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
        assert_eq!(human_bytes(12), "12 bytes");
    }
}
