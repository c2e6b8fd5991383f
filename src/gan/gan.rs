//! The original GAN trainer, with the minimax or the −log D generator cost.
//!
//! ```text
//! L(D, g) = E_{x~P_r} log D(x) + E_{z~p(z)} log(1 − D(g(z)))
//! D*(x) = p_r(x) / (p_r(x) + p_g(x)),   L(D*, g) = 2 JS(P_r, P_g) − 2 ln 2
//! ```
//!
//! Hence for any D, JS(P_r, P_g) ≥ ½ L(D, g) + ln 2, the bound the evaluation reports
//! (Goodfellow et al. 2014, Theorem 1; Arjovsky and Bottou 2017, Section 2).

use nalgebra::DMatrix;

use crate::error::Result;
use crate::gan::config::GanValidParams;
use crate::gan::history::{EvaluationRecord, Progress, StepRecord, TrainingHistory};
use crate::gan::pair::{AdversaryLoss, Pair};
use crate::gan::probe;
use crate::gan::wgan::{run, Event};
use crate::nn::{Float, Mlp, OptimizerConfig};

/// A GAN: a discriminator D = σ(l) trained by binary cross-entropy and a generator
/// trained with the minimax cost or the −log D alternative.
///
/// # Formula
/// Each generator iteration, with batch size m and logits l:
///
/// ```text
/// repeat n_discriminator_steps times:
///     x⁽¹…ᵐ⁾ ~ P_r,  z⁽¹…ᵐ⁾ ~ N(0, I)
///     descend L_D = (1/m) Σ softplus(−l(x⁽ⁱ⁾)) + (1/m) Σ softplus(l(G(z⁽ⁱ⁾)))
/// z⁽¹…ᵐ⁾ ~ N(0, I)
/// descend L_G = −(1/m) Σ softplus(l(G(z⁽ⁱ⁾)))     minimax: E log(1 − D(G(z)))
///       or L_G =  (1/m) Σ softplus(−l(G(z⁽ⁱ⁾)))    −log D
/// ```
///
/// Evaluation records the exact W₁, the discriminator's accuracy, the lower bound
/// ln 2 − ½ L_D on JS, and the norm of the generator's gradient under its cost.
///
/// # References
/// I. Goodfellow et al., *Generative adversarial nets*, NeurIPS 2014; M. Arjovsky and
/// L. Bottou, *Towards principled methods for training generative adversarial networks*,
/// ICLR 2017 (arXiv:1701.04862).
pub struct Gan<T: Float> {
    params: GanValidParams,
    pair: Pair<T>,
    n_steps_done: usize,
}

impl<T: Float> Gan<T> {
    /// A generator and discriminator initialized from the params' seed.
    ///
    /// # Errors
    /// None for params that passed [`crate::gan::GanParams::check`], which rules out every
    /// bad size and hyperparameter; the `Result` carries the network constructors' errors.
    ///
    /// # Cost
    /// Allocates both networks, their optimizer state and the batch buffers (bounded by
    /// [`crate::gan::config::MAX_TRAINER_BYTES`]) and draws the evaluation sets.
    pub fn new(params: &GanValidParams) -> Result<Self> {
        let pair = Pair::new(
            params.model(),
            params.optimizer(),
            params.batch_size(),
            params.evaluation(),
            params.seed(),
        )?;
        Ok(Gan {
            params: params.clone(),
            pair,
            n_steps_done: 0,
        })
    }

    /// One generator iteration: the discriminator steps, then one generator step.
    ///
    /// # Errors
    /// None in practice: the buffers and optimizers are built to the networks' shapes.
    pub fn generator_iteration(&mut self) -> Result<StepRecord> {
        let n = self.params.n_discriminator_steps();
        let mut adversary_loss = f64::NAN;
        for _ in 0..n {
            adversary_loss = self
                .pair
                .adversary_step(AdversaryLoss::CrossEntropy, None)?;
        }
        let generator_loss = self.pair.generator_step(self.params.cost())?;
        let record = StepRecord {
            generator_step: self.n_steps_done,
            adversary_loss,
            generator_loss,
            n_adversary_steps: n,
        };
        self.n_steps_done += 1;
        Ok(record)
    }

    /// One discriminator update on fresh batches with the generator frozen; returns the
    /// BCE before the update. With [`Gan::reset_discriminator`] this trains a fresh
    /// discriminator against a fixed generator (Arjovsky and Bottou 2017, Figures 1–3).
    ///
    /// # Errors
    /// None in practice (see [`Gan::generator_iteration`]).
    pub fn discriminator_step(&mut self) -> Result<f64> {
        self.pair.adversary_step(AdversaryLoss::CrossEntropy, None)
    }

    /// One generator update against the current discriminator; returns the generator
    /// loss before the update.
    ///
    /// # Errors
    /// None in practice (see [`Gan::generator_iteration`]).
    pub fn generator_step(&mut self) -> Result<f64> {
        self.pair.generator_step(self.params.cost())
    }

    /// Replaces the discriminator by a fresh one drawn with `seed`, with a fresh optimizer:
    /// `optimizer` if given (e.g. Adam(1e-3, β₁ = 0.5) for the fresh discriminators of
    /// Arjovsky and Bottou 2017, Figures 1–3), else the run's. The generator is untouched.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for a bad `optimizer`.
    pub fn reset_discriminator(
        &mut self,
        seed: u64,
        optimizer: Option<OptimizerConfig>,
    ) -> Result<()> {
        self.pair.reset_adversary(seed, optimizer)
    }

    /// The fixed real evaluation batch (`dim × n_samples`).
    #[must_use]
    pub fn evaluation_real(&self) -> &DMatrix<T> {
        &self.pair.evaluation_real
    }

    /// The fixed evaluation noise batch (`noise_dim × n_samples`).
    #[must_use]
    pub fn evaluation_noise(&self) -> &DMatrix<T> {
        &self.pair.evaluation_noise
    }

    /// Measures exact W₁, accuracy, the JS lower bound and the generator-gradient norm on
    /// the fixed evaluation sets, without training.
    ///
    /// # Errors
    /// The errors of the transport solver ([`crate::transport::emd_between`]).
    pub fn evaluate(&self) -> Result<EvaluationRecord> {
        let fake = self.pair.evaluation_fake()?;
        let real = &self.pair.evaluation_real;
        let (generator, discriminator) = (&self.pair.generator, &self.pair.adversary);
        let noise = &self.pair.evaluation_noise;
        Ok(EvaluationRecord {
            generator_step: self.n_steps_done,
            w1_exact: probe::exact_w1(real, &fake)?,
            critic_estimate: None,
            discriminator_accuracy: Some(probe::discriminator_accuracy(
                discriminator,
                real,
                &fake,
            )?),
            js_lower_bound: Some(probe::js_lower_bound(discriminator, real, &fake)?),
            generator_gradient_norm: probe::generator_gradient_norm(
                generator,
                discriminator,
                noise,
                self.params.cost(),
            )?,
        })
    }

    /// Runs `n_generator_steps` generator iterations, evaluating on schedule.
    ///
    /// # Errors
    /// As [`Gan::generator_iteration`] and [`Gan::evaluate`].
    pub fn train(
        &mut self,
        callback: Option<&mut dyn FnMut(Progress<'_>)>,
    ) -> Result<TrainingHistory> {
        let every = self.params.evaluation().every;
        let n_steps = self.params.n_generator_steps();
        run(n_steps, every, callback, |is_eval| {
            if is_eval {
                self.evaluate().map(Event::Evaluation)
            } else {
                self.generator_iteration().map(Event::Step)
            }
        })
    }

    /// The generator G.
    #[must_use]
    pub fn generator(&self) -> &Mlp<T> {
        &self.pair.generator
    }

    /// The discriminator (its output is the logit l, D = σ(l)).
    #[must_use]
    pub fn discriminator(&self) -> &Mlp<T> {
        &self.pair.adversary
    }

    /// Generator steps taken so far.
    #[must_use]
    pub fn n_generator_steps_done(&self) -> usize {
        self.n_steps_done
    }
}
