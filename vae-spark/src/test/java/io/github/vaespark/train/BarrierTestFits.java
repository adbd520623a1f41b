package io.github.vaespark.train;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.ml.VariationalAutoencoder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** The small fit and data the failure tests of the training loop share. */
final class BarrierTestFits {
    private BarrierTestFits() {
    }

    /** A small VAE: 4 epochs of 8 steps at batch 40 on {@link #data()}. */
    static VariationalAutoencoder vae(String exchangeMode) {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {16}).setBatchSize(40)
                .setMaxEpochs(4).setSeed(8).setExchangeMode(exchangeMode);
    }

    /** 600 rows of a 1-D curve in 5 dimensions, in 2 partitions. */
    static Dataset<Row> data() {
        SplittableRandom r = new SplittableRandom(2);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double u = r.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(u, Math.sin(u), Math.cos(u), u * u, r.nextGaussian())));
        }
        return SparkTestSession.get().createDataFrame(rows, new StructType().add("features", new VectorUDT()))
                .repartition(2);
    }

    /** Live threads of the exchange (driver or task side). */
    static long exchangeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("vae-spark-exchange")).count();
    }
}
