package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two ways a bfloat16 GEMM operand is filled, rounding in Java with the Vector API and a
 * float32 staging copy rounded by a oneDNN reorder, give the same bytes: for dense and strided
 * views, lengths that leave a partial register, ties (to even), overflow to infinity, NaN,
 * infinities, zeros of both signs and subnormals. Skipped, saying why, where either cannot run.
 */
class Bf16OperandTest {

    @ParameterizedTest(name = "rows={0} cols={1} ld={2} offset={3} transposed={4}")
    @CsvSource({
        "784, 512, 784, 0, false",  // a dense batch of Fashion-MNIST rows
        "37, 5, 37, 3, false",      // 185 values: a partial last register, an offset
        "20, 33, 24, 1, false",     // a view of the first 20 of 24 rows: column by column
        "9, 17, 9, 0, true",        // stored transposed (strides {1, rows})
    })
    void javaRoundingEqualsOneDnnsReorder(int rows, int cols, int ld, int offset, boolean transposed) {
        assumeTrue(OneDnn.bf16Available(), "SKIPPED: no native bfloat16 here: " + OneDnn.description());
        assumeTrue(VectorApi.available(), "SKIPPED: no Vector API here: " + VectorApi.unavailableReason());
        float[] from = values(offset + ld * cols);
        // the desc the matmul gives this operand: rows×cols column-major, i.e. dims {cols, rows}
        long[] strides = transposed ? new long[] {1, cols} : new long[] {rows, 1};
        memory.desc desc = new memory.desc(new long[] {cols, rows}, memory.data_type.bf16, strides);
        try (stream s = new stream(OneDnn.engine());
             Bf16Operand java = Bf16Operand.create(OneDnn.engine(), desc, rows, cols, true);
             Bf16Operand reorder = Bf16Operand.create(OneDnn.engine(), desc, rows, cols, false)) {
            java.load(s, from, offset, ld);
            reorder.load(s, from, offset, ld);
            s._wait();
            ByteBuffer a = java.bf16.asByteBuffer().order(ByteOrder.nativeOrder());
            ByteBuffer b = reorder.bf16.asByteBuffer().order(ByteOrder.nativeOrder());
            for (int i = 0; i < rows * cols; i++) {
                float value = from[offset + (i / rows) * ld + i % rows];
                assertEquals(b.getShort(2 * i), a.getShort(2 * i), "value " + i + ": " + value);
            }
        }
    }

    private static float[] values(int length) {
        SplittableRandom random = new SplittableRandom(length);
        float[] special = {1 + 0x1p-8f, 1 + 0x1p-7f + 0x1p-8f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.NaN,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -0x1p-130f, 0x1.fffffep-127f};
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = i % 41 < special.length ? special[i % 41] : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-5, 5)));
        }
        return out;
    }
}
