package io.github.vaespark.nn;

import io.github.vaespark.blas.VectorApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The element-wise loops whose scalar form is dominated by {@code Math.exp}, which the JIT does not
 * vectorise: here run over whole SIMD registers through the JDK's Vector API
 * ({@link VectorElementLoops}) where {@link VectorApi#available()}. Elsewhere, and for float64
 * (the exact reference), the kernels keep their scalar loops. The two forms agree to float32
 * rounding, not bit for bit.
 *
 * @param <A> the primitive array type
 */
interface ElementLoops<A> {

    /**
     * The Bernoulli negative log-likelihood of one column, {@code sum softplus(o) - x·o} over the
     * {@code rows} logits from {@code lb} and targets from {@code xb}; with {@code gradient} the
     * logits are overwritten by {@code sigmoid(o) - x}.
     */
    double bernoulliNll(A logits, int lb, A x, int xb, int rows, boolean gradient);

    /** {@code d[i] = sigmoid(d[i])} for i in [from, to). */
    void sigmoid(A d, int from, int to);

    /** The vectorised loops for arrays of this type, or null where the scalar loops run. */
    @SuppressWarnings("unchecked")
    static <A> ElementLoops<A> vectorised(Class<A> arrayType) {
        return arrayType == float[].class ? (ElementLoops<A>) Float32Simd.LOOPS : null;
    }

    /** Decides once per JVM, and logs, whether the float32 loops are vectorised. */
    final class Float32Simd {
        static final ElementLoops<float[]> LOOPS = choose();

        private Float32Simd() {
        }

        private static ElementLoops<float[]> choose() {
            Logger log = LoggerFactory.getLogger(ElementLoops.class);
            if (!VectorApi.available()) {
                log.info("vae-spark element-wise loops: scalar ({})", VectorApi.unavailableReason());
                return null;
            }
            try {
                VectorElementLoops loops = new VectorElementLoops();
                log.info("vae-spark element-wise loops: Vector API, {} float lanes", loops.lanes());
                return loops;
            } catch (LinkageError | RuntimeException e) {
                log.info("vae-spark element-wise loops: scalar (Vector API failed: {})", e.toString());
                return null;
            }
        }
    }
}
