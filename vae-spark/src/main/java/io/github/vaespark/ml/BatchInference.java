package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.nn.WorkspaceCache;
import org.apache.spark.ml.linalg.DenseVector;

/**
 * The model work of one transform batch, shared by the row paths of {@code transform}: the rows'
 * values go into the workspace's input matrix, and the encoder (and, if asked for, the decoder
 * and the ELBO) run with GEMM over the whole batch. Results are read per row from the workspace.
 */
final class BatchInference<A> {
    /**
     * Rows per GEMM batch. 256 rather than 512: a batch's rows, activations and kept input rows then
     * stay nearer the core (measured on a 784-feature model, cached input, noop sink: float32
     * 90,000-92,000 rows/s against 77,000-88,000 at 512, bfloat16 143,000-160,000 against
     * 118,000-132,000; 128 rows was slower than 256 in both).
     */
    static final int BATCH_ROWS = 256;

    private final VaeLayout layout;
    private final VaeNetwork<A> network;
    private final A params;
    private final RowTransformer.Outputs outputs;
    private final Kernels<A> kernels;
    private final double[][] values;
    private final double[] scratch;
    private DenseMatrix<?> mu;
    private DenseMatrix<?> reconstruction;
    private double[] elbo;
    private boolean alwaysDecode;
    private boolean columnScores;
    private double[][] scores;

    BatchInference(ExecutorModel model, Kernels<A> kernels, RowTransformer.Outputs outputs) {
        this.layout = model.layout();
        this.params = model.params(kernels);
        this.kernels = kernels.withConstantWeights(params);
        this.network = model.network(this.kernels);
        this.outputs = outputs;
        this.values = new double[BATCH_ROWS][layout.dataDim()];
        this.scratch = new double[layout.latentDim()];
    }

    /**
     * Table outputs: with {@code decode} the decoder runs even without a reconstruction column (for
     * imputation); with {@code columnScores} each column's negative log-likelihood is computed.
     */
    BatchInference<A> withTableOutputs(boolean decode, boolean columnScores) {
        this.alwaysDecode = decode;
        this.columnScores = columnScores;
        return this;
    }

    /** The buffer row {@code j}'s values are read into (valid until the next {@link #run}). */
    double[] row(int j) {
        return values[j];
    }

    /** Runs the model on rows 0 … n-1 of the buffers. */
    void run(int n) {
        Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BATCH_ROWS);
        DenseMatrix<?> x = ws.input(n);
        for (int j = 0; j < n; j++) {
            kernels.setColumn(x, j, values[j]);
        }
        // The ELBO passes reuse the workspace, so they run before μ and the reconstruction are read.
        elbo = outputs.elbo() ? elbo(ws, x, n) : null;
        // Encoder and decoder may run on more columns than rows (Kernels.batchColumns): the extra
        // columns hold earlier rows of the buffer or zeros, and only the first n are read.
        DenseMatrix<?> wide = ws.input(kernels.batchColumns(n, BATCH_ROWS));
        DenseMatrix<?> wideMu = network.latentMean(network.encode(params, wide, ws), ws);
        mu = firstColumns(wideMu, n);
        scores = null;
        reconstruction = null;
        if (outputs.reconstruction() || alwaysDecode || columnScores) {
            // One decoder pass serves the column scores (from the raw output) and the decoder mean.
            DenseMatrix<?> raw = firstColumns(network.decodeRaw(params, wideMu, network.conditions(wide), ws), n);
            if (columnScores) {
                scores = new double[n][layout.mixedColumns().columns()];
                network.columnScores(params, raw, x, scores);
            }
            if (outputs.reconstruction() || alwaysDecode) {
                reconstruction = network.toMean(raw);
            }
        }
    }

    /** The first n columns of a workspace matrix (stored without gaps). */
    private DenseMatrix<?> firstColumns(DenseMatrix<?> m, int n) {
        return m.cols() == n ? m : kernels.matrix(kernels.data(m), m.offset(), m.rows(), n);
    }

    /** The latent mean of row j. */
    double[] latentMean(int j) {
        double[] out = new double[layout.latentDim()];
        kernels.getColumn(mu, j, out);
        return out;
    }

    /** Each table column's negative log-likelihood for row j (see {@link #withTableOutputs}). */
    double[] columnScores(int j) {
        return scores[j];
    }

    /** The decoder mean of row j's latent mean. */
    double[] reconstruction(int j) {
        double[] out = new double[layout.inputDim()];
        kernels.getColumn(reconstruction, j, out);
        return out;
    }

    /** The Monte-Carlo ELBO of row j. */
    double elbo(int j) {
        return elbo[j];
    }

    /**
     * Writes row j's requested outputs into {@code cells} from {@code from} on, in the output
     * schema's order (latent mean, reconstruction, ELBO, flat latent columns); vectors as ml
     * Vectors.
     */
    void appendOutputs(int j, Object[] cells, int from) {
        int c = from;
        if (outputs.latentMean()) {
            cells[c++] = new DenseVector(latentMean(j));
        }
        if (outputs.reconstruction()) {
            cells[c++] = new DenseVector(reconstruction(j));
        }
        appendScalars(j, cells, c);
    }

    /**
     * As {@link #appendOutputs(int, Object[], int)}, the vectors as Spark's internal rows of them,
     * written straight from the batch's matrices into the reusable cells {@code latentCell} and
     * {@code reconstructionCell} (sized by {@link #latentCell()} and {@link #reconstructionCell()}).
     */
    void appendInternalOutputs(int j, Object[] cells, VectorCells latentCell, VectorCells reconstructionCell) {
        int c = 0;
        if (outputs.latentMean()) {
            cells[c++] = latentCell.fill(mu, kernels.data(mu), j);
        }
        if (outputs.reconstruction()) {
            cells[c++] = reconstructionCell.fill(reconstruction, kernels.data(reconstruction), j);
        }
        appendScalars(j, cells, c);
    }

    /** A reusable internal cell for the latent mean. */
    VectorCells latentCell() {
        return new VectorCells(layout.latentDim());
    }

    /** A reusable internal cell for the reconstruction. */
    VectorCells reconstructionCell() {
        return new VectorCells(layout.inputDim());
    }

    private void appendScalars(int j, Object[] cells, int from) {
        int c = from;
        if (outputs.elbo()) {
            cells[c++] = elbo(j);
        }
        if (outputs.flatLatent()) {
            for (double m : latentMean(j)) {
                cells[c++] = m;
            }
        }
    }

    /** Number of cells {@link #appendOutputs} writes. */
    int outputCells() {
        return outputs.count(layout.latentDim());
    }

    /** Monte-Carlo ELBO per row, with noise fixed by the row's values. */
    private double[] elbo(Workspace<A> ws, DenseMatrix<?> x, int n) {
        double[] recon = new double[n];
        double[] kl = new double[n];
        DenseMatrix<?> eps = ws.epsilon(n);
        for (int s = 0; s < outputs.elboSamples(); s++) {
            for (int j = 0; j < n; j++) {
                LatentNoise.fillColumn(kernels, eps, j, LatentNoise.mix(outputs.noiseSeed(), s),
                        LatentNoise.contentKey(values[j]), scratch);
            }
            network.evaluate(params, x, ws, recon, kl);
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = -(recon[j] + kl[j]) / outputs.elboSamples();
        }
        return out;
    }
}
