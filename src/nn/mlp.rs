//! The multilayer perceptron: forward and backward passes over a batch.
//!
//! # Formula
//! With one sample per column (A₀ = X, `n_in × n`):
//!
//! ```text
//! forward:   Zₗ = Wₗ Aₗ₋₁ + bₗ 1ᵀ,     Aₗ = φₗ(Zₗ)
//! backward:  Δₗ = ∂L/∂Aₗ ⊙ φₗ'(Aₗ)
//!            ∂L/∂Wₗ = Δₗ Aₗ₋₁ᵀ,     ∂L/∂bₗ = Δₗ 1,     ∂L/∂Aₗ₋₁ = Wₗᵀ Δₗ
//! ```
//!
//! The loss L is whatever produced the output gradient ∂L/∂A_L; for a mean over the batch
//! the 1/n factor belongs in that gradient (the losses of [`crate::nn::loss`] include it).
//!
//! # Complexity
//! One matrix product per layer forward and two backward (one when only the parameter or
//! only the input gradient is wanted): O(n Σₗ n_in,ₗ n_out,ₗ) flops. A [`Workspace`] holds
//! every intermediate buffer, so repeated passes at a fixed batch size allocate nothing.

use nalgebra::{DMatrix, DMatrixView, DVector, Dyn};
use rand::Rng;

use crate::error::{Error, Result};
use crate::nn::{Activation, Dense, Float, Initialization};

/// A feed-forward network of [`Dense`] layers.
///
/// # Examples
/// ```
/// use gan_divergences::nn::{Activation, Initialization, Mlp, Workspace};
/// use nalgebra::DMatrix;
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let net: Mlp<f64> = Mlp::random(
///     &[2, 16, 1], Activation::Relu, Activation::Identity, Initialization::HeNormal, &mut rng,
/// )?;
/// let x = DMatrix::from_column_slice(2, 3, &[0.0, 1.0, 1.0, 0.0, -1.0, 2.0]);
/// let mut workspace = Workspace::new(&net, 3);
/// let y = net.forward(&x, &mut workspace)?;
/// assert_eq!(y.shape(), (1, 3));
/// # Ok::<(), gan_divergences::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp<T: Float> {
    layers: Vec<Dense<T>>,
}

/// Gradients with respect to every weight and bias of an [`Mlp`], in the shapes of the
/// parameters. Also the shape of optimizer state.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient<T: Float> {
    pub(crate) weights: Vec<DMatrix<T>>,
    pub(crate) biases: Vec<DVector<T>>,
}

/// Reusable buffers for forward and backward passes of one network at one batch size.
///
/// Build it once with [`Workspace::new`]; passes at another batch size resize it.
#[derive(Debug, Clone)]
pub struct Workspace<T: Float> {
    pub(crate) input: DMatrix<T>,
    pub(crate) activations: Vec<DMatrix<T>>,
    pub(crate) deltas: Vec<DMatrix<T>>,
    pub(crate) input_grad: DMatrix<T>,
    /// Room for a transposed thin weight matrix or one row of a product.
    pub(crate) scratch: Vec<T>,
}

impl<T: Float> Mlp<T> {
    /// A network from its layers, first to last.
    ///
    /// # Errors
    /// [`Error::Empty`] with no layers; [`Error::DimensionMismatch`] if a layer's inputs
    /// differ from the previous layer's outputs.
    pub fn new(layers: Vec<Dense<T>>) -> Result<Self> {
        if layers.is_empty() {
            return Err(Error::Empty {
                what: "network layers",
            });
        }
        for pair in layers.windows(2) {
            if pair[0].n_outputs() != pair[1].n_inputs() {
                return Err(Error::DimensionMismatch {
                    what: "layer inputs",
                    expected: pair[0].n_outputs(),
                    found: pair[1].n_inputs(),
                });
            }
        }
        Ok(Mlp { layers })
    }

    /// A random network with layer widths `sizes = [n_in, h₁, …, n_out]`, activation
    /// `hidden` after every hidden layer and `output` after the last.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `sizes` has fewer than two entries or a zero, and the
    /// errors of [`Dense::random`].
    pub fn random<R: Rng + ?Sized>(
        sizes: &[usize],
        hidden: Activation,
        output: Activation,
        init: Initialization,
        rng: &mut R,
    ) -> Result<Self> {
        if sizes.len() < 2 {
            return Err(Error::InvalidParameter {
                name: "layer sizes",
                reason: "need at least an input and an output size",
            });
        }
        let n_layers = sizes.len() - 1;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(l, w)| {
                let activation = if l + 1 == n_layers { output } else { hidden };
                Dense::random(w[0], w[1], activation, init, rng)
            })
            .collect::<Result<Vec<_>>>()?;
        Mlp::new(layers)
    }

    /// The layers, first to last.
    #[must_use]
    pub fn layers(&self) -> &[Dense<T>] {
        &self.layers
    }

    /// Mutable layers (shapes cannot change through [`Dense`]'s methods).
    pub fn layers_mut(&mut self) -> &mut [Dense<T>] {
        &mut self.layers
    }

    /// Input dimension.
    #[must_use]
    pub fn n_inputs(&self) -> usize {
        self.layers.first().map_or(0, Dense::n_inputs)
    }

    /// Output dimension.
    #[must_use]
    pub fn n_outputs(&self) -> usize {
        self.layers.last().map_or(0, Dense::n_outputs)
    }

    /// Total number of weights and biases.
    #[must_use]
    pub fn n_parameters(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weight.len() + l.bias.len())
            .sum()
    }

    /// Weight clipping: every weight and bias is clamped to [−c, c] (WGAN, Algorithm 1).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless c is finite and > 0.
    pub fn clip_parameters(&mut self, c: f64) -> Result<()> {
        if !(c.is_finite() && c > 0.0) {
            return Err(Error::InvalidParameter {
                name: "clip",
                reason: "must be finite and > 0",
            });
        }
        self.clip_unchecked(T::of_f64(c));
        Ok(())
    }

    pub(crate) fn clip_unchecked(&mut self, c: T) {
        for slice in self.parameter_slices_mut() {
            slice.iter_mut().for_each(|w| *w = w.clamp(-c, c));
        }
    }

    /// Weight and bias buffers in a fixed order (per layer: weight, then bias).
    pub(crate) fn parameter_slices_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.layers
            .iter_mut()
            .flat_map(|l| [l.weight.as_mut_slice(), l.bias.as_mut_slice()])
    }

    /// Runs the network on a batch (`n_in × n`, one sample per column) and returns the
    /// outputs (`n_out × n`), which stay in the workspace for a backward pass.
    ///
    /// # Errors
    /// [`Error::Empty`] for a batch without samples, [`Error::DimensionMismatch`] if the
    /// rows differ from the input dimension, [`Error::NonFinite`] for NaN or ±∞ input.
    pub fn forward<'w>(
        &self,
        input: &DMatrix<T>,
        workspace: &'w mut Workspace<T>,
    ) -> Result<&'w DMatrix<T>> {
        self.check_input(input)?;
        workspace.fit(self, input.ncols());
        workspace.input.copy_from(input);
        self.forward_unchecked(workspace);
        Ok(workspace.output())
    }

    /// Convenience forward pass that allocates its own workspace.
    ///
    /// # Errors
    /// As [`Mlp::forward`].
    pub fn predict(&self, input: &DMatrix<T>) -> Result<DMatrix<T>> {
        let mut workspace = Workspace::new(self, input.ncols());
        self.forward(input, &mut workspace).cloned()
    }

    /// Backward pass after [`Mlp::forward`]: writes ∂L/∂θ into `gradient` (overwriting it)
    /// and ∂L/∂X into the workspace ([`Workspace::input_gradient`]).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `output_grad` is not `n_out × n` for the batch of the
    /// last forward pass, or `gradient` does not have this network's shapes.
    pub fn backward(
        &self,
        workspace: &mut Workspace<T>,
        output_grad: &DMatrix<T>,
        gradient: &mut Gradient<T>,
    ) -> Result<()> {
        self.load_output_grad(workspace, output_grad)?;
        gradient.check_shapes(self)?;
        self.backward_unchecked(workspace, Some(gradient), true);
        Ok(())
    }

    /// Backward pass to the input only (∂L/∂X, `n_in × n`), without parameter gradients,
    /// e.g. a discriminator's gradient passed on to a generator.
    ///
    /// # Errors
    /// As [`Mlp::backward`] for `output_grad`.
    pub fn input_gradient<'w>(
        &self,
        workspace: &'w mut Workspace<T>,
        output_grad: &DMatrix<T>,
    ) -> Result<&'w DMatrix<T>> {
        self.load_output_grad(workspace, output_grad)?;
        self.backward_unchecked(workspace, None, true);
        Ok(&workspace.input_grad)
    }

    fn check_input(&self, input: &DMatrix<T>) -> Result<()> {
        if input.ncols() == 0 {
            return Err(Error::Empty {
                what: "network input batch",
            });
        }
        if input.nrows() != self.n_inputs() {
            return Err(Error::DimensionMismatch {
                what: "network input",
                expected: self.n_inputs(),
                found: input.nrows(),
            });
        }
        match input.iter().position(|v| !v.is_finite()) {
            Some(index) => Err(Error::NonFinite {
                what: "network input",
                index,
            }),
            None => Ok(()),
        }
    }

    fn load_output_grad(&self, workspace: &mut Workspace<T>, grad: &DMatrix<T>) -> Result<()> {
        self.check_workspace(workspace)?;
        let expected = workspace.output().shape();
        if grad.nrows() != expected.0 {
            return Err(Error::DimensionMismatch {
                what: "output gradient rows",
                expected: expected.0,
                found: grad.nrows(),
            });
        }
        if grad.ncols() != expected.1 {
            return Err(Error::DimensionMismatch {
                what: "output gradient columns",
                expected: expected.1,
                found: grad.ncols(),
            });
        }
        workspace.output_grad_mut().copy_from(grad);
        Ok(())
    }

    /// Checks that `workspace` was sized for a network of this one's layer widths.
    fn check_workspace(&self, workspace: &Workspace<T>) -> Result<()> {
        if workspace.activations.len() != self.layers.len() {
            return Err(Error::LengthMismatch {
                what: "workspace layers",
                expected: self.layers.len(),
                found: workspace.activations.len(),
            });
        }
        let widths =
            std::iter::once(self.n_inputs()).chain(self.layers.iter().map(Dense::n_outputs));
        let buffers = std::iter::once(&workspace.input).chain(&workspace.activations);
        match widths
            .zip(buffers)
            .find(|(width, buffer)| *width != buffer.nrows())
        {
            Some((expected, buffer)) => Err(Error::DimensionMismatch {
                what: "workspace layer width",
                expected,
                found: buffer.nrows(),
            }),
            None => Ok(()),
        }
    }

    /// Forward pass on `workspace.input`, which must already have this network's shapes.
    pub(crate) fn forward_unchecked(&self, workspace: &mut Workspace<T>) {
        debug_assert!(workspace.fits(self));
        let Workspace {
            input,
            activations,
            scratch,
            ..
        } = workspace;
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = activations.split_at_mut(l);
            let previous = done.last().unwrap_or(input);
            let current = &mut rest[0];

            // Z = W A + b 1ᵀ, then A = φ(Z) in place
            kernels::product(&layer.weight, previous, current, scratch);
            add_bias_and_activate(current, &layer.bias, layer.activation);
        }
    }

    /// Backward pass from the output gradient already stored in the workspace's last delta.
    /// Parameter gradients go to `gradient` when given; ∂L/∂X is computed when
    /// `input_grad` is set.
    pub(crate) fn backward_unchecked(
        &self,
        workspace: &mut Workspace<T>,
        mut gradient: Option<&mut Gradient<T>>,
        input_grad: bool,
    ) {
        let Workspace {
            input,
            activations,
            deltas,
            input_grad: input_grad_buffer,
            scratch,
        } = workspace;
        for l in (0..self.layers.len()).rev() {
            let layer = &self.layers[l];
            let (lower, upper) = deltas.split_at_mut(l);
            let delta = &mut upper[0];

            // Δ = ∂L/∂A ⊙ φ'(A)
            layer
                .activation
                .backward_mut(activations[l].as_slice(), delta.as_mut_slice());

            // ∂L/∂W = Δ Aₗ₋₁ᵀ and ∂L/∂b = Δ 1
            let previous = if l == 0 { &*input } else { &activations[l - 1] };
            if let Some(gradient) = gradient.as_deref_mut() {
                let weight_grad = &mut gradient.weights[l];
                kernels::product_transposed_right(delta, previous, weight_grad, scratch);
                row_sums(delta, &mut gradient.biases[l]);
            }

            // ∂L/∂Aₗ₋₁ = Wₗᵀ Δ
            if l > 0 {
                kernels::product_transposed_left(&layer.weight, delta, &mut lower[l - 1], scratch);
            } else if input_grad {
                kernels::product_transposed_left(&layer.weight, delta, input_grad_buffer, scratch);
            }
        }
    }
}

fn add_bias_and_activate<T: Float>(z: &mut DMatrix<T>, bias: &DVector<T>, phi: Activation) {
    let b = bias.as_slice();
    for mut column in z.column_iter_mut() {
        let values = column.as_mut_slice();
        values.iter_mut().zip(b).for_each(|(v, &bi)| *v += bi);
        phi.apply_mut(values);
    }
}

fn row_sums<T: Float>(delta: &DMatrix<T>, out: &mut DVector<T>) {
    out.fill(T::zero());
    let sums = out.as_mut_slice();
    for column in delta.as_slice().chunks_exact(sums.len()) {
        sums.iter_mut().zip(column).for_each(|(s, &d)| *s += d);
    }
}

impl<T: Float> Gradient<T> {
    /// A zero gradient in the shapes of `net`.
    #[must_use]
    pub fn zeros_like(net: &Mlp<T>) -> Self {
        Gradient {
            weights: net
                .layers
                .iter()
                .map(|l| DMatrix::zeros(l.n_outputs(), l.n_inputs()))
                .collect(),
            biases: net
                .layers
                .iter()
                .map(|l| DVector::zeros(l.n_outputs()))
                .collect(),
        }
    }

    /// ∂L/∂Wₗ for layer `l` (`None` past the last layer).
    #[must_use]
    pub fn weight(&self, l: usize) -> Option<&DMatrix<T>> {
        self.weights.get(l)
    }

    /// ∂L/∂bₗ for layer `l` (`None` past the last layer).
    #[must_use]
    pub fn bias(&self, l: usize) -> Option<&DVector<T>> {
        self.biases.get(l)
    }

    /// Euclidean norm of the whole gradient, ‖∇θ L‖₂, accumulated in f64.
    #[must_use]
    pub fn norm(&self) -> f64 {
        self.slices()
            .flat_map(|s| s.iter())
            .map(|v| v.as_f64() * v.as_f64())
            .sum::<f64>()
            .sqrt()
    }

    /// All entries as f64, per layer weight then bias, column-major.
    #[must_use]
    pub fn to_vec_f64(&self) -> Vec<f64> {
        self.slices()
            .flat_map(|s| s.iter().map(|v| v.as_f64()))
            .collect()
    }

    pub(crate) fn slices(&self) -> impl Iterator<Item = &[T]> {
        self.weights
            .iter()
            .zip(&self.biases)
            .flat_map(|(w, b)| [w.as_slice(), b.as_slice()])
    }

    pub(crate) fn slices_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.weights
            .iter_mut()
            .zip(self.biases.iter_mut())
            .flat_map(|(w, b)| [w.as_mut_slice(), b.as_mut_slice()])
    }

    pub(crate) fn check_shapes(&self, net: &Mlp<T>) -> Result<()> {
        if self.weights.len() != net.layers.len() {
            return Err(Error::LengthMismatch {
                what: "gradient layers",
                expected: net.layers.len(),
                found: self.weights.len(),
            });
        }
        let pairs = self.weights.iter().zip(&self.biases).zip(&net.layers);
        for ((w, b), layer) in pairs {
            let mismatch = |what, expected, found| Error::DimensionMismatch {
                what,
                expected,
                found,
            };
            if w.nrows() != layer.n_outputs() || b.len() != layer.n_outputs() {
                let found = if w.nrows() != layer.n_outputs() {
                    w.nrows()
                } else {
                    b.len()
                };
                return Err(mismatch("gradient outputs", layer.n_outputs(), found));
            }
            if w.ncols() != layer.n_inputs() {
                return Err(mismatch(
                    "gradient weight columns",
                    layer.n_inputs(),
                    w.ncols(),
                ));
            }
        }
        Ok(())
    }
}

impl<T: Float> Workspace<T> {
    /// Buffers for `net` at batch size `batch`.
    #[must_use]
    pub fn new(net: &Mlp<T>, batch: usize) -> Self {
        let mut workspace = Workspace {
            input: DMatrix::zeros(0, 0),
            activations: Vec::new(),
            deltas: Vec::new(),
            input_grad: DMatrix::zeros(0, 0),
            scratch: Vec::new(),
        };
        workspace.fit(net, batch);
        workspace
    }

    /// Batch size the buffers currently have.
    #[must_use]
    pub fn batch_size(&self) -> usize {
        self.input.ncols()
    }

    /// Network outputs of the last forward pass (`n_out × n`).
    #[must_use]
    pub fn output(&self) -> &DMatrix<T> {
        self.activations.last().unwrap_or(&self.input)
    }

    /// ∂L/∂X of the last backward pass that computed it (`n_in × n`).
    #[must_use]
    pub fn input_gradient(&self) -> &DMatrix<T> {
        &self.input_grad
    }

    /// The buffer the output gradient ∂L/∂A_L goes into before a backward pass.
    pub(crate) fn output_grad_mut(&mut self) -> &mut DMatrix<T> {
        let n = self.deltas.len();
        &mut self.deltas[n - 1]
    }

    fn fits(&self, net: &Mlp<T>) -> bool {
        self.activations.len() == net.layers.len()
            && self.input.nrows() == net.n_inputs()
            && self
                .activations
                .iter()
                .zip(&net.layers)
                .all(|(a, l)| a.nrows() == l.n_outputs() && a.ncols() == self.input.ncols())
    }

    /// Reshapes the buffers for `net` at `batch` (no allocation when they already fit).
    pub(crate) fn fit(&mut self, net: &Mlp<T>, batch: usize) {
        if self.fits(net) && self.input.ncols() == batch {
            return;
        }
        self.input = DMatrix::zeros(net.n_inputs(), batch);
        self.input_grad = DMatrix::zeros(net.n_inputs(), batch);
        self.activations = net
            .layers
            .iter()
            .map(|l| DMatrix::zeros(l.n_outputs(), batch))
            .collect();
        self.deltas = self.activations.clone();
    }
}

/// The three matrix products of a layer, C = A B, C = A Bᵀ and C = Aᵀ B: on nalgebra's
/// `gemm` (matrixmultiply, with transposes as strided views) when every dimension exceeds
/// [`kernels::GEMM_MIN`], and on direct loops otherwise.
///
/// The direct loops keep their inner loop long and contiguous, so it vectorizes. A thin
/// weight matrix W (few outputs: the 1-output critic, the 2-output toy generator) is first
/// copied transposed into the workspace's scratch buffer, so that its rows are contiguous.
/// Below `GEMM_MIN` nalgebra's `gemm` itself falls back to vector updates that are slow for
/// a thin factor and mis-handle strided (transposed) views, so they are never reached.
mod kernels {
    use super::*;

    /// nalgebra hands a product to matrixmultiply only when all dimensions exceed 5.
    pub(super) const GEMM_MIN: usize = 5;

    fn use_gemm(m: usize, k: usize, n: usize) -> bool {
        m > GEMM_MIN && k > GEMM_MIN && n > GEMM_MIN
    }

    fn transposed<T: Float>(m: &DMatrix<T>) -> DMatrixView<'_, T, Dyn, Dyn> {
        DMatrixView::from_slice_with_strides(m.as_slice(), m.ncols(), m.nrows(), m.nrows(), 1)
    }

    /// Copies Aᵀ (column-major `k × m`: row i of A becomes contiguous) into `scratch`.
    fn transpose_into<'s, T: Float>(a: &DMatrix<T>, scratch: &'s mut Vec<T>) -> &'s [T] {
        let (m, k) = a.shape();
        scratch.clear();
        scratch.extend(
            (0..m)
                .flat_map(|i| (0..k).map(move |p| (i, p)))
                .map(|(i, p)| a[(i, p)]),
        );
        &scratch[..m * k]
    }

    /// x · y with eight independent partial sums, so the loop vectorizes.
    fn dot<T: Float>(x: &[T], y: &[T]) -> T {
        let mut partial = [T::zero(); 8];
        let (xs, ys) = (x.chunks_exact(8), y.chunks_exact(8));
        let tail = xs.remainder().iter().zip(ys.remainder());
        let tail = tail.fold(T::zero(), |s, (&a, &b)| s + a * b);
        for (a, b) in xs.zip(ys) {
            for i in 0..8 {
                partial[i] += a[i] * b[i];
            }
        }
        partial.iter().fold(tail, |s, &p| s + p)
    }

    fn axpy<T: Float>(alpha: T, x: &[T], y: &mut [T]) {
        y.iter_mut().zip(x).for_each(|(yi, &xi)| *yi += alpha * xi);
    }

    /// C = A B (forward: Z = W A).
    pub(super) fn product<T: Float>(
        a: &DMatrix<T>,
        b: &DMatrix<T>,
        c: &mut DMatrix<T>,
        scratch: &mut Vec<T>,
    ) {
        let (m, k) = a.shape();
        if use_gemm(m, k, b.ncols()) {
            c.gemm(T::one(), a, b, T::zero());
        } else if m <= GEMM_MIN {
            // thin A: C[i, j] = A[i, :] · B[:, j] on the contiguous rows of Aᵀ
            let at = transpose_into(a, scratch);
            for (cj, bj) in c.as_mut_slice().chunks_exact_mut(m).zip(b.column_iter()) {
                for (v, ai) in cj.iter_mut().zip(at.chunks_exact(k)) {
                    *v = dot(ai, bj.as_slice());
                }
            }
        } else {
            // C[:, j] = Σₚ A[:, p] B[p, j]
            for (cj, bj) in c.as_mut_slice().chunks_exact_mut(m).zip(b.column_iter()) {
                cj.fill(T::zero());
                for (ap, &bpj) in a.as_slice().chunks_exact(m).zip(bj.iter()) {
                    axpy(bpj, ap, cj);
                }
            }
        }
    }

    /// C = A Bᵀ (weight gradient: ∂W = Δ Aₗ₋₁ᵀ).
    pub(super) fn product_transposed_right<T: Float>(
        a: &DMatrix<T>,
        b: &DMatrix<T>,
        c: &mut DMatrix<T>,
        scratch: &mut Vec<T>,
    ) {
        let (m, n) = a.shape();
        let k = b.nrows();
        if use_gemm(m, n, k) {
            c.gemm(T::one(), a, &transposed(b), T::zero());
        } else if m <= GEMM_MIN {
            // thin C: row i of C is Σⱼ A[i, j] B[:, j]ᵀ, accumulated contiguously
            scratch.clear();
            scratch.resize(k, T::zero());
            for i in 0..m {
                scratch.fill(T::zero());
                for (j, bj) in b.column_iter().enumerate() {
                    axpy(a[(i, j)], bj.as_slice(), scratch);
                }
                for (p, &v) in scratch.iter().enumerate() {
                    c[(i, p)] = v;
                }
            }
        } else {
            // C[:, p] = Σⱼ A[:, j] B[p, j], accumulated column by column of A and B
            c.fill(T::zero());
            let cs = c.as_mut_slice();
            for (aj, bj) in a.column_iter().zip(b.column_iter()) {
                for (cp, &bpj) in cs.chunks_exact_mut(m).zip(bj.iter()) {
                    axpy(bpj, aj.as_slice(), cp);
                }
            }
        }
    }

    /// C = Aᵀ B (input gradient: ∂Aₗ₋₁ = Wᵀ Δ).
    pub(super) fn product_transposed_left<T: Float>(
        a: &DMatrix<T>,
        b: &DMatrix<T>,
        c: &mut DMatrix<T>,
        scratch: &mut Vec<T>,
    ) {
        let (m, k) = a.shape();
        if use_gemm(k, m, b.ncols()) {
            c.gemm(T::one(), &transposed(a), b, T::zero());
        } else if m <= GEMM_MIN {
            // thin A: C[:, j] = Σᵢ A[i, :]ᵀ B[i, j] on the contiguous rows of Aᵀ
            let at = transpose_into(a, scratch);
            for (cj, bj) in c.as_mut_slice().chunks_exact_mut(k).zip(b.column_iter()) {
                cj.fill(T::zero());
                for (ai, &bij) in at.chunks_exact(k).zip(bj.iter()) {
                    axpy(bij, ai, cj);
                }
            }
        } else {
            // C[p, j] = A[:, p] · B[:, j]
            for (cj, bj) in c.as_mut_slice().chunks_exact_mut(k).zip(b.column_iter()) {
                for (v, ap) in cj.iter_mut().zip(a.as_slice().chunks_exact(m)) {
                    *v = dot(ap, bj.as_slice());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(w: &[f64], rows: usize, cols: usize, b: &[f64], phi: Activation) -> Dense<f64> {
        Dense::new(
            DMatrix::from_row_slice(rows, cols, w),
            DVector::from_column_slice(b),
            phi,
        )
        .unwrap()
    }

    #[test]
    fn forward_by_hand() {
        // 2 → 2 (ReLU) → 1: h = relu([x₁ − x₂, x₁ + x₂ − 1]), y = h₁ + 2 h₂
        let net = Mlp::new(vec![
            layer(&[1.0, -1.0, 1.0, 1.0], 2, 2, &[0.0, -1.0], Activation::Relu),
            layer(&[1.0, 2.0], 1, 2, &[0.0], Activation::Identity),
        ])
        .unwrap();
        let x = DMatrix::from_column_slice(2, 2, &[3.0, 1.0, 0.0, 0.5]);
        let y = net.predict(&x).unwrap();
        assert_eq!(y.as_slice(), &[2.0 + 6.0, 0.0]);
    }

    #[test]
    fn shape_errors_are_reported() {
        let net = Mlp::new(vec![layer(&[1.0, 2.0], 1, 2, &[0.0], Activation::Tanh)]).unwrap();
        let mut ws = Workspace::new(&net, 1);
        let bad = DMatrix::<f64>::zeros(3, 1);
        assert!(matches!(
            net.forward(&bad, &mut ws),
            Err(Error::DimensionMismatch {
                expected: 2,
                found: 3,
                ..
            })
        ));
        let empty = DMatrix::<f64>::zeros(2, 0);
        assert!(matches!(
            net.forward(&empty, &mut ws),
            Err(Error::Empty { .. })
        ));
        let nan = DMatrix::from_column_slice(2, 1, &[0.0, f64::NAN]);
        assert!(matches!(
            net.forward(&nan, &mut ws),
            Err(Error::NonFinite { index: 1, .. })
        ));
        let mismatched = vec![
            layer(&[1.0, 2.0], 1, 2, &[0.0], Activation::Tanh),
            layer(&[1.0, 2.0], 1, 2, &[0.0], Activation::Tanh),
        ];
        assert!(matches!(
            Mlp::new(mismatched),
            Err(Error::DimensionMismatch { .. })
        ));
        assert!(matches!(Mlp::<f64>::new(vec![]), Err(Error::Empty { .. })));
    }

    #[test]
    fn backward_with_another_networks_workspace_names_the_width() {
        let tanh = |w: &[f64], rows, cols, b: &[f64]| layer(w, rows, cols, b, Activation::Tanh);
        let narrow = Mlp::new(vec![
            tanh(&[1.0; 6], 3, 2, &[0.0; 3]),
            tanh(&[1.0; 3], 1, 3, &[0.0]),
        ])
        .unwrap();
        let wide = Mlp::new(vec![
            tanh(&[1.0; 8], 4, 2, &[0.0; 4]),
            tanh(&[1.0; 4], 1, 4, &[0.0]),
        ])
        .unwrap();
        let mut ws = Workspace::new(&narrow, 2);
        narrow.forward(&DMatrix::zeros(2, 2), &mut ws).unwrap();
        let mut gradient = Gradient::zeros_like(&wide);
        let err = wide.backward(&mut ws, &DMatrix::zeros(1, 2), &mut gradient);
        assert_eq!(
            err,
            Err(Error::DimensionMismatch {
                what: "workspace layer width",
                expected: 4,
                found: 3
            })
        );
    }

    #[test]
    fn clipping_bounds_every_parameter() {
        let mut net = Mlp::new(vec![layer(&[1.0, -2.0], 1, 2, &[0.5], Activation::Tanh)]).unwrap();
        net.clip_parameters(0.1).unwrap();
        assert_eq!(net.layers()[0].weight().as_slice(), &[0.1, -0.1]);
        assert_eq!(net.layers()[0].bias().as_slice(), &[0.1]);
        assert!(net.clip_parameters(0.0).is_err());
    }
}
