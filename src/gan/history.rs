//! What a training run records: per-step losses and periodic exact measurements.

use std::fmt::Write as _;

/// Losses of one generator step (after its discriminator or critic steps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepRecord {
    /// Generator steps done before this one (0 for the first).
    pub generator_step: usize,
    /// Loss of the last discriminator or critic step of the iteration, on its batch: the
    /// BCE for a GAN; for a WGAN mean f(fake) − mean f(real), the negated W estimate.
    pub adversary_loss: f64,
    /// Generator loss on its batch, before its update.
    pub generator_loss: f64,
    /// Discriminator or critic steps taken in this iteration.
    pub n_adversary_steps: usize,
}

/// Measurements on the fixed evaluation sets, without training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvaluationRecord {
    /// Generator steps done when measured.
    pub generator_step: usize,
    /// Exact W₁ between the fixed real batch and the generator's image of the fixed noise
    /// batch, by the network simplex.
    pub w1_exact: f64,
    /// WGAN: mean f(real) − mean f(fake) on the same batches (an estimate of K·W₁).
    pub critic_estimate: Option<f64>,
    /// GAN: fraction of the two batches the discriminator classifies right (logit > 0 ⇔
    /// real).
    pub discriminator_accuracy: Option<f64>,
    /// GAN: ln 2 − ½ BCE, the lower bound on JS(P_r, P_g) the discriminator certifies
    /// (½ L(D, g) + ln 2, Arjovsky and Bottou 2017).
    pub js_lower_bound: Option<f64>,
    /// Norm of the generator's parameter gradient under its training cost, on the
    /// fixed noise batch.
    pub generator_gradient_norm: f64,
}

/// Everything a training run recorded, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingHistory {
    /// One record per generator step.
    pub steps: Vec<StepRecord>,
    /// One record per evaluation (before training and every k generator steps).
    pub evaluations: Vec<EvaluationRecord>,
}

/// What the trainer reports to a callback.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// A generator step finished.
    Step(&'a StepRecord),
    /// An evaluation finished.
    Evaluation(&'a EvaluationRecord),
}

impl TrainingHistory {
    /// The step records as CSV with a header line.
    #[must_use]
    pub fn steps_csv(&self) -> String {
        let mut csv =
            String::from("generator_step,adversary_loss,generator_loss,n_adversary_steps\n");
        for s in &self.steps {
            // writing to a String cannot fail
            let _ = writeln!(
                csv,
                "{},{},{},{}",
                s.generator_step, s.adversary_loss, s.generator_loss, s.n_adversary_steps
            );
        }
        csv
    }

    /// The evaluation records as CSV with a header line (empty cells for measurements
    /// that do not apply to the model).
    #[must_use]
    pub fn evaluations_csv(&self) -> String {
        let mut csv = String::from(
            "generator_step,w1_exact,critic_estimate,discriminator_accuracy,js_lower_bound,\
             generator_gradient_norm\n",
        );
        let cell = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
        for e in &self.evaluations {
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{}",
                e.generator_step,
                e.w1_exact,
                cell(e.critic_estimate),
                cell(e.discriminator_accuracy),
                cell(e.js_lower_bound),
                e.generator_gradient_norm
            );
        }
        csv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_and_one_line_per_record() {
        let history = TrainingHistory {
            steps: vec![StepRecord {
                generator_step: 0,
                adversary_loss: -0.5,
                generator_loss: 0.25,
                n_adversary_steps: 5,
            }],
            evaluations: vec![EvaluationRecord {
                generator_step: 0,
                w1_exact: 1.5,
                critic_estimate: Some(0.1),
                discriminator_accuracy: None,
                js_lower_bound: None,
                generator_gradient_norm: 2.0,
            }],
        };
        assert_eq!(history.steps_csv().lines().nth(1), Some("0,-0.5,0.25,5"));
        assert_eq!(
            history.evaluations_csv().lines().nth(1),
            Some("0,1.5,0.1,,,2")
        );
    }
}
