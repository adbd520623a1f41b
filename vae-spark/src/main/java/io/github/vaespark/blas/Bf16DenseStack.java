package io.github.vaespark.blas;

import java.lang.ref.WeakReference;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
 * Inference through a stack of dense layers {@code y = act(W·x + b)} in oneDNN, for weights that
 * do not change: each layer a matmul with bfloat16 inputs, float32 accumulation, the bias added
 * and ReLU applied by the matmul itself, hidden activations handed to the next layer as native
 * bfloat16, and only the input copied in and the last layer's float32 output copied out. The
 * values are those of the layers run one {@link Bf16Gemm} at a time with the bias and ReLU added
 * in float32 in Java (a product rounds its inputs to bfloat16 to nearest even either way); what is
 * saved is every hidden layer's trip through the Java heap. Only when {@link OneDnn#bf16Available()}.
 *
 * <p>Parameters are column-major as everywhere in the network: layer i's weights an
 * {@code out × in} block at {@link Layer#weightOffset()}, its bias {@code out} values at
 * {@link Layer#biasOffset()}, one column per data row. Each thread keeps the stacks it ran last
 * (weights rounded once per stack), keyed by the parameter array, the layers and the column count.
 */
public final class Bf16DenseStack implements AutoCloseable {
    /** Stacks kept per thread (an encoder and a decoder per model and batch width). */
    private static final int STACKS_PER_THREAD = 8;
    private static final ThreadLocal<Map<Key, Bf16DenseStack>> STACKS =
            ThreadLocal.withInitial(() -> new RecentlyUsed<>(STACKS_PER_THREAD));
    private static final AtomicLong CREATED = new AtomicLong();

    /** One dense layer: sizes, where its weights and bias start in the parameters, and ReLU or none. */
    public record Layer(int in, int out, int weightOffset, int biasOffset, boolean relu) {
    }

    /** A stack's cache key: the parameter array (weakly held, by identity), its layers and the column count. */
    private static final class Key {
        private final WeakReference<float[]> params;
        private final List<Layer> layers;
        private final int columns;
        private final int hash;

        Key(float[] params, List<Layer> layers, int columns) {
            this.params = new WeakReference<>(params);
            this.layers = layers;
            this.columns = columns;
            this.hash = (System.identityHashCode(params) * 31 + layers.hashCode()) * 31 + columns;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key key)) {
                return false;
            }
            float[] mine = params.get();
            return mine != null && mine == key.params.get() && columns == key.columns && layers.equals(key.layers);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final stream stream;
    private final int columns;
    private final int inputRows;
    private final int outputRows;
    private final BytePointer inputF32;
    private final FloatBuffer inputFloats;
    private final memory inputStage;
    private final reorder inputToBf16;
    private final memory inputBf16;
    private final FloatBuffer outputFloats;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<matmul> primitives = new ArrayList<>();
    private final List<IntMemoryMap> arguments = new ArrayList<>();

    private Bf16DenseStack(float[] params, List<Layer> layers, int columns) {
        engine eng = OneDnn.engine();
        this.stream = keep(new stream(eng));
        this.columns = columns;
        this.inputRows = layers.get(0).in();
        this.outputRows = layers.get(layers.size() - 1).out();
        // The input, column-major in × n: row-major n × in, staged in float32 and rounded to bfloat16.
        memory.desc inputF32Desc = matrix(columns, inputRows, memory.data_type.f32);
        memory.desc inputBf16Desc = matrix(columns, inputRows, memory.data_type.bf16);
        inputF32 = keep(new BytePointer((long) columns * inputRows * Float.BYTES));
        inputFloats = Bf16Scratch.floats(inputF32);
        inputStage = keep(new memory(inputF32Desc, eng, inputF32));
        inputBf16 = keep(new memory(inputBf16Desc, eng, keep(new BytePointer((long) columns * inputRows * 2))));
        inputToBf16 = keep(new reorder(inputStage, inputBf16));
        memory src = inputBf16;
        FloatBuffer lastOutput = null;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (i > 0 && layer.in() != layers.get(i - 1).out()) {
                throw new IllegalArgumentException("Layer " + i + " takes " + layer.in() + " inputs, but layer "
                        + (i - 1) + " gives " + layers.get(i - 1).out());
            }
            boolean last = i == layers.size() - 1;
            // Wᵀ (in × out) in the layout the matmul prefers (blocked for its kernels), so that the
            // weights are packed once here rather than on every run.
            memory.desc weightsDesc = keep(new memory.desc(new long[] {layer.in(), layer.out()},
                    memory.data_type.bf16, memory.format_tag.any));
            memory.desc biasDesc = matrix(1, layer.out(), memory.data_type.f32);
            memory.desc dstDesc = matrix(columns, layer.out(), last ? memory.data_type.f32 : memory.data_type.bf16);
            primitive_attr attr = keep(new primitive_attr());
            if (layer.relu()) {
                post_ops ops = keep(new post_ops());
                ops.append_eltwise(dnnl.algorithm.eltwise_relu, 0f, 0f);
                attr.set_post_ops(ops);
            }
            matmul.primitive_desc pd = keep(new matmul.primitive_desc(eng, src.get_desc(), weightsDesc, biasDesc,
                    dstDesc, attr, false));
            matmul primitive = keep(new matmul(pd));
            memory weights = keep(new memory(keep(pd.weights_desc()), eng));
            roundInto(eng, params, layer.weightOffset(), layer.in(), layer.out(), weights);
            BytePointer biasData = keep(new BytePointer((long) layer.out() * Float.BYTES));
            Bf16Scratch.floats(biasData).put(0, params, layer.biasOffset(), layer.out());
            memory bias = keep(new memory(biasDesc, eng, biasData));
            long dstBytes = (long) columns * layer.out() * (last ? Float.BYTES : 2);
            BytePointer dstData = keep(new BytePointer(dstBytes));
            memory dst = keep(new memory(dstDesc, eng, dstData));
            if (last) {
                lastOutput = Bf16Scratch.floats(dstData);
            }
            IntMemoryMap args = keep(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_SRC, src);
            args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
            args.put(dnnl.DNNL_ARG_BIAS, bias);
            args.put(dnnl.DNNL_ARG_DST, dst);
            primitives.add(primitive);
            arguments.add(args);
            src = dst;
        }
        outputFloats = lastOutput;
        CREATED.incrementAndGet();
    }

    /**
     * Runs the layers on {@code columns} columns of {@code x} (column-major, {@code in} rows of the
     * first layer, leading dimension = rows, from {@code xOffset}) and writes the last layer's output
     * (its {@code out} rows, leading dimension = rows) into {@code y} from {@code yOffset}.
     * Layer i's input must be layer i-1's output size.
     */
    public static void run(float[] params, List<Layer> layers, int columns, float[] x, int xOffset,
                           float[] y, int yOffset) {
        if (layers.isEmpty() || columns <= 0) {
            throw new IllegalArgumentException("A dense stack needs layers and columns: " + layers.size()
                    + " layers, " + columns + " columns");
        }
        Map<Key, Bf16DenseStack> stacks = STACKS.get();
        Key key = new Key(params, List.copyOf(layers), columns);
        Bf16DenseStack stack = stacks.get(key);
        if (stack == null) {
            freeCollected(stacks);
            stack = new Bf16DenseStack(params, key.layers, columns);
            stacks.put(key, stack);
        }
        stack.run(x, xOffset, y, yOffset);
    }

    /** Frees the stacks of parameter arrays that have been garbage-collected (models no longer in use). */
    private static void freeCollected(Map<Key, Bf16DenseStack> stacks) {
        stacks.entrySet().removeIf(entry -> {
            if (entry.getKey().params.get() != null) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
    }

    /** How many stacks the threads of this JVM have created (for tests: one per thread, model and width). */
    public static long stacksCreated() {
        return CREATED.get();
    }

    private void run(float[] x, int xOffset, float[] y, int yOffset) {
        inputFloats.put(0, x, xOffset, columns * inputRows);
        inputToBf16.execute(stream, inputStage, inputBf16);
        for (int i = 0; i < primitives.size(); i++) {
            primitives.get(i).execute(stream, arguments.get(i));
        }
        stream._wait();
        outputFloats.get(0, y, yOffset, columns * outputRows);
    }

    /**
     * Rounds the dense row-major rows × cols floats of {@code params} from {@code offset} into
     * bfloat16 {@code target} (in whatever layout its description gives).
     */
    private void roundInto(engine eng, float[] params, int offset, int rows, int cols, memory target) {
        int count = rows * cols;
        try (BytePointer staged = new BytePointer((long) count * Float.BYTES);
             memory.desc f32Desc = new memory.desc(new long[] {rows, cols}, memory.data_type.f32, new long[] {cols, 1});
             memory stage = new memory(f32Desc, eng, staged);
             reorder round = new reorder(stage, target)) {
            Bf16Scratch.floats(staged).put(0, params, offset, count);
            round.execute(stream, stage, target);
            stream._wait();
        }
    }

    /** A dense row-major rows × cols matrix description. */
    private memory.desc matrix(long rows, long cols, memory.data_type type) {
        return keep(new memory.desc(new long[] {rows, cols}, type, new long[] {cols, 1}));
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not free a bfloat16 dense stack", e);
            }
        }
        resources.clear();
    }
}
