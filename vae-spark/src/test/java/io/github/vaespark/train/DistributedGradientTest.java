package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.SparkTestSession;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Float64Kernels;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.train.jobs.SynchronousStep;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient summed across partitions equals the single-machine gradient over the same rows
 * (same noise per row), whatever the partitioning, empty partitions included.
 */
class DistributedGradientTest {
    private static final int ROWS = 37;
    static final int DIM = 9;
    private static final long SEED = 11;

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3, 8, 50})
    void partitionedGradientEqualsSingleMachineGradient(int partitions) {
        VaeLayout layout = new VaeLayout(DIM, new int[] {7, 5}, 3, new int[] {5, 6}, Activation.TANH,
                Likelihood.GAUSSIAN);
        List<double[]> rows = rows();
        double[] params = ParameterInit.initialize(layout, 5);

        TrainingData data = TrainingData.cache(SparkTestSession.jsc().parallelize(rows, partitions), DIM,
                Precision.FLOAT64, Integer.MAX_VALUE, ExchangeMode.JOBS, StorageLevel.MEMORY_ONLY(), "gradient-test");
        try {
            assertEquals(partitions, data.numPartitions());
            BatchPlan plan = new BatchPlan(data.partitionRows(), ROWS);
            GradientSetup setup = new GradientSetup(layout, Precision.FLOAT64, plan,
                    data.partitionOffsets(), SEED, 4);
            int epoch = 2;
            double[] distributed = new double[layout.numParams()];
            LossSums loss = SynchronousStep.run(Float64Kernels.INSTANCE, data, setup, params, epoch, 0, 0.8,
                    distributed, GradientRounding.NONE).loss();

            double[] reference = new double[layout.numParams()];
            LossSums expected = singleMachine(layout, rows, params, ShareGradient.noiseSeed(SEED, epoch), 0.8,
                    reference);
            assertEquals(ROWS, loss.rows());
            assertEquals(expected.reconstruction(), loss.reconstruction(), 1e-9 * Math.abs(expected.reconstruction()));
            assertEquals(expected.kl(), loss.kl(), 1e-9 * Math.abs(expected.kl()));
            for (int i = 0; i < reference.length; i++) {
                assertEquals(reference[i], distributed[i], 1e-10 * (1 + Math.abs(reference[i])), "parameter " + i);
            }
        } finally {
            data.unpersist();
        }
    }

    static List<double[]> rows() {
        SplittableRandom random = new SplittableRandom(3);
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            double[] row = new double[DIM];
            for (int i = 0; i < DIM; i++) {
                row[i] = random.nextGaussian();
            }
            rows.add(row);
        }
        return rows;
    }

    private static LossSums singleMachine(VaeLayout layout, List<double[]> rows, double[] params, long noiseSeed,
                                          double beta, double[] grad) {
        Kernels<double[]> k = Float64Kernels.INSTANCE;
        VaeNetwork<double[]> net = new VaeNetwork<>(layout, k);
        Workspace<double[]> ws = net.newWorkspace(rows.size());
        DenseMatrix<?> x = ws.input(rows.size());
        DenseMatrix<?> eps = ws.epsilon(rows.size());
        double[] scratch = new double[layout.latentDim()];
        for (int j = 0; j < rows.size(); j++) {
            k.setColumn(x, j, rows.get(j));
            LatentNoise.fillColumn(k, eps, j, noiseSeed, j, scratch);
        }
        return net.accumulateGradient(params, x, ws, beta, grad);
    }
}
