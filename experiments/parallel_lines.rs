//! Paper B (Wasserstein GAN), Example 1 and Figure 1: the parallel lines.
//!
//! P₀ is uniform on {0} × [0, 1] and P_θ uniform on {θ} × [0, 1]. For every θ on a grid in
//! [−1, 1] this measures, from samples, the Earth-Mover distance (exact transport between the
//! two empirical measures) and the TV, KL and JS divergences (exact between the empirical
//! measures), compares them with the closed forms W = |θ|, JS = ln 2 · 1[θ ≠ 0],
//! KL = ∞ · 1[θ ≠ 0], TV = 1[θ ≠ 0], and draws W and JS against θ.

#[path = "common/cli.rs"]
mod cli;

use clap::Parser;
use gan_divergences::models::parallel_lines::{closed_form, estimate, latents, line_sample};
use gan_divergences::plotting::{write_csv, Figure, LegendPosition, Mark, Panel, Series};
use gan_divergences::transport::{assignment::optimal_assignment, CostMatrix, GroundCost};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::f64::consts::LN_2;
use std::path::PathBuf;

/// Largest distance between estimated W and |θ| that counts as reproduced at n = 512
/// samples (THEORY.md, B-Example 1: upward bias about 0.025 at θ = 0). Other sample sizes
/// scale it by √(512 / n), the rate at which the empirical W's bias shrinks in 2-D (up to a
/// log factor).
const W_TOLERANCE_AT_512: f64 = 0.04;

/// Largest difference between the network simplex and the Hungarian method.
const SOLVER_AGREEMENT: f64 = 1e-9;

#[derive(Parser, Debug)]
#[command(
    name = "parallel_lines",
    about = "Paper B, Example 1: W, JS, KL and TV between two parallel lines, against theta",
    long_about = "Paper B (Arjovsky, Chintala & Bottou 2017), Example 1 and Figure 1.\n\n\
        P0 = uniform on {0} x [0,1], P_theta = uniform on {theta} x [0,1]. Closed forms:\n  \
        W = |theta|,  JS = ln 2, KL = +inf, TV = 1 for theta != 0, all 0 at theta = 0.\n\n\
        For each theta, W is computed exactly (network simplex) between n samples of each\n\
        line, over several independent draws (mean and min-max band), and TV, KL, JS exactly\n\
        between the empirical measures. Logs are natural (nats); JS carries the 1/2 factors.\n\
        Writes <out>/parallel_lines.{png,svg,csv,json} and prints the comparison."
)]
struct Args {
    /// Seed of the random draws; the same seed gives the same numbers.
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Samples per line in each draw.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    samples: u64,

    /// Number of theta values, evenly spaced on [-1, 1] (odd counts include theta = 0).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u64).range(2..=2001))]
    thetas: u64,

    /// Independent draws per theta, for the mean and band of the estimate.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    draws: u64,

    /// Folder for the figure, its CSV and the JSON verdict.
    #[arg(long, default_value = "figures")]
    out: PathBuf,

    /// Print no progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Everything measured at one θ.
struct Row {
    theta: f64,
    draws: Vec<f64>,
    common: f64,
    hungarian: f64,
    simplex_first: f64,
    js: f64,
    js_common: f64,
    kl: f64,
    kl_common: f64,
    tv: f64,
    tv_common: f64,
}

impl Row {
    fn mean(&self) -> f64 {
        self.draws.iter().sum::<f64>() / self.draws.len() as f64
    }

    fn standard_deviation(&self) -> f64 {
        let mean = self.mean();
        let n = self.draws.len() as f64;
        let squares: f64 = self.draws.iter().map(|w| (w - mean).powi(2)).sum();
        (squares / (n - 1.0).max(1.0)).sqrt()
    }

    fn min(&self) -> f64 {
        self.draws.iter().copied().fold(f64::INFINITY, f64::min)
    }

    fn max(&self) -> f64 {
        self.draws.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

fn main() {
    let args: Args = cli::parse();
    let n = args.samples as usize;
    let thetas: Vec<f64> = (0..args.thetas)
        .map(|k| -1.0 + 2.0 * k as f64 / (args.thetas - 1) as f64)
        .map(|t| if t.abs() < 1e-12 { 0.0 } else { t })
        .collect();

    // latents: draw d uses stream d, so every θ sees the same samples (common random numbers)
    let draws: Vec<(Vec<f64>, Vec<f64>)> = (0..args.draws)
        .map(|d| {
            let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
            rng.set_stream(d);
            (latents(n, &mut rng), latents(n, &mut rng))
        })
        .collect();

    let bar = cli::progress(args.thetas * args.draws, args.quiet, "transport problems");
    let rows: Vec<Row> = thetas
        .iter()
        .map(|&theta| measure(theta, &draws, &bar))
        .collect();
    bar.finish_and_clear();

    print_table(&args, &rows);
    write_outputs(&args, &rows);
    let checks = checks(&rows, args.samples);
    if !cli::report_checks(&checks, &args.out, "parallel_lines", args.seed) {
        std::process::exit(1);
    }
}

fn measure(theta: f64, draws: &[(Vec<f64>, Vec<f64>)], bar: &indicatif::ProgressBar) -> Row {
    let mut row = Row {
        theta,
        draws: Vec::with_capacity(draws.len()),
        common: 0.0,
        hungarian: 0.0,
        simplex_first: 0.0,
        js: 0.0,
        js_common: 0.0,
        kl: 0.0,
        kl_common: 0.0,
        tv: 0.0,
        tv_common: 0.0,
    };
    for (d, (real, fake)) in draws.iter().enumerate() {
        let independent = estimate(theta, real, fake).unwrap_or_else(|e| cli::fail(e));
        row.draws.push(independent.earth_mover);
        if d == 0 {
            row.simplex_first = independent.earth_mover;
            row.hungarian = hungarian(theta, real, fake);
            row.js = independent.jensen_shannon;
            row.kl = independent.kullback_leibler;
            row.tv = independent.total_variation;

            // the same latents on both lines: the coupling (0, z) -> (theta, z) is optimal
            let common = estimate(theta, real, real).unwrap_or_else(|e| cli::fail(e));
            row.common = common.earth_mover;
            row.js_common = common.jensen_shannon;
            row.kl_common = common.kullback_leibler;
            row.tv_common = common.total_variation;
        }
        bar.inc(1);
    }
    row
}

/// W by the Hungarian method on the same two samples: an independent exact solver.
fn hungarian(theta: f64, real: &[f64], fake: &[f64]) -> f64 {
    let solve = || -> gan_divergences::Result<f64> {
        let source = line_sample(0.0, real)?;
        let target = line_sample(theta, fake)?;
        let cost = CostMatrix::between(&source, &target, GroundCost::Euclidean)?;
        Ok(optimal_assignment(&cost)?.total_cost / real.len() as f64)
    };
    solve().unwrap_or_else(|e| cli::fail(e))
}

fn print_table(args: &Args, rows: &[Row]) {
    println!(
        "Parallel lines (Arjovsky, Chintala & Bottou 2017, Example 1)\n\
         P0 = U({{0}} x [0,1]), P_theta = U({{theta}} x [0,1]); {} samples per line, \
         {} independent draws, seed {}\n",
        args.samples, args.draws, args.seed
    );
    println!(
        "{:>7} | {:>7} {:>16} {:>9} | {:>7} {:>7} | {:>6} {:>6} | {:>6} {:>6}",
        "theta",
        "W=|th|",
        "W est (mean±sd)",
        "W common",
        "JS",
        "JS est",
        "KL",
        "KL est",
        "TV",
        "TV est"
    );
    for row in rows {
        let exact = closed_form(row.theta);
        println!(
            "{:>7.3} | {:>7.4} {:>8.4} ± {:<6.4} {:>9.6} | {:>7.4} {:>7.4} | {:>6} {:>6} | \
             {:>6.3} {:>6.3}",
            row.theta,
            exact.earth_mover,
            row.mean(),
            row.standard_deviation(),
            row.common,
            exact.jensen_shannon,
            row.js,
            exact.kullback_leibler,
            row.kl,
            exact.total_variation,
            row.tv,
        );
    }
    println!(
        "\nW est: exact transport between independent samples of the two lines (biased up by \
         sampling).\nW common: the same latents z on both lines, so W must equal |theta|.\n\
         JS/KL/TV est: exact between the empirical measures of independent samples. They \
         share no atom,\nso JS = ln 2, KL = inf, TV = 1 even at theta = 0: sample divergences \
         cannot see theta -> 0."
    );
}

fn write_outputs(args: &Args, rows: &[Row]) {
    let header = [
        "theta",
        "w_exact",
        "w_mean",
        "w_sd",
        "w_min",
        "w_max",
        "w_common_latents",
        "w_hungarian_draw0",
        "w_simplex_draw0",
        "js_exact",
        "js_empirical",
        "js_common_latents",
        "kl_exact",
        "kl_empirical",
        "kl_common_latents",
        "tv_exact",
        "tv_empirical",
        "tv_common_latents",
    ];
    let table: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| {
            let exact = closed_form(r.theta);
            vec![
                r.theta,
                exact.earth_mover,
                r.mean(),
                r.standard_deviation(),
                r.min(),
                r.max(),
                r.common,
                r.hungarian,
                r.simplex_first,
                exact.jensen_shannon,
                r.js,
                r.js_common,
                exact.kullback_leibler,
                r.kl,
                r.kl_common,
                exact.total_variation,
                r.tv,
                r.tv_common,
            ]
        })
        .collect();
    let csv = args.out.join("parallel_lines.csv");
    write_csv(&csv, &header, &table).unwrap_or_else(|e| cli::fail(e));

    let figure = Figure::new(vec![earth_mover_panel(rows), jensen_shannon_panel(rows)]);
    let paths = figure
        .write(&args.out, "parallel_lines")
        .unwrap_or_else(|e| cli::fail(e));
    println!(
        "\nWrote {}, {}, {} and the verdict {}",
        paths[0].display(),
        paths[1].display(),
        csv.display(),
        args.out.join("parallel_lines.json").display()
    );
}

fn earth_mover_panel(rows: &[Row]) -> Panel {
    let fine: Vec<f64> = (0..=400).map(|k| -1.0 + k as f64 / 200.0).collect();
    Panel {
        title: "Earth-Mover distance W(P0, P_theta)".into(),
        x_label: "theta".into(),
        y_label: "W".into(),
        series: vec![
            Series {
                label: "samples: min-max over draws".into(),
                points: rows.iter().map(|r| (r.theta, r.max())).collect(),
                mark: Mark::Band {
                    lower: rows.iter().map(Row::min).collect(),
                },
                color: 0,
            },
            Series {
                label: "W = |theta| (closed form)".into(),
                points: fine.iter().map(|&t| (t, t.abs())).collect(),
                mark: Mark::Line,
                color: 5,
            },
            Series {
                label: "samples: mean".into(),
                points: rows.iter().map(|r| (r.theta, r.mean())).collect(),
                mark: Mark::Markers,
                color: 0,
            },
        ],
        y_log: false,
        y_range: Some((-0.02, 1.08)),
        legend: LegendPosition::UpperMiddle,
    }
}

fn jensen_shannon_panel(rows: &[Row]) -> Panel {
    let side = |sign: f64| -> Vec<(f64, f64)> {
        (1..=200).map(|k| (sign * k as f64 / 200.0, LN_2)).collect()
    };
    let mut negative = side(-1.0);
    negative.reverse();
    Panel {
        title: "Jensen-Shannon divergence JS(P0, P_theta)".into(),
        x_label: "theta".into(),
        y_label: "JS (nats)".into(),
        series: vec![
            Series {
                label: "JS = ln 2 for theta != 0 (closed form)".into(),
                points: negative,
                mark: Mark::Line,
                color: 5,
            },
            Series {
                label: String::new(),
                points: side(1.0),
                mark: Mark::Line,
                color: 5,
            },
            Series {
                label: "JS = 0 at theta = 0".into(),
                points: vec![(0.0, 0.0)],
                mark: Mark::Markers,
                color: 5,
            },
            Series {
                label: "independent samples".into(),
                points: rows.iter().map(|r| (r.theta, r.js)).collect(),
                mark: Mark::Markers,
                color: 1,
            },
            Series {
                label: "common latents".into(),
                points: rows.iter().map(|r| (r.theta, r.js_common)).collect(),
                mark: Mark::Rings,
                color: 2,
            },
        ],
        y_log: false,
        y_range: Some((-0.03, 0.8)),
        legend: LegendPosition::MiddleRight,
    }
}

fn checks(rows: &[Row], samples: u64) -> Vec<cli::Check> {
    let w_tolerance = W_TOLERANCE_AT_512 * (512.0 / samples as f64).sqrt();
    let largest = |f: &dyn Fn(&Row) -> f64| rows.iter().map(f).fold(0.0_f64, f64::max);
    let w_error = largest(&|r| (r.mean() - r.theta.abs()).abs());
    let common_error = largest(&|r| (r.common - r.theta.abs()).abs());
    let solver_gap = largest(&|r| (r.simplex_first - r.hungarian).abs());
    let closed_forms_met = rows.iter().all(|r| {
        let exact = closed_form(r.theta);
        r.js_common == exact.jensen_shannon
            && r.kl_common == exact.kullback_leibler
            && r.tv_common == exact.total_variation
    });
    let lipschitz = rows
        .windows(2)
        .map(|w| (w[1].common - w[0].common).abs() / (w[1].theta - w[0].theta))
        .fold(0.0_f64, f64::max);
    vec![
        cli::Check::at_most("max |mean W estimate - |theta||", w_error, w_tolerance),
        cli::Check::at_most("max |W (common latents) - |theta||", common_error, 1e-12),
        cli::Check::at_most(
            "max |network simplex - Hungarian| (draw 0)",
            solver_gap,
            SOLVER_AGREEMENT,
        ),
        cli::Check::holds(
            "JS, KL, TV (common latents) equal closed forms (1 = yes)",
            closed_forms_met,
        ),
        cli::Check::at_most(
            "Lipschitz constant of W(theta) on the grid (Thm 1: <= 1)",
            lipschitz,
            1.0 + 1e-9,
        ),
    ]
}
