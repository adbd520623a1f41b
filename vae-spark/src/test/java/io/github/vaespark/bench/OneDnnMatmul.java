package io.github.vaespark.bench;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * One column-major GEMM {@code C = op(A)·op(B) [+ C]} (m×k by k×n, the BLAS convention of
 * {@code Kernels.gemm}) as a oneDNN matmul primitive, created once and executed many times on
 * operands held in native memory ({@link Inputs}): float32, bfloat16, or float32 that oneDNN rounds
 * to bfloat16 itself; always float32 accumulation and output. Spike for issue 17, kept for
 * {@link Bf16GemmBench}'s variants; training's version is {@code blas.Bf16Matmul}. Not thread-safe.
 *
 * <p>A column-major matrix is a oneDNN plain matrix with strides {1, rows}, or its transpose
 * row-major, so the transposes are just strides: no copy. oneDNN's CPU runtime is OpenMP: its
 * thread count is {@code OMP_NUM_THREADS}, read once per process.
 */
final class OneDnnMatmul implements AutoCloseable {
    /** What the operands are in native memory and how oneDNN multiplies them. */
    enum Inputs {
        /** float32 operands, float32 products. */
        F32,
        /** bfloat16 operands (rounded in Java by {@link #loadA}/{@link #loadB}), bf16 products. */
        BF16,
        /**
         * float32 operands with fpmath_mode bf16, which allows oneDNN to round them to bf16 itself;
         * oneDNN 3.11 on avx512_core_bf16 (no AMX) ignores it and runs its float32 kernel.
         */
        F32_AS_BF16
    }

    private static engine cpu;
    private static stream inOrder;

    private final boolean bf16;
    private final int m;
    private final int n;
    private final int k;
    private final BytePointer aData;
    private final BytePointer bData;
    private final BytePointer cData;
    private final ShortBuffer aBf16;
    private final ShortBuffer bBf16;
    private final FloatBuffer aF32;
    private final FloatBuffer bF32;
    private final FloatBuffer cF32;
    private final short[] scratch;
    private final BytePointer aStage;
    private final BytePointer bStage;
    private final FloatBuffer aStageF32;
    private final FloatBuffer bStageF32;
    private final memory aStageMemory;
    private final memory bStageMemory;
    private final memory aMemory;
    private final memory bMemory;
    private final reorder aToBf16;
    private final reorder bToBf16;
    private final matmul primitive;
    private final IntMemoryMap args;
    private final String implementation;

    /**
     * Creates the primitive for {@code inputs}; {@code accumulate} adds the product to C (BLAS
     * beta = 1, a oneDNN sum post-op) instead of overwriting it.
     */
    OneDnnMatmul(Inputs inputs, boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("GEMM sizes must be positive: m=" + m + " n=" + n + " k=" + k);
        }
        this.bf16 = inputs == Inputs.BF16;
        this.m = m;
        this.n = n;
        this.k = k;
        engine eng = engine();
        memory.data_type in = bf16 ? memory.data_type.bf16 : memory.data_type.f32;
        // oneDNN's fast matmuls want a row-major destination, and column-major C (m×n) is row-major
        // Cᵀ (n×m); so oneDNN computes Cᵀ = op(B)ᵀ·op(A)ᵀ, with op(B)ᵀ as its source and op(A)ᵀ as
        // its weights. op(B)ᵀ (n×k): B stored k×n (ldb = k) or, transposed, n×k (ldb = n).
        memory.desc bDesc = new memory.desc(new long[] {n, k}, in, transB ? new long[] {1, n} : new long[] {k, 1});
        // op(A)ᵀ (k×m): A stored m×k (lda = m) or, transposed, k×m (lda = k).
        memory.desc aDesc = new memory.desc(new long[] {k, m}, in, transA ? new long[] {1, k} : new long[] {m, 1});
        memory.desc cDesc = new memory.desc(new long[] {n, m}, memory.data_type.f32, new long[] {m, 1});
        primitive_attr attr = new primitive_attr();
        if (inputs == Inputs.F32_AS_BF16) {
            attr.set_fpmath_mode(dnnl.fpmath_mode.bf16);
        }
        if (accumulate) {
            post_ops sum = new post_ops();
            sum.append_sum();
            attr.set_post_ops(sum);
        }
        matmul.primitive_desc pd = new matmul.primitive_desc(eng, bDesc, aDesc, cDesc, attr, false);
        implementation = pd.impl_info_str().getString();
        primitive = new matmul(pd);
        int inBytes = bf16 ? 2 : 4;
        aData = new BytePointer((long) m * k * inBytes);
        bData = new BytePointer((long) k * n * inBytes);
        cData = new BytePointer((long) m * n * 4);
        aBf16 = bf16 ? aData.asByteBuffer().order(ByteOrder.nativeOrder()).asShortBuffer() : null;
        bBf16 = bf16 ? bData.asByteBuffer().order(ByteOrder.nativeOrder()).asShortBuffer() : null;
        aF32 = bf16 ? null : aData.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        bF32 = bf16 ? null : bData.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        cF32 = cData.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        scratch = bf16 ? new short[Math.max(m * k, k * n)] : null;
        aMemory = new memory(aDesc, eng, aData);
        bMemory = new memory(bDesc, eng, bData);
        args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, bMemory);
        args.put(dnnl.DNNL_ARG_WEIGHTS, aMemory);
        args.put(dnnl.DNNL_ARG_DST, new memory(cDesc, eng, cData));
        // bf16 only: float32 staging copies of A and B, and oneDNN reorders rounding them into A and B.
        aStage = bf16 ? new BytePointer((long) m * k * 4) : null;
        bStage = bf16 ? new BytePointer((long) k * n * 4) : null;
        aStageF32 = bf16 ? aStage.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer() : null;
        bStageF32 = bf16 ? bStage.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer() : null;
        aStageMemory = bf16 ? new memory(new memory.desc(new long[] {k, m},
                memory.data_type.f32, strides(aDesc)), eng, aStage) : null;
        bStageMemory = bf16 ? new memory(new memory.desc(new long[] {n, k}, memory.data_type.f32, strides(bDesc)), eng,
                bStage) : null;
        aToBf16 = bf16 ? new reorder(aStageMemory, aMemory) : null;
        bToBf16 = bf16 ? new reorder(bStageMemory, bMemory) : null;
    }

    private static long[] strides(memory.desc d) {
        return new long[] {d.get_strides().get(0), d.get_strides().get(1)};
    }

    /** The CPU engine of this process (loads oneDNN on first use). */
    static synchronized engine engine() {
        if (cpu == null) {
            Loader.load(dnnl.class);
            cpu = new engine(engine.kind.cpu, 0);
            inOrder = new stream(cpu);
        }
        return cpu;
    }

    /** "3.11.0 (hash …)": the oneDNN in this process. */
    static String version() {
        engine();
        dnnl_version_t v = dnnl.dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch() + " (hash " + v.hash().getString() + ")";
    }

    /** The instruction set oneDNN dispatches to on this CPU, e.g. "avx512_core_bf16". */
    static String effectiveIsa() {
        engine();
        return dnnl.get_effective_cpu_isa().toString();
    }

    /** oneDNN's name of the implementation it chose, e.g. "brg_matmul:avx512_core_bf16". */
    String implementation() {
        return implementation;
    }

    /** Loads A (column-major, {@code m·k} floats from {@code offset}), rounding to bf16 if the inputs are bf16. */
    void loadA(float[] a, int offset) {
        load(a, offset, m * k, aBf16, aF32);
    }

    /** Loads B (column-major, {@code k·n} floats from {@code offset}), rounding to bf16 if the inputs are bf16. */
    void loadB(float[] b, int offset) {
        load(b, offset, k * n, bBf16, bF32);
    }

    private void load(float[] src, int offset, int length, ShortBuffer asBf16, FloatBuffer asF32) {
        if (bf16) {
            Bfloat16.fromFloats(src, offset, scratch, length);
            asBf16.put(0, scratch, 0, length);
        } else {
            asF32.put(0, src, offset, length);
        }
    }

    /**
     * Loads A and B (bf16 inputs only) the native way: copies the floats into native memory and
     * lets a oneDNN reorder round them to bf16 (round to nearest even, vectorised).
     */
    void loadConvertingNatively(float[] a, int aOffset, float[] b, int bOffset) {
        if (!bf16) {
            throw new IllegalStateException("loadConvertingNatively is for bf16 inputs; this matmul has float32 inputs");
        }
        aStageF32.put(0, a, aOffset, m * k);
        bStageF32.put(0, b, bOffset, k * n);
        aToBf16.execute(inOrder, aStageMemory, aMemory);
        bToBf16.execute(inOrder, bStageMemory, bMemory);
    }

    /** Loads C (column-major m×n, float32): what an accumulating GEMM adds to. */
    void loadC(float[] c, int offset) {
        cF32.put(0, c, offset, m * n);
    }

    /** Copies C (column-major m×n, float32) out into {@code c} from {@code offset}. */
    void storeC(float[] c, int offset) {
        cF32.get(0, c, offset, m * n);
    }

    /** Runs the GEMM on the loaded operands, on {@code OMP_NUM_THREADS} threads. */
    void execute() {
        primitive.execute(inOrder, args);
        inOrder._wait();
    }

    @Override
    public void close() {
        args.close();
        primitive.close();
        if (bf16) {
            aToBf16.close();
            bToBf16.close();
            aStage.close();
            bStage.close();
        }
        aData.close();
        bData.close();
        cData.close();
    }
}
