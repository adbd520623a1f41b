package io.github.vaespark.bench;

import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A 20-column mixed table for scale benchmarks, generated on the executors: two latent factors
 * drive 8 continuous columns (c0–c7: linear, skewed, bimodal), 6 categorical string columns
 * (k0–k5, 3 to 20 levels), 3 booleans (b0–b2) and 3 integer counts (n0–n2); every column is null
 * in about 5% of rows. Each row depends only on (seed, id).
 */
final class WideTables {
    static final StructType SCHEMA;

    static {
        StructType s = new StructType();
        for (int i = 0; i < 8; i++) {
            s = s.add("c" + i, DataTypes.DoubleType, true);
        }
        for (int i = 0; i < 6; i++) {
            s = s.add("k" + i, DataTypes.StringType, true);
        }
        for (int i = 0; i < 3; i++) {
            s = s.add("b" + i, DataTypes.BooleanType, true);
        }
        for (int i = 0; i < 3; i++) {
            s = s.add("n" + i, DataTypes.IntegerType, true);
        }
        SCHEMA = s;
    }

    private WideTables() {
    }

    static Dataset<Row> generate(SparkSession spark, long rows, long seed, int partitions) {
        return spark.range(0, rows, 1, partitions).map((MapFunction<Long, Row>) id -> row(seed, id),
                Encoders.row(SCHEMA));
    }

    private static Row row(long seed, long id) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ id);
        double f = r.nextGaussian();
        double g = r.nextGaussian();
        Object[] v = new Object[20];
        v[0] = f + 0.3 * r.nextGaussian();
        v[1] = Math.exp(0.8 * f + 0.3 * r.nextGaussian());
        v[2] = (g > 0 ? 2 : -2) + 0.5 * r.nextGaussian();
        v[3] = f - g + 0.5 * r.nextGaussian();
        v[4] = Math.exp(g) * 100;
        v[5] = r.nextGaussian();
        v[6] = (f + g > 0 ? 10 : 0) + r.nextGaussian();
        v[7] = Math.abs(f * g) + 0.1 * r.nextDouble();
        int[] levels = {3, 5, 8, 12, 20, 4};
        for (int i = 0; i < 6; i++) {
            double drive = i % 2 == 0 ? f : g;
            int k = (int) Math.floor(levels[i] * sigmoid(drive + 0.7 * r.nextGaussian()));
            v[8 + i] = "L" + Math.min(levels[i] - 1, k);
        }
        v[14] = r.nextDouble() < sigmoid(2 * f);
        v[15] = r.nextDouble() < sigmoid(-2 * g);
        v[16] = r.nextDouble() < 0.3;
        v[17] = poisson(r, 3 * Math.exp(0.5 * f));
        v[18] = poisson(r, 1 + (g > 0 ? 5 : 0));
        v[19] = poisson(r, 10);
        for (int i = 0; i < 20; i++) {
            if (r.nextDouble() < 0.05) {
                v[i] = null;
            }
        }
        return RowFactory.create(v);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static int poisson(SplittableRandom r, double mean) {
        double l = Math.exp(-Math.min(mean, 50));
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
