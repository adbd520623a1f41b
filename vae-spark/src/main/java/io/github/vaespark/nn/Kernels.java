package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import java.io.Serializable;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The element-wise and GEMM kernels of the VAE for one floating-point width.
 *
 * <p>Matrices are Breeze {@link DenseMatrix} views (column-major, leading dimension = rows, any
 * offset) over primitive arrays of type {@code A} ({@code float[]} or {@code double[]}); one
 * column holds one data row. GEMM goes to netlib BLAS (native OpenBLAS when the system provides
 * it), as Spark's {@code ml.ann} does. Loss sums are accumulated in double whatever the width.
 *
 * @param <A> the primitive array type
 */
public interface Kernels<A> extends Serializable {

    /** The width these kernels compute in. */
    Precision precision();

    /** A zero-filled array. */
    A allocate(int length);

    /** Length of an array of this width. */
    int length(A array);

    /**
     * Kernels for inference with weights {@code params} that will not change while these kernels
     * are used: they may keep derived forms of them (the bfloat16 kernels keep each weight matrix
     * rounded, instead of rounding it in every product). The same results as this. Default: this.
     */
    default Kernels<A> withConstantWeights(A params) {
        return this;
    }

    /**
     * How many columns a pass over a batch of {@code rows} rows (at most {@code capacity}) should
     * compute; the columns beyond {@code rows} hold whatever the buffer holds and are not read. Here
     * {@code rows}; a kernel whose GEMM pays per new shape computes every batch at full width.
     */
    default int batchColumns(int rows, int capacity) {
        return rows;
    }

    /**
     * Inference through {@code layers} in one go where these kernels can do it faster than layer by
     * layer: {@code out} = the last layer's output for the columns of {@code in}, each hidden layer
     * followed by {@code hidden}, with the same values as {@link #fillColumns}, {@link #gemm} and
     * {@link #activate} give layer by layer; the hidden activations are not kept anywhere. Returns
     * false, having done nothing, where these kernels have no such path (the default).
     */
    default boolean runDenseStack(A params, List<VaeLayout.Dense> layers, Activation hidden,
                                  DenseMatrix<?> in, DenseMatrix<?> out) {
        return false;
    }

    /** A column-major view of {@code rows × cols} elements starting at {@code offset}. */
    DenseMatrix<?> matrix(A data, int offset, int rows, int cols);

    /** Rows [from, to) of {@code m}, a view with m's leading dimension. */
    DenseMatrix<?> rowRange(DenseMatrix<?> m, int from, int to);

    /** The array behind a matrix made by {@link #matrix}. */
    A data(DenseMatrix<?> m);

    /** Converts doubles to this width. */
    A fromDoubles(double[] values);

    /** The values in this width as little-endian bytes (compact to broadcast). */
    byte[] toBytes(double[] values);

    /** Decodes {@link #toBytes} output into {@code out}. */
    void fromBytes(byte[] bytes, A out);

    /** {@code target[i] += values[i]} for i in [from, to), in this width. */
    void accumulate(A values, A target, int from, int to);

    /** {@code target[i] += values[i]} (with {@code assign}: {@code =}) for i in [from, to), in double. */
    void addRange(A values, double[] target, int from, int to, boolean assign);

    /** {@code target[i] = values[i]} for i in [from, to), rounded to this width. */
    void storeRange(double[] values, A target, int from, int to);

    /** Writes {@code values[from, to)} at the buffer's position (in its byte order) and advances it. */
    void put(A values, int from, int to, java.nio.ByteBuffer out);

    /** Reads {@code target[from, to)} from the buffer's position (in its byte order) and advances it. */
    void get(java.nio.ByteBuffer in, A target, int from, int to);

    /** Sets every element to zero. */
    void zero(A array);

    /** Sets elements [from, to) to zero. */
    void zero(A array, int from, int to);

    /** Writes {@code values} into column {@code col} of {@code m}. */
    void setColumn(DenseMatrix<?> m, int col, double[] values);

    /** Copies column {@code col} of {@code m} into {@code out} as doubles. */
    void getColumn(DenseMatrix<?> m, int col, double[] out);

    /** C = alpha·op(A)·op(B) + beta·C through BLAS GEMM. */
    void gemm(boolean transA, boolean transB, double alpha, DenseMatrix<?> a, DenseMatrix<?> b,
              double beta, DenseMatrix<?> c);

    /** Sets every column of {@code m} to the vector params[biasOffset …] (a bias before a GEMM with beta 1). */
    void fillColumns(DenseMatrix<?> m, A params, int biasOffset);

    /** m = act(m) element-wise; m must be contiguous. */
    void activate(DenseMatrix<?> m, Activation act);

    /**
     * A dense layer's forward pass, {@code out = act(W·in + b·1ᵀ)}: W the {@code out.rows × in.rows}
     * column-major block of {@code params} from {@code weightOffset}, b the {@code out.rows} values
     * from {@code biasOffset}, {@code act} null for none; {@code out} contiguous. By default
     * {@link #fillColumns}, {@link #gemm} with beta 1 and {@link #activate}; kernels that override
     * it (to add the bias inside the product) give the same values.
     */
    default void dense(A params, int weightOffset, int biasOffset, DenseMatrix<?> in, DenseMatrix<?> out,
                       Activation act) {
        fillColumns(out, params, biasOffset);
        gemm(false, false, 1, matrix(params, weightOffset, out.rows(), in.rows()), in, 1, out);
        if (act != null) {
            activate(out, act);
        }
    }

    /**
     * Opens a forward-and-backward pass on this thread, closed by {@link #endPass()}: the caller
     * promises that between a layer's {@link #dense} and its {@link #denseBackward} in the pass
     * neither the layer's weights nor its input change, so kernels may keep what the forward
     * product prepared (bfloat16 copies) for the backward products. By default nothing is kept.
     */
    default void beginPass() {
    }

    /** Closes this thread's pass opened by {@link #beginPass()}. */
    default void endPass() {
    }

    /**
     * A dense layer's backward products: the weight gradient (the {@code delta.rows × input.rows}
     * block of {@code grad} from {@code weightOffset}) = delta·inputᵀ + weightBeta·itself, and, when
     * {@code next} is not null, next = Wᵀ·delta with W that block of {@code params}. By default
     * two {@link #gemm} calls; kernels that override it give the same values.
     */
    default void denseBackward(A params, int weightOffset, DenseMatrix<?> delta, DenseMatrix<?> input,
                               double weightBeta, A grad, DenseMatrix<?> next) {
        int out = delta.rows();
        int in = input.rows();
        gemm(false, true, 1, delta, input, weightBeta, matrix(grad, weightOffset, out, in));
        if (next != null) {
            gemm(true, false, 1, matrix(params, weightOffset, out, in), delta, 0, next);
        }
    }

    /**
     * A dense layer's weight gradient in column blocks, from the last block to the first: columns
     * [bounds[b-1], bounds[b]) of the {@code delta.rows × input.rows} block of {@code grad} from
     * {@code weightOffset} = delta·(those rows of input)ᵀ + weightBeta·themselves, then
     * {@code blockDone} gets the block's first column (so a listener can pass on a finished block).
     * W, the same block of {@code params}, identifies the layer. By default a {@link #gemm} per
     * block; kernels that override it give the same values.
     */
    default void denseWeightGradientInBlocks(A params, int weightOffset, DenseMatrix<?> delta, DenseMatrix<?> input,
                                             int[] bounds, double weightBeta, A grad, IntConsumer blockDone) {
        int out = delta.rows();
        for (int b = bounds.length - 1; b > 0; b--) {
            int from = bounds[b - 1];
            int to = bounds[b];
            gemm(false, true, 1, delta, rowRange(input, from, to), weightBeta,
                    matrix(grad, weightOffset + from * out, out, to - from));
            blockDone.accept(from);
        }
    }

    /** delta *= act'(y) element-wise, where y holds the layer's activations (contiguous, offset 0). */
    void activationBackward(DenseMatrix<?> delta, DenseMatrix<?> y, Activation act);

    /** grad[offset + i] += Σ_j m[i, j] (one GEMV with a vector of ones). */
    void addRowSums(DenseMatrix<?> m, A grad, int offset);

    /**
     * The reparameterisation z = μ + exp(½ log σ²)·ε for every column of {@code head} = [μ; log σ²],
     * with log σ² clamped to [{@link LogVarianceBounds#ENCODER_MIN}, {@link LogVarianceBounds#ENCODER_MAX}].
     *
     * @param klPerColumn if non-null, receives KL(q(z|x) ‖ N(0, I)) of each column (added)
     * @return the sum of the KL terms over all columns
     */
    double sampleLatent(DenseMatrix<?> head, DenseMatrix<?> eps, DenseMatrix<?> z, double[] klPerColumn);

    /**
     * Gradient of (loss through z) + beta·KL with respect to the head [μ; log σ²], given dz; zero
     * for a log σ² outside the clamp range.
     */
    void latentBackward(DenseMatrix<?> head, DenseMatrix<?> eps, DenseMatrix<?> dz, double beta,
                        DenseMatrix<?> dHead);

    /** Adds log p(z) - log q(z|x) of each column (ε and z from {@link #sampleLatent}) to {@code out}. */
    void addLatentLogWeight(DenseMatrix<?> head, DenseMatrix<?> eps, DenseMatrix<?> z, double[] out);

    /**
     * Bernoulli negative log-likelihood of {@code x} under logits; if {@code gradient} is set the
     * logits are overwritten by d(-log p)/d logits = sigmoid(logits) - x.
     *
     * @param perColumn if non-null, receives each column's negative log-likelihood (added)
     * @return the sum over all elements
     */
    double bernoulliNll(DenseMatrix<?> logits, DenseMatrix<?> x, boolean gradient, double[] perColumn);

    /**
     * Gaussian negative log-likelihood with per-feature log-variances
     * max(params[logVarOffset + i], {@link LogVarianceBounds#DECODER_MIN}) (no gradient below the floor);
     * if {@code grad} is non-null the means are overwritten by d(-log p)/d mean and the
     * log-variance gradients are added to grad[logVarOffset + i].
     */
    double gaussianNll(DenseMatrix<?> mean, DenseMatrix<?> x, A params, int logVarOffset, A grad,
                       double[] perColumn);

    /** m = sigmoid(m) element-wise. */
    void sigmoid(DenseMatrix<?> m);

}
