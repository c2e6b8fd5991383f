//! The machinery both trainers share: a generator, its adversary (discriminator or
//! critic), their optimizers, the reusable buffers of the hot loop and the random streams.
//!
//! Random streams (ChaCha8 seeded with the run's seed, one stream each): 0 generator
//! initialization, 1 adversary initialization, 2 training batches, 3 the fixed evaluation
//! sets. Changing how often the run evaluates therefore never changes its training.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::error::Result;
use crate::gan::config::{EvaluationParams, ModelParams};
use crate::gan::ToyData;
use crate::nn::loss::{critic_loss, discriminator_loss, generator_loss_unchecked, GeneratorCost};
use crate::nn::{Activation, Float, Gradient, Mlp, Optimizer, OptimizerConfig, Workspace};

/// Which loss the adversary minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AdversaryLoss {
    /// Binary cross-entropy on logits (GAN discriminator).
    CrossEntropy,
    /// mean f(fake) − mean f(real) (WGAN critic).
    Critic,
}

pub(crate) struct Pair<T: Float> {
    pub(crate) generator: Mlp<T>,
    pub(crate) adversary: Mlp<T>,
    generator_optimizer: Box<dyn Optimizer<T>>,
    adversary_optimizer: Box<dyn Optimizer<T>>,
    data: ToyData,
    model: ModelParams,
    optimizer: OptimizerConfig,
    batch_size: usize,
    rng: ChaCha8Rng,
    /// Generator buffers at batch m.
    generator_ws: Workspace<T>,
    /// Adversary buffers at batch 2m: m real columns, then m fake ones.
    adversary_ws: Workspace<T>,
    /// Adversary buffers at batch m for the generator step.
    adversary_fake_ws: Workspace<T>,
    generator_grad: Gradient<T>,
    adversary_grad: Gradient<T>,
    pub(crate) evaluation_real: DMatrix<T>,
    pub(crate) evaluation_noise: DMatrix<T>,
}

fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

fn fill_normal<T: Float>(values: &mut [T], rng: &mut ChaCha8Rng) {
    for v in values {
        *v = T::of_f64(StandardNormal.sample(rng));
    }
}

/// A network of the model's hidden layers with an identity output, drawn from stream
/// `index` of `seed`.
fn new_network<T: Float>(
    model: &ModelParams,
    sizes: &[usize],
    seed: u64,
    index: u64,
) -> Result<Mlp<T>> {
    let (hidden, init) = (model.activation, model.init);
    Mlp::random(
        sizes,
        hidden,
        Activation::Identity,
        init,
        &mut stream(seed, index),
    )
}

fn new_generator<T: Float>(model: &ModelParams, seed: u64) -> Result<Mlp<T>> {
    new_network(model, &model.generator_sizes(), seed, 0)
}

fn new_adversary<T: Float>(model: &ModelParams, seed: u64) -> Result<Mlp<T>> {
    new_network(model, &model.adversary_sizes(), seed, 1)
}

impl<T: Float> Pair<T> {
    pub(crate) fn new(
        model: &ModelParams,
        optimizer: OptimizerConfig,
        batch_size: usize,
        evaluation: EvaluationParams,
        seed: u64,
    ) -> Result<Self> {
        let generator = new_generator(model, seed)?;
        let adversary = new_adversary(model, seed)?;

        // fixed evaluation sets: real samples, then noise
        let mut eval_rng = stream(seed, 3);
        let n_eval = if evaluation.every > 0 {
            evaluation.n_samples
        } else {
            1
        };
        let evaluation_real = model.data.sample(n_eval, &mut eval_rng);
        let mut evaluation_noise = DMatrix::zeros(model.noise_dim, n_eval);
        fill_normal(evaluation_noise.as_mut_slice(), &mut eval_rng);

        Ok(Pair {
            generator_optimizer: optimizer.build(&generator)?,
            adversary_optimizer: optimizer.build(&adversary)?,
            data: model.data.clone(),
            model: model.clone(),
            optimizer,
            batch_size,
            rng: stream(seed, 2),
            generator_ws: Workspace::new(&generator, batch_size),
            adversary_ws: Workspace::new(&adversary, 2 * batch_size),
            adversary_fake_ws: Workspace::new(&adversary, batch_size),
            generator_grad: Gradient::zeros_like(&generator),
            adversary_grad: Gradient::zeros_like(&adversary),
            evaluation_real,
            evaluation_noise,
            generator,
            adversary,
        })
    }

    /// One adversary update on m fresh real and m fresh fake samples, with optional
    /// clipping of every adversary parameter afterwards. Returns the loss before the update.
    pub(crate) fn adversary_step(&mut self, loss: AdversaryLoss, clip: Option<T>) -> Result<f64> {
        let m = self.batch_size;
        let real_len = m * self.data.dim();

        // inputs: m real samples, then G(z) for m fresh z
        let input = self.adversary_ws.input.as_mut_slice();
        self.data.sample_into(&mut input[..real_len], &mut self.rng);
        fill_normal(self.generator_ws.input.as_mut_slice(), &mut self.rng);
        self.generator.forward_unchecked(&mut self.generator_ws);
        input[real_len..].copy_from_slice(self.generator_ws.output().as_slice());

        // forward, loss and ∂loss/∂output on both halves
        self.adversary.forward_unchecked(&mut self.adversary_ws);
        let n_layers = self.adversary_ws.deltas.len();
        let outputs = self.adversary_ws.activations[n_layers - 1].as_slice();
        let grads = self.adversary_ws.deltas[n_layers - 1].as_mut_slice();
        let ((real_out, fake_out), (real_grad, fake_grad)) =
            (outputs.split_at(m), grads.split_at_mut(m));
        let value = match loss {
            AdversaryLoss::CrossEntropy => {
                discriminator_loss(real_out, fake_out, real_grad, fake_grad)?
            }
            AdversaryLoss::Critic => critic_loss(real_out, fake_out, real_grad, fake_grad)?,
        };

        // backward to the parameters only, update, clip
        self.adversary.backward_unchecked(
            &mut self.adversary_ws,
            Some(&mut self.adversary_grad),
            false,
        );
        self.adversary_optimizer
            .step(&mut self.adversary, &self.adversary_grad)?;
        if let Some(c) = clip {
            self.adversary.clip_unchecked(c);
        }
        Ok(value)
    }

    /// One generator update on m fresh noise samples through the frozen adversary.
    /// Returns the generator loss before the update.
    pub(crate) fn generator_step(&mut self, cost: GeneratorCost) -> Result<f64> {
        // G(z), then the adversary's outputs on it
        fill_normal(self.generator_ws.input.as_mut_slice(), &mut self.rng);
        self.generator.forward_unchecked(&mut self.generator_ws);
        self.adversary_fake_ws
            .input
            .copy_from(self.generator_ws.output());
        self.adversary
            .forward_unchecked(&mut self.adversary_fake_ws);

        // ∂L_G/∂output, backpropagated to the adversary's input only
        let n_layers = self.adversary_fake_ws.deltas.len();
        let outputs = self.adversary_fake_ws.activations[n_layers - 1].as_slice();
        let grads = self.adversary_fake_ws.deltas[n_layers - 1].as_mut_slice();
        let value = generator_loss_unchecked(cost, outputs, grads);
        self.adversary
            .backward_unchecked(&mut self.adversary_fake_ws, None, true);

        // ∂L_G/∂G(z) into the generator's backward pass, then the update
        self.generator_ws
            .output_grad_mut()
            .copy_from(&self.adversary_fake_ws.input_grad);
        self.generator.backward_unchecked(
            &mut self.generator_ws,
            Some(&mut self.generator_grad),
            false,
        );
        self.generator_optimizer
            .step(&mut self.generator, &self.generator_grad)?;
        Ok(value)
    }

    /// A fresh adversary drawn from `seed`'s initialization stream, with a fresh optimizer
    /// (`optimizer`, or the run's); the generator, its optimizer and the batch stream are
    /// kept.
    pub(crate) fn reset_adversary(
        &mut self,
        seed: u64,
        optimizer: Option<OptimizerConfig>,
    ) -> Result<()> {
        let adversary = new_adversary(&self.model, seed)?;
        let config = optimizer.unwrap_or(self.optimizer);
        self.adversary_optimizer = config.build(&adversary)?;
        self.adversary = adversary;
        Ok(())
    }

    /// The generator's image of the fixed evaluation noise.
    pub(crate) fn evaluation_fake(&self) -> Result<DMatrix<T>> {
        self.generator.predict(&self.evaluation_noise)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gan::probe::generator_gradient;
    use crate::nn::loss::GeneratorCost;

    /// Agreement of a fused training step with the checked public path (f64 round-off).
    const TOLERANCE: f64 = 1e-12;

    /// A small pair trained by plain SGD with η = 1, so θ_before − θ_after = ∇θ L.
    fn sgd_pair() -> Pair<f64> {
        let model = ModelParams {
            hidden_widths: vec![7, 6],
            activation: Activation::Tanh,
            ..ModelParams::default()
        };
        let evaluation = EvaluationParams {
            every: 0,
            n_samples: 1,
        };
        Pair::new(&model, OptimizerConfig::sgd(1.0), 5, evaluation, 3).unwrap()
    }

    fn parameters(net: &Mlp<f64>) -> Vec<f64> {
        let layers = net.layers().iter();
        layers
            .flat_map(|l| l.weight().iter().chain(l.bias().iter()).copied())
            .collect()
    }

    fn assert_step_is(before: &[f64], after: &Mlp<f64>, gradient: &Gradient<f64>) {
        let taken = before.iter().zip(parameters(after)).map(|(b, a)| b - a);
        let expected = gradient.to_vec_f64();
        assert_eq!(before.len(), expected.len());
        for (k, (t, g)) in taken.zip(expected).enumerate() {
            assert!(
                (t - g).abs() < TOLERANCE,
                "parameter {k}: step {t}, gradient {g}"
            );
        }
    }

    /// The batches the next adversary step draws: m reals, then G(z) for m noise draws.
    fn replay_adversary_batch(pair: &Pair<f64>) -> DMatrix<f64> {
        let (m, dim) = (pair.batch_size, pair.data.dim());
        let mut rng = pair.rng.clone();
        let real: DMatrix<f64> = pair.data.sample(m, &mut rng);
        let mut noise = DMatrix::zeros(pair.model.noise_dim, m);
        fill_normal(noise.as_mut_slice(), &mut rng);
        let fake = pair.generator.predict(&noise).unwrap();
        let mut both = DMatrix::zeros(dim, 2 * m);
        both.columns_mut(0, m).copy_from(&real);
        both.columns_mut(m, m).copy_from(&fake);
        both
    }

    #[test]
    fn adversary_step_descends_the_checked_gradient() {
        for loss in [AdversaryLoss::CrossEntropy, AdversaryLoss::Critic] {
            let mut pair = sgd_pair();
            let m = pair.batch_size;
            let batch = replay_adversary_batch(&pair);

            // checked path: forward, loss gradient on each half, backward
            let adversary = pair.adversary.clone();
            let mut workspace = Workspace::new(&adversary, 2 * m);
            let outputs = adversary.forward(&batch, &mut workspace).unwrap().clone();
            let mut output_grad = DMatrix::zeros(1, 2 * m);
            let (real_grad, fake_grad) = output_grad.as_mut_slice().split_at_mut(m);
            let (real_out, fake_out) = outputs.as_slice().split_at(m);
            match loss {
                AdversaryLoss::CrossEntropy => {
                    discriminator_loss(real_out, fake_out, real_grad, fake_grad).unwrap()
                }
                AdversaryLoss::Critic => {
                    critic_loss(real_out, fake_out, real_grad, fake_grad).unwrap()
                }
            };
            let mut gradient = Gradient::zeros_like(&adversary);
            adversary
                .backward(&mut workspace, &output_grad, &mut gradient)
                .unwrap();

            // fused path of the trainer
            let before = parameters(&pair.adversary);
            pair.adversary_step(loss, None).unwrap();
            assert_step_is(&before, &pair.adversary, &gradient);
        }
    }

    #[test]
    fn generator_step_descends_the_checked_gradient() {
        for cost in [
            GeneratorCost::Minimax,
            GeneratorCost::NonSaturating,
            GeneratorCost::Wasserstein,
        ] {
            let mut pair = sgd_pair();
            let mut noise = DMatrix::zeros(pair.model.noise_dim, pair.batch_size);
            fill_normal(noise.as_mut_slice(), &mut pair.rng.clone());
            let gradient =
                generator_gradient(&pair.generator, &pair.adversary, &noise, cost).unwrap();
            let before = parameters(&pair.generator);
            pair.generator_step(cost).unwrap();
            assert_step_is(&before, &pair.generator, &gradient);
        }
    }
}
