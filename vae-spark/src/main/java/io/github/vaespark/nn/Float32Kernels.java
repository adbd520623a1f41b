package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import breeze.linalg.DenseMatrix$mcF$sp;
import dev.ludovic.netlib.blas.BLAS;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * {@link Kernels} computing in 32-bit floating point.
 *
 * <p>This file is the single source of both widths: the build derives {@code Float64Kernels} from
 * it by replacing the element type (see {@code vae-spark/pom.xml}, "generate-float64-kernels"), so
 * every loop below is written once. Keep literals free of width suffixes and cast with
 * {@code (float)} so that the derived file compiles. Not final only for {@code Bfloat16Kernels},
 * which stores in this width and replaces its GEMM.
 */
public class Float32Kernels implements Kernels<float[]> {
    private static final long serialVersionUID = 1L;

    /** The stateless shared instance. */
    public static final Float32Kernels INSTANCE = new Float32Kernels();

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    /** Products of up to this many factors in (1, 2] stay far below Float.MAX_VALUE (2^64 < 2^128). */
    private static final int LOG_PRODUCT_RUN = 64;
    /** Turns a ReLU output into a 0/1 mask by multiplication (see activationBackward). */
    private static final float MASK_SCALE = (float) 1e38;

    /** For the shared instance, and for the subclass in this package. */
    Float32Kernels() {
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT32;
    }

    @Override
    public float[] allocate(int length) {
        return new float[length];
    }

    @Override
    public int length(float[] array) {
        return array.length;
    }

    @Override
    public DenseMatrix<?> matrix(float[] data, int offset, int rows, int cols) {
        if (offset < 0 || (long) offset + (long) rows * cols > data.length) {
            throw new IllegalArgumentException("A " + rows + "x" + cols + " view at " + offset
                    + " does not fit in " + data.length + " elements");
        }
        return new DenseMatrix$mcF$sp(rows, cols, data, offset, Math.max(rows, 1), false);
    }

    @Override
    public DenseMatrix<?> rowRange(DenseMatrix<?> m, int from, int to) {
        if (from < 0 || to > m.rows() || from > to) {
            throw new IllegalArgumentException("Rows [" + from + ", " + to + ") of a matrix of " + m.rows());
        }
        return new DenseMatrix$mcF$sp(to - from, m.cols(), data(m), m.offset() + from, m.majorStride(), false);
    }

    @Override
    public float[] data(DenseMatrix<?> m) {
        return (float[]) m.data();
    }

    @Override
    public float[] fromDoubles(double[] values) {
        float[] out = new float[values.length];
        Chunks.forEach(values.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = (float) values[i];
            }
        });
        return out;
    }

    @Override
    public byte[] toBytes(double[] values) {
        byte[] out = new byte[values.length * Float.BYTES];
        Chunks.forEach(values.length, (from, to) -> {
            FloatBuffer view = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = from; i < to; i++) {
                view.put(i, (float) values[i]);
            }
        });
        return out;
    }

    @Override
    public void fromBytes(byte[] bytes, float[] out) {
        if (bytes.length != out.length * Float.BYTES) {
            throw new IllegalArgumentException(bytes.length + " bytes do not hold " + out.length + " values");
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    }

    @Override
    public void accumulate(float[] values, float[] target, int from, int to) {
        for (int i = from; i < to; i++) {
            target[i] += values[i];
        }
    }

    @Override
    public void addRange(float[] values, double[] target, int from, int to, boolean assign) {
        if (assign) {
            for (int i = from; i < to; i++) {
                target[i] = values[i];
            }
        } else {
            for (int i = from; i < to; i++) {
                target[i] += values[i];
            }
        }
    }

    @Override
    public void storeRange(double[] values, float[] target, int from, int to) {
        for (int i = from; i < to; i++) {
            target[i] = (float) values[i];
        }
    }

    @Override
    public void put(float[] values, int from, int to, ByteBuffer out) {
        out.asFloatBuffer().put(values, from, to - from);
        out.position(out.position() + (to - from) * Float.BYTES);
    }

    @Override
    public void get(ByteBuffer in, float[] target, int from, int to) {
        in.asFloatBuffer().get(target, from, to - from);
        in.position(in.position() + (to - from) * Float.BYTES);
    }

    @Override
    public void zero(float[] array) {
        java.util.Arrays.fill(array, (float) 0);
    }

    @Override
    public void zero(float[] array, int from, int to) {
        java.util.Arrays.fill(array, from, to, (float) 0);
    }

    @Override
    public void setColumn(DenseMatrix<?> m, int col, double[] values) {
        float[] d = data(m);
        int base = m.offset() + col * m.majorStride();
        for (int i = 0; i < m.rows(); i++) {
            d[base + i] = (float) values[i];
        }
    }

    @Override
    public void getColumn(DenseMatrix<?> m, int col, double[] out) {
        float[] d = data(m);
        int base = m.offset() + col * m.majorStride();
        for (int i = 0; i < m.rows(); i++) {
            out[i] = d[base + i];
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, DenseMatrix<?> a, DenseMatrix<?> b,
                     double beta, DenseMatrix<?> c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("GEMM shapes do not match: " + m + "x" + k + " * " + kb + "x" + n
                    + " -> " + c.rows() + "x" + c.cols());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scale(c, beta);
            return;
        }
        BLAS.getInstance().sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, (float) alpha,
                data(a), a.offset(), a.majorStride(), data(b), b.offset(), b.majorStride(),
                (float) beta, data(c), c.offset(), c.majorStride());
    }

    private void scale(DenseMatrix<?> c, double beta) {
        float[] d = data(c);
        for (int j = 0; j < c.cols(); j++) {
            int base = c.offset() + j * c.majorStride();
            for (int i = 0; i < c.rows(); i++) {
                d[base + i] = beta == 0 ? (float) 0 : (float) (beta * d[base + i]);
            }
        }
    }

    @Override
    public void fillColumns(DenseMatrix<?> m, float[] params, int biasOffset) {
        float[] d = data(m);
        for (int j = 0; j < m.cols(); j++) {
            System.arraycopy(params, biasOffset, d, m.offset() + j * m.majorStride(), m.rows());
        }
    }

    @Override
    public void activate(DenseMatrix<?> m, Activation act) {
        float[] d = data(m);
        int from = m.offset();
        int to = from + contiguousLength(m);
        switch (act) {
            case RELU -> {
                for (int i = from; i < to; i++) {
                    d[i] = Math.max(d[i], (float) 0);
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    d[i] = (float) tanh(d[i]);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    d[i] = (float) (1 / (1 + Math.exp(-d[i])));
                }
            }
            default -> throw new IllegalStateException(act.name());
        }
    }

    /** Elements of a matrix stored without gaps (leading dimension = rows), else an error. */
    private static int contiguousLength(DenseMatrix<?> m) {
        if (m.majorStride() != m.rows() && m.cols() > 1) {
            throw new IllegalArgumentException("Expected a contiguous matrix, got leading dimension "
                    + m.majorStride() + " for " + m.rows() + " rows");
        }
        return m.rows() * m.cols();
    }

    /** tanh through the exp intrinsic: 1 - 2 / (e^{2v} + 1); exact at ±∞. */
    private static double tanh(double v) {
        return 1 - 2 / (Math.exp(2 * v) + 1);
    }

    @Override
    public void activationBackward(DenseMatrix<?> delta, DenseMatrix<?> y, Activation act) {
        float[] d = data(delta);
        float[] a = data(y);
        int n = contiguousLength(delta);
        if (contiguousLength(y) != n) {
            throw new IllegalArgumentException("delta and activations differ in shape");
        }
        int dOff = delta.offset();
        int yOff = y.offset();
        if (dOff != 0 || yOff != 0) {
            throw new IllegalArgumentException("activationBackward expects workspace matrices at offset 0");
        }
        switch (act) {
            case RELU -> {
                // a = max(z, 0) >= 0, so min(a·MAX, 1) is 1 where a > 0 (a >= 1/MAX) and 0 where a = 0:
                // a branch-free mask the JIT can vectorise.
                for (int i = 0; i < n; i++) {
                    d[i] *= Math.min(a[i] * MASK_SCALE, (float) 1);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    d[i] *= 1 - a[i] * a[i];
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    d[i] *= a[i] * (1 - a[i]);
                }
            }
            default -> throw new IllegalStateException(act.name());
        }
    }

    @Override
    public void addRowSums(DenseMatrix<?> m, float[] grad, int offset) {
        if (m.cols() == 0 || m.rows() == 0) {
            return;
        }
        BLAS.getInstance().sgemv("N", m.rows(), m.cols(), (float) 1, data(m), m.offset(), m.majorStride(),
                ones(m.cols()), 0, 1, (float) 1, grad, offset, 1);
    }

    private static volatile float[] ones = new float[0];

    /** A shared read-only vector of at least {@code n} ones. */
    private static float[] ones(int n) {
        float[] o = ones;
        if (o.length < n) {
            o = new float[Math.max(n, 2 * o.length)];
            java.util.Arrays.fill(o, (float) 1);
            ones = o;
        }
        return o;
    }

    @Override
    public double sampleLatent(DenseMatrix<?> head, DenseMatrix<?> eps, DenseMatrix<?> z, double[] klPerColumn) {
        float[] h = data(head);
        float[] e = data(eps);
        float[] out = data(z);
        int latent = z.rows();
        double total = 0;
        for (int j = 0; j < z.cols(); j++) {
            int hb = head.offset() + j * head.majorStride();
            int eb = eps.offset() + j * eps.majorStride();
            int zb = z.offset() + j * z.majorStride();
            double kl = 0;
            for (int i = 0; i < latent; i++) {
                double mu = h[hb + i];
                double logVar = LogVarianceBounds.encoder(h[hb + latent + i]);
                double var = Math.exp(logVar);
                out[zb + i] = (float) (mu + Math.sqrt(var) * e[eb + i]);
                kl += mu * mu + var - 1 - logVar;
            }
            kl *= 0.5;
            total += kl;
            if (klPerColumn != null) {
                klPerColumn[j] += kl;
            }
        }
        return total;
    }

    @Override
    public void latentBackward(DenseMatrix<?> head, DenseMatrix<?> eps, DenseMatrix<?> dz, double beta,
                               DenseMatrix<?> dHead) {
        float[] h = data(head);
        float[] e = data(eps);
        float[] g = data(dz);
        float[] out = data(dHead);
        int latent = dz.rows();
        for (int j = 0; j < dz.cols(); j++) {
            int hb = head.offset() + j * head.majorStride();
            int eb = eps.offset() + j * eps.majorStride();
            int gb = dz.offset() + j * dz.majorStride();
            int ob = dHead.offset() + j * dHead.majorStride();
            for (int i = 0; i < latent; i++) {
                double mu = h[hb + i];
                double logVar = h[hb + latent + i];
                double var = Math.exp(logVar);
                double dzi = g[gb + i];
                out[ob + i] = (float) (dzi + beta * mu);
                // Outside the clamp range the loss does not depend on log σ² (see LogVarianceBounds).
                out[ob + latent + i] = LogVarianceBounds.encoderHasGradient(logVar)
                        ? (float) (0.5 * dzi * e[eb + i] * Math.sqrt(var) + 0.5 * beta * (var - 1)) : 0;
            }
        }
    }

    @Override
    public void addLatentLogWeight(DenseMatrix<?> head, DenseMatrix<?> eps, DenseMatrix<?> z, double[] out) {
        float[] h = data(head);
        float[] e = data(eps);
        float[] zz = data(z);
        int latent = z.rows();
        for (int j = 0; j < z.cols(); j++) {
            int hb = head.offset() + j * head.majorStride();
            int eb = eps.offset() + j * eps.majorStride();
            int zb = z.offset() + j * z.majorStride();
            double sum = 0;
            for (int i = 0; i < latent; i++) {
                double zi = zz[zb + i];
                double ei = e[eb + i];
                sum += ei * ei + LogVarianceBounds.encoder(h[hb + latent + i]) - zi * zi;
            }
            out[j] += 0.5 * sum;
        }
    }

    @Override
    public double bernoulliNll(DenseMatrix<?> logits, DenseMatrix<?> x, boolean gradient, double[] perColumn) {
        float[] l = data(logits);
        float[] xs = data(x);
        int rows = logits.rows();
        // One column at a time, copied into scratch arrays that all start at index 0: C2 then turns
        // the element-wise loops of bernoulliColumn into SIMD code (it does not when arrays are
        // indexed from different offsets); in float32 with ExpMinusAbs's polynomial, about 3x the
        // speed of a scalar Math.exp loop on a 784 x 512 block. A method per column, called many
        // times per block, is compiled once early instead of through one on-stack replacement per loop.
        float[] o = new float[rows];
        float[] xc = new float[rows];
        float[] e = new float[rows];
        double total = 0;
        for (int j = 0; j < logits.cols(); j++) {
            int lb = logits.offset() + j * logits.majorStride();
            System.arraycopy(l, lb, o, 0, rows);
            System.arraycopy(xs, x.offset() + j * x.majorStride(), xc, 0, rows);
            double nll = bernoulliColumn(o, xc, e, rows, gradient);
            total += nll;
            if (perColumn != null) {
                perColumn[j] += nll;
            }
            if (gradient) {
                System.arraycopy(o, 0, l, lb, rows);
            }
        }
        return total;
    }

    /**
     * One column's Bernoulli negative log-likelihood of targets {@code x} under logits {@code o}
     * (both [0, rows)); with {@code gradient}, o becomes sigmoid(o) - x. {@code e} is scratch.
     */
    private static double bernoulliColumn(float[] o, float[] x, float[] e, int rows, boolean gradient) {
        for (int i = 0; i < rows; i++) {
            e[i] = ExpMinusAbs.of(o[i]);
        }
        // softplus(o) - x·o = max(o, 0) - x·o + log(1 + e^{-|o|}); the logs of a run of factors
        // (1 + e^{-|o|}) in (1, 2] are taken once per run, as the log of their product. Each
        // run is summed in this class's precision, the runs in double.
        double nll = 0;
        for (int run = 0; run < rows; run += LOG_PRODUCT_RUN) {
            int end = Math.min(rows, run + LOG_PRODUCT_RUN);
            float linear = 0;
            float product = 1;
            for (int i = run; i < end; i++) {
                linear += Math.max(o[i], 0f) - x[i] * o[i];
                product *= 1 + e[i];
            }
            nll += linear + Math.log(product);
        }
        if (gradient) {
            for (int i = 0; i < rows; i++) {
                o[i] = logistic(o[i], e[i]) - x[i];
            }
        }
        return nll;
    }

    @Override
    public double gaussianNll(DenseMatrix<?> mean, DenseMatrix<?> x, float[] params, int logVarOffset,
                              float[] grad, double[] perColumn) {
        float[] m = data(mean);
        float[] xs = data(x);
        int rows = mean.rows();
        double[] precision = new double[rows];
        // 1 where the loss depends on s_j, 0 where s_j is below the floor (see LogVarianceBounds).
        double[] logVarGradient = new double[rows];
        double constant = 0;
        for (int i = 0; i < rows; i++) {
            double raw = params[logVarOffset + i];
            double s = LogVarianceBounds.decoder(raw);
            precision[i] = Math.exp(-s);
            logVarGradient[i] = LogVarianceBounds.decoderHasGradient(raw) ? 1 : 0;
            constant += HALF_LOG_2PI + 0.5 * s;
        }
        double total = 0;
        for (int j = 0; j < mean.cols(); j++) {
            int mb = mean.offset() + j * mean.majorStride();
            int xb = x.offset() + j * x.majorStride();
            double quadratic = 0;
            for (int i = 0; i < rows; i++) {
                double r = m[mb + i] - xs[xb + i];
                double rp = r * precision[i];
                quadratic += r * rp;
                if (grad != null) {
                    m[mb + i] = (float) rp;
                    grad[logVarOffset + i] += (float) (logVarGradient[i] * (0.5 - 0.5 * r * rp));
                }
            }
            double nll = constant + 0.5 * quadratic;
            total += nll;
            if (perColumn != null) {
                perColumn[j] += nll;
            }
        }
        return total;
    }

    @Override
    public void sigmoid(DenseMatrix<?> m) {
        float[] d = data(m);
        for (int j = 0; j < m.cols(); j++) {
            int base = m.offset() + j * m.majorStride();
            sigmoidRange(d, base, base + m.rows());
        }
    }

    /** d[i] = sigmoid(d[i]): one array and one index, so C2 vectorises the loop in float32. */
    private static void sigmoidRange(float[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            d[i] = logistic(d[i], ExpMinusAbs.of(d[i]));
        }
    }

    /**
     * sigmoid(v) given e = e^{-|v|}: 1 / (1 + e) for v &gt; 0, e · (1 / (1 + e)) otherwise (the same
     * at ±0); the sign picks by multiplying with 0 or 1 (exact), not by an unpredictable branch.
     */
    private static float logistic(float v, float e) {
        float positive = ExpMinusAbs.positive(v);
        return (positive + (1 - positive) * e) * (1 / (1 + e));
    }
}
