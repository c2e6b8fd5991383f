//! The GAN and WGAN trainers and the measurement functions.

use gan_divergences::gan::probe::{
    critic_estimate, discriminator_accuracy, exact_w1, generator_gradient, generator_gradient_norm,
    js_lower_bound,
};
use gan_divergences::gan::{
    EvaluationParams, Gan, GanParams, ModelParams, Progress, ToyData, Wgan, WganParams,
};
use gan_divergences::nn::loss::generator_loss;
use gan_divergences::nn::{Activation, Dense, GeneratorCost, Initialization, Mlp};
use gan_divergences::Error;
use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Largest accepted relative error of a finite-difference check.
const GRADIENT_TOLERANCE: f64 = 1e-6;
/// Denominator floor of the relative error (see tests/nn_gradient_check.rs).
const FLOOR: f64 = 1e-6;

fn tanh_net(sizes: &[usize], seed: u64) -> Mlp<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let init = Initialization::UniformFanIn;
    Mlp::random(
        sizes,
        Activation::Tanh,
        Activation::Identity,
        init,
        &mut rng,
    )
    .unwrap()
}

fn noise(dim: usize, n: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    DMatrix::from_fn(dim, n, |_, _| StandardNormal.sample(&mut rng))
}

fn generator_cost(g: &Mlp<f64>, d: &Mlp<f64>, z: &DMatrix<f64>, cost: GeneratorCost) -> f64 {
    let logits = d.predict(&g.predict(z).unwrap()).unwrap();
    let mut scratch = vec![0.0; logits.len()];
    generator_loss(cost, logits.as_slice(), &mut scratch).unwrap()
}

#[test]
fn generator_gradient_through_the_adversary_matches_finite_differences() {
    let (g, d) = (tanh_net(&[3, 8, 7, 2], 1), tanh_net(&[2, 9, 6, 1], 2));
    let z = noise(3, 12, 3);
    let h = 1e-4;
    for cost in [
        GeneratorCost::Minimax,
        GeneratorCost::NonSaturating,
        GeneratorCost::Wasserstein,
    ] {
        let analytic = generator_gradient(&g, &d, &z, cost).unwrap().to_vec_f64();
        let mut worst: f64 = 0.0;
        let mut k = 0;
        for l in 0..g.layers().len() {
            let n_weights = g.layers()[l].weight().len();
            for i in 0..n_weights + g.layers()[l].bias().len() {
                let at = |delta: f64| {
                    let mut moved = g.clone();
                    let (w, b) = moved.layers_mut()[l].parameters_mut();
                    if i < n_weights {
                        w[i] += delta
                    } else {
                        b[i - n_weights] += delta
                    }
                    generator_cost(&moved, &d, &z, cost)
                };
                let numeric =
                    (at(-2.0 * h) - 8.0 * at(-h) + 8.0 * at(h) - at(2.0 * h)) / (12.0 * h);
                let scale = analytic[k].abs().max(numeric.abs()).max(FLOOR);
                worst = worst.max((analytic[k] - numeric).abs() / scale);
                k += 1;
            }
        }
        eprintln!(
            "generator gradient, {:>14}: max relative error {worst:.2e}",
            cost.name()
        );
        assert!(worst < GRADIENT_TOLERANCE, "{}: {worst:e}", cost.name());
    }
}

/// D(x) = σ(s·x₁): a discriminator of known confidence on 1-D data.
fn linear_discriminator(slope: f64, offset: f64) -> Mlp<f64> {
    let layer = Dense::new(
        DMatrix::from_element(1, 1, slope),
        DVector::from_element(1, offset),
        Activation::Identity,
    )
    .unwrap();
    Mlp::new(vec![layer]).unwrap()
}

#[test]
fn measurements_on_hand_built_networks() {
    let real = DMatrix::from_row_slice(1, 4, &[1.0, 2.0, 3.0, -1.0]);
    let fake = DMatrix::from_row_slice(1, 4, &[-1.0, -2.0, 0.5, -3.0]);
    let identity = linear_discriminator(1.0, 0.0);

    // logit x: 3 of 4 reals positive, 3 of 4 fakes negative
    assert_eq!(
        discriminator_accuracy(&identity, &real, &fake).unwrap(),
        0.75
    );
    // f(x) = x: mean 1.25 − mean (−1.375)
    assert_eq!(
        critic_estimate(&identity, &real, &fake).unwrap(),
        1.25 + 1.375
    );
    // an undecided discriminator (logit 0) certifies nothing: ln 2 − ½ · 2 ln 2 = 0
    let undecided = linear_discriminator(0.0, 0.0);
    assert!(js_lower_bound(&undecided, &real, &fake).unwrap().abs() < 1e-15);
    let err = critic_estimate(&identity, &DMatrix::zeros(2, 3), &fake).unwrap_err();
    assert!(matches!(err, Error::DimensionMismatch { .. }));
}

#[test]
fn minimax_gradient_vanishes_under_a_confident_discriminator() {
    // generator x = θ + z on the line, discriminator logit s·(x − 1) rejecting x ≈ 0
    let generator = Mlp::new(vec![Dense::new(
        DMatrix::from_element(1, 1, 1.0),
        DVector::from_element(1, 0.0),
        Activation::Identity,
    )
    .unwrap()])
    .unwrap();
    let z = noise(1, 256, 4).map(|v| 0.1 * v);
    let mut previous = f64::INFINITY;
    for slope in [1.0, 10.0, 30.0] {
        let d = linear_discriminator(slope, -slope);
        let minimax = generator_gradient_norm(&generator, &d, &z, GeneratorCost::Minimax).unwrap();
        let ns = generator_gradient_norm(&generator, &d, &z, GeneratorCost::NonSaturating).unwrap();
        assert!(minimax < previous);
        assert!(ns >= 0.5 * slope, "−log D keeps a gradient ∝ s: {ns}");
        previous = minimax;
    }
    assert!(previous < 1e-9, "{previous:e}");
}

fn small_model(data: ToyData) -> ModelParams {
    ModelParams {
        data,
        hidden_widths: vec![16, 16],
        ..ModelParams::default()
    }
}

fn no_evaluation() -> EvaluationParams {
    EvaluationParams {
        every: 0,
        n_samples: 1,
    }
}

#[test]
fn wgan_critic_stays_clipped_and_runs_are_reproducible() {
    let params = WganParams::new()
        .model(small_model(ToyData::EightGaussians))
        .clip(0.05)
        .n_generator_steps(30)
        .evaluation(no_evaluation())
        .seed(9)
        .check()
        .unwrap();
    let run = || {
        let mut wgan = Wgan::<f64>::new(&params).unwrap();
        let mut n_steps = 0;
        let mut count = |p: Progress<'_>| {
            if let Progress::Step(_) = p {
                n_steps += 1
            }
        };
        let history = wgan.train(Some(&mut count)).unwrap();
        let clipped = wgan.critic().layers().iter().all(|l| {
            l.weight()
                .iter()
                .chain(l.bias().iter())
                .all(|w| w.abs() <= 0.05)
        });
        (history, clipped, n_steps)
    };
    let (first, clipped, n_steps) = run();
    assert!(clipped);
    assert_eq!(n_steps, 30);
    assert_eq!(first.steps.len(), 30);
    assert!(first.steps.iter().all(|s| s.n_adversary_steps == 5));
    assert_eq!(first, run().0, "same seed, same run");

    let other = WganParams::new()
        .model(small_model(ToyData::EightGaussians))
        .n_generator_steps(30)
        .evaluation(no_evaluation())
        .seed(10)
        .check()
        .unwrap();
    assert_ne!(
        first,
        Wgan::<f64>::new(&other).unwrap().train(None).unwrap()
    );
}

#[test]
fn gan_trains_in_both_float_types_on_every_data_set() {
    let data = [
        ToyData::EightGaussians,
        ToyData::TwentyFiveGaussians,
        ToyData::SwissRoll,
        ToyData::gaussian_1d(2.0, 0.5).unwrap(),
        ToyData::manifold(gan_divergences::gan::ManifoldKind::Circle, 6, 0).unwrap(),
    ];
    for d in data {
        let params = GanParams::new()
            .model(small_model(d))
            .cost(GeneratorCost::Minimax)
            .n_generator_steps(20)
            .evaluation(no_evaluation())
            .check()
            .unwrap();
        let h32 = Gan::<f32>::new(&params).unwrap().train(None).unwrap();
        let h64 = Gan::<f64>::new(&params).unwrap().train(None).unwrap();
        for h in [h32, h64] {
            assert_eq!(h.steps.len(), 20);
            assert!(h.steps.iter().all(|s| s.adversary_loss.is_finite()));
            assert!(
                h.steps.iter().all(|s| s.generator_loss <= 0.0),
                "minimax cost is ≤ 0"
            );
        }
    }
}

#[test]
fn exact_w1_of_a_shifted_batch_is_the_shift() {
    let real = noise(2, 40, 5);
    let shift = DVector::from_column_slice(&[0.3, -0.4]);
    let fake = DMatrix::from_fn(2, 40, |i, j| real[(i, j)] + shift[i]);
    let w1 = exact_w1(&real, &fake).unwrap();
    // translation by v moves every atom by |v| = 0.5, and no plan does better
    assert!((w1 - 0.5).abs() < 1e-9, "{w1}");
    assert!(matches!(
        exact_w1(&real, &DMatrix::zeros(3, 40)),
        Err(Error::DimensionMismatch { .. })
    ));
}

#[test]
fn wgan_lowers_the_exact_w1_on_8_gaussians() {
    // 600 generator steps of width-64 networks: W₁ measured on 256 fixed samples
    let params = WganParams::new()
        .model(ModelParams {
            hidden_widths: vec![64, 64, 64],
            ..ModelParams::default()
        })
        .clip(0.028)
        .n_generator_steps(600)
        .evaluation(EvaluationParams {
            every: 300,
            n_samples: 256,
        })
        .seed(1)
        .check()
        .unwrap();
    let history = Wgan::<f32>::new(&params).unwrap().train(None).unwrap();
    let w1: Vec<f64> = history.evaluations.iter().map(|e| e.w1_exact).collect();
    eprintln!("exact W1 at 0, 300, 600 generator steps: {w1:?}");
    assert_eq!(w1.len(), 3);
    assert!(w1[2] < 0.8 * w1[0], "{w1:?}");
}

#[test]
fn fresh_discriminator_against_a_frozen_generator_saturates_the_minimax_gradient() {
    // a circle in R^8 against an untrained generator: the discriminator separates them and
    // the minimax generator gradient collapses (Arjovsky and Bottou 2017, Figures 1 and 2)
    let circle = ToyData::manifold(gan_divergences::gan::ManifoldKind::Circle, 8, 0).unwrap();
    let params = GanParams::new()
        .model(ModelParams {
            data: circle,
            hidden_widths: vec![32, 32],
            ..ModelParams::default()
        })
        .cost(GeneratorCost::Minimax)
        .evaluation(EvaluationParams {
            every: 1,
            n_samples: 256,
        })
        .check()
        .unwrap();
    let mut gan = Gan::<f64>::new(&params).unwrap();
    let fresh_adam = gan_divergences::nn::OptimizerConfig::adam(1e-3, 0.5);
    gan.reset_discriminator(7, Some(fresh_adam)).unwrap();
    let before = gan.evaluate().unwrap();
    for _ in 0..3000 {
        gan.discriminator_step().unwrap();
    }
    let after = gan.evaluate().unwrap();
    eprintln!(
        "accuracy {:?} -> {:?}, minimax gradient norm {:.3e} -> {:.3e}",
        before.discriminator_accuracy,
        after.discriminator_accuracy,
        before.generator_gradient_norm,
        after.generator_gradient_norm
    );
    assert!(after.discriminator_accuracy.unwrap() > 0.99);
    // observed: 6.2e-2 → 5.9e-4 (seed 0)
    assert!(after.generator_gradient_norm < 0.1 * before.generator_gradient_norm);
    assert_eq!(gan.n_generator_steps_done(), 0, "the generator never moved");
}

#[test]
fn malformed_data_and_adversaries_are_errors() {
    let flat = ToyData::Manifold {
        kind: gan_divergences::gan::ManifoldKind::Square,
        basis: DMatrix::zeros(4, 1),
    };
    let model = ModelParams {
        data: flat,
        ..ModelParams::default()
    };
    assert!(matches!(
        WganParams::new().model(model).check(),
        Err(Error::InvalidParameter {
            name: "manifold basis",
            ..
        })
    ));
    let bad_gaussian = ToyData::Gaussian1d {
        mean: 0.0,
        std: f64::NAN,
    };
    assert!(bad_gaussian.validate().is_err());

    let two_outputs = tanh_net(&[2, 3, 2], 0);
    let x = noise(2, 4, 0);
    assert!(matches!(
        critic_estimate(&two_outputs, &x, &x),
        Err(Error::DimensionMismatch {
            expected: 1,
            found: 2,
            ..
        })
    ));
}
