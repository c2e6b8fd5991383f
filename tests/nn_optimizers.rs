//! The optimizers against PyTorch 2.15 (float64) on a fixed sequence of gradients.
//!
//! Reference values: parameters p = [0.5, −0.3, 0.1] (weights w₁, w₂ then bias b of one
//! 2 → 1 layer), gradients set by hand for three steps, then
//! `torch.optim.SGD(lr=0.1, momentum=0.9)`, `torch.optim.RMSprop(lr=0.01)` (α = 0.99,
//! ε = 1e-8) and `torch.optim.Adam(lr=0.01, betas=(0.5, 0.999))` (ε = 1e-8), each
//! `opt.step()` after assigning `p.grad`.

use gan_divergences::nn::{Activation, Dense, Gradient, Mlp, OptimizerConfig};
use nalgebra::{DMatrix, DVector};

/// Agreement with PyTorch's float64 results.
const TOLERANCE: f64 = 1e-12;

const GRADIENTS: [[f64; 3]; 3] = [[0.3, -1.2, 0.05], [-0.7, 0.4, 2.0], [0.1, 0.1, -0.5]];

fn after_three_steps(config: OptimizerConfig) -> [f64; 3] {
    let layer = Dense::new(
        DMatrix::from_row_slice(1, 2, &[0.5, -0.3]),
        DVector::from_element(1, 0.1),
        Activation::Identity,
    )
    .unwrap();
    let mut net = Mlp::new(vec![layer]).unwrap();
    let mut optimizer = config.build(&net).unwrap();
    for g in GRADIENTS {
        let mut gradient = Gradient::zeros_like(&net);
        set(&mut gradient, g);
        optimizer.step(&mut net, &gradient).unwrap();
    }
    let layer = &net.layers()[0];
    [layer.weight()[0], layer.weight()[1], layer.bias()[0]]
}

/// Writes g = (∂w₁, ∂w₂, ∂b) into a 1-layer gradient through the public backward pass:
/// for one sample x and output gradient δ the gradient is (δ x₁, δ x₂, δ).
fn set(gradient: &mut Gradient<f64>, g: [f64; 3]) {
    let layer = Dense::new(
        DMatrix::zeros(1, 2),
        DVector::zeros(1),
        Activation::Identity,
    )
    .unwrap();
    let net = Mlp::new(vec![layer]).unwrap();
    let mut workspace = gan_divergences::nn::Workspace::new(&net, 1);
    // one sample x = (g₁/g₃, g₂/g₃) with output gradient g₃ gives (g₁, g₂) and g₃
    let x = DMatrix::from_column_slice(2, 1, &[g[0] / g[2], g[1] / g[2]]);
    net.forward(&x, &mut workspace).unwrap();
    let output_grad = DMatrix::from_element(1, 1, g[2]);
    net.backward(&mut workspace, &output_grad, gradient)
        .unwrap();
}

fn check(name: &str, got: [f64; 3], torch: [f64; 3]) {
    for (a, b) in got.iter().zip(torch) {
        assert!(
            (a - b).abs() < TOLERANCE,
            "{name}: {got:?} vs PyTorch {torch:?}"
        );
    }
}

#[test]
fn sgd_with_momentum_matches_pytorch() {
    let config = OptimizerConfig::Sgd {
        learning_rate: 0.1,
        momentum: 0.9,
    };
    check(
        "sgd",
        after_three_steps(config),
        [0.5417, -0.06079999999999997, -0.24355000000000002],
    );
}

#[test]
fn rmsprop_matches_pytorch() {
    let torch = [
        0.4788925755324404,
        -0.23972226949929515,
        -0.07560745232758122,
    ];
    check(
        "rmsprop",
        after_three_steps(OptimizerConfig::rmsprop(0.01)),
        torch,
    );
}

#[test]
fn adam_matches_pytorch() {
    let torch = [0.499062746336898, -0.28850898973390193, 0.07799972775673593];
    check(
        "adam",
        after_three_steps(OptimizerConfig::adam(0.01, 0.5)),
        torch,
    );
}
