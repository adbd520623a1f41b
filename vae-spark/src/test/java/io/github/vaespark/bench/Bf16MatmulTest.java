package io.github.vaespark.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.blas.CpuFeatures;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * oneDNN's bf16 × bf16 → f32 matmul ({@link OneDnnMatmul}, issue 17 spike) against a double
 * reference, for the three GEMMs of a VAE layer (forward NN with beta 1, data gradient TN with
 * beta 0, weight gradient NT with beta 1). Two bounds per element, both relative to
 * Σ_p |a_ip·b_pj| (the size of the terms, since sums may cancel):
 * <ul>
 *   <li>against the float inputs: 2⁻⁷ + 2⁻¹⁶ ≈ 7.8e-3 (each input rounded to bf16's 8 significant
 *       bits loses at most 2⁻⁸ relative, so a product at most 2⁻⁷ + 2⁻¹⁶), plus the float32
 *       accumulation below;</li>
 *   <li>against the bf16-rounded inputs: (k + 2)·2⁻²⁴, the worst-case float32 summation error in
 *       any order; a bf16 accumulator would miss it by far.</li>
 * </ul>
 * It must also run an optimised kernel, not oneDNN's reference code (which a column-major
 * destination used to get). Skipped, saying why, on a CPU without avx512_bf16 or amx_bf16, or off Linux x86-64 (the only
 * dnnl natives on the test class path).
 */
class Bf16MatmulTest {
    /** Per test, not per class, so that each skipped case is counted as skipped in the test report. */
    @BeforeEach
    void needsBf16Hardware() {
        String arch = System.getProperty("os.name") + " " + System.getProperty("os.arch");
        boolean linuxX86 = arch.equals("Linux amd64");
        CpuFeatures cpu = CpuFeatures.current();
        boolean bf16 = cpu.flags().contains("avx512_bf16") || cpu.flags().contains("amx_bf16");
        String reason = !linuxX86 ? "SKIPPED: oneDNN natives are on the test class path for Linux x86-64 only, not " + arch
                : !bf16 ? "SKIPPED: CPU " + cpu.model() + " has neither avx512_bf16 nor amx_bf16; oneDNN would emulate"
                        + " bf16 (or refuse it), which says nothing about issue 17's question" : null;
        if (reason != null) {
            System.err.println("Bf16MatmulTest " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5} accumulate={6}")
    @CsvSource({
        "BF16,        false, false, 37, 65, 300, true",   // forward: W (out×in) · X (in×batch), onto the bias
        "BF16,        true,  false, 300, 65, 37, false",  // data gradient: Wᵀ · Δ
        "BF16,        false, true,  37, 300, 65, true",   // weight gradient: Δ · Xᵀ, added to the gradient
        "BF16,        false, false, 40, 1024, 256, true", // the VAE's latent layer at batch 1024
        "BF16,        true,  true,  17, 19, 1030, false", // both transposed, a long inner dimension
    })
    void matchesTheDoubleReference(OneDnnMatmul.Inputs inputs, boolean transA, boolean transB, int m, int n, int k,
                                   boolean accumulate) {
        Random random = new Random(m * 31L + n * 7L + k);
        float[] a = gaussians(random, m * k);
        float[] b = gaussians(random, k * n);
        float[] c0 = gaussians(random, m * n);
        float[] c = c0.clone();
        String impl;
        try (OneDnnMatmul gemm = new OneDnnMatmul(inputs, transA, transB, m, n, k, accumulate)) {
            impl = gemm.implementation();
            gemm.loadA(a, 0);
            gemm.loadB(b, 0);
            gemm.loadC(c, 0);
            gemm.execute();
            gemm.storeC(c, 0);
        }
        float[] aBf16 = roundedToBf16(a);
        float[] bBf16 = roundedToBf16(b);
        double worstVsFloat = 0;
        double worstVsBf16 = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = accumulate ? c0[i + j * m] : 0;
                double exactBf16 = exact;
                double size = Math.abs(exact);
                double sizeBf16 = Math.abs(exact);
                for (int p = 0; p < k; p++) {
                    int ai = transA ? p + i * k : i + p * m;
                    int bi = transB ? j + p * n : p + j * k;
                    exact += (double) a[ai] * b[bi];
                    size += Math.abs((double) a[ai] * b[bi]);
                    exactBf16 += (double) aBf16[ai] * bBf16[bi];
                    sizeBf16 += Math.abs((double) aBf16[ai] * bBf16[bi]);
                }
                double got = c[i + j * m];
                worstVsFloat = Math.max(worstVsFloat, Math.abs(got - exact) / size);
                worstVsBf16 = Math.max(worstVsBf16, Math.abs(got - exactBf16) / sizeBf16);
            }
        }
        double floatTolerance = 0x1p-7 + 0x1p-16 + (k + 2) * 0x1p-24;
        double bf16Tolerance = (k + 2) * 0x1p-24;
        String where = impl + " (oneDNN " + OneDnnMatmul.version() + ")";
        assertFalse(impl.startsWith("ref"), "oneDNN fell back to its reference code for this layout: " + where);
        assertTrue(worstVsFloat <= floatTolerance, "error vs the float inputs " + worstVsFloat + " > "
                + floatTolerance + " in " + where);
        assertTrue(worstVsBf16 <= bf16Tolerance, "error vs the bf16-rounded inputs " + worstVsBf16 + " > "
                + bf16Tolerance + " (not float32 accumulation?) in " + where);
        assertTrue(worstVsFloat > 0x1p-16, "no bf16 rounding visible (" + worstVsFloat + "): ran in float32? " + where);
    }

    @Test
    void nativeConversionMatchesTheJavaOneBitForBit() {
        Random random = new Random(5);
        int m = 40;
        int n = 300;
        int k = 129;
        float[] a = gaussians(random, m * k);
        float[] b = gaussians(random, k * n);
        a[3] = 1 + 0x1p-8f;  // a tie, to even
        b[5] = Float.MAX_VALUE;  // overflows to infinity
        float[] viaJava = new float[m * n];
        float[] viaOneDnn = new float[m * n];
        try (OneDnnMatmul gemm = new OneDnnMatmul(OneDnnMatmul.Inputs.BF16, true, false, m, n, k, false)) {
            gemm.loadA(a, 0);
            gemm.loadB(b, 0);
            gemm.execute();
            gemm.storeC(viaJava, 0);
            gemm.loadConvertingNatively(a, 0, b, 0);
            gemm.execute();
            gemm.storeC(viaOneDnn, 0);
        }
        assertArrayEquals(viaJava, viaOneDnn);
    }

    private static float[] gaussians(Random random, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static float[] roundedToBf16(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Bfloat16.toFloat(Bfloat16.fromFloat(x[i]));
        }
        return out;
    }
}
