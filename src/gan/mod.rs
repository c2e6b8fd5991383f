//! GAN and WGAN training loops on toy data, with exact distances measured during training.
//!
//! - [`data`]: the toy distributions (8 and 25 Gaussians, swiss roll, 1-D Gaussians, a
//!   circle or square rotated into R^d);
//! - [`config`]: two-stage hyperparameters ([`WganParams`] → [`WganValidParams`],
//!   [`GanParams`] → [`GanValidParams`]);
//! - [`Wgan`]: Algorithm 1 of the WGAN paper (RMSProp, clipping after every critic step);
//! - [`Gan`]: the original GAN with the minimax or −log D generator cost;
//! - [`probe`]: measurements without training (generator-gradient norms, accuracy, the
//!   critic's estimate, exact W₁);
//! - [`history`]: what a run records ([`TrainingHistory`]) and reports to a callback.
//!
//! The library never prints: progress goes to the caller's callback.
//!
//! # Limitations
//! - Toy data and multilayer perceptrons only; WGAN with weight clipping only (no gradient
//!   penalty).
//! - The critic's estimate is K·W₁ for a Lipschitz constant K that depends on c and the
//!   architecture and is unknown: compare it with the exact W₁ by rank, not by value.
//! - The exact W₁ is between two empirical measures of `evaluation.n_samples` points, biased
//!   upward against the population W₁; keep n and the seed fixed across checkpoints.
//!
//! # Examples
//! ```no_run
//! use gan_divergences::gan::{EvaluationParams, Progress, Wgan, WganParams};
//! let params = WganParams::new()
//!     .n_generator_steps(500)
//!     .evaluation(EvaluationParams { every: 100, n_samples: 256 })
//!     .check()?;
//! let mut wgan = Wgan::<f32>::new(&params)?;
//! let mut on_progress = |p: Progress<'_>| {
//!     if let Progress::Evaluation(e) = p {
//!         eprintln!("step {}: W1 = {:.3}", e.generator_step, e.w1_exact);
//!     }
//! };
//! let history = wgan.train(Some(&mut on_progress))?;
//! # Ok::<(), gan_divergences::Error>(())
//! ```

pub mod config;
pub mod data;
#[allow(clippy::module_inception)]
mod gan;
pub mod history;
mod pair;
pub mod probe;
mod wgan;

pub use config::{
    CriticWarmup, EvaluationParams, GanParams, GanValidParams, ModelParams, WganParams,
    WganValidParams,
};
pub use data::{ManifoldKind, ToyData};
pub use gan::Gan;
pub use history::{EvaluationRecord, Progress, StepRecord, TrainingHistory};
pub use wgan::Wgan;
