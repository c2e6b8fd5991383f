//! # gan-divergences
//!
//! The distances behind the theory of why GANs are hard to train and why the Wasserstein
//! GAN fixes it, computed exactly, with the experiments of
//!
//! - **A**: M. Arjovsky and L. Bottou, *Towards Principled Methods for Training Generative
//!   Adversarial Networks*, ICLR 2017 (arXiv:1701.04862);
//! - **B**: M. Arjovsky, S. Chintala and L. Bottou, *Wasserstein Generative Adversarial
//!   Networks*, ICML 2017 (arXiv:1701.07875).
//!
//! ## What is here
//! - [`measure`]: validated discrete measures ([`DiscreteMeasure`]).
//! - [`divergence`]: exact total variation, Kullback-Leibler and Jensen-Shannon divergences,
//!   in nats.
//! - [`transport`]: the Earth-Mover distance W₁ and W_p, exactly: by sorting on the line and
//!   by a network simplex in any dimension, with plans and dual potentials.
//! - [`nn`] and [`gan`]: small multilayer perceptrons with hand-written backpropagation, and
//!   the GAN and WGAN training loops of the papers.
//! - [`io`]: CSV and NPY readers for point sets, weights and histograms.
//! - [`plotting`]: figures as PNG and SVG with a font bundled in the binary.
//!
//! ## Conventions
//! Natural logarithms; JS carries the ½ factors so that 0 ≤ JS ≤ ln 2; TV = ½‖p − q‖₁ ∈ [0, 1];
//! KL = +∞ (a value, not an error) when P is not absolutely continuous with respect to Q.
//!
//! ## Example: the parallel lines of paper B, Example 1
//! ```
//! use gan_divergences::{divergence, transport, DiscreteMeasure};
//! let theta = 0.3;
//! let line = |x: f64| -> Vec<Vec<f64>> { (0..4).map(|k| vec![x, k as f64 / 3.0]).collect() };
//! let p0 = DiscreteMeasure::uniform(&line(0.0))?;
//! let p_theta = DiscreteMeasure::uniform(&line(theta))?;
//! assert_eq!(divergence::jensen_shannon_measures(&p0, &p_theta)?, std::f64::consts::LN_2);
//! # Ok::<(), gan_divergences::Error>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod divergence;
pub mod error;
pub mod gan;
pub mod io;
pub mod measure;
pub mod models;
pub mod nn;
pub mod plotting;
pub mod transport;
mod validate;

pub use error::{Error, Result};
pub use measure::DiscreteMeasure;
