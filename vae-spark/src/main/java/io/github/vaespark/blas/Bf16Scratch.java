package io.github.vaespark.blas;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;

/**
 * The native buffers one thread's bfloat16 GEMMs stage their operands in: A and B as float32 and
 * as bfloat16, C as float32. Every shape the thread runs shares them, and they grow to the largest
 * shape's need, so a training step's twenty-odd shapes touch a few MB of fresh memory once instead
 * of a few MB each (a fresh page costs a page fault on first touch: a new shape's first product
 * took 10–40 ms when each had buffers of its own, against 1–2 ms after). Not thread-safe.
 */
final class Bf16Scratch implements AutoCloseable {
    private final Operand a = new Operand();
    private final Operand b = new Operand();
    private final Operand c = new Operand();

    /** One operand's float32 buffer and, for inputs, its bfloat16 copy. */
    static final class Operand {
        private BytePointer f32;
        private BytePointer bf16;
        private FloatBuffer floats;
        private long capacity;

        /** Grows to at least {@code length} elements (contents are not kept). */
        void ensure(long length, boolean withBf16) {
            if (length <= capacity && (!withBf16 || bf16 != null)) {
                return;
            }
            long size = Math.max(length, capacity);
            close();
            f32 = new BytePointer(size * Float.BYTES);
            floats = Bf16Scratch.floats(f32);
            if (withBf16) {
                bf16 = new BytePointer(size * 2);
            }
            capacity = size;
        }

        /** The float32 buffer. */
        BytePointer f32() {
            return f32;
        }

        /** The bfloat16 buffer (after {@code ensure(…, true)}). */
        BytePointer bf16() {
            return bf16;
        }

        /** The float32 buffer as floats. */
        FloatBuffer floats() {
            return floats;
        }

        void close() {
            if (f32 != null) {
                f32.close();
                f32 = null;
            }
            if (bf16 != null) {
                bf16.close();
                bf16 = null;
            }
            capacity = 0;
        }
    }

    /** A native buffer's bytes as native-order floats (a view: writes go to the buffer). */
    static FloatBuffer floats(BytePointer p) {
        return p.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Grows the buffers for an m×k by k×n product. */
    void ensure(int m, int n, int k) {
        a.ensure((long) m * k, true);
        b.ensure((long) k * n, true);
        c.ensure((long) m * n, false);
    }

    Operand a() {
        return a;
    }

    Operand b() {
        return b;
    }

    Operand c() {
        return c;
    }

    @Override
    public void close() {
        a.close();
        b.close();
        c.close();
    }
}
