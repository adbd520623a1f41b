package io.github.vaespark.blas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;

/**
 * One bfloat16 input of a {@link Bf16Matmul}: a native oneDNN memory that each call fills from a
 * float[] view, rounded to nearest even. Where {@link VectorApi#available()} the Java side rounds
 * and writes the bfloat16 values itself ({@link Bfloat16Writer}); elsewhere it copies float32 into
 * a native staging buffer and a oneDNN reorder rounds. Both give the same bits.
 */
abstract class Bf16Operand implements AutoCloseable {
    /** The stored rows and columns of the column-major view each call passes. */
    final int rows;
    final int cols;
    final BytePointer bf16;
    private final memory bf16Memory;

    private Bf16Operand(engine eng, memory.desc desc, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        bf16 = new BytePointer((long) rows * cols * 2);
        bf16Memory = new memory(desc, eng, bf16);
    }

    /** The operand for a bfloat16 memory {@code desc} holding a rows×cols view. */
    static Bf16Operand create(engine eng, memory.desc desc, int rows, int cols) {
        return create(eng, desc, rows, cols, VectorApi.available());
    }

    /** As above, rounding in Java or by a oneDNN reorder as asked (for tests). */
    static Bf16Operand create(engine eng, memory.desc desc, int rows, int cols, boolean inJava) {
        return inJava ? new RoundedInJava(eng, desc, rows, cols) : new RoundedByReorder(eng, desc, rows, cols);
    }

    /** The bfloat16 memory the matmul reads. */
    final memory memory() {
        return bf16Memory;
    }

    /** Fills the memory from the view at {@code offset} with leading dimension {@code ld}. */
    abstract void load(stream s, float[] from, int offset, int ld);

    @Override
    public void close() {
        bf16Memory.close();
        bf16.close();
    }

    /** Rounds with the Vector API straight into the bfloat16 buffer. */
    private static final class RoundedInJava extends Bf16Operand {
        private final ByteBuffer bytes = bf16.asByteBuffer().order(ByteOrder.nativeOrder());

        RoundedInJava(engine eng, memory.desc desc, int rows, int cols) {
            super(eng, desc, rows, cols);
        }

        @Override
        void load(stream s, float[] from, int offset, int ld) {
            Bfloat16Writer.write(from, offset, ld, rows, cols, bytes);
        }
    }

    /** Copies float32 into a staging buffer that a oneDNN reorder rounds into the bfloat16 one. */
    private static final class RoundedByReorder extends Bf16Operand {
        private final BytePointer f32;
        private final FloatBuffer stage;
        private final memory stageMemory;
        private final reorder toBf16;

        RoundedByReorder(engine eng, memory.desc desc, int rows, int cols) {
            super(eng, desc, rows, cols);
            f32 = new BytePointer((long) rows * cols * 4);
            stage = Bf16Matmul.floats(f32);
            memory.desc f32Desc = new memory.desc(desc.get_dims(), memory.data_type.f32, desc.get_strides());
            stageMemory = new memory(f32Desc, eng, f32);
            toBf16 = new reorder(stageMemory, memory());
        }

        @Override
        void load(stream s, float[] from, int offset, int ld) {
            Bf16Matmul.copyIn(from, offset, ld, rows, cols, stage);
            toBf16.execute(s, stageMemory, memory());
        }

        @Override
        public void close() {
            toBf16.close();
            stageMemory.close();
            f32.close();
            super.close();
        }
    }
}
