//! Shared test helpers: proptest generators for the transport tests (small weighted point
//! clouds with the degeneracies users meet: repeated points, points on a lattice, zero
//! weights), and NPY files built byte by byte ([`npy`]).

#![allow(dead_code)]

pub mod npy;

use gan_divergences::DiscreteMeasure;
use proptest::prelude::*;

/// Largest number of atoms on a side.
pub const MAX_ATOMS: usize = 12;

/// One coordinate: continuous, or a small integer so that points repeat and distances tie.
pub fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![-10.0..10.0f64, (-3i32..=3).prop_map(f64::from)]
}

/// A weight: continuous, exactly zero, or 1 (uniform-like ties).
pub fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![0.01..1.0f64, Just(0.0), Just(1.0)]
}

/// `n` weights with a positive total.
pub fn weights(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(weight(), n).prop_map(|mut w| {
        if w.iter().all(|&x| x == 0.0) {
            w[0] = 1.0;
        }
        w
    })
}

/// A weighted cloud of 1 to [`MAX_ATOMS`] atoms in `dim` dimensions.
pub fn cloud(dim: usize) -> impl Strategy<Value = DiscreteMeasure> {
    (1..=MAX_ATOMS).prop_flat_map(move |n| {
        (prop::collection::vec(coordinate(), n * dim), weights(n))
            .prop_map(move |(x, w)| DiscreteMeasure::from_flat(dim, x, &w).unwrap())
    })
}

/// An unweighted cloud of exactly `n` atoms in `dim` dimensions.
pub fn uniform_cloud(dim: usize, n: usize) -> impl Strategy<Value = DiscreteMeasure> {
    prop::collection::vec(coordinate(), n * dim)
        .prop_map(move |x| DiscreteMeasure::uniform_flat(dim, x).unwrap())
}

/// Largest |cᵢⱼ| between two clouds, at least 1 (the scale of the tolerances).
pub fn cost_scale(source: &DiscreteMeasure, target: &DiscreteMeasure) -> f64 {
    let mut largest: f64 = 1.0;
    for x in source.atoms() {
        for y in target.atoms() {
            largest = largest.max(gan_divergences::transport::cost::euclidean(x, y));
        }
    }
    largest
}

/// The measure with every atom moved by `shift`.
pub fn translated(measure: &DiscreteMeasure, shift: &[f64]) -> DiscreteMeasure {
    let moved: Vec<f64> = measure
        .atoms()
        .flat_map(|x| x.iter().zip(shift).map(|(a, s)| a + s).collect::<Vec<_>>())
        .collect();
    DiscreteMeasure::from_flat(measure.dim(), moved, measure.weights()).unwrap()
}
