package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.blas.Bf16DenseStack;
import io.github.vaespark.blas.Bf16Gemm;
import io.github.vaespark.blas.OneDnn;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Bfloat16Kernels#gemm} on the views {@link VaeNetwork} passes (operands at an offset inside
 * a larger array, row ranges whose leading dimension exceeds their row count), for every transpose
 * combination and beta 0 and 1, against a double reference. Bounds per element, relative to
 * S = Σ_p |a_ip·b_pj| + |c0_ij| (the size of the terms, since sums cancel):
 * <ul>
 *   <li>against the float inputs: 1e-2 (each input rounded to bfloat16's 8 significant bits moves a
 *       product by at most 2⁻⁷ + 2⁻¹⁶ ≈ 7.8e-3 relative, plus float32 accumulation);</li>
 *   <li>against the bfloat16-rounded inputs: (k + 2)·2⁻²⁴, float32 accumulation in any order, which
 *       shows the products are accumulated in float32, not bfloat16.</li>
 * </ul>
 * The native cases are skipped, saying why, where oneDNN cannot run bfloat16 natively; the
 * fallback's equality with float32 runs everywhere.
 */
class Bfloat16KernelsTest {
    private static final Float32Kernels F32 = Float32Kernels.INSTANCE;

    /** Operands of one GEMM laid out as views inside larger arrays. */
    private record Case(DenseMatrix<?> a, DenseMatrix<?> b, DenseMatrix<?> c, float[] c0) {
    }

    /**
     * op(A) m×k, op(B) k×n, C m×n; {@code rowView} makes B (and C) row ranges of taller matrices,
     * as the conditional decoder's x rows, A sits at an offset as a layer's weights in the params.
     */
    private static Case views(boolean transA, boolean transB, int m, int n, int k, boolean rowView, long seed) {
        Random random = new Random(seed);
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        float[] params = gaussians(random, 7 + aRows * aCols + 5);
        DenseMatrix<?> a = F32.matrix(params, 7, aRows, aCols);
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        DenseMatrix<?> b = rowView
                ? F32.rowRange(F32.matrix(gaussians(random, (bRows + 5) * bCols), 0, bRows + 5, bCols), 3, 3 + bRows)
                : F32.matrix(gaussians(random, 3 + bRows * bCols), 3, bRows, bCols);
        DenseMatrix<?> c = rowView
                ? F32.rowRange(F32.matrix(gaussians(random, (m + 4) * n), 0, m + 4, n), 2, 2 + m)
                : F32.matrix(gaussians(random, 11 + m * n), 11, m, n);
        return new Case(a, b, c, F32.data(c).clone());
    }

    private static float[] gaussians(Random random, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static float at(DenseMatrix<?> x, float[] data, int row, int col) {
        return data[x.offset() + row + col * x.majorStride()];
    }

    private static void assumeNativeBf16() {
        boolean available = Bfloat16Kernels.INSTANCE.nativeBf16();
        if (!available) {
            System.err.println("Bfloat16KernelsTest SKIPPED the native bfloat16 cases: " + OneDnn.description());
        }
        Assumptions.assumeTrue(available, () -> "no native bfloat16 GEMM here: " + OneDnn.description());
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} beta={5} rowView={6}")
    @CsvSource({
        "false, false, 37, 65, 300, 1, false",  // forward: W (out×in) · X (in×batch), onto the bias
        "true,  false, 300, 65, 37, 0, false",  // data gradient: Wᵀ · Δ
        "false, true,  37, 300, 65, 1, false",  // weight gradient: Δ · Xᵀ, added to the gradient
        "false, true,  37, 12, 65, 1, true",    // weight gradient on a row range of the input
        "false, false, 20, 33, 12, 1, true",    // forward onto a row range, B a row range
        "true,  true,  17, 19, 1030, 0, true",  // both transposed, a long inner dimension
        "true,  true,  9, 1, 40, 1, false",     // a single column
    })
    void matchesTheDoubleReferenceWithinBfloat16Rounding(boolean transA, boolean transB, int m, int n, int k,
                                                          double beta, boolean rowView) {
        assumeNativeBf16();
        Case x = views(transA, transB, m, n, k, rowView, m * 31L + n * 7L + k);
        Bfloat16Kernels.INSTANCE.gemm(transA, transB, 1, x.a(), x.b(), beta, x.c());
        float[] a = F32.data(x.a());
        float[] b = F32.data(x.b());
        float[] c = F32.data(x.c());
        double worstVsFloat = 0;
        double worstVsRounded = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double rounded = 0;
                double size = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? at(x.a(), a, p, i) : at(x.a(), a, i, p);
                    float bpj = transB ? at(x.b(), b, j, p) : at(x.b(), b, p, j);
                    exact += (double) aip * bpj;
                    rounded += (double) bf16(aip) * bf16(bpj);
                    size += Math.abs((double) aip * bpj);
                }
                double c0 = beta * at(x.c(), x.c0(), i, j);
                size += Math.abs(c0);
                double got = at(x.c(), c, i, j);
                worstVsFloat = Math.max(worstVsFloat, Math.abs(got - exact - c0) / size);
                worstVsRounded = Math.max(worstVsRounded, Math.abs(got - rounded - c0) / size);
            }
        }
        assertTrue(worstVsFloat <= 1e-2, "relative error vs the float inputs " + worstVsFloat);
        assertTrue(worstVsFloat > 1e-5, "bfloat16 rounding should show (" + worstVsFloat + "): was this float32?");
        assertTrue(worstVsRounded <= (k + 2) * 0x1p-24, "relative error vs the bf16 inputs " + worstVsRounded);
        assertUntouchedOutside(x, c);
    }

    /** Elements of C's array outside the view keep their values. */
    private static void assertUntouchedOutside(Case x, float[] c) {
        DenseMatrix<?> v = x.c();
        float[] expected = x.c0().clone();
        for (int j = 0; j < v.cols(); j++) {
            for (int i = 0; i < v.rows(); i++) {
                int index = v.offset() + i + j * v.majorStride();
                expected[index] = c[index];
            }
        }
        assertArrayEquals(expected, c, "elements outside the C view changed");
    }

    private static float bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        return Float.intBitsToFloat((bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000);
    }

    @Test
    void runsAnOptimisedKernelNotOneDnnsReferenceCode() {
        assumeNativeBf16();
        String impl = Bf16Gemm.implementation(false, true, 512, 784, 1024, true);
        assertFalse(impl.contains("ref"), "oneDNN chose its reference kernel: " + impl);
        System.out.println("Bfloat16KernelsTest: " + OneDnn.description() + "; weight-gradient kernel " + impl);
    }

    /**
     * A thread's shapes share native buffers that grow (are reallocated) for a larger shape: a shape
     * run again after that must use the new buffers and give the same bits as before.
     */
    @Test
    void aShapeRunAgainAfterALargerOneGrewTheSharedBuffersGivesTheSameBits() throws Exception {
        assumeNativeBf16();
        Thread fresh = new Thread(() -> {  // a thread of its own: its buffers start empty
            Case first = views(false, false, 301, 299, 307, false, 1);
            Case again = views(false, false, 301, 299, 307, false, 1);
            Case larger = views(true, false, 613, 611, 617, false, 2);
            Bfloat16Kernels.INSTANCE.gemm(false, false, 1, first.a(), first.b(), 0, first.c());
            Bfloat16Kernels.INSTANCE.gemm(true, false, 1, larger.a(), larger.b(), 0, larger.c());
            Bfloat16Kernels.INSTANCE.gemm(false, false, 1, again.a(), again.b(), 0, again.c());
            assertArrayEquals(F32.data(first.c()), F32.data(again.c()));
        });
        Throwable[] failure = new Throwable[1];
        fresh.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
        fresh.start();
        fresh.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1} beta={2}")
    @CsvSource({"false, false, 1", "true, false, 0", "false, true, 1", "true, true, 0"})
    void theFallbackIsTheFloat32GemmBitForBit(boolean transA, boolean transB, double beta) {
        Bfloat16Kernels fallback = new Bfloat16Kernels(true);
        assertFalse(fallback.nativeBf16());
        Case x = views(transA, transB, 23, 41, 57, true, 5);
        Case y = views(transA, transB, 23, 41, 57, true, 5);
        fallback.gemm(transA, transB, 1, x.a(), x.b(), beta, x.c());
        F32.gemm(transA, transB, 1, y.a(), y.b(), beta, y.c());
        assertArrayEquals(F32.data(y.c()), F32.data(x.c()));
        assertFalse(Arrays.equals(x.c0(), F32.data(x.c())), "the GEMM wrote C");
    }

    @Test
    void storesLikeFloat32() {
        assertEquals(Precision.FLOAT32, Precision.BFLOAT16.storage());
        assertEquals(4, Precision.BFLOAT16.bytes());
        assertEquals(Precision.BFLOAT16, Precision.fromParam("bfloat16"));
        assertEquals(Precision.BFLOAT16, Precision.BFLOAT16.kernels().precision());
        assertTrue(Precision.BFLOAT16.kernels().allocate(3) instanceof float[]);
    }

    /**
     * Kernels with constant weights round each weight matrix once per thread and keep it: a
     * network's forward passes (every layer's weights at its own offset in one array, batches of
     * several widths, each twice so the second uses the kept copies) give the same bits as the
     * kernels that round the weights in every product.
     */
    @Test
    void constantWeightsGiveTheSameBitsAsRoundingInEveryProduct() {
        // Several layers of one shape (24×24) at different offsets of the one weights array.
        assertConstantWeightsMatch(new VaeLayout(24, new int[] {24, 24}, 5, new int[] {24, 24}, Activation.RELU,
                Likelihood.BERNOULLI), new int[] {64, 17, 64, 1}, true);
    }

    /**
     * A dense layer's forward pass with the bias (and ReLU) added by the matmul gives the same bits
     * as filling the output with the bias, a GEMM with beta 1 and the activation in Java, for
     * weights at an offset in the parameters, an input that is a row range of a taller matrix (the
     * conditional decoder's latent rows) and each activation.
     */
    @ParameterizedTest(name = "out={0} in={1} n={2} act={3} inputRowView={4}")
    @CsvSource({
        "512, 784, 64, RELU, false",
        "40, 256, 37, , false",
        "24, 13, 5, TANH, true",
        "7, 3, 1, RELU, true",
        "33, 1030, 9, SIGMOID, false",
    })
    void denseWithTheBiasInTheProductGivesTheSameBitsAsFillThenGemm(int out, int in, int n, Activation act,
                                                                     boolean inputRowView) {
        assumeNativeBf16();
        Random random = new Random(out * 131L + in);
        int weightOffset = 5;
        int biasOffset = weightOffset + out * in + 2;
        float[] params = gaussians(random, biasOffset + out + 3);
        DenseMatrix<?> x = inputRowView
                ? F32.rowRange(F32.matrix(gaussians(random, (in + 4) * n), 0, in + 4, n), 1, 1 + in)
                : F32.matrix(gaussians(random, in * n), 0, in, n);
        DenseMatrix<?> fused = F32.matrix(new float[out * n], 0, out, n);
        DenseMatrix<?> reference = F32.matrix(new float[out * n], 0, out, n);
        Bfloat16Kernels.INSTANCE.dense(params, weightOffset, biasOffset, x, fused, act);
        String shape = "Shape[transA=false, transB=false, m=" + out + ", n=" + n + ", k=" + in + ", epilogue="
                + (act == Activation.RELU ? "BIAS_RELU" : "BIAS") + "]";
        assertTrue(Bf16Gemm.shapesCreated().contains(shape), "the product ran as " + shape);
        Bfloat16Kernels.INSTANCE.fillColumns(reference, params, biasOffset);
        Bfloat16Kernels.INSTANCE.gemm(false, false, 1, F32.matrix(params, weightOffset, out, in), x, 1, reference);
        if (act != null) {
            Bfloat16Kernels.INSTANCE.activate(reference, act);
        }
        assertArrayEquals(F32.data(reference), F32.data(fused));
    }

    /**
     * Inference with constant weights runs a ReLU network's encoder and decoder each as one oneDNN
     * stack (Bf16DenseStack: bias and ReLU in the matmul, hidden activations native bfloat16): the
     * same bits as layer by layer with bias and ReLU in Java, for the Fashion-MNIST model, an odd
     * Gaussian one and a single-layer one; tanh keeps the layer-by-layer path.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stackLayouts")
    void denseStacksGiveTheSameBitsAsLayerByLayer(String name, VaeLayout layout, boolean stacked) {
        assertConstantWeightsMatch(layout, new int[] {64, 37, 64}, stacked);
    }

    static Stream<Arguments> stackLayouts() {
        return Stream.of(
                Arguments.of("784-512-256-20 relu bernoulli", new VaeLayout(784, new int[] {512, 256}, 20,
                        new int[] {256, 512}, Activation.RELU, Likelihood.BERNOULLI), true),
                Arguments.of("13-7-3 relu gaussian", new VaeLayout(13, new int[] {7}, 3, new int[] {7},
                        Activation.RELU, Likelihood.GAUSSIAN), true),
                Arguments.of("9-4 no hidden layers", new VaeLayout(9, new int[0], 4, new int[0],
                        Activation.TANH, Likelihood.BERNOULLI), true),
                Arguments.of("24-24-5 tanh", new VaeLayout(24, new int[] {24}, 5, new int[] {24},
                        Activation.TANH, Likelihood.BERNOULLI), false));
    }

    /**
     * The network's forward passes with constant weights (batches of several widths, each twice so
     * the second uses what the first kept) give the same bits as the kernels that round the weights
     * in every product; {@code stacked}: they ran as dense stacks (else layer by layer).
     */
    private static void assertConstantWeightsMatch(VaeLayout layout, int[] widths, boolean stacked) {
        Assumptions.assumeTrue(Bfloat16Kernels.INSTANCE.nativeBf16(),
                () -> "SKIPPED: no native bfloat16 GEMM here: " + OneDnn.description());
        float[] params = Bfloat16Kernels.INSTANCE.fromDoubles(ParameterInit.initialize(layout, 3));
        VaeNetwork<float[]> plain = new VaeNetwork<>(layout, Bfloat16Kernels.INSTANCE);
        VaeNetwork<float[]> constant = new VaeNetwork<>(layout, Bfloat16Kernels.INSTANCE.withConstantWeights(params));
        Random random = new Random(8);
        long stacksBefore = Bf16DenseStack.stacksCreated();
        for (int n : widths) {
            for (int pass = 0; pass < 2; pass++) {
                float[] x = gaussians(random, layout.inputDim() * n);
                assertArrayEquals(forward(plain, params, x, n), forward(constant, params, x, n),
                        "batch of " + n + ", pass " + pass);
            }
        }
        long distinctWidths = Arrays.stream(widths).distinct().count();
        assertEquals(stacked ? 2 * distinctWidths : 0, Bf16DenseStack.stacksCreated() - stacksBefore,
                "dense stacks created (an encoder and a decoder per batch width)");
    }

    /** μ and the decoder mean of μ for the n columns of x. */
    private static float[] forward(VaeNetwork<float[]> net, float[] params, float[] x, int n) {
        Workspace<float[]> ws = net.newWorkspace(64);
        DenseMatrix<?> in = ws.input(n);
        System.arraycopy(x, 0, Bfloat16Kernels.INSTANCE.data(in), in.offset(), x.length);
        DenseMatrix<?> mu = net.latentMean(net.encode(params, in, ws), ws);
        int latent = net.layout().latentDim();
        int features = net.layout().inputDim();
        float[] muCopy = Arrays.copyOfRange(Bfloat16Kernels.INSTANCE.data(mu), mu.offset(), mu.offset() + latent * n);
        DenseMatrix<?> mean = net.decodeMean(params, mu, ws);
        float[] out = Arrays.copyOf(muCopy, muCopy.length + features * n);
        System.arraycopy(Bfloat16Kernels.INSTANCE.data(mean), mean.offset(), out, muCopy.length, features * n);
        return out;
    }

    /**
     * A training pass keeps each dense layer's rounded weights and input from its forward product
     * for its backward products and rounds the output gradient once for them (the first layer's
     * weight gradient, in column blocks, takes row ranges of its kept input): the gradients (into
     * zeros and added to a gradient) give the same bits as kernels that round every operand in
     * every product, for layouts with layers of equal shapes (whose gradients share buffers), a
     * Gaussian one, tanh, and none hidden, at two batch widths.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backwardLayouts")
    void backwardFromTheForwardsRoundingsGivesTheSameBitsAsRoundingInEveryProduct(String name, VaeLayout layout) {
        assumeNativeBf16();
        float[] params = Bfloat16Kernels.INSTANCE.fromDoubles(ParameterInit.initialize(layout, 5));
        VaeNetwork<float[]> kept = new VaeNetwork<>(layout, Bfloat16Kernels.INSTANCE);
        VaeNetwork<float[]> everyProduct = new VaeNetwork<>(layout, roundingInEveryProduct());
        long before = Bf16Gemm.backwardsFromKeptRoundings();
        Random random = new Random(21);
        for (int n : new int[] {64, 17}) {
            float[] x = new float[layout.inputDim() * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat();
            }
            float[] eps = gaussians(random, layout.latentDim() * n);
            for (boolean intoZeros : new boolean[] {true, false}) {
                assertArrayEquals(gradient(everyProduct, params, x, eps, n, intoZeros),
                        gradient(kept, params, x, eps, n, intoZeros), "batch of " + n + ", into zeros " + intoZeros);
            }
        }
        assertEquals(4L * layout.allDense().size(), Bf16Gemm.backwardsFromKeptRoundings() - before,
                "layers whose backward products used kept roundings (every layer, 4 passes)");
    }

    static Stream<Arguments> backwardLayouts() {
        return Stream.of(
                Arguments.of("784-512-256-20 relu bernoulli", new VaeLayout(784, new int[] {512, 256}, 20,
                        new int[] {256, 512}, Activation.RELU, Likelihood.BERNOULLI)),
                Arguments.of("24-24-24-12 equal shapes", new VaeLayout(24, new int[] {24, 24}, 12,
                        new int[] {24, 24}, Activation.RELU, Likelihood.BERNOULLI)),
                Arguments.of("13-7-3 relu gaussian", new VaeLayout(13, new int[] {7}, 3, new int[] {7},
                        Activation.RELU, Likelihood.GAUSSIAN)),
                Arguments.of("30-16-4 tanh", new VaeLayout(30, new int[] {16}, 4, new int[] {16},
                        Activation.TANH, Likelihood.BERNOULLI)),
                Arguments.of("9-4 no hidden layers", new VaeLayout(9, new int[0], 4, new int[0],
                        Activation.RELU, Likelihood.BERNOULLI)));
    }

    /**
     * A layer's backward products use what a forward product kept only in the same pass, for the
     * same weights and input: outside a pass, in a later pass, or for another input they round their
     * operands themselves, with the values of two GEMMs either way.
     */
    @Test
    void keptRoundingsServeOnlyTheirOwnPassAndInput() {
        assumeNativeBf16();
        int out = 32;
        int in = 48;
        int n = 20;
        Random random = new Random(4);
        float[] params = gaussians(random, out * in + out);
        DenseMatrix<?> x = F32.matrix(gaussians(random, in * n), 0, in, n);
        DenseMatrix<?> other = F32.matrix(gaussians(random, in * n), 0, in, n);
        DenseMatrix<?> delta = F32.matrix(gaussians(random, out * n), 0, out, n);
        DenseMatrix<?> y = F32.matrix(new float[out * n], 0, out, n);
        Kernels<float[]> plain = roundingInEveryProduct();
        // {pass opened before the forward, pass opened again before the backward, input of the backward}
        Object[][] cases = {{true, false, x, 1L}, {false, false, x, 0L}, {true, true, x, 0L}, {true, false, other, 0L}};
        for (Object[] c : cases) {
            boolean inPass = (Boolean) c[0];
            DenseMatrix<?> input = (DenseMatrix<?>) c[2];
            if (inPass) {
                Bfloat16Kernels.INSTANCE.beginPass();
            }
            try {
                Bfloat16Kernels.INSTANCE.dense(params, 0, out * in, x, y, Activation.RELU);
                if ((Boolean) c[1]) {
                    Bfloat16Kernels.INSTANCE.endPass();
                    Bfloat16Kernels.INSTANCE.beginPass();
                }
                float[] grad = new float[out * in];
                float[] next = new float[in * n];
                float[] expectedGrad = new float[out * in];
                float[] expectedNext = new float[in * n];
                long before = Bf16Gemm.backwardsFromKeptRoundings();
                Bfloat16Kernels.INSTANCE.denseBackward(params, 0, delta, input, 0, grad, F32.matrix(next, 0, in, n));
                assertEquals((long) c[3], Bf16Gemm.backwardsFromKeptRoundings() - before,
                        "backwards from kept roundings in case " + Arrays.toString(c));
                plain.denseBackward(params, 0, delta, input, 0, expectedGrad, F32.matrix(expectedNext, 0, in, n));
                assertArrayEquals(expectedGrad, grad);
                assertArrayEquals(expectedNext, next);
            } finally {
                Bfloat16Kernels.INSTANCE.endPass();
            }
        }
    }

    /** The gradient of the n columns of x with noise eps, written over NaNs or added to halves. */
    private static float[] gradient(VaeNetwork<float[]> net, float[] params, float[] x, float[] eps, int n,
                                    boolean intoZeros) {
        Workspace<float[]> ws = net.newWorkspace(64);
        DenseMatrix<?> in = ws.input(n);
        System.arraycopy(x, 0, F32.data(in), in.offset(), x.length);
        DenseMatrix<?> noise = ws.epsilon(n);
        System.arraycopy(eps, 0, F32.data(noise), noise.offset(), eps.length);
        float[] grad = new float[net.layout().numParams()];
        if (intoZeros) {
            Arrays.fill(grad, Float.NaN);
            net.gradientInto(params, in, ws, 1.0, grad, null);
        } else {
            Arrays.fill(grad, 0.5f);
            net.accumulateGradient(params, in, ws, 1.0, grad);
        }
        return grad;
    }

    /** {@link Bfloat16Kernels} without passes: every backward product rounds its operands itself. */
    @SuppressWarnings("unchecked")
    private static Kernels<float[]> roundingInEveryProduct() {
        return (Kernels<float[]>) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "beginPass", "endPass", "denseBackward" -> {
                            return InvocationHandler.invokeDefault(proxy, method, args);
                        }
                        default -> {
                            try {
                                return method.invoke(Bfloat16Kernels.INSTANCE, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }
}
