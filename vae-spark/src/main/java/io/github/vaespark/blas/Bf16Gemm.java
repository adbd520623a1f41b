package io.github.vaespark.blas;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;

/**
 * bfloat16 GEMM on float[] operands: {@code C = op(A)·op(B) + beta·C} with beta 0 or 1, the inputs
 * rounded to bfloat16 and the products accumulated in float32, through oneDNN ({@link Bf16Matmul}).
 * Only when {@link OneDnn#bf16Available()}. Each thread keeps its own oneDNN stream and the
 * primitives of the shapes it ran last (a training step runs the same few shapes over and over)
 * and one set of native buffers they all stage their operands in; in a forward-and-backward pass
 * ({@link #beginPass()}) also each dense layer's rounded weights and input ({@link Bf16Tape}: a few
 * MB per thread for a Fashion-MNIST-sized model), which the layer's backward products reuse.
 */
public final class Bf16Gemm {
    /** Shapes kept per thread; the least recently used beyond this are freed. */
    private static final int SHAPES_PER_THREAD = 48;
    /** Constant operands kept per thread in bfloat16; the least recently used beyond this are freed. */
    static final int CONSTANTS_PER_THREAD = 32;

    private static final ThreadLocal<Primitives> PRIMITIVES = ThreadLocal.withInitial(Primitives::new);
    private static final AtomicLong CREATED = new AtomicLong();
    private static final AtomicLong KEPT_BACKWARDS = new AtomicLong();
    /** Every distinct shape any thread created a primitive for (a few dozen per model and batch width). */
    private static final Set<Shape> SHAPES = ConcurrentHashMap.newKeySet();

    private Bf16Gemm() {
    }

    /**
     * The primitive's cache key: the shape and what it does with C. Looked up on every product, so
     * equals and hashCode are written out: a record's generated ones run through method handles,
     * dozens of which the JIT must compile while a fit's first epoch runs.
     */
    private record Shape(boolean transA, boolean transB, int m, int n, int k, Bf16Matmul.Epilogue epilogue,
                         int roundedLdb) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Shape s && transA == s.transA && transB == s.transB && m == s.m && n == s.n
                    && k == s.k && epilogue == s.epilogue && roundedLdb == s.roundedLdb;
        }

        @Override
        public int hashCode() {
            return (((m * 31 + n) * 31 + k) * 16 + (transA ? 8 : 0) + (transB ? 4 : 0) + epilogue.ordinal()) * 31
                    + roundedLdb;
        }

        /** As a record's, the leading dimension of a rounded-only B only where there is one. */
        @Override
        public String toString() {
            return "Shape[transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", epilogue=" + epilogue + (roundedLdb == 0 ? "" : ", roundedLdb=" + roundedLdb) + "]";
        }
    }

    /**
     * A view of a constant A, identified by its array (weakly held: a collected array matches
     * nothing), offset, leading dimension, transposition and shape.
     */
    private static final class ConstantView {
        private final WeakReference<float[]> array;
        private final int hash;
        private final int offset;
        private final int ld;
        private final boolean trans;
        private final int m;
        private final int k;

        ConstantView(float[] array, int offset, int ld, boolean trans, int m, int k) {
            this.array = new WeakReference<>(array);
            this.hash = System.identityHashCode(array) * 31 + java.util.Objects.hash(offset, ld, trans, m, k);
            this.offset = offset;
            this.ld = ld;
            this.trans = trans;
            this.m = m;
            this.k = k;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ConstantView v)) {
                return false;
            }
            float[] mine = array.get();
            return mine != null && mine == v.array.get() && offset == v.offset && ld == v.ld && trans == v.trans
                    && m == v.m && k == v.k;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** One thread's stream and primitives, and the bfloat16 copies of its constant operands. */
    private static final class Primitives implements Function<Shape, Bf16Matmul> {
        private final stream stream = new stream(OneDnn.engine());
        private final Bf16Scratch scratch = new Bf16Scratch();
        private final Map<Shape, Bf16Matmul> shapes = new RecentlyUsed<>(SHAPES_PER_THREAD);
        private final Map<ConstantView, BytePointer> constants = new RecentlyUsed<>(CONSTANTS_PER_THREAD);
        private final Bf16Tape tape = new Bf16Tape();

        /** This thread's primitive for a shape, created on first use. */
        Bf16Matmul primitive(boolean transA, boolean transB, int m, int n, int k, double beta) {
            if (beta != 0 && beta != 1) {
                throw new IllegalArgumentException("bfloat16 GEMM takes beta 0 or 1, not " + beta);
            }
            return primitive(transA, transB, m, n, k,
                    beta == 1 ? Bf16Matmul.Epilogue.ACCUMULATE : Bf16Matmul.Epilogue.OVERWRITE);
        }

        Bf16Matmul primitive(boolean transA, boolean transB, int m, int n, int k, Bf16Matmul.Epilogue epilogue) {
            return primitive(transA, transB, m, n, k, epilogue, 0);
        }

        /** As {@link #primitive(boolean, boolean, int, int, int, Bf16Matmul.Epilogue)}, B rounded only, with that leading dimension (0: dense). */
        Bf16Matmul primitive(boolean transA, boolean transB, int m, int n, int k, Bf16Matmul.Epilogue epilogue,
                             int roundedLdb) {
            // computeIfAbsent, not get-then-put: code the JIT compiled while every shape was cached
            // would otherwise be deoptimised (and recompiled) by a fit's first step, which meets new ones.
            return shapes.computeIfAbsent(new Shape(transA, transB, m, n, k, epilogue, roundedLdb), this);
        }

        /** A new primitive for {@code shape} (through {@link #primitive}'s computeIfAbsent). */
        @Override
        public Bf16Matmul apply(Shape shape) {
            Bf16Matmul matmul = new Bf16Matmul(OneDnn.engine(), scratch, shape.transA(), shape.transB(), shape.m(),
                    shape.n(), shape.k(), shape.epilogue(), shape.roundedLdb());
            CREATED.incrementAndGet();
            SHAPES.add(shape);
            return matmul;
        }
    }

    /**
     * C (m×n) = op(A)·op(B) + beta·C on column-major views (offset and leading dimension each), m,
     * n, k positive, beta 0 or 1.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                            double beta, float[] c, int cOffset, int ldc) {
        Primitives cache = PRIMITIVES.get();
        cache.primitive(transA, transB, m, n, k, beta)
                .multiply(cache.stream, cache.scratch, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }

    /**
     * A dense layer's forward product, C (m×n) = W·X + b·1ᵀ, then max(·, 0) when {@code relu}: W
     * m×k and X k×n column-major views (offset and leading dimension each), the bias b the m values
     * of {@code bias} from {@code biasOffset}, m, n, k positive. The bias is added by the matmul, so
     * C is not staged in: the same values as filling C with b and calling {@link #gemm} with beta 1
     * (then ReLU in float32), bit for bit.
     */
    public static void dense(int m, int n, int k, float[] w, int wOffset, int ldw, float[] x, int xOffset, int ldx,
                             float[] bias, int biasOffset, boolean relu, float[] c, int cOffset, int ldc) {
        Primitives cache = PRIMITIVES.get();
        Bf16Matmul matmul = cache.primitive(false, false, m, n, k,
                relu ? Bf16Matmul.Epilogue.BIAS_RELU : Bf16Matmul.Epilogue.BIAS);
        Bf16Tape.Layer record = ldw == m && ldx == k ? cache.tape.record(w, wOffset, m, k, x, xOffset, n) : null;
        if (record == null) {
            matmul.multiplyWithBias(cache.stream, cache.scratch, w, wOffset, ldw, x, xOffset, ldx, bias, biasOffset,
                    c, cOffset, ldc);
            return;
        }
        try {
            matmul.multiplyWithBias(cache.stream, cache.scratch, w, wOffset, ldw, record.weights(), x, xOffset, ldx,
                    record.input(), bias, biasOffset, c, cOffset, ldc);
        } catch (RuntimeException | Error e) {
            cache.tape.invalidate(record);
            throw e;
        }
    }

    /**
     * Opens a forward-and-backward pass on this thread: from now until {@link #endPass()}, each
     * {@link #dense} product on contiguous operands keeps its rounded weights and input for the
     * same layer's {@link #denseBackward}. The caller promises that neither changes in between.
     */
    public static void beginPass() {
        PRIMITIVES.get().tape.begin();
    }

    /** Closes this thread's pass ({@link #beginPass()}); kept roundings are not used again. */
    public static void endPass() {
        PRIMITIVES.get().tape.end();
    }

    /**
     * A dense layer's backward products in this thread's open pass: G (m×k, at {@code gOffset} of
     * {@code grad}, contiguous) = Δ·Xᵀ [+ G with beta 1] and, when {@code next} is not null, N
     * (k×n, contiguous) = Wᵀ·Δ, for the layer whose forward {@link #dense} product in this pass took
     * W (m×k at {@code wOffset} of {@code w}) and X (k×n at {@code xOffset} of {@code x}), both
     * contiguous; Δ m×n contiguous at {@code deltaOffset}. W and X are the bfloat16 copies that
     * product made and Δ is rounded once for both products: the same bits as two {@link #gemm}
     * calls. Returns false, having done nothing, when there is no such forward product in the pass
     * (then the caller runs the two products itself).
     */
    public static boolean denseBackward(int m, int n, int k, float[] w, int wOffset, float[] x, int xOffset,
                                        float[] delta, int deltaOffset, double beta, float[] grad, int gOffset,
                                        float[] next, int nextOffset) {
        Primitives cache = PRIMITIVES.get();
        Bf16Tape.Layer record = cache.tape.find(w, wOffset, m, k, x, xOffset, n);
        if (record == null) {
            return false;
        }
        Bf16Matmul weightGradient = cache.primitive(false, true, m, k, n, beta);
        weightGradient.roundA(cache.stream, cache.scratch, delta, deltaOffset, m, record.gradient());
        weightGradient.multiplyRounded(cache.stream, cache.scratch, record.gradient(), record.input(),
                grad, gOffset, m);
        if (next != null) {
            cache.primitive(true, false, k, n, m, 0).multiplyRounded(cache.stream, cache.scratch, record.weights(),
                    record.gradient(), next, nextOffset, k);
        }
        KEPT_BACKWARDS.incrementAndGet();
        return true;
    }

    /**
     * A dense layer's weight gradient in column blocks, in this thread's open pass: for b from the
     * last block to the first, columns [bounds[b-1], bounds[b]) of G (m×k at {@code gOffset} of
     * {@code grad}, contiguous) = Δ·X[rows of the block]ᵀ [+ themselves with beta 1], then
     * {@code blockDone} is told the block's first column. Δ (m×n, contiguous at
     * {@code deltaOffset}) is rounded once for all blocks, and X's rows come from the bfloat16 copy
     * this pass's forward {@link #dense} product of the layer (W at {@code wOffset} of {@code w}, X
     * k×n at {@code xOffset} of {@code x}) made: the same bits as a {@link #gemm} per block. Returns
     * false, having done nothing, when there is no such forward product in the pass.
     */
    public static boolean denseWeightGradientInBlocks(int m, int n, int k, float[] w, int wOffset, float[] x,
                                                      int xOffset, float[] delta, int deltaOffset, double beta,
                                                      float[] grad, int gOffset, int[] bounds,
                                                      IntConsumer blockDone) {
        Primitives cache = PRIMITIVES.get();
        Bf16Tape.Layer record = cache.tape.find(w, wOffset, m, k, x, xOffset, n);
        if (record == null || bounds.length < 2 || bounds[0] != 0 || bounds[bounds.length - 1] != k) {
            return false;
        }
        if (beta != 0 && beta != 1) {
            throw new IllegalArgumentException("bfloat16 GEMM takes beta 0 or 1, not " + beta);
        }
        Bf16Matmul.Epilogue epilogue = beta == 1 ? Bf16Matmul.Epilogue.ACCUMULATE : Bf16Matmul.Epilogue.OVERWRITE;
        boolean rounded = false;
        for (int b = bounds.length - 1; b > 0; b--) {
            int from = bounds[b - 1];
            int to = bounds[b];
            if (to <= from) {
                throw new IllegalArgumentException("Column blocks must increase: " + Arrays.toString(bounds));
            }
            Bf16Matmul block = cache.primitive(false, true, m, to - from, n, epilogue, k);
            if (!rounded) {
                block.roundA(cache.stream, cache.scratch, delta, deltaOffset, m, record.gradient());
                rounded = true;
            }
            // Row `from` of X's bfloat16 copy (k×n, leading dimension k): a view 2·from bytes in.
            BytePointer rows = new BytePointer(record.input()).position(2L * from);
            block.multiplyRounded(cache.stream, cache.scratch, record.gradient(), rows, grad, gOffset + from * m, m);
            blockDone.accept(from);
        }
        KEPT_BACKWARDS.incrementAndGet();
        return true;
    }

    /**
     * How many {@link #denseBackward} and {@link #denseWeightGradientInBlocks} calls of this JVM's
     * threads ran from kept roundings (for tests).
     */
    public static long backwardsFromKeptRoundings() {
        return KEPT_BACKWARDS.get();
    }

    /**
     * As {@link #gemm}, for an A whose values never change while the array lives (a model's
     * weights at inference): each thread rounds each such view of A to bfloat16 once and keeps it
     * (its {@link #CONSTANTS_PER_THREAD} most recent), so a product only rounds B. The same
     * results as {@link #gemm}, bit for bit.
     */
    public static void gemmConstantA(boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                     double beta, float[] c, int cOffset, int ldc) {
        Primitives cache = PRIMITIVES.get();
        Bf16Matmul matmul = cache.primitive(transA, transB, m, n, k, beta);
        ConstantView view = new ConstantView(a, aOffset, lda, transA, m, k);
        BytePointer rounded = cache.constants.get(view);
        if (rounded == null) {
            rounded = matmul.roundA(cache.stream, cache.scratch, a, aOffset, lda);
            cache.constants.put(view, rounded);
        }
        matmul.multiply(cache.stream, cache.scratch, rounded, b, bOffset, ldb, c, cOffset, ldc);
    }

    /** How many GEMM primitives the threads of this JVM have created (each new shape on a thread is one). */
    public static long primitivesCreated() {
        return CREATED.get();
    }

    /**
     * The distinct shapes (e.g. "Shape[transA=false, transB=false, m=32, n=512, k=12, epilogue=OVERWRITE]")
     * threads of this JVM have created primitives for; a new thread meeting a known shape adds none.
     */
    public static Set<String> shapesCreated() {
        Set<String> names = new java.util.TreeSet<>();
        for (Shape shape : SHAPES) {
            names.add(shape.toString());
        }
        return names;
    }

    /** oneDNN's kernel for a shape, e.g. "brg_matmul:avx512_core_bf16" (for tests and logs). */
    public static String implementation(boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
        try (Bf16Scratch scratch = new Bf16Scratch();
             Bf16Matmul matmul = new Bf16Matmul(OneDnn.engine(), scratch, transA, transB, m, n, k,
                     accumulate ? Bf16Matmul.Epilogue.ACCUMULATE : Bf16Matmul.Epilogue.OVERWRITE)) {
            return matmul.implementation();
        }
    }
}
