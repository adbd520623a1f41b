package io.github.vaespark.blas;

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
 * nearest even) by oneDNN reorders, multiplied, and C is copied back. The buffers are the calling
 * thread's {@link Bf16Scratch}, shared by all its shapes. Not thread-safe: one per thread
 * ({@link Bf16Gemm}).
 *
 * <p>A column-major matrix is a oneDNN plain matrix with strides {1, rows}, or its transpose
 * row-major, so transposes are strides, not copies. oneDNN's fast kernels want a row-major
 * destination (a column-major one gets its reference kernel, hundreds of times slower), and
 * column-major C (m×n) is row-major Cᵀ (n×m); so this computes Cᵀ = op(B)ᵀ·op(A)ᵀ.
 */
final class Bf16Matmul implements AutoCloseable {
    /** What the product does with C: overwrite it, add to it, or overwrite it with the product plus a bias (and ReLU). */
    enum Epilogue {
        /** C = op(A)·op(B). */
        OVERWRITE,
        /** C = op(A)·op(B) + C (beta = 1: C is staged in and added by the matmul's sum post-op). */
        ACCUMULATE,
        /** C = op(A)·op(B) + b·1ᵀ, the bias b (m values) added by the matmul: C is not staged in. */
        BIAS,
        /** C = max(op(A)·op(B) + b·1ᵀ, 0). */
        BIAS_RELU
    }

    private final int m;
    private final int n;
    private final int k;
    private final boolean transA;
    private final boolean transB;
    private final boolean accumulate;
    /** Whether B may be rounded by this primitive (false: B comes rounded, as a strided row range). */
    private final boolean roundsB;
    /** The bias's native float32 copy (BIAS, BIAS_RELU), else null. */
    private final BytePointer biasData;
    private final FloatBuffer biasFloats;
    private final memory biasMemory;
    private final memory aStageMemory;
    private final memory bStageMemory;  // null where B comes rounded only (as bToBf16)
    private final memory aMemory;
    private final memory bMemory;
    private final memory cMemory;
    private final reorder aToBf16;
    private final reorder bToBf16;
    private final matmul primitive;
    private final IntMemoryMap args;
    private final String implementation;

    /**
     * The primitive for one shape and epilogue. Grows {@code scratch} to the shape's need.
     */
    Bf16Matmul(engine eng, Bf16Scratch scratch, boolean transA, boolean transB, int m, int n, int k,
               Epilogue epilogue) {
        this(eng, scratch, transA, transB, m, n, k, epilogue, 0);
    }

    /**
     * As {@link #Bf16Matmul(engine, Bf16Scratch, boolean, boolean, int, int, int, Epilogue)} for a B
     * that is only ever given rounded ({@link #multiplyRounded}) with leading dimension
     * {@code roundedLdb} (at least B's stored row count; 0 for exactly that): a row range of a
     * rounded matrix. Such a primitive does not round B itself.
     */
    Bf16Matmul(engine eng, Bf16Scratch scratch, boolean transA, boolean transB, int m, int n, int k,
               Epilogue epilogue, int roundedLdb) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("GEMM sizes must be positive: m=" + m + " n=" + n + " k=" + k);
        }
        int storedRows = transB ? n : k;
        if (roundedLdb != 0 && roundedLdb < storedRows) {
            throw new IllegalArgumentException("B's leading dimension " + roundedLdb + " is below its " + storedRows
                    + " stored rows");
        }
        this.roundsB = roundedLdb == 0;
        this.m = m;
        this.n = n;
        this.k = k;
        this.transA = transA;
        this.transB = transB;
        this.accumulate = epilogue == Epilogue.ACCUMULATE;
        boolean bias = epilogue == Epilogue.BIAS || epilogue == Epilogue.BIAS_RELU;
        // op(B)ᵀ (n×k): B stored k×n (ldb = k) or, transposed, n×k (ldb = n).
        long[] bStrides = transB ? new long[] {1, n} : new long[] {k, 1};
        long[] roundedBStrides = roundedLdb == 0 ? bStrides
                : transB ? new long[] {1, roundedLdb} : new long[] {roundedLdb, 1};
        // op(A)ᵀ (k×m): A stored m×k (lda = m) or, transposed, k×m (lda = k).
        long[] aStrides = transA ? new long[] {1, k} : new long[] {m, 1};
        memory.desc bDesc = new memory.desc(new long[] {n, k}, memory.data_type.bf16, roundedBStrides);
        memory.desc aDesc = new memory.desc(new long[] {k, m}, memory.data_type.bf16, aStrides);
        memory.desc cDesc = new memory.desc(new long[] {n, m}, memory.data_type.f32, new long[] {m, 1});
        // The bias is one value per column of Cᵀ (per row of C), broadcast over its n rows.
        memory.desc biasDesc = bias ? new memory.desc(new long[] {1, m}, memory.data_type.f32, new long[] {m, 1}) : null;
        primitive_attr attr = new primitive_attr();
        if (accumulate || epilogue == Epilogue.BIAS_RELU) {
            post_ops ops = new post_ops();
            if (accumulate) {
                ops.append_sum();
            } else {
                ops.append_eltwise(dnnl.algorithm.eltwise_relu, 0f, 0f);
            }
            attr.set_post_ops(ops);
        }
        matmul.primitive_desc pd = bias
                ? new matmul.primitive_desc(eng, bDesc, aDesc, biasDesc, cDesc, attr, false)
                : new matmul.primitive_desc(eng, bDesc, aDesc, cDesc, attr, false);
        implementation = pd.impl_info_str().getString();
        primitive = new matmul(pd);
        scratch.ensure(m, n, k);
        aMemory = new memory(aDesc, eng, scratch.a().bf16());
        bMemory = new memory(bDesc, eng, scratch.b().bf16());
        cMemory = new memory(cDesc, eng, scratch.c().f32());
        aStageMemory = new memory(new memory.desc(new long[] {k, m}, memory.data_type.f32, aStrides), eng,
                scratch.a().f32());
        // A primitive given B rounded only (a row range of a rounded matrix) never stages or rounds B.
        bStageMemory = roundsB ? new memory(new memory.desc(new long[] {n, k}, memory.data_type.f32, bStrides), eng,
                scratch.b().f32()) : null;
        aToBf16 = new reorder(aStageMemory, aMemory);
        bToBf16 = roundsB ? new reorder(bStageMemory, bMemory) : null;
        args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, bMemory);
        args.put(dnnl.DNNL_ARG_WEIGHTS, aMemory);
        args.put(dnnl.DNNL_ARG_DST, cMemory);
        if (bias) {
            biasData = new BytePointer((long) m * Float.BYTES);
            biasFloats = Bf16Scratch.floats(biasData);
            biasMemory = new memory(biasDesc, eng, biasData);
            args.put(dnnl.DNNL_ARG_BIAS, biasMemory);
        } else {
            biasData = null;
            biasFloats = null;
            biasMemory = null;
        }
    }

    /** oneDNN's name of the kernel it chose, e.g. "brg_matmul:avx512_core_bf16". */
    String implementation() {
        return implementation;
    }

    /**
     * C = op(A)·op(B) [+ C] on column-major views: each operand starts at its offset and has its
     * leading dimension (at least its stored row count).
     */
    void multiply(stream s, Bf16Scratch scratch, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                  float[] c, int cOffset, int ldc) {
        scratch.ensure(m, n, k);  // another shape may have grown (reallocated) the buffers since
        roundA(s, scratch, a, aOffset, lda, scratch.a().bf16());
        roundB(s, scratch, b, bOffset, ldb, scratch.b().bf16());
        multiplyRounded(s, scratch, scratch.a().bf16(), scratch.b().bf16(), c, cOffset, ldc);
    }

    /**
     * C = op(A)·op(B) + b·1ᵀ [then ReLU], for a primitive made with the BIAS or BIAS_RELU epilogue:
     * the m bias values start at {@code biasOffset} of {@code bias}. The same values as filling C's
     * columns with b and multiplying with beta = 1 (one float32 addition of the bias to the
     * accumulated product either way), without staging C in.
     */
    void multiplyWithBias(stream s, Bf16Scratch scratch, float[] a, int aOffset, int lda, float[] b, int bOffset,
                          int ldb, float[] bias, int biasOffset, float[] c, int cOffset, int ldc) {
        scratch.ensure(m, n, k);
        multiplyWithBias(s, scratch, a, aOffset, lda, scratch.a().bf16(), b, bOffset, ldb, scratch.b().bf16(),
                bias, biasOffset, c, cOffset, ldc);
    }

    /**
     * As {@link #multiplyWithBias(stream, Bf16Scratch, float[], int, int, float[], int, int, float[], int, float[], int, int)},
     * rounding A into {@code aTarget} (m·k values) and B into {@code bTarget} (k·n values), where
     * they stay for later products ({@link #multiplyRounded}).
     */
    void multiplyWithBias(stream s, Bf16Scratch scratch, float[] a, int aOffset, int lda, BytePointer aTarget,
                          float[] b, int bOffset, int ldb, BytePointer bTarget, float[] bias, int biasOffset,
                          float[] c, int cOffset, int ldc) {
        if (biasData == null) {
            throw new IllegalStateException("This GEMM primitive was made without a bias");
        }
        scratch.ensure(m, n, k);
        biasFloats.put(0, bias, biasOffset, m);
        roundA(s, scratch, a, aOffset, lda, aTarget);
        roundB(s, scratch, b, bOffset, ldb, bTarget);
        multiplyRounded(s, scratch, aTarget, bTarget, c, cOffset, ldc);
    }

    /**
     * op(A) rounded to bfloat16 as {@link #multiply} rounds it, in a new native buffer of m·k
     * values that the caller owns (and closes): for an A that does not change, such as a model's
     * weights at inference, with {@link #multiply(stream, Bf16Scratch, BytePointer, float[], int, int, float[], int, int)}.
     */
    BytePointer roundA(stream s, Bf16Scratch scratch, float[] a, int aOffset, int lda) {
        scratch.ensure(m, n, k);
        BytePointer rounded = new BytePointer((long) m * k * 2);
        roundA(s, scratch, a, aOffset, lda, rounded);
        s._wait();
        return rounded;
    }

    /**
     * Stages op(A) in the scratch's float32 buffer and rounds it into {@code target} (m·k values in
     * A's stored order, packed to its stored row count), as every product of this primitive rounds A.
     */
    void roundA(stream s, Bf16Scratch scratch, float[] a, int aOffset, int lda, BytePointer target) {
        scratch.ensure(m, n, k);
        aStageMemory.set_data_handle(scratch.a().f32());
        aMemory.set_data_handle(target);
        copyIn(a, aOffset, lda, transA ? k : m, transA ? m : k, scratch.a().floats());
        aToBf16.execute(s, aStageMemory, aMemory);
    }

    /** As {@link #roundA(stream, Bf16Scratch, float[], int, int, BytePointer)} for B (k·n values). */
    void roundB(stream s, Bf16Scratch scratch, float[] b, int bOffset, int ldb, BytePointer target) {
        if (!roundsB) {
            throw new IllegalStateException("This GEMM primitive takes B rounded only");
        }
        scratch.ensure(m, n, k);
        bStageMemory.set_data_handle(scratch.b().f32());
        bMemory.set_data_handle(target);
        copyIn(b, bOffset, ldb, transB ? n : k, transB ? k : n, scratch.b().floats());
        bToBf16.execute(s, bStageMemory, bMemory);
    }

    /** As {@link #multiply(stream, Bf16Scratch, float[], int, int, float[], int, int, float[], int, int)} with op(A) from {@link #roundA}. */
    void multiply(stream s, Bf16Scratch scratch, BytePointer roundedA, float[] b, int bOffset, int ldb,
                  float[] c, int cOffset, int ldc) {
        scratch.ensure(m, n, k);
        roundB(s, scratch, b, bOffset, ldb, scratch.b().bf16());
        multiplyRounded(s, scratch, roundedA, scratch.b().bf16(), c, cOffset, ldc);
    }

    /**
     * C = op(A)·op(B) [+ C, + bias] with both inputs already rounded to bfloat16 in their stored
     * order (by {@link #roundA} and {@link #roundB} of this primitive, or of any primitive whose
     * operand has the same stored layout: a rounding is element-wise), and C copied out.
     */
    void multiplyRounded(stream s, Bf16Scratch scratch, BytePointer roundedA, BytePointer roundedB,
                         float[] c, int cOffset, int ldc) {
        scratch.ensure(m, n, k);
        aMemory.set_data_handle(roundedA);
        bMemory.set_data_handle(roundedB);
        cMemory.set_data_handle(scratch.c().f32());
        FloatBuffer cData = scratch.c().floats();
        if (accumulate) {
            copyIn(c, cOffset, ldc, m, n, cData);
        }
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
        aStageMemory.close();
        if (roundsB) {
            bToBf16.close();
            bStageMemory.close();
        }
        aMemory.close();
        bMemory.close();
        cMemory.close();
        if (biasMemory != null) {
            biasMemory.close();
            biasData.close();
        }
    }
}
