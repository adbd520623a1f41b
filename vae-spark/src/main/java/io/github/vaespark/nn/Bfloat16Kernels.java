package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.blas.Bf16DenseStack;
import io.github.vaespark.blas.Bf16Gemm;
import io.github.vaespark.blas.OneDnn;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * {@link Kernels} of {@link Precision#BFLOAT16}: mixed precision. Arrays, element-wise work, the
 * loss and gradients are float32 exactly as in {@link Float32Kernels}; only the GEMMs differ, their
 * inputs rounded to bfloat16 (to nearest even) and their products accumulated in float32, through
 * oneDNN ({@link Bf16Gemm}). Where oneDNN cannot run bfloat16 natively ({@link OneDnn}, checked and
 * logged once per JVM) every GEMM is the float32 one, so results equal float32's bit for bit.
 */
public final class Bfloat16Kernels extends Float32Kernels {
    private static final long serialVersionUID = 1L;

    /** The shared instance: bfloat16 GEMM where available, else float32's. */
    public static final Bfloat16Kernels INSTANCE = new Bfloat16Kernels(false);

    private final boolean float32Gemm;
    /** Weights that do not change (inference), whose products round them once per thread; or null. */
    private final transient float[] constantWeights;

    /** {@code float32Gemm} forces the float32 GEMM, as on a CPU without bfloat16 (for tests). */
    Bfloat16Kernels(boolean float32Gemm) {
        this(float32Gemm, null);
    }

    private Bfloat16Kernels(boolean float32Gemm, float[] constantWeights) {
        this.float32Gemm = float32Gemm;
        this.constantWeights = constantWeights;
    }

    /** These kernels, keeping each weight matrix of {@code params} rounded to bfloat16 per thread. */
    @Override
    public Kernels<float[]> withConstantWeights(float[] params) {
        return new Bfloat16Kernels(float32Gemm, params);
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public Precision precision() {
        return Precision.BFLOAT16;
    }

    /** True when {@link #gemm} rounds to bfloat16 here, false when it runs the float32 GEMM. */
    public boolean nativeBf16() {
        return !float32Gemm && OneDnn.bf16Available();
    }

    /**
     * The full {@code capacity} where the GEMM is oneDNN's: each new shape costs it about 25 ms to
     * create and first run (against about 1 ms to compute a 512-row batch of a 784-feature model),
     * so a partition's last, shorter batch runs at full width instead of as a new shape.
     */
    @Override
    public int batchColumns(int rows, int capacity) {
        return nativeBf16() ? Math.max(rows, capacity) : rows;
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C with bfloat16 inputs and float32 accumulation when
     * {@link #nativeBf16()} and alpha = 1, beta ∈ {0, 1} (all the network uses); else float32's.
     */
    @Override
    public void gemm(boolean transA, boolean transB, double alpha, DenseMatrix<?> a, DenseMatrix<?> b,
                     double beta, DenseMatrix<?> c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int n = transB ? b.rows() : b.cols();
        boolean supported = alpha == 1 && (beta == 0 || beta == 1) && m > 0 && n > 0 && k > 0
                && c.rows() == m && c.cols() == n && (transB ? b.cols() : b.rows()) == k;
        if (!supported || !nativeBf16()) {
            super.gemm(transA, transB, alpha, a, b, beta, c);
            return;
        }
        float[] aData = data(a);
        if (aData == constantWeights) {
            Bf16Gemm.gemmConstantA(transA, transB, m, n, k, aData, a.offset(), leadingDimension(a),
                    data(b), b.offset(), leadingDimension(b), beta, data(c), c.offset(), leadingDimension(c));
            return;
        }
        Bf16Gemm.gemm(transA, transB, m, n, k, aData, a.offset(), leadingDimension(a),
                data(b), b.offset(), leadingDimension(b), beta, data(c), c.offset(), leadingDimension(c));
    }

    /**
     * Where {@link #nativeBf16()}: the bias (and a ReLU) applied by the oneDNN matmul itself
     * ({@link Bf16Gemm#dense}), so the output is not filled with the bias and staged in for a
     * product with beta 1; the same bits as the default. Weights that are constant (inference) keep
     * the default, whose products reuse their rounded copies.
     */
    @Override
    public void dense(float[] params, int weightOffset, int biasOffset, DenseMatrix<?> in, DenseMatrix<?> out,
                      Activation act) {
        int m = out.rows();
        int n = out.cols();
        int k = in.rows();
        if (!nativeBf16() || params == constantWeights || m == 0 || n == 0 || k == 0 || in.cols() != n
                || !contiguous(out)) {
            super.dense(params, weightOffset, biasOffset, in, out, act);
            return;
        }
        boolean relu = act == Activation.RELU;
        Bf16Gemm.dense(m, n, k, params, weightOffset, m, data(in), in.offset(), leadingDimension(in),
                params, biasOffset, relu, data(out), out.offset(), leadingDimension(out));
        if (act != null && !relu) {
            activate(out, act);
        }
    }

    /** Opens this thread's pass ({@link Bf16Gemm#beginPass()}) where the GEMM is oneDNN's. */
    @Override
    public void beginPass() {
        if (nativeBf16()) {
            Bf16Gemm.beginPass();
        }
    }

    @Override
    public void endPass() {
        if (nativeBf16()) {
            Bf16Gemm.endPass();
        }
    }

    /**
     * Where {@link #nativeBf16()} and this pass's {@link #dense} of the layer kept its rounded
     * weights and input ({@link Bf16Gemm#denseBackward}): both products from those copies, delta
     * rounded once for both; the same bits as the default, with less copying and rounding.
     */
    @Override
    public void denseBackward(float[] params, int weightOffset, DenseMatrix<?> delta, DenseMatrix<?> input,
                              double weightBeta, float[] grad, DenseMatrix<?> next) {
        int out = delta.rows();
        int in = input.rows();
        int n = delta.cols();
        boolean supported = mayUseKeptRoundings(params, delta, input, weightBeta)
                && (next == null || (contiguous(next) && next.rows() == in && next.cols() == n));
        if (supported && Bf16Gemm.denseBackward(out, n, in, params, weightOffset, data(input), input.offset(),
                data(delta), delta.offset(), weightBeta, grad, weightOffset,
                next == null ? null : data(next), next == null ? 0 : next.offset())) {
            return;
        }
        super.denseBackward(params, weightOffset, delta, input, weightBeta, grad, next);
    }

    /**
     * Where {@link #nativeBf16()} and this pass's {@link #dense} of the layer kept its rounded input
     * ({@link Bf16Gemm#denseWeightGradientInBlocks}): the blocks from that copy, delta rounded once
     * for all of them; the same bits as the default.
     */
    @Override
    public void denseWeightGradientInBlocks(float[] params, int weightOffset, DenseMatrix<?> delta,
                                            DenseMatrix<?> input, int[] bounds, double weightBeta, float[] grad,
                                            IntConsumer blockDone) {
        if (mayUseKeptRoundings(params, delta, input, weightBeta)
                && Bf16Gemm.denseWeightGradientInBlocks(delta.rows(), delta.cols(), input.rows(), params, weightOffset,
                data(input), input.offset(), data(delta), delta.offset(), weightBeta, grad, weightOffset, bounds,
                blockDone)) {
            return;
        }
        super.denseWeightGradientInBlocks(params, weightOffset, delta, input, bounds, weightBeta, grad, blockDone);
    }

    /**
     * Whether a layer's backward products on these operands may come from what its forward product
     * kept ({@link Bf16Gemm}): native bfloat16, training weights, non-empty contiguous operands of
     * matching width and beta 0 or 1.
     */
    private boolean mayUseKeptRoundings(float[] params, DenseMatrix<?> delta, DenseMatrix<?> input, double weightBeta) {
        return nativeBf16() && params != constantWeights && delta.rows() > 0 && input.rows() > 0 && delta.cols() > 0
                && input.cols() == delta.cols() && (weightBeta == 0 || weightBeta == 1) && contiguous(delta)
                && contiguous(input);
    }

    /**
     * The whole stack in oneDNN ({@link Bf16DenseStack}: hidden activations stay native bfloat16)
     * for the constant weights of inference, when {@link #nativeBf16()}, the hidden activation is
     * ReLU (oneDNN's tanh and sigmoid differ from Java's in the last bits) and both matrices are
     * dense; otherwise false.
     */
    @Override
    public boolean runDenseStack(float[] params, List<VaeLayout.Dense> layers, Activation hidden,
                                 DenseMatrix<?> in, DenseMatrix<?> out) {
        boolean supported = params == constantWeights && nativeBf16()
                && (layers.size() == 1 || hidden == Activation.RELU)
                && in.cols() == out.cols() && in.rows() == layers.get(0).in()
                && out.rows() == layers.get(layers.size() - 1).out() && contiguous(in) && contiguous(out);
        if (!supported) {
            return false;
        }
        List<Bf16DenseStack.Layer> stack = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            VaeLayout.Dense d = layers.get(i);
            stack.add(new Bf16DenseStack.Layer(d.in(), d.out(), d.weightOffset(), d.biasOffset(),
                    i < layers.size() - 1));
        }
        Bf16DenseStack.run(params, stack, in.cols(), data(in), in.offset(), data(out), out.offset());
        return true;
    }

    /** Whether a matrix's columns follow each other without gaps. */
    private static boolean contiguous(DenseMatrix<?> m) {
        return leadingDimension(m) == m.rows();
    }

    /** The column stride; a single column's is irrelevant and may be anything, so its row count. */
    private static int leadingDimension(DenseMatrix<?> m) {
        return m.cols() == 1 ? m.rows() : m.majorStride();
    }
}
