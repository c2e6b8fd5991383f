//! Hyperparameters of the GAN and WGAN trainers, checked in two stages.
//!
//! A [`GanParams`] or [`WganParams`] is an unchecked builder with the papers' defaults;
//! its `check()` validates every field once and returns a [`GanValidParams`] or
//! [`WganValidParams`], the only form the trainers accept. After `check()` nothing in
//! training can fail because of a hyperparameter.

use crate::error::{Error, Result};
use crate::gan::ToyData;
use crate::nn::optim::positive;
use crate::nn::{Activation, GeneratorCost, Initialization, OptimizerConfig};

/// Largest memory, in bytes, that `check()` lets the networks and the training buffers of
/// one run take (16 GiB as for a dense cost matrix, counted in f64 words; see
/// [`WganParams::check`]).
pub const MAX_TRAINER_BYTES: u128 = 16 << 30;

/// The shapes and data shared by both trainers.
///
/// Generator: noise_dim → hidden… → data dim (identity output); discriminator or critic:
/// data dim → hidden… → 1 (identity output: a logit or a critic value).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelParams {
    /// The real distribution.
    pub data: ToyData,
    /// Dimension of the prior z ~ N(0, I).
    pub noise_dim: usize,
    /// Widths of the hidden layers, for the generator and the discriminator alike.
    pub hidden_widths: Vec<usize>,
    /// Activation of every hidden layer.
    pub activation: Activation,
    /// Weight initialization of both networks.
    pub init: Initialization,
}

/// When the trainer measures the exact W₁ and the adversary's estimates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvaluationParams {
    /// Evaluate every this many generator steps (and before the first); 0 turns it off.
    pub every: usize,
    /// Size of the fixed real batch and of the generated batch compared with it.
    pub n_samples: usize,
}

/// The reference code's longer critic phases (not part of Algorithm 1): `n_critic`
/// critic steps for the first `first` generator steps and at every `every`-th one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriticWarmup {
    /// Critic steps in a warm-up iteration (100 in the WGAN code).
    pub n_critic: usize,
    /// Number of initial generator steps with warm-up (25 in the WGAN code).
    pub first: usize,
    /// Period of the later warm-up iterations (500 in the WGAN code).
    pub every: usize,
}

/// Unchecked WGAN hyperparameters (Arjovsky, Chintala and Bottou 2017, Algorithm 1).
///
/// Defaults ([`WganParams::new`]): 8 Gaussians; noise dimension 2; hidden widths
/// [128, 128, 128], ReLU, PyTorch's default initialization; RMSProp (PyTorch variant)
/// with learning rate α = 5e-5 for both networks; clipping c = 0.01; n_critic = 5;
/// batch m = 64; no warm-up; 2000 generator steps; W₁ evaluation every 100 generator
/// steps on 512 samples; seed 0.
#[derive(Debug, Clone, PartialEq)]
pub struct WganParams {
    model: ModelParams,
    learning_rate: f64,
    clip: f64,
    n_critic: usize,
    batch_size: usize,
    warmup: Option<CriticWarmup>,
    n_generator_steps: usize,
    evaluation: EvaluationParams,
    seed: u64,
}

/// WGAN hyperparameters that passed [`WganParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct WganValidParams(WganParams);

/// Unchecked GAN hyperparameters (Goodfellow et al. 2014, with the costs of Arjovsky and
/// Bottou 2017).
///
/// Defaults ([`GanParams::new`]): the model of [`WganParams::new`]; generator cost −log D;
/// Adam(learning rate 2e-4, β₁ = 0.5, β₂ = 0.999) for both networks; one discriminator step
/// per generator step; batch 64; 2000 generator steps; evaluation every 100 generator
/// steps on 512 samples; seed 0.
#[derive(Debug, Clone, PartialEq)]
pub struct GanParams {
    model: ModelParams,
    cost: GeneratorCost,
    optimizer: OptimizerConfig,
    n_discriminator_steps: usize,
    batch_size: usize,
    n_generator_steps: usize,
    evaluation: EvaluationParams,
    seed: u64,
}

/// GAN hyperparameters that passed [`GanParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct GanValidParams(GanParams);

impl Default for ModelParams {
    fn default() -> Self {
        ModelParams {
            data: ToyData::EightGaussians,
            noise_dim: 2,
            hidden_widths: vec![128, 128, 128],
            activation: Activation::Relu,
            init: Initialization::UniformFanIn,
        }
    }
}

impl Default for EvaluationParams {
    fn default() -> Self {
        EvaluationParams {
            every: 100,
            n_samples: 512,
        }
    }
}

impl ModelParams {
    /// Layer sizes of the generator, noise_dim → … → data dim.
    #[must_use]
    pub fn generator_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.noise_dim];
        sizes.extend(&self.hidden_widths);
        sizes.push(self.data.dim());
        sizes
    }

    /// Layer sizes of the discriminator or critic, data dim → … → 1.
    #[must_use]
    pub fn adversary_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.data.dim()];
        sizes.extend(&self.hidden_widths);
        sizes.push(1);
        sizes
    }

    fn check(&self) -> Result<()> {
        self.data.validate()?;
        positive_count("noise_dim", self.noise_dim)?;
        if self.hidden_widths.contains(&0) {
            return Err(Error::InvalidParameter {
                name: "hidden_widths",
                reason: "every hidden layer needs at least one unit",
            });
        }
        if let Initialization::Normal { std } = self.init {
            positive("init std", std)?;
        }
        self.activation.validate()
    }

    /// Refuses networks and batch buffers beyond [`MAX_TRAINER_BYTES`], before any
    /// allocation (an absurd width or batch would otherwise abort the process).
    ///
    /// Counted in f64 words: per network the parameters, their gradient and up to two
    /// optimizer moments (4 copies); per layer output the activations and deltas at the
    /// adversary's batch of 2m samples and the generator's batch of m (2 · 3m).
    fn check_sizes(&self, batch_size: usize) -> Result<()> {
        let parameters = |sizes: &[usize]| -> u128 {
            sizes.windows(2).fold(0, |total, w| {
                total.saturating_add((w[0] as u128 + 1).saturating_mul(w[1] as u128))
            })
        };
        let generator = self.generator_sizes();
        let adversary = self.adversary_sizes();
        let units: u128 = generator.iter().chain(&adversary).map(|&n| n as u128).sum();
        let words = (parameters(&generator).saturating_add(parameters(&adversary)))
            .saturating_mul(4)
            .saturating_add(units.saturating_mul(6).saturating_mul(batch_size as u128));
        let bytes = words.saturating_mul(8);
        if bytes > MAX_TRAINER_BYTES {
            return Err(Error::TooLarge {
                what: "networks and training buffers",
                bytes,
                limit: MAX_TRAINER_BYTES,
            });
        }
        Ok(())
    }
}

impl EvaluationParams {
    fn check(&self) -> Result<()> {
        if self.every > 0 {
            positive_count("evaluation n_samples", self.n_samples)?;
        }
        Ok(())
    }
}

fn positive_count(name: &'static str, value: usize) -> Result<()> {
    if value == 0 {
        return Err(Error::InvalidParameter {
            name,
            reason: "must be at least 1",
        });
    }
    Ok(())
}

impl Default for WganParams {
    fn default() -> Self {
        Self::new()
    }
}

impl WganParams {
    /// The defaults listed in the type's docs.
    #[must_use]
    pub fn new() -> Self {
        WganParams {
            model: ModelParams::default(),
            learning_rate: 5e-5,
            clip: 0.01,
            n_critic: 5,
            batch_size: 64,
            warmup: None,
            n_generator_steps: 2000,
            evaluation: EvaluationParams::default(),
            seed: 0,
        }
    }

    /// Sets the networks and data.
    #[must_use]
    pub fn model(mut self, model: ModelParams) -> Self {
        self.model = model;
        self
    }

    /// Sets the RMSProp learning rate α of both networks.
    #[must_use]
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Sets the clipping bound c: critic parameters stay in [−c, c].
    #[must_use]
    pub fn clip(mut self, clip: f64) -> Self {
        self.clip = clip;
        self
    }

    /// Sets the number of critic steps per generator step.
    #[must_use]
    pub fn n_critic(mut self, n_critic: usize) -> Self {
        self.n_critic = n_critic;
        self
    }

    /// Sets the batch size m (real and fake batches alike).
    #[must_use]
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// Turns on (or off, with `None`) the reference code's long critic phases.
    #[must_use]
    pub fn warmup(mut self, warmup: Option<CriticWarmup>) -> Self {
        self.warmup = warmup;
        self
    }

    /// Sets the number of generator steps of [`crate::gan::Wgan::train`].
    #[must_use]
    pub fn n_generator_steps(mut self, n: usize) -> Self {
        self.n_generator_steps = n;
        self
    }

    /// Sets when W₁ and the critic's estimate are measured.
    #[must_use]
    pub fn evaluation(mut self, evaluation: EvaluationParams) -> Self {
        self.evaluation = evaluation;
        self
    }

    /// Sets the seed of every random draw (initialization, batches, evaluation sets).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates every field.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad field: `learning_rate` or `clip`
    /// not finite and > 0; `n_critic`, `batch_size`, `noise_dim` or (with evaluation on)
    /// `evaluation n_samples` zero; a zero hidden width; a warm-up with zero `n_critic`
    /// or `every`; a leaky ReLU slope outside (0, 1); an invalid manifold basis or
    /// Gaussian in the data. [`Error::TooLarge`] if the networks and batch buffers would
    /// take more than [`MAX_TRAINER_BYTES`].
    pub fn check(self) -> Result<WganValidParams> {
        self.model.check()?;
        positive("learning_rate", self.learning_rate)?;
        positive("clip", self.clip)?;
        positive_count("n_critic", self.n_critic)?;
        positive_count("batch_size", self.batch_size)?;
        if let Some(warmup) = self.warmup {
            positive_count("warmup n_critic", warmup.n_critic)?;
            positive_count("warmup every", warmup.every)?;
        }
        self.evaluation.check()?;
        self.model.check_sizes(self.batch_size)?;
        Ok(WganValidParams(self))
    }
}

impl WganValidParams {
    /// Networks and data.
    #[must_use]
    pub fn model(&self) -> &ModelParams {
        &self.0.model
    }
    /// RMSProp learning rate α.
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        self.0.learning_rate
    }
    /// Clipping bound c.
    #[must_use]
    pub fn clip(&self) -> f64 {
        self.0.clip
    }
    /// Batch size m.
    #[must_use]
    pub fn batch_size(&self) -> usize {
        self.0.batch_size
    }
    /// Generator steps of a full training run.
    #[must_use]
    pub fn n_generator_steps(&self) -> usize {
        self.0.n_generator_steps
    }
    /// Evaluation schedule.
    #[must_use]
    pub fn evaluation(&self) -> EvaluationParams {
        self.0.evaluation
    }
    /// Seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.0.seed
    }
    /// Critic steps before generator step number `step` (counting from 0).
    #[must_use]
    pub fn n_critic_at(&self, step: usize) -> usize {
        match self.0.warmup {
            Some(w) if step < w.first || step % w.every == 0 => w.n_critic,
            _ => self.0.n_critic,
        }
    }
}

impl Default for GanParams {
    fn default() -> Self {
        Self::new()
    }
}

impl GanParams {
    /// The defaults listed in the type's docs.
    #[must_use]
    pub fn new() -> Self {
        GanParams {
            model: ModelParams::default(),
            cost: GeneratorCost::NonSaturating,
            optimizer: OptimizerConfig::adam(2e-4, 0.5),
            n_discriminator_steps: 1,
            batch_size: 64,
            n_generator_steps: 2000,
            evaluation: EvaluationParams::default(),
            seed: 0,
        }
    }

    /// Sets the networks and data.
    #[must_use]
    pub fn model(mut self, model: ModelParams) -> Self {
        self.model = model;
        self
    }

    /// Sets the generator cost (minimax or −log D).
    #[must_use]
    pub fn cost(mut self, cost: GeneratorCost) -> Self {
        self.cost = cost;
        self
    }

    /// Sets the optimizer of both networks.
    #[must_use]
    pub fn optimizer(mut self, optimizer: OptimizerConfig) -> Self {
        self.optimizer = optimizer;
        self
    }

    /// Sets the discriminator steps per generator step.
    #[must_use]
    pub fn n_discriminator_steps(mut self, n: usize) -> Self {
        self.n_discriminator_steps = n;
        self
    }

    /// Sets the batch size (real and fake batches alike).
    #[must_use]
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// Sets the number of generator steps of [`crate::gan::Gan::train`].
    #[must_use]
    pub fn n_generator_steps(mut self, n: usize) -> Self {
        self.n_generator_steps = n;
        self
    }

    /// Sets when W₁, accuracy and the JS bound are measured.
    #[must_use]
    pub fn evaluation(mut self, evaluation: EvaluationParams) -> Self {
        self.evaluation = evaluation;
        self
    }

    /// Sets the seed of every random draw.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates every field.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad field: the model's as in
    /// [`WganParams::check`], the optimizer's hyperparameters, a zero
    /// `n_discriminator_steps` or `batch_size`, or the `Wasserstein` cost (which needs a
    /// critic: use [`WganParams`]). [`Error::TooLarge`] as in [`WganParams::check`].
    pub fn check(self) -> Result<GanValidParams> {
        self.model.check()?;
        self.optimizer.validate()?;
        positive_count("n_discriminator_steps", self.n_discriminator_steps)?;
        positive_count("batch_size", self.batch_size)?;
        if self.cost == GeneratorCost::Wasserstein {
            return Err(Error::InvalidParameter {
                name: "cost",
                reason: "a GAN generator cost is minimax or non-saturating",
            });
        }
        self.evaluation.check()?;
        self.model.check_sizes(self.batch_size)?;
        Ok(GanValidParams(self))
    }
}

impl GanValidParams {
    /// Networks and data.
    #[must_use]
    pub fn model(&self) -> &ModelParams {
        &self.0.model
    }
    /// Generator cost.
    #[must_use]
    pub fn cost(&self) -> GeneratorCost {
        self.0.cost
    }
    /// Optimizer of both networks.
    #[must_use]
    pub fn optimizer(&self) -> OptimizerConfig {
        self.0.optimizer
    }
    /// Discriminator steps per generator step.
    #[must_use]
    pub fn n_discriminator_steps(&self) -> usize {
        self.0.n_discriminator_steps
    }
    /// Batch size.
    #[must_use]
    pub fn batch_size(&self) -> usize {
        self.0.batch_size
    }
    /// Generator steps of a full training run.
    #[must_use]
    pub fn n_generator_steps(&self) -> usize {
        self.0.n_generator_steps
    }
    /// Evaluation schedule.
    #[must_use]
    pub fn evaluation(&self) -> EvaluationParams {
        self.0.evaluation
    }
    /// Seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.0.seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_papers() {
        let wgan = WganParams::new().check().unwrap();
        assert_eq!(
            (wgan.learning_rate(), wgan.clip(), wgan.batch_size()),
            (5e-5, 0.01, 64)
        );
        assert_eq!(wgan.n_critic_at(0), 5);
        let warm = WganParams::new()
            .warmup(Some(CriticWarmup {
                n_critic: 100,
                first: 25,
                every: 500,
            }))
            .check()
            .unwrap();
        let schedule: Vec<usize> = [0, 24, 25, 499, 500]
            .iter()
            .map(|&s| warm.n_critic_at(s))
            .collect();
        assert_eq!(schedule, [100, 100, 5, 5, 100]);
    }

    /// The field a `check()` result names, or "accepted".
    fn rejection<P>(checked: Result<P>) -> &'static str {
        match checked {
            Err(Error::InvalidParameter { name, .. }) => name,
            Err(Error::TooLarge { what, .. }) => what,
            Err(_) => "another error",
            Ok(_) => "accepted",
        }
    }

    fn with_model(edit: impl FnOnce(&mut ModelParams)) -> WganParams {
        let mut model = ModelParams::default();
        edit(&mut model);
        WganParams::new().model(model)
    }

    fn warmup(n_critic: usize, every: usize) -> Option<CriticWarmup> {
        Some(CriticWarmup {
            n_critic,
            first: 25,
            every,
        })
    }

    #[test]
    fn every_bad_wgan_field_is_named() {
        let w = WganParams::new;
        let cases = [
            (w().learning_rate(0.0), "learning_rate"),
            (w().learning_rate(-5e-5), "learning_rate"),
            (w().learning_rate(f64::NAN), "learning_rate"),
            (w().learning_rate(f64::INFINITY), "learning_rate"),
            (w().clip(0.0), "clip"),
            (w().clip(-0.01), "clip"),
            (w().clip(f64::NAN), "clip"),
            (w().clip(f64::INFINITY), "clip"),
            (w().n_critic(0), "n_critic"),
            (w().batch_size(0), "batch_size"),
            (w().warmup(warmup(0, 500)), "warmup n_critic"),
            (w().warmup(warmup(100, 0)), "warmup every"),
            (
                w().evaluation(EvaluationParams {
                    every: 10,
                    n_samples: 0,
                }),
                "evaluation n_samples",
            ),
            (with_model(|m| m.noise_dim = 0), "noise_dim"),
            (
                with_model(|m| m.hidden_widths = vec![4, 0]),
                "hidden_widths",
            ),
            (
                with_model(|m| m.init = Initialization::Normal { std: 0.0 }),
                "init std",
            ),
            (
                with_model(|m| m.init = Initialization::Normal { std: f64::NAN }),
                "init std",
            ),
            (
                with_model(|m| m.activation = Activation::LeakyRelu { slope: -0.2 }),
                "slope",
            ),
            (
                with_model(|m| m.activation = Activation::LeakyRelu { slope: f64::NAN }),
                "slope",
            ),
            (
                with_model(|m| {
                    m.data = ToyData::Gaussian1d {
                        mean: 0.0,
                        std: -1.0,
                    }
                }),
                "gaussian",
            ),
            (
                with_model(|m| m.hidden_widths = vec![1 << 20; 3]),
                "networks and training buffers",
            ),
            (w().batch_size(usize::MAX), "networks and training buffers"),
        ];
        for (params, name) in cases {
            let shown = format!("{params:?}");
            assert_eq!(rejection(params.check()), name, "{shown}");
        }
        // evaluation off: its sample count is not used, so 0 is accepted
        let off = EvaluationParams {
            every: 0,
            n_samples: 0,
        };
        assert_eq!(rejection(w().evaluation(off).check()), "accepted");
    }

    #[test]
    fn every_bad_gan_field_is_named() {
        let g = GanParams::new;
        let adam = |learning_rate, beta1| OptimizerConfig::adam(learning_rate, beta1);
        let cases = [
            (g().cost(GeneratorCost::Wasserstein), "cost"),
            (g().optimizer(OptimizerConfig::sgd(-1.0)), "learning_rate"),
            (g().optimizer(adam(f64::NAN, 0.5)), "learning_rate"),
            (g().optimizer(adam(2e-4, 1.0)), "beta1"),
            (g().n_discriminator_steps(0), "n_discriminator_steps"),
            (g().batch_size(0), "batch_size"),
            (g().batch_size(usize::MAX), "networks and training buffers"),
            (
                g().model(ModelParams {
                    noise_dim: 0,
                    ..ModelParams::default()
                }),
                "noise_dim",
            ),
        ];
        for (params, name) in cases {
            let shown = format!("{params:?}");
            assert_eq!(rejection(params.check()), name, "{shown}");
        }
    }
}
