package io.github.vaespark.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a large synthetic dataset for the load benchmark: rows of a smooth 4-D manifold in
 * {@code dim} dimensions plus noise, as an {@code array<float>} column "features", generated on
 * the executors (the driver never holds the rows).
 */
public final class SyntheticParquet {
    private SyntheticParquet() {
    }

    public static void main(String[] argv) {
        Map<String, String> a = BenchArgs.parse(argv, "rows", "3000000", "dim", "128", "partitions", "24",
                "output", "out/load/data.parquet");
        long rows = Long.parseLong(a.get("rows"));
        int dim = Integer.parseInt(a.get("dim"));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("synthetic data")
                .config("spark.ui.enabled", "false").getOrCreate();
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        spark.range(0, rows, 1, Integer.parseInt(a.get("partitions"))).toDF()
                .mapPartitions((MapPartitionsFunction<Row, Row>) ids -> generate(ids, dim), Encoders.row(schema))
                .write().mode("overwrite").parquet(a.get("output"));
        System.out.println("wrote " + rows + " rows x " + dim + " floats to " + a.get("output"));
        spark.stop();
    }

    private static Iterator<Row> generate(Iterator<Row> ids, int dim) {
        SplittableRandom w = new SplittableRandom(99);
        double[][] basis = new double[dim][4];
        for (double[] b : basis) {
            for (int k = 0; k < 4; k++) {
                b[k] = w.nextGaussian();
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public Row next() {
                long id = ids.next().getLong(0);
                SplittableRandom r = new SplittableRandom(id * 0x9E3779B97F4A7C15L);
                double[] z = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
                List<Float> x = new ArrayList<>(dim);
                for (double[] b : basis) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) {
                        s += b[k] * z[k];
                    }
                    x.add((float) (Math.tanh(s) + 0.05 * r.nextGaussian()));
                }
                return RowFactory.create(id, x.toArray(new Float[0]));
            }
        };
    }
}
