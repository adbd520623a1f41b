package io.github.vaespark.ml;

import io.github.vaespark.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Data generated from a known 2-D latent manifold: x = W2·tanh(W1·z + b) + noise, z ~ N(0, I). */
final class SyntheticData {
    static final int DIM = 12;

    private SyntheticData() {
    }

    /** Rows with columns id, z0, z1 (the true factors) and features (a dense vector). */
    static Dataset<Row> manifold(int rows, double noise, long seed, int partitions) {
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom weights = new SplittableRandom(1234);
        int hidden = 6;
        double[][] w1 = new double[hidden][2];
        double[] b1 = new double[hidden];
        double[][] w2 = new double[DIM][hidden];
        for (int h = 0; h < hidden; h++) {
            w1[h][0] = weights.nextGaussian();
            w1[h][1] = weights.nextGaussian();
            b1[h] = 0.3 * weights.nextGaussian();
            for (int d = 0; d < DIM; d++) {
                w2[d][h] = weights.nextGaussian();
            }
        }
        List<Row> list = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double z0 = random.nextGaussian();
            double z1 = random.nextGaussian();
            double[] h = new double[hidden];
            for (int k = 0; k < hidden; k++) {
                h[k] = Math.tanh(w1[k][0] * z0 + w1[k][1] * z1 + b1[k]);
            }
            double[] x = new double[DIM];
            for (int d = 0; d < DIM; d++) {
                double s = 0;
                for (int k = 0; k < hidden; k++) {
                    s += w2[d][k] * h[k];
                }
                x[d] = s + noise * random.nextGaussian();
            }
            list.add(RowFactory.create((long) r, z0, z1, Vectors.dense(x)));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("z0", DataTypes.DoubleType, false)
                .add("z1", DataTypes.DoubleType, false)
                .add("features", new VectorUDT(), false);
        return SparkTestSession.get().createDataFrame(list, schema).repartition(partitions);
    }
}
