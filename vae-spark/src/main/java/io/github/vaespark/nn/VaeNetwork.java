package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import java.util.List;

/**
 * Forward and backward passes of a VAE over a block of rows stacked as matrix columns, with all
 * layer products done as GEMM. Stateless apart from its layout and kernels: parameters, gradients
 * and buffers are passed in, so one instance serves every thread.
 *
 * <p>The objective for a row x with noise ε is the negative ELBO
 * -log p(x | z) + β·KL(q(z|x) ‖ N(0, I)) with z = μ(x) + σ(x)·ε.
 *
 * @param <A> the primitive array type of the kernels
 */
public final class VaeNetwork<A> {
    private final VaeLayout layout;
    private final Kernels<A> k;
    /** The encoder's layers and head, and the decoder's layers and output, for {@link Kernels#runDenseStack}. */
    private final List<VaeLayout.Dense> encoderStack;
    private final List<VaeLayout.Dense> decoderStack;

    public VaeNetwork(VaeLayout layout, Kernels<A> kernels) {
        this.layout = layout;
        this.k = kernels;
        List<VaeLayout.Dense> all = layout.allDense();  // in parameter order: encoder, head, decoder, output
        int encoderEnd = layout.encoderDepth() + 1;
        this.encoderStack = List.copyOf(all.subList(0, encoderEnd));
        this.decoderStack = List.copyOf(all.subList(encoderEnd, all.size()));
    }

    public VaeLayout layout() {
        return layout;
    }

    public Kernels<A> kernels() {
        return k;
    }

    /** A workspace sized for this network. */
    public Workspace<A> newWorkspace(int capacity) {
        return new Workspace<>(layout, k, capacity);
    }

    private void dense(A params, VaeLayout.Dense d, DenseMatrix<?> in, DenseMatrix<?> out, Activation act) {
        k.dense(params, d.weightOffset(), d.biasOffset(), in, out, act);
    }

    /**
     * Runs the encoder; returns [μ; log σ²] (2·latentDim × n) in the workspace. The hidden layers'
     * outputs stay in the workspace for the backward pass, except where the kernels run the whole
     * encoder at once (inference with constant weights, {@link Kernels#runDenseStack}).
     */
    public DenseMatrix<?> encode(A params, DenseMatrix<?> x, Workspace<A> ws) {
        int n = x.cols();
        if (k.runDenseStack(params, encoderStack, layout.activation(), x, ws.head(n))) {
            return ws.head(n);
        }
        DenseMatrix<?> a = x;
        for (int i = 0; i < layout.encoderDepth(); i++) {
            DenseMatrix<?> out = ws.encoder(i, n);
            dense(params, layout.encoderLayer(i), a, out, layout.activation());
            a = out;
        }
        DenseMatrix<?> head = ws.head(n);
        dense(params, layout.head(), a, head, null);
        return head;
    }

    /** Weight columns [from, to) of a dense layer (its inputs from … to-1). */
    private DenseMatrix<?> weightColumns(A params, VaeLayout.Dense d, int from, int to) {
        return k.matrix(params, d.weightOffset() + from * d.out(), d.out(), to - from);
    }

    /** The condition rows of a data matrix (features then conditions), or null without conditions. */
    public DenseMatrix<?> conditions(DenseMatrix<?> data) {
        return layout.conditionDim() == 0 ? null
                : k.rowRange(data, layout.inputDim(), layout.dataDim());
    }

    /** The feature rows of a data matrix (the data itself without conditions). */
    public DenseMatrix<?> features(DenseMatrix<?> data) {
        return layout.conditionDim() == 0 ? data : k.rowRange(data, 0, layout.inputDim());
    }

    /**
     * Runs the decoder on {@code z} (latentDim × n); returns its raw output (logits or means) in
     * the workspace. For a conditional layout use {@link #decodeRaw(Object, DenseMatrix, DenseMatrix, Workspace)}.
     */
    public DenseMatrix<?> decodeRaw(A params, DenseMatrix<?> z, Workspace<A> ws) {
        return decodeRaw(params, z, null, ws);
    }

    /**
     * Runs the decoder on [z; c] ({@code conditions}: conditionDim × n, null when the layout has
     * none); returns its raw output (logits, means or mixed) in the workspace. Without conditions
     * the kernels may run the whole decoder at once, keeping no hidden outputs (as in {@link #encode}).
     */
    public DenseMatrix<?> decodeRaw(A params, DenseMatrix<?> z, DenseMatrix<?> conditions, Workspace<A> ws) {
        if ((conditions == null) != (layout.conditionDim() == 0)) {
            throw new IllegalArgumentException("This decoder takes " + layout.conditionDim() + " condition entries");
        }
        int n = z.cols();
        if (conditions == null && k.runDenseStack(params, decoderStack, layout.activation(), z, ws.output(n))) {
            return ws.output(n);
        }
        DenseMatrix<?> a = z;
        for (int i = 0; i <= layout.decoderDepth(); i++) {
            boolean last = i == layout.decoderDepth();
            VaeLayout.Dense d = last ? layout.output() : layout.decoderLayer(i);
            DenseMatrix<?> out = last ? ws.output(n) : ws.decoder(i, n);
            if (i == 0 && conditions != null) {
                int l = layout.latentDim();
                k.fillColumns(out, params, d.biasOffset());
                k.gemm(false, false, 1, weightColumns(params, d, 0, l), a, 1, out);
                k.gemm(false, false, 1, weightColumns(params, d, l, d.in()), conditions, 1, out);
                if (!last) {
                    k.activate(out, layout.activation());
                }
            } else {
                dense(params, d, a, out, last ? null : layout.activation());
            }
            a = out;
        }
        return a;
    }

    /** The decoder mean E[x | z]: probabilities (Bernoulli) or means (Gaussian), in the workspace. */
    public DenseMatrix<?> decodeMean(A params, DenseMatrix<?> z, Workspace<A> ws) {
        return decodeMean(params, z, null, ws);
    }

    /**
     * The decoder mean E[x | z, c]: probabilities (Bernoulli), means (Gaussian), or per segment
     * softmax/sigmoid probabilities and means (mixed), in the workspace.
     */
    public DenseMatrix<?> decodeMean(A params, DenseMatrix<?> z, DenseMatrix<?> conditions, Workspace<A> ws) {
        return toMean(decodeRaw(params, z, conditions, ws));
    }

    /** Turns a raw decoder output (from {@link #decodeRaw}) into the decoder mean, in place; returns it. */
    public DenseMatrix<?> toMean(DenseMatrix<?> out) {
        if (layout.likelihood() == Likelihood.BERNOULLI) {
            k.sigmoid(out);
        } else if (layout.likelihood() == Likelihood.MIXED) {
            double[] row = new double[layout.inputDim()];
            for (int j = 0; j < out.cols(); j++) {
                k.getColumn(out, j, row);
                MixedLikelihood.mean(layout.mixedColumns(), row);
                k.setColumn(out, j, row);
            }
        }
        return out;
    }

    /** Copies μ out of [μ; log σ²] into the workspace's latent buffer and returns it. */
    public DenseMatrix<?> latentMean(DenseMatrix<?> head, Workspace<A> ws) {
        int n = head.cols();
        int l = layout.latentDim();
        DenseMatrix<?> z = ws.latent(n);
        A h = k.data(head);
        A out = k.data(z);
        for (int j = 0; j < n; j++) {
            System.arraycopy(h, head.offset() + j * head.majorStride(), out, z.offset() + j * l, l);
        }
        return z;
    }

    /**
     * Reconstruction term -log p(x|z) for the decoder output in the workspace; with {@code grad}
     * set, the output buffer is replaced by its gradient (and Gaussian log-variance gradients are
     * added to {@code grad}).
     */
    private double reconstruction(A params, DenseMatrix<?> out, DenseMatrix<?> data, A grad, double[] perRow) {
        return reconstruction(params, out, data, grad, perRow, null);
    }

    private double reconstruction(A params, DenseMatrix<?> out, DenseMatrix<?> data, A grad, double[] perRow,
                                  double[][] perColumn) {
        DenseMatrix<?> x = features(data);
        return switch (layout.likelihood()) {
            case BERNOULLI -> k.bernoulliNll(out, x, grad != null, perRow);
            case GAUSSIAN -> k.gaussianNll(out, x, params, layout.logVarianceOffset(), grad, perRow);
            case MIXED -> mixedNll(params, out, x, grad, perRow, perColumn);
        };
    }

    /** The mixed likelihood, row by row in double (the GEMMs dominate; this is linear in the row's size). */
    private double mixedNll(A params, DenseMatrix<?> out, DenseMatrix<?> x, A grad, double[] perRow,
                            double[][] perColumn) {
        int d = layout.inputDim();
        int offset = layout.logVarianceOffset();
        double[] logVariance = new double[d];
        k.getColumn(k.matrix(params, offset, d, 1), 0, logVariance);
        MixedLikelihood.GaussianScales scales = MixedLikelihood.GaussianScales.of(logVariance);
        double[] logVarGrad = grad == null ? null : new double[d];
        double[] o = new double[d];
        double[] xs = new double[d];
        double total = 0;
        for (int j = 0; j < out.cols(); j++) {
            k.getColumn(out, j, o);
            k.getColumn(x, j, xs);
            double nll = MixedLikelihood.nll(layout.mixedColumns(), o, xs, scales, grad != null, logVarGrad,
                    perColumn == null ? null : perColumn[j]);
            if (grad != null) {
                k.setColumn(out, j, o);
            }
            if (perRow != null) {
                perRow[j] += nll;
            }
            total += nll;
        }
        if (grad != null) {
            DenseMatrix<?> g = k.matrix(grad, offset, d, 1);
            double[] current = new double[d];
            k.getColumn(g, 0, current);
            for (int i = 0; i < d; i++) {
                current[i] += logVarGrad[i];
            }
            k.setColumn(g, 0, current);
        }
        return total;
    }

    /**
     * Loss sums of the columns of {@code x} with the noise already in {@code ws.epsilon(n)}, and
     * their gradient added to {@code grad} (sums over rows, not means).
     *
     * @return the reconstruction and KL sums (the objective is reconstruction + beta·KL)
     */
    public LossSums accumulateGradient(A params, DenseMatrix<?> x, Workspace<A> ws, double beta, A grad) {
        return accumulateGradient(params, x, ws, beta, grad, null);
    }

    /**
     * As {@link #accumulateGradient(Object, DenseMatrix, Workspace, double, Object)}, telling
     * {@code listener} (if not null) after each layer that the tail of the parameter vector from that
     * layer on is finished.
     */
    public LossSums accumulateGradient(A params, DenseMatrix<?> x, Workspace<A> ws, double beta, A grad,
                                       BackwardListener listener) {
        return backward(params, x, x, ws, beta, grad, listener, 1);
    }

    /**
     * As {@link #accumulateGradient(Object, DenseMatrix, Workspace, double, Object, BackwardListener)}
     * into a {@code grad} whose contents on entry do not matter: each block of weights is written by
     * its one product (GEMM with beta 0: the bfloat16 GEMM then neither stages the old values nor
     * adds them), and only the other parameters (biases, log-variances) are zeroed first and added
     * to. The same values as accumulating into zeros, without clearing the whole vector.
     */
    public LossSums gradientInto(A params, DenseMatrix<?> x, Workspace<A> ws, double beta, A grad,
                                 BackwardListener listener) {
        return gradientInto(params, x, x, ws, beta, grad, listener);
    }

    /**
     * As {@link #gradientInto(Object, DenseMatrix, Workspace, double, Object, BackwardListener)} with
     * the encoder reading {@code encoderInput} (the rows of {@code x} with some cells hidden,
     * {@link CellMasking}) while the likelihood scores {@code x}.
     */
    public LossSums gradientInto(A params, DenseMatrix<?> x, DenseMatrix<?> encoderInput, Workspace<A> ws,
                                 double beta, A grad, BackwardListener listener) {
        if (x.cols() == 0) {
            k.zero(grad);
            return new LossSums();
        }
        for (VaeLayout.Dense d : layout.allDense()) {
            k.zero(grad, d.biasOffset(), d.biasOffset() + d.out());
        }
        if (layout.logVarianceOffset() >= 0) {
            k.zero(grad, layout.logVarianceOffset(), layout.numParams());
        }
        return backward(params, x, encoderInput, ws, beta, grad, listener, 0);
    }

    /**
     * The forward and backward pass; {@code weightBeta} is the beta of the weight-gradient products.
     * It is one {@link Kernels#beginPass() pass} of the kernels: no layer's weights or input change
     * between its forward and backward products.
     */
    private LossSums backward(A params, DenseMatrix<?> x, DenseMatrix<?> encoderInput, Workspace<A> ws, double beta,
                              A grad, BackwardListener listener, double weightBeta) {
        if (x.cols() == 0) {
            return new LossSums();
        }
        k.beginPass();
        try {
            return forwardAndBackward(params, x, encoderInput, ws, beta, grad, listener, weightBeta);
        } finally {
            k.endPass();
        }
    }

    private LossSums forwardAndBackward(A params, DenseMatrix<?> x, DenseMatrix<?> encoderInput, Workspace<A> ws,
                                        double beta, A grad, BackwardListener listener, double weightBeta) {
        int n = x.cols();
        DenseMatrix<?> head = encode(params, encoderInput, ws);
        DenseMatrix<?> eps = ws.epsilon(n);
        DenseMatrix<?> z = ws.latent(n);
        DenseMatrix<?> conditions = conditions(x);
        double kl = k.sampleLatent(head, eps, z, null);
        DenseMatrix<?> out = decodeRaw(params, z, conditions, ws);
        double recon = reconstruction(params, out, x, grad, null);
        if (listener != null && layout.logVarianceOffset() >= 0) {
            listener.tailDone(layout.logVarianceOffset());
        }

        // Decoder: out now holds d(loss)/d(output pre-activation).
        DenseMatrix<?> delta = out;
        boolean useA = true;
        for (int i = layout.decoderDepth(); i >= 0; i--) {
            VaeLayout.Dense d = i == layout.decoderDepth() ? layout.output() : layout.decoderLayer(i);
            if (i < layout.decoderDepth()) {
                k.activationBackward(delta, ws.decoder(i, n), layout.activation());
            }
            k.addRowSums(delta, grad, d.biasOffset());
            DenseMatrix<?> next;
            if (i == 0 && conditions != null) {
                // [z; c] input: the z columns pass the gradient on, the c columns only get weight gradients.
                int l = layout.latentDim();
                k.gemm(false, true, 1, delta, z, weightBeta, weightColumns(grad, d, 0, l));
                k.gemm(false, true, 1, delta, conditions, weightBeta, weightColumns(grad, d, l, d.in()));
                next = ws.delta(useA, l, n);
                k.gemm(true, false, 1, weightColumns(params, d, 0, l), delta, 0, next);
            } else {
                DenseMatrix<?> input = i == 0 ? z : ws.decoder(i - 1, n);
                next = ws.delta(useA, d.in(), n);
                k.denseBackward(params, d.weightOffset(), delta, input, weightBeta, grad, next);
            }
            delta = next;
            useA = !useA;
            if (listener != null) {
                listener.tailDone(d.weightOffset());
            }
        }

        // Latent: delta = d(loss)/dz; add the KL gradient and go through the reparameterisation.
        DenseMatrix<?> dHead = ws.delta(useA, 2 * layout.latentDim(), n);
        useA = !useA;
        k.latentBackward(head, eps, delta, beta, dHead);
        delta = dHead;

        // Encoder: the head, then the hidden layers.
        for (int i = layout.encoderDepth(); i >= 0; i--) {
            VaeLayout.Dense d = i == layout.encoderDepth() ? layout.head() : layout.encoderLayer(i);
            if (i < layout.encoderDepth()) {
                k.activationBackward(delta, ws.encoder(i, n), layout.activation());
            }
            k.addRowSums(delta, grad, d.biasOffset());
            if (i == 0) {
                firstLayerWeightGradient(params, d, delta, encoderInput, grad, listener, weightBeta);
            } else {
                DenseMatrix<?> next = ws.delta(useA, d.in(), n);
                k.denseBackward(params, d.weightOffset(), delta, ws.encoder(i - 1, n), weightBeta, grad, next);
                delta = next;
                useA = !useA;
            }
            if (listener != null) {
                listener.tailDone(d.weightOffset());
            }
        }
        return new LossSums(recon, kl, n);
    }

    /**
     * The first layer's weight gradient, delta·xᵀ, in column blocks from the last to the first,
     * reporting each finished block (with the bias, already done) to the listener.
     */
    private void firstLayerWeightGradient(A params, VaeLayout.Dense d, DenseMatrix<?> delta, DenseMatrix<?> x, A grad,
                                          BackwardListener listener, double weightBeta) {
        k.denseWeightGradientInBlocks(params, d.weightOffset(), delta, x, layout.firstLayerGradientBlocks(),
                weightBeta, grad, from -> {
                    if (listener != null && from > 0) {
                        listener.tailDone(d.weightOffset() + from * d.out());
                    }
                });
    }

    /**
     * Loss sums without gradient, with the noise already in {@code ws.epsilon(n)}; per-row terms
     * are added to the optional arrays.
     */
    public LossSums evaluate(A params, DenseMatrix<?> x, Workspace<A> ws, double[] reconPerRow, double[] klPerRow) {
        int n = x.cols();
        if (n == 0) {
            return new LossSums();
        }
        DenseMatrix<?> head = encode(params, x, ws);
        DenseMatrix<?> z = ws.latent(n);
        double kl = k.sampleLatent(head, ws.epsilon(n), z, klPerRow);
        DenseMatrix<?> out = decodeRaw(params, z, conditions(x), ws);
        double recon = reconstruction(params, out, x, null, reconPerRow);
        return new LossSums(recon, kl, n);
    }

    /**
     * Each table column's negative log-likelihood of the columns of {@code data} under the raw
     * decoder output {@code raw} (mixed layouts only; {@code raw} is left unchanged):
     * {@code perColumn[j][c]} for row j and column c (added).
     */
    public void columnScores(A params, DenseMatrix<?> raw, DenseMatrix<?> data, double[][] perColumn) {
        if (layout.likelihood() != Likelihood.MIXED) {
            throw new IllegalStateException("Column scores need a table model");
        }
        reconstruction(params, raw, data, null, null, perColumn);
    }

    /**
     * One importance sample of each column: adds log p(x|z) + log p(z) - log q(z|x) to
     * {@code logWeights}, for z drawn with the noise in {@code ws.epsilon(n)} around the encoder
     * output {@code head} of a previous {@link #encode} (kept in the workspace).
     */
    public void addLogImportanceWeight(A params, DenseMatrix<?> x, DenseMatrix<?> head, Workspace<A> ws,
                                       double[] logWeights) {
        int n = x.cols();
        DenseMatrix<?> z = ws.latent(n);
        DenseMatrix<?> eps = ws.epsilon(n);
        k.sampleLatent(head, eps, z, null);
        k.addLatentLogWeight(head, eps, z, logWeights);
        DenseMatrix<?> out = decodeRaw(params, z, conditions(x), ws);
        double[] nll = new double[n];
        reconstruction(params, out, x, null, nll);
        for (int j = 0; j < n; j++) {
            logWeights[j] -= nll[j];
        }
    }
}
