//! One GAN or WGAN training run on toy data, with exact W₁ measured along the way.
//!
//! Trains a generator against a discriminator (GAN, minimax or −log D cost) or a clipped
//! critic (WGAN, Algorithm 1), shows the current losses in a progress bar, and writes
//! `<out>/train_<model>_<data>_steps.csv` (losses per generator step) and
//! `..._evaluations.csv` (exact W₁ by the network simplex, the critic's estimate or the
//! discriminator's accuracy and JS bound, the generator-gradient norm).

#[path = "common/cli.rs"]
mod cli;

use std::path::PathBuf;

use gan_divergences::gan::EvaluationRecord;
use gan_divergences::plotting::{Figure, LegendPosition, Mark, Panel, Series};

use clap::{Parser, ValueEnum};
use gan_divergences::gan::{
    data, CriticWarmup, EvaluationParams, Gan, GanParams, GanValidParams, ManifoldKind,
    ModelParams, Progress, ToyData, TrainingHistory, Wgan, WganParams, WganValidParams,
};
use gan_divergences::nn::{Float, GeneratorCost, OptimizerConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Model {
    /// Wasserstein GAN with weight clipping (RMSProp).
    Wgan,
    /// Original GAN (Adam, beta1 = 0.5).
    Gan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Cost {
    /// E log(1 - D(G(z))), the original minimax cost.
    Minimax,
    /// -E log D(G(z)).
    NonSaturating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Data {
    #[value(name = "8gaussians")]
    EightGaussians,
    #[value(name = "25gaussians")]
    TwentyFiveGaussians,
    #[value(name = "swissroll")]
    SwissRoll,
    /// N(2, 0.5^2) on the line.
    #[value(name = "gaussian1d")]
    Gaussian1d,
    /// Unit circle rotated into R^d (--ambient-dim).
    Circle,
    /// Square [-1, 1]^2 rotated into R^d (--ambient-dim).
    Square,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Precision {
    F32,
    F64,
}

#[derive(Parser, Debug)]
#[command(
    name = "train",
    allow_negative_numbers = true,
    about = "Train a GAN or WGAN on toy data and record the exact W1 along the way",
    long_about = "Train a GAN or a WGAN (Algorithm 1 of Arjovsky, Chintala & Bottou 2017) on \
        toy data.\n\nEvery --eval-every generator steps the exact W1 between a fixed real \
        batch and the generator's image of a fixed noise batch is computed by the network \
        simplex, beside the critic's estimate (WGAN) or the discriminator's accuracy and JS \
        lower bound (GAN).\nWrites <out>/train_<model>_<data>_{steps,evaluations}.csv and \
        the curves as <out>/train_<model>_<data>.{png,svg}."
)]
struct Args {
    /// Which adversarial game.
    #[arg(long, value_enum, default_value_t = Model::Wgan)]
    model: Model,

    /// Generator cost of the GAN (ignored for the WGAN).
    #[arg(long, value_enum, default_value_t = Cost::NonSaturating)]
    cost: Cost,

    /// Real data.
    #[arg(long, value_enum, default_value_t = Data::EightGaussians)]
    data: Data,

    /// Ambient dimension d of --data circle or square.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(2..=4096))]
    ambient_dim: u64,

    /// Generator steps.
    #[arg(long, default_value_t = 5000)]
    #[arg(value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    steps: u64,

    /// Batch size m (real and fake alike).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    batch_size: u64,

    /// Width of each hidden layer, generator and adversary alike.
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u64).range(1..=8192))]
    width: u64,

    /// Number of hidden ReLU layers.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=64))]
    depth: u64,

    /// Dimension of the prior z ~ N(0, I).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=4096))]
    noise_dim: u64,

    /// Learning rate [default: 5e-5 (RMSProp) for wgan, 2e-4 (Adam) for gan].
    #[arg(long)]
    lr: Option<f64>,

    /// WGAN clipping bound c [default: 0.01 * sqrt(512 / width), i.e. the paper's 0.01 at
    /// width 512 and 0.02 at 128, so that narrow critics are not flat].
    #[arg(long)]
    clip: Option<f64>,

    /// WGAN critic steps per generator step.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    n_critic: u64,

    /// WGAN: 100 critic steps for the first 25 generator steps and every 500th, as in the
    /// authors' code (not in Algorithm 1).
    #[arg(long)]
    warmup: bool,

    /// Evaluate every this many generator steps (0: never).
    #[arg(long, default_value_t = 250)]
    eval_every: u64,

    /// Samples in the fixed real batch and the generated batch of each evaluation.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    eval_samples: u64,

    /// Float type of the networks.
    #[arg(long, value_enum, default_value_t = Precision::F32)]
    precision: Precision,

    /// Seed of every random draw; the same seed gives the same run.
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Folder for the CSV files.
    #[arg(long, default_value = "figures")]
    out: PathBuf,

    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

fn toy_data(args: &Args) -> ToyData {
    let d = args.ambient_dim as usize;
    let manifold = |kind| ToyData::manifold(kind, d, args.seed).unwrap_or_else(|e| cli::fail(e));
    match args.data {
        Data::EightGaussians => ToyData::EightGaussians,
        Data::TwentyFiveGaussians => ToyData::TwentyFiveGaussians,
        Data::SwissRoll => ToyData::SwissRoll,
        Data::Gaussian1d => {
            let (mean, std) = data::TWO_GAUSSIANS_REAL;
            ToyData::gaussian_1d(mean, std).unwrap_or_else(|e| cli::fail(e))
        }
        Data::Circle => manifold(ManifoldKind::Circle),
        Data::Square => manifold(ManifoldKind::Square),
    }
}

/// Algorithm 1's hyperparameters from the command line, checked.
fn wgan_params(args: &Args, model: ModelParams, evaluation: EvaluationParams) -> WganValidParams {
    // the paper's c = 0.01 at width 512, scaled so that narrow critics are not flat
    let default_clip = 0.01 * (512.0 / args.width as f64).sqrt();
    let warmup = CriticWarmup {
        n_critic: 100,
        first: 25,
        every: 500,
    };
    WganParams::new()
        .model(model)
        .learning_rate(args.lr.unwrap_or(5e-5))
        .clip(args.clip.unwrap_or(default_clip))
        .n_critic(args.n_critic as usize)
        .batch_size(args.batch_size as usize)
        .warmup(args.warmup.then_some(warmup))
        .n_generator_steps(args.steps as usize)
        .evaluation(evaluation)
        .seed(args.seed)
        .check()
        .unwrap_or_else(|e| cli::fail(e))
}

/// The GAN's hyperparameters (Adam, β₁ = 0.5) from the command line, checked.
fn gan_params(args: &Args, model: ModelParams, evaluation: EvaluationParams) -> GanValidParams {
    let cost = match args.cost {
        Cost::Minimax => GeneratorCost::Minimax,
        Cost::NonSaturating => GeneratorCost::NonSaturating,
    };
    GanParams::new()
        .model(model)
        .cost(cost)
        .optimizer(OptimizerConfig::adam(args.lr.unwrap_or(2e-4), 0.5))
        .batch_size(args.batch_size as usize)
        .n_generator_steps(args.steps as usize)
        .evaluation(evaluation)
        .seed(args.seed)
        .check()
        .unwrap_or_else(|e| cli::fail(e))
}

/// Runs the training with a progress bar whose message shows the current losses.
fn train<T: Float>(
    args: &Args,
    model: ModelParams,
    evaluation: EvaluationParams,
) -> TrainingHistory {
    let bar = cli::progress(args.steps, args.quiet, "training");
    let mut last_w1 = f64::NAN;
    let mut on_progress = |p: Progress<'_>| match p {
        Progress::Step(s) => {
            bar.inc(1);
            if s.generator_step % 20 == 0 {
                bar.set_message(format!(
                    "adversary {:+.4} generator {:+.4} W1 {:.4}",
                    s.adversary_loss, s.generator_loss, last_w1
                ));
            }
        }
        Progress::Evaluation(e) => last_w1 = e.w1_exact,
        _ => {}
    };
    let result = match args.model {
        Model::Wgan => {
            let params = wgan_params(args, model, evaluation);
            Wgan::<T>::new(&params).and_then(|mut w| w.train(Some(&mut on_progress)))
        }
        Model::Gan => {
            let params = gan_params(args, model, evaluation);
            Gan::<T>::new(&params).and_then(|mut g| g.train(Some(&mut on_progress)))
        }
    };
    bar.finish_and_clear();
    result.unwrap_or_else(|e| {
        eprintln!("train: error: {e}");
        std::process::exit(1);
    })
}

fn write(args: &Args, data_name: &str, history: &TrainingHistory) -> [PathBuf; 2] {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        cli::fail(format!("cannot create {}: {e}", args.out.display()));
    }
    let model = match args.model {
        Model::Wgan => "wgan",
        Model::Gan => "gan",
    };
    let stem = format!("train_{model}_{data_name}");
    let steps = args.out.join(format!("{stem}_steps.csv"));
    let evaluations = args.out.join(format!("{stem}_evaluations.csv"));
    for (path, text) in [
        (&steps, history.steps_csv()),
        (&evaluations, history.evaluations_csv()),
    ] {
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("train: error: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
    if !history.evaluations.is_empty() {
        draw(args, history, &stem);
    }
    [steps, evaluations]
}

/// (generator step, value) for every evaluation where `value` applies.
fn curve(
    history: &TrainingHistory,
    value: impl Fn(&EvaluationRecord) -> Option<f64>,
) -> Vec<(f64, f64)> {
    let points = history.evaluations.iter();
    points
        .filter_map(|e| Some((e.generator_step as f64, value(e)?)))
        .collect()
}

/// One line-drawn panel against generator steps.
fn panel(title: &str, y_label: &str, label: &str, points: Vec<(f64, f64)>, color: usize) -> Panel {
    let series = Series {
        label: label.to_string(),
        points,
        mark: Mark::Line,
        color,
    };
    Panel {
        title: title.into(),
        x_label: "generator step".into(),
        y_label: y_label.into(),
        series: vec![series],
        legend: LegendPosition::UpperRight,
        ..Panel::default()
    }
}

/// Training curves: exact W1 beside the adversary's own estimate, against generator steps.
fn draw(args: &Args, history: &TrainingHistory, stem: &str) -> [PathBuf; 2] {
    let is_gan = history
        .evaluations
        .first()
        .is_some_and(|e| e.critic_estimate.is_none());
    let (estimate, label) = if is_gan {
        let bound = curve(history, |e| e.js_lower_bound);
        (bound, "JS lower bound ln 2 - BCE/2 (nats)")
    } else {
        let estimate = curve(history, |e| e.critic_estimate);
        (estimate, "critic: mean f(real) - mean f(fake)")
    };
    let w1 = curve(history, |e| Some(e.w1_exact));
    let exact = panel(
        "Exact W1 between real and generated batches",
        "W1",
        "network simplex",
        w1,
        0,
    );
    let adversary = panel("What the adversary reports", label, label, estimate, 1);
    Figure::new(vec![exact, adversary])
        .write(&args.out, stem)
        .unwrap_or_else(|e| cli::fail(e))
}

/// One row per evaluation: the exact W₁ beside what the adversary reports.
fn print_table(history: &TrainingHistory, is_gan: bool) {
    if is_gan {
        println!(
            "{:>8} {:>10} {:>12} {:>10} {:>12}",
            "g-step", "W1 exact", "JS lower bd", "D accuracy", "grad norm"
        );
    } else {
        println!(
            "{:>8} {:>10} {:>12} {:>12}",
            "g-step", "W1 exact", "critic est.", "grad norm"
        );
    }
    for e in &history.evaluations {
        let (step, w1, norm) = (e.generator_step, e.w1_exact, e.generator_gradient_norm);
        if is_gan {
            let js = e.js_lower_bound.unwrap_or(f64::NAN);
            let accuracy = e.discriminator_accuracy.unwrap_or(f64::NAN);
            println!("{step:>8} {w1:>10.4} {js:>12.4e} {accuracy:>10.4} {norm:>12.4e}");
        } else {
            let estimate = e.critic_estimate.unwrap_or(f64::NAN);
            println!("{step:>8} {w1:>10.4} {estimate:>12.4e} {norm:>12.4e}");
        }
    }
}

fn report(history: &TrainingHistory, paths: &[PathBuf; 2]) {
    let (Some(first), Some(last)) = (history.evaluations.first(), history.evaluations.last())
    else {
        println!("no evaluations (--eval-every 0)");
        return;
    };
    print_table(history, first.critic_estimate.is_none());

    // relative change of the exact W₁ over the run, and where the files are
    let change = 100.0 * (last.w1_exact - first.w1_exact) / first.w1_exact;
    println!(
        "W1 exact: {:.4} -> {:.4} ({change:+.1}%)",
        first.w1_exact, last.w1_exact
    );
    let figure = paths[1].with_file_name(
        paths[1]
            .file_name()
            .map(|n| n.to_string_lossy().replace("_evaluations.csv", ".png"))
            .unwrap_or_default(),
    );
    println!(
        "wrote {}, {} and the curves {} (.svg beside it)",
        paths[0].display(),
        paths[1].display(),
        figure.display()
    );
}

fn main() {
    let args: Args = cli::parse();
    let data = toy_data(&args);
    let model = ModelParams {
        data: data.clone(),
        noise_dim: args.noise_dim as usize,
        hidden_widths: vec![args.width as usize; args.depth as usize],
        ..ModelParams::default()
    };
    let evaluation = EvaluationParams {
        every: args.eval_every as usize,
        n_samples: args.eval_samples as usize,
    };
    let history = match args.precision {
        Precision::F32 => train::<f32>(&args, model, evaluation),
        Precision::F64 => train::<f64>(&args, model, evaluation),
    };
    let paths = write(&args, data.name(), &history);
    report(&history, &paths);
}
