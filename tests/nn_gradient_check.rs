//! Central finite-difference checks of backpropagation, in f64: every activation, the dense
//! layer, the network's input gradient and every loss. Relative error per entry:
//! |analytic − numeric| / max(|analytic|, |numeric|, FLOOR) < TOLERANCE, with a
//! fourth-order central difference and inputs kept away from ReLU kinks.
//!
//! Run with `--nocapture` to see the largest error of each check.

use gan_divergences::nn::loss::{
    critic_loss, discriminator_loss, generator_loss, wasserstein_generator_loss, GeneratorCost,
};
use gan_divergences::nn::{Activation, Dense, Gradient, Initialization, Mlp, Workspace};
use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Largest accepted relative error.
const TOLERANCE: f64 = 1e-6;
/// Denominator floor: an entry below 1e-6 in size (a dead ReLU unit's exact 0 against
/// finite-difference round-off of ~1e-13) is judged by absolute error < TOLERANCE · FLOOR.
const FLOOR: f64 = 1e-6;
/// Distance from 0 kept by every pre-activation of a checked batch (≫ STEP).
const KINK_MARGIN: f64 = 1e-2;
/// Finite-difference step of the fourth-order central stencil.
const STEP: f64 = 1e-4;

/// f'(0) ≈ [f(−2h) − 8 f(−h) + 8 f(h) − f(2h)] / 12h, truncation error O(h⁴).
fn derivative(mut f: impl FnMut(f64) -> f64) -> f64 {
    let h = STEP;
    (f(-2.0 * h) - 8.0 * f(-h) + 8.0 * f(h) - f(2.0 * h)) / (12.0 * h)
}

fn relative_error(analytic: f64, numeric: f64) -> f64 {
    (analytic - numeric).abs() / analytic.abs().max(numeric.abs()).max(FLOOR)
}

/// Smallest |zᵢ| over the pre-activations of one sample.
fn min_abs_preactivation(net: &Mlp<f64>, x: &[f64]) -> f64 {
    let mut a = nalgebra::DVector::from_column_slice(x);
    let mut smallest = f64::INFINITY;
    for layer in net.layers() {
        let z = layer.weight() * &a + layer.bias();
        smallest = z.iter().fold(smallest, |m, v| m.min(v.abs()));
        a = z.map(|v| layer.activation().apply(v));
    }
    smallest
}

/// A batch whose samples keep every pre-activation at least KINK_MARGIN from 0, so that no
/// finite-difference step crosses a ReLU kink (where the derivative is not defined).
fn batch_away_from_kinks(net: &Mlp<f64>, batch: usize, rng: &mut ChaCha8Rng) -> DMatrix<f64> {
    let mut x = DMatrix::zeros(net.n_inputs(), batch);
    for mut column in x.column_iter_mut() {
        loop {
            let candidate: Vec<f64> = (0..column.len())
                .map(|_| rng.random_range(-1.5..1.5))
                .collect();
            if min_abs_preactivation(net, &candidate) > KINK_MARGIN {
                column.copy_from_slice(&candidate);
                break;
            }
        }
    }
    x
}

fn activations() -> Vec<Activation> {
    vec![
        Activation::Relu,
        Activation::leaky_relu(0.2).unwrap(),
        Activation::Tanh,
        Activation::Identity,
    ]
}

fn random_matrix(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| rng.random_range(-1.5..1.5))
}

/// L(θ, X) = Σ R ⊙ f_θ(X) for a fixed random R, so ∂L/∂f = R.
fn weighted_output(net: &Mlp<f64>, x: &DMatrix<f64>, r: &DMatrix<f64>) -> f64 {
    net.predict(x).unwrap().component_mul(r).sum()
}

/// Largest relative error over every parameter and every input entry.
fn check_network(net: &Mlp<f64>, batch: usize, seed: u64) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = batch_away_from_kinks(net, batch, &mut rng);
    let r = random_matrix(net.n_outputs(), batch, &mut rng);

    // analytic: one forward and one backward pass
    let mut workspace = Workspace::new(net, batch);
    let mut gradient = Gradient::zeros_like(net);
    net.forward(&x, &mut workspace).unwrap();
    net.backward(&mut workspace, &r, &mut gradient).unwrap();
    let analytic_params = gradient.to_vec_f64();
    let analytic_input = workspace.input_gradient().clone();

    // numeric, parameters, in the order of `to_vec_f64`
    let numeric_params = numeric_parameter_gradient(net, |moved| weighted_output(moved, &x, &r));
    assert_eq!(numeric_params.len(), analytic_params.len());
    let pairs = analytic_params.iter().zip(&numeric_params);
    let mut worst = pairs.fold(0.0_f64, |w, (&a, &n)| w.max(relative_error(a, n)));

    // numeric, inputs
    for i in 0..x.len() {
        let loss_at = |delta: f64| {
            let mut moved = x.clone();
            moved[i] += delta;
            weighted_output(net, &moved, &r)
        };
        let numeric = derivative(loss_at);
        worst = worst.max(relative_error(analytic_input[i], numeric));
    }
    worst
}

/// ∂L/∂θ by central differences, perturbing each weight then each bias of every layer in
/// turn (the order of `Gradient::to_vec_f64`).
fn numeric_parameter_gradient(net: &Mlp<f64>, mut loss: impl FnMut(&Mlp<f64>) -> f64) -> Vec<f64> {
    let mut numeric = Vec::with_capacity(net.n_parameters());
    for l in 0..net.layers().len() {
        let n_weights = net.layers()[l].weight().len();
        for i in 0..n_weights + net.layers()[l].bias().len() {
            numeric.push(derivative(|delta| {
                let mut moved = net.clone();
                let (w, b) = moved.layers_mut()[l].parameters_mut();
                if i < n_weights {
                    w[i] += delta
                } else {
                    b[i - n_weights] += delta
                }
                loss(&moved)
            }));
        }
    }
    numeric
}

fn network(sizes: &[usize], hidden: Activation, output: Activation, seed: u64) -> Mlp<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Mlp::random(
        sizes,
        hidden,
        output,
        Initialization::UniformFanIn,
        &mut rng,
    )
    .unwrap()
}

#[test]
fn dense_layer_alone_for_every_activation() {
    for (k, phi) in activations().into_iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(10 + k as u64);
        let layer = Dense::random(5, 3, phi, Initialization::HeNormal, &mut rng).unwrap();
        let net = Mlp::new(vec![layer]).unwrap();
        let worst = check_network(&net, 4, 100 + k as u64);
        eprintln!(
            "dense 5→3 {:>10}: max relative error {worst:.2e}",
            phi.name()
        );
        assert!(worst < TOLERANCE, "{}: {worst:e}", phi.name());
    }
}

#[test]
fn deep_networks_for_every_hidden_and_output_activation() {
    // shapes chosen to reach both the gemm path (all sizes > 4) and the direct loops
    // (2 or 3 inputs, 1 output) of every product
    let shapes: [&[usize]; 3] = [&[3, 7, 6, 2], &[2, 9, 8, 1], &[9, 6, 1]];
    for (s, sizes) in shapes.iter().enumerate() {
        for (k, phi) in activations().into_iter().enumerate() {
            let seed = 20 + 4 * s as u64 + k as u64;
            let hidden = network(sizes, phi, Activation::Identity, seed);
            let worst = check_network(&hidden, 8, seed + 1000);
            eprintln!(
                "{sizes:?} hidden {:>10}: max relative error {worst:.2e}",
                phi.name()
            );
            assert!(
                worst < TOLERANCE,
                "{sizes:?} hidden {}: {worst:e}",
                phi.name()
            );
            let output = network(sizes, Activation::Tanh, phi, seed + 50);
            let worst = check_network(&output, 7, seed + 2000);
            eprintln!(
                "{sizes:?} output {:>10}: max relative error {worst:.2e}",
                phi.name()
            );
            assert!(
                worst < TOLERANCE,
                "{sizes:?} output {}: {worst:e}",
                phi.name()
            );
        }
    }
}

/// Checks ∂L/∂values of a loss given as a closure writing its gradient.
fn check_loss(name: &str, values: &[f64], loss: impl Fn(&[f64], &mut [f64]) -> f64) -> f64 {
    let mut analytic = vec![0.0; values.len()];
    loss(values, &mut analytic);
    let mut scratch = vec![0.0; values.len()];
    let mut worst: f64 = 0.0;
    for i in 0..values.len() {
        let numeric = derivative(|delta| {
            let mut moved = values.to_vec();
            moved[i] += delta;
            loss(&moved, &mut scratch)
        });
        worst = worst.max(relative_error(analytic[i], numeric));
    }
    eprintln!("loss {name:>26}: max relative error {worst:.2e}");
    worst
}

/// A loss on (real, fake) outputs writing (real, fake) gradients.
type SplitLoss = dyn Fn(&[f64], &[f64], &mut [f64], &mut [f64]) -> f64;

#[test]
fn every_loss_against_finite_differences() {
    // logits from confident-fake to confident-real, both sides of 0
    let logits = [-8.0, -3.0, -0.7, -0.01, 0.3, 1.2, 4.0, 9.0];
    let half = logits.len() / 2;
    let split = |values: &[f64], grad: &mut [f64], f: &SplitLoss| {
        let (gr, gf) = grad.split_at_mut(half);
        f(&values[..half], &values[half..], gr, gf)
    };
    let mut worst: f64 = 0.0;
    worst = worst.max(check_loss("discriminator BCE", &logits, |v, g| {
        split(v, g, &|r, f, gr, gf| {
            discriminator_loss(r, f, gr, gf).unwrap()
        })
    }));
    worst = worst.max(check_loss("critic", &logits, |v, g| {
        split(v, g, &|r, f, gr, gf| critic_loss(r, f, gr, gf).unwrap())
    }));
    for cost in [
        GeneratorCost::Minimax,
        GeneratorCost::NonSaturating,
        GeneratorCost::Wasserstein,
    ] {
        worst = worst.max(check_loss(cost.name(), &logits, |v, g| {
            generator_loss(cost, v, g).unwrap()
        }));
    }
    worst = worst.max(check_loss("wasserstein generator", &logits, |v, g| {
        wasserstein_generator_loss(v, g).unwrap()
    }));
    assert!(worst < TOLERANCE, "{worst:e}");
}

#[test]
fn loss_through_a_discriminator_network() {
    // L(θ) = BCE(D_θ(x_real), D_θ(x_fake)): the loss gradient chained through backprop
    let net = network(
        &[2, 8, 8, 1],
        Activation::leaky_relu(0.2).unwrap(),
        Activation::Identity,
        5,
    );
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let x = batch_away_from_kinks(&net, 10, &mut rng);
    let loss_of = |net: &Mlp<f64>, grad: &mut [f64]| {
        let logits = net.predict(&x).unwrap();
        let (gr, gf) = grad.split_at_mut(5);
        discriminator_loss(&logits.as_slice()[..5], &logits.as_slice()[5..], gr, gf).unwrap()
    };
    let mut output_grad = DMatrix::zeros(1, 10);
    loss_of(&net, output_grad.as_mut_slice());
    let mut workspace = Workspace::new(&net, 10);
    let mut gradient = Gradient::zeros_like(&net);
    net.forward(&x, &mut workspace).unwrap();
    net.backward(&mut workspace, &output_grad, &mut gradient)
        .unwrap();
    let analytic = gradient.to_vec_f64();

    let mut scratch = vec![0.0; 10];
    let numeric = numeric_parameter_gradient(&net, |moved| loss_of(moved, &mut scratch));
    assert_eq!(numeric.len(), analytic.len());
    let pairs = analytic.iter().zip(&numeric);
    let worst = pairs.fold(0.0_f64, |w, (&a, &n)| w.max(relative_error(a, n)));
    eprintln!("BCE through 2→8→8→1 network: max relative error {worst:.2e}");
    assert!(worst < TOLERANCE, "{worst:e}");
}
