package io.github.vaespark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Each column permuted on its own: rows are numbered 0…n−1 (zipWithIndex), the value of column i
 * in row j moves to row π_i(j), π_i a seeded {@link RowPermutation}, and one shuffle gathers each
 * new row's values. Every column keeps its exact multiset of values; any dependence between
 * columns is gone.
 */
final class IndependentColumns {
    private IndependentColumns() {
    }

    static Dataset<Row> shuffle(Dataset<Row> table, long seed) {
        StructType schema = table.schema();
        int width = schema.size();
        if (width == 0) {
            return table;
        }
        JavaRDD<Row> rows = table.javaRDD();
        long n = rows.count();
        SplittableRandom seeds = new SplittableRandom(seed);
        RowPermutation[] permutations = new RowPermutation[width];
        for (int i = 0; i < width; i++) {
            permutations[i] = new RowPermutation(n, seeds.nextLong());
        }
        int partitions = Math.max(1, rows.getNumPartitions());
        JavaRDD<Row> shuffled = rows.zipWithIndex()
                .flatMapToPair(t -> {
                    List<Tuple2<Long, Tuple2<Integer, Object>>> cells = new ArrayList<>(width);
                    for (int i = 0; i < width; i++) {
                        cells.add(new Tuple2<>(permutations[i].apply(t._2()), new Tuple2<>(i, t._1().get(i))));
                    }
                    return cells.iterator();
                })
                .groupByKey(partitions)
                .map(t -> {
                    Object[] values = new Object[width];
                    for (Tuple2<Integer, Object> cell : t._2()) {
                        values[cell._1()] = cell._2();
                    }
                    return RowFactory.create(values);
                });
        return table.sparkSession().createDataFrame(shuffled, schema);
    }
}
