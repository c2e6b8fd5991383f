//! The Wasserstein GAN trainer: Algorithm 1 of Arjovsky, Chintala and Bottou (2017).
//!
//! ```text
//! critic:     max_w  E_{x~P_r} f_w(x) − E_{z~p(z)} f_w(g_θ(z)),   w ∈ [−c, c]^|w|
//! generator:  min_θ  −E_{z~p(z)} f_w(g_θ(z))
//! ```
//!
//! The clipped critic is K-Lipschitz for some K(c, architecture), so the critic's optimum
//! estimates K·W₁(P_r, P_θ). The schedule shared with the GAN trainer ([`run`]) also lives
//! here.

use nalgebra::DMatrix;

use crate::error::Result;
use crate::gan::config::WganValidParams;
use crate::gan::history::{EvaluationRecord, Progress, StepRecord, TrainingHistory};
use crate::gan::pair::{AdversaryLoss, Pair};
use crate::gan::probe;
use crate::nn::{Float, GeneratorCost, Mlp, OptimizerConfig};

/// A WGAN with weight clipping, trained exactly as Algorithm 1 of the paper.
///
/// # Formula
/// Each generator iteration, with α the learning rate, c the clipping bound and m the
/// batch size:
///
/// ```text
/// repeat n_critic times:
///     x⁽¹…ᵐ⁾ ~ P_r,  z⁽¹…ᵐ⁾ ~ N(0, I)
///     g_w ← ∇_w [ (1/m) Σ f_w(x⁽ⁱ⁾) − (1/m) Σ f_w(g_θ(z⁽ⁱ⁾)) ]
///     w ← w + α · RMSProp(w, g_w)            (ascent)
///     w ← clip(w, −c, c)                     (every weight and bias, after every update)
/// z⁽¹…ᵐ⁾ ~ N(0, I)
/// g_θ ← −∇_θ (1/m) Σ f_w(g_θ(z⁽ⁱ⁾))
/// θ ← θ − α · RMSProp(θ, g_θ)
/// ```
///
/// The critic f is high on real data (the paper's sign; the authors' code flips it), so
/// mean f(x) − mean f(g_θ(z)) estimates K·W₁(P_r, P_θ) for the unknown Lipschitz constant K
/// of the clipped critic. The ascent is implemented as descent on the negated objective
/// ([`crate::nn::loss::critic_loss`]); RMSProp is PyTorch's variant ([`crate::nn::optim`]).
/// The printed loop "for t = 0, …, n_critic" is read as n_critic steps, as in the
/// authors' code. As in Algorithm 1, clipping follows each critic update: the initial
/// critic (and one fresh from [`Wgan::reset_critic`]) is not clipped until its first
/// update, so the evaluation before training sees an unclipped critic.
///
/// Every `evaluation.every` generator steps (and before the first) the trainer records
/// the exact W₁ between a fixed real batch and the generator's image of a fixed noise
/// batch (network simplex), the critic's estimate on the same batches, and the norm of the
/// generator's gradient.
///
/// # Examples
/// ```
/// use gan_divergences::gan::{EvaluationParams, ModelParams, Wgan, WganParams};
/// let small = ModelParams { hidden_widths: vec![16, 16], ..ModelParams::default() };
/// let params = WganParams::new()
///     .model(small)
///     .n_generator_steps(20)
///     .evaluation(EvaluationParams { every: 10, n_samples: 64 })
///     .seed(1)
///     .check()?;
/// let history = Wgan::<f32>::new(&params)?.train(None)?;
/// assert_eq!(history.steps.len(), 20);
/// assert_eq!(history.evaluations.len(), 3); // before training, after 10 and 20 steps
/// assert!(history.evaluations.iter().all(|e| e.w1_exact > 0.0));
/// # Ok::<(), gan_divergences::Error>(())
/// ```
///
/// # Limitations
/// c = 0.01 with narrow networks leaves a nearly constant critic (K ≈ 0) and the generator
/// barely moves: scale c with the width (e.g. c = 0.01·√(512/H)) or use width 512.
///
/// # References
/// M. Arjovsky, S. Chintala and L. Bottou, *Wasserstein generative adversarial networks*,
/// ICML 2017 (arXiv:1701.07875).
pub struct Wgan<T: Float> {
    params: WganValidParams,
    pair: Pair<T>,
    n_steps_done: usize,
}

impl<T: Float> Wgan<T> {
    /// A generator and critic initialized from the params' seed.
    ///
    /// # Errors
    /// None for params that passed [`crate::gan::WganParams::check`], which rules out every
    /// bad size and hyperparameter; the `Result` carries the network constructors' errors.
    ///
    /// # Cost
    /// Allocates both networks, their optimizer state and the batch buffers (bounded by
    /// [`crate::gan::config::MAX_TRAINER_BYTES`]) and draws the evaluation sets.
    pub fn new(params: &WganValidParams) -> Result<Self> {
        let pair = Pair::new(
            params.model(),
            OptimizerConfig::rmsprop(params.learning_rate()),
            params.batch_size(),
            params.evaluation(),
            params.seed(),
        )?;
        Ok(Wgan {
            params: params.clone(),
            pair,
            n_steps_done: 0,
        })
    }

    /// One generator iteration of Algorithm 1: n_critic critic steps (with clipping), then
    /// one generator step.
    ///
    /// # Errors
    /// None in practice: the buffers and optimizers are built to the networks' shapes.
    pub fn generator_iteration(&mut self) -> Result<StepRecord> {
        let n_critic = self.params.n_critic_at(self.n_steps_done);
        let clip = Some(T::of_f64(self.params.clip()));
        let mut adversary_loss = f64::NAN;
        for _ in 0..n_critic {
            adversary_loss = self.pair.adversary_step(AdversaryLoss::Critic, clip)?;
        }
        let generator_loss = self.pair.generator_step(GeneratorCost::Wasserstein)?;
        let record = StepRecord {
            generator_step: self.n_steps_done,
            adversary_loss,
            generator_loss,
            n_adversary_steps: n_critic,
        };
        self.n_steps_done += 1;
        Ok(record)
    }

    /// One critic update (RMSProp, then clipping) on fresh batches with the generator
    /// frozen; returns the critic loss (the negated W estimate) before the update.
    ///
    /// # Errors
    /// None in practice (see [`Wgan::generator_iteration`]).
    pub fn critic_step(&mut self) -> Result<f64> {
        let clip = Some(T::of_f64(self.params.clip()));
        self.pair.adversary_step(AdversaryLoss::Critic, clip)
    }

    /// One generator update against the current critic; returns −mean f(G(z)) before the
    /// update.
    ///
    /// # Errors
    /// None in practice (see [`Wgan::generator_iteration`]).
    pub fn generator_step(&mut self) -> Result<f64> {
        self.pair.generator_step(GeneratorCost::Wasserstein)
    }

    /// Replaces the critic by a fresh one drawn with `seed`, with a fresh optimizer:
    /// `optimizer` if given, else the run's RMSProp. The generator is untouched.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for a bad `optimizer`.
    pub fn reset_critic(&mut self, seed: u64, optimizer: Option<OptimizerConfig>) -> Result<()> {
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

    /// Measures exact W₁, the critic's estimate and the generator-gradient norm on the
    /// fixed evaluation sets, without training.
    ///
    /// # Errors
    /// The errors of the transport solver ([`crate::transport::emd_between`]).
    pub fn evaluate(&self) -> Result<EvaluationRecord> {
        let fake = self.pair.evaluation_fake()?;
        let real = &self.pair.evaluation_real;
        let (generator, critic) = (&self.pair.generator, &self.pair.adversary);
        let noise = &self.pair.evaluation_noise;
        Ok(EvaluationRecord {
            generator_step: self.n_steps_done,
            w1_exact: probe::exact_w1(real, &fake)?,
            critic_estimate: Some(probe::critic_estimate(critic, real, &fake)?),
            discriminator_accuracy: None,
            js_lower_bound: None,
            generator_gradient_norm: probe::generator_gradient_norm(
                generator,
                critic,
                noise,
                GeneratorCost::Wasserstein,
            )?,
        })
    }

    /// Runs `n_generator_steps` generator iterations, evaluating on schedule, and returns
    /// what was recorded. `callback` sees every step and every evaluation as it happens.
    ///
    /// # Errors
    /// As [`Wgan::generator_iteration`] and [`Wgan::evaluate`].
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

    /// The generator g_θ.
    #[must_use]
    pub fn generator(&self) -> &Mlp<T> {
        &self.pair.generator
    }

    /// The critic f_w.
    #[must_use]
    pub fn critic(&self) -> &Mlp<T> {
        &self.pair.adversary
    }

    /// Generator steps taken so far.
    #[must_use]
    pub fn n_generator_steps_done(&self) -> usize {
        self.n_steps_done
    }
}

/// What one call of a trainer's step function produced.
pub(crate) enum Event {
    Step(StepRecord),
    Evaluation(EvaluationRecord),
}

/// The shared training schedule: evaluate, then `n_steps` times {step; evaluate every
/// `every` steps}, with a final evaluation if the last step was not on the schedule.
pub(crate) fn run(
    n_steps: usize,
    every: usize,
    mut callback: Option<&mut dyn FnMut(Progress<'_>)>,
    mut next: impl FnMut(bool) -> Result<Event>,
) -> Result<TrainingHistory> {
    let mut history = TrainingHistory::default();
    let mut record = |event: Event, history: &mut TrainingHistory| match event {
        Event::Step(s) => {
            history.steps.push(s);
            if let Some(cb) = callback.as_deref_mut() {
                cb(Progress::Step(&s));
            }
        }
        Event::Evaluation(e) => {
            history.evaluations.push(e);
            if let Some(cb) = callback.as_deref_mut() {
                cb(Progress::Evaluation(&e));
            }
        }
    };
    if every > 0 {
        record(next(true)?, &mut history);
    }
    for step in 1..=n_steps {
        record(next(false)?, &mut history);
        if every > 0 && (step % every == 0 || step == n_steps) {
            record(next(true)?, &mut history);
        }
    }
    Ok(history)
}
