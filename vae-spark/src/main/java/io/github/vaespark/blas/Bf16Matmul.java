package io.github.vaespark.blas;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;

/**
 * One column-major GEMM shape {@code C = op(A)·op(B) [+ C]} (m×k by k×n, BLAS conventions) as a
 * oneDNN matmul on bfloat16 inputs with float32 accumulation and output, created once and run on
 * many float[] operands: A and B are copied into native float32 buffers, rounded to bfloat16 (to
 * nearest even) by oneDNN reorders, multiplied, and C is copied back. Not thread-safe: one per
 * thread ({@link Bf16Gemm}).
 *
 * <p>A column-major matrix is a oneDNN plain matrix with strides {1, rows}, or its transpose
 * row-major, so transposes are strides, not copies. oneDNN's fast kernels want a row-major
 * destination (a column-major one gets its reference kernel, hundreds of times slower), and
 * column-major C (m×n) is row-major Cᵀ (n×m); so this computes Cᵀ = op(B)ᵀ·op(A)ᵀ.
 */
final class Bf16Matmul implements AutoCloseable {
    private final int m;
    private final int n;
    private final int k;
    private final boolean transA;
    private final boolean transB;
    private final boolean accumulate;
    private final BytePointer[] natives;
    private final FloatBuffer aStage;
    private final FloatBuffer bStage;
    private final FloatBuffer cData;
    private final memory aStageMemory;
    private final memory bStageMemory;
    private final memory aMemory;
    private final memory bMemory;
    private final reorder aToBf16;
    private final reorder bToBf16;
    private final matmul primitive;
    private final IntMemoryMap args;
    private final String implementation;

    /** The primitive for one shape; {@code accumulate} adds the product to C (beta = 1) instead of overwriting it. */
    Bf16Matmul(engine eng, boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("GEMM sizes must be positive: m=" + m + " n=" + n + " k=" + k);
        }
        this.m = m;
        this.n = n;
        this.k = k;
        this.transA = transA;
        this.transB = transB;
        this.accumulate = accumulate;
        // op(B)ᵀ (n×k): B stored k×n (ldb = k) or, transposed, n×k (ldb = n).
        long[] bStrides = transB ? new long[] {1, n} : new long[] {k, 1};
        // op(A)ᵀ (k×m): A stored m×k (lda = m) or, transposed, k×m (lda = k).
        long[] aStrides = transA ? new long[] {1, k} : new long[] {m, 1};
        memory.desc bDesc = new memory.desc(new long[] {n, k}, memory.data_type.bf16, bStrides);
        memory.desc aDesc = new memory.desc(new long[] {k, m}, memory.data_type.bf16, aStrides);
        memory.desc cDesc = new memory.desc(new long[] {n, m}, memory.data_type.f32, new long[] {m, 1});
        primitive_attr attr = new primitive_attr();
        if (accumulate) {
            post_ops sum = new post_ops();
            sum.append_sum();
            attr.set_post_ops(sum);
        }
        matmul.primitive_desc pd = new matmul.primitive_desc(eng, bDesc, aDesc, cDesc, attr, false);
        implementation = pd.impl_info_str().getString();
        primitive = new matmul(pd);
        long aLength = (long) m * k;
        long bLength = (long) k * n;
        BytePointer aBf16 = new BytePointer(aLength * 2);
        BytePointer bBf16 = new BytePointer(bLength * 2);
        BytePointer aF32 = new BytePointer(aLength * 4);
        BytePointer bF32 = new BytePointer(bLength * 4);
        BytePointer cF32 = new BytePointer((long) m * n * 4);
        natives = new BytePointer[] {aBf16, bBf16, aF32, bF32, cF32};
        aStage = floats(aF32);
        bStage = floats(bF32);
        cData = floats(cF32);
        aMemory = new memory(aDesc, eng, aBf16);
        bMemory = new memory(bDesc, eng, bBf16);
        aStageMemory = new memory(new memory.desc(new long[] {k, m}, memory.data_type.f32, aStrides), eng, aF32);
        bStageMemory = new memory(new memory.desc(new long[] {n, k}, memory.data_type.f32, bStrides), eng, bF32);
        aToBf16 = new reorder(aStageMemory, aMemory);
        bToBf16 = new reorder(bStageMemory, bMemory);
        args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, bMemory);
        args.put(dnnl.DNNL_ARG_WEIGHTS, aMemory);
        args.put(dnnl.DNNL_ARG_DST, new memory(cDesc, eng, cF32));
    }

    private static FloatBuffer floats(BytePointer p) {
        return p.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** oneDNN's name of the kernel it chose, e.g. "brg_matmul:avx512_core_bf16". */
    String implementation() {
        return implementation;
    }

    /**
     * C = op(A)·op(B) [+ C] on column-major views: each operand starts at its offset and has its
     * leading dimension (at least its stored row count).
     */
    void multiply(stream s, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                  float[] c, int cOffset, int ldc) {
        copyIn(a, aOffset, lda, transA ? k : m, transA ? m : k, aStage);
        copyIn(b, bOffset, ldb, transB ? n : k, transB ? k : n, bStage);
        if (accumulate) {
            copyIn(c, cOffset, ldc, m, n, cData);
        }
        aToBf16.execute(s, aStageMemory, aMemory);
        bToBf16.execute(s, bStageMemory, bMemory);
        primitive.execute(s, args);
        s._wait();
        if (ldc == m) {
            cData.get(0, c, cOffset, m * n);
        } else {
            for (int j = 0; j < n; j++) {
                cData.get(j * m, c, cOffset + j * ldc, m);
            }
        }
    }

    /** Copies a rows×cols column-major view (leading dimension ld) densely into {@code to}. */
    private static void copyIn(float[] from, int offset, int ld, int rows, int cols, FloatBuffer to) {
        if (ld == rows) {
            to.put(0, from, offset, rows * cols);
        } else {
            for (int j = 0; j < cols; j++) {
                to.put(j * rows, from, offset + j * ld, rows);
            }
        }
    }

    @Override
    public void close() {
        args.close();
        primitive.close();
        aToBf16.close();
        bToBf16.close();
        aStageMemory.close();
        bStageMemory.close();
        aMemory.close();
        bMemory.close();
        for (BytePointer p : natives) {
            p.close();
        }
    }
}
