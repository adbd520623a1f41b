package io.github.vaespark.blas;

import java.util.Map;
import java.util.function.Function;
import org.bytedeco.javacpp.BytePointer;

/**
 * One thread's bfloat16 copies of what a dense layer's forward product rounded (its weights and
 * its input) kept for the same layer's backward products in the same forward-and-backward pass,
 * and the layer's output gradient rounded once for both of them. Each rounding is element-wise, so
 * a kept copy holds the bits the backward products would round again from the same float values:
 * the results are those of rounding in every product, with less copying in and rounding.
 *
 * <p>A pass is opened and closed by the caller ({@link Bf16Gemm#beginPass()}, {@link Bf16Gemm#endPass()}),
 * which promises that between a layer's forward product and its backward products neither its
 * weights nor its input change. A record is used only when it was made in the open pass for the
 * same parameter array, weight offset, sizes and input view; otherwise the backward products round
 * their operands themselves. Not thread-safe: one per thread.
 */
final class Bf16Tape implements AutoCloseable {
    /** Layers kept per thread (a network has a few; more than this only costs re-rounding). */
    static final int LAYERS_PER_THREAD = 32;

    private static final Function<Integer, Layer> NEW_LAYER = offset -> new Layer();

    private final Map<Integer, Layer> layers = new RecentlyUsed<>(LAYERS_PER_THREAD);
    private boolean open;
    private long pass;

    /** What one dense layer's forward product rounded, and for which pass, weights and input view. */
    static final class Layer implements AutoCloseable {
        private final Buffer weights = new Buffer();
        private final Buffer input = new Buffer();
        private final Buffer gradient = new Buffer();
        private long pass = -1;
        private float[] params;
        private int out;
        private int in;
        private float[] inputArray;
        private int inputOffset;
        private int columns;

        /** The weights' bfloat16 copy (out·in values). */
        BytePointer weights() {
            return weights.pointer;
        }

        /** The input's bfloat16 copy (in·columns values). */
        BytePointer input() {
            return input.pointer;
        }

        /** Room for the output gradient's bfloat16 copy (out·columns values), rounded by the backward pass. */
        BytePointer gradient() {
            return gradient.pointer;
        }

        void clearReferences() {
            params = null;
            inputArray = null;
        }

        @Override
        public void close() {
            clearReferences();
            weights.close();
            input.close();
            gradient.close();
        }
    }

    /** A native buffer that grows and keeps its largest size. */
    private static final class Buffer {
        private BytePointer pointer;
        private long capacity;

        void ensure(long values) {
            if (values <= capacity) {
                return;
            }
            close();
            pointer = new BytePointer(values * 2);
            capacity = values;
        }

        void close() {
            if (pointer != null) {
                pointer.close();
                pointer = null;
            }
            capacity = 0;
        }
    }

    /** Opens a pass: records made from now on are usable until {@link #end()}. */
    void begin() {
        pass++;
        open = true;
    }

    /** Closes the pass: no record is used again, and none holds on to the caller's arrays. */
    void end() {
        open = false;
        for (Layer layer : layers.values()) {
            layer.clearReferences();
        }
    }

    /**
     * The record to round layer {@code weightOffset}'s weights (out × in) and input (in × columns)
     * into, sized for them and marked as made in this pass for these arrays; null when no pass is open.
     */
    Layer record(float[] params, int weightOffset, int out, int in, float[] inputArray, int inputOffset,
                 int columns) {
        if (!open) {
            return null;
        }
        // computeIfAbsent, not get-then-put: code the JIT compiled while every layer had its record
        // would otherwise be deoptimised (and the whole forward layer recompiled) by a new model.
        Layer layer = layers.computeIfAbsent(weightOffset, NEW_LAYER);
        layer.weights.ensure((long) out * in);
        layer.input.ensure((long) in * columns);
        layer.gradient.ensure((long) out * columns);
        layer.pass = pass;
        layer.params = params;
        layer.out = out;
        layer.in = in;
        layer.inputArray = inputArray;
        layer.inputOffset = inputOffset;
        layer.columns = columns;
        return layer;
    }

    /**
     * The record this pass's forward product of the same layer made on the same weights and input
     * view, or null (no pass open, no such product in this pass, or a different layer or view).
     */
    Layer find(float[] params, int weightOffset, int out, int in, float[] inputArray, int inputOffset, int columns) {
        if (!open) {
            return null;
        }
        Layer layer = layers.get(weightOffset);
        boolean same = layer != null && layer.pass == pass && layer.params == params && layer.out == out
                && layer.in == in && layer.inputArray == inputArray && layer.inputOffset == inputOffset
                && layer.columns == columns;
        return same ? layer : null;
    }

    /** Forgets a record (its buffers stay for reuse), e.g. when its product failed half-way. */
    void invalidate(Layer layer) {
        layer.pass = -1;
        layer.clearReferences();
    }

    @Override
    public void close() {
        for (Layer layer : layers.values()) {
            layer.close();
        }
        layers.clear();
        open = false;
    }
}
