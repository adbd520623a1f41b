package io.github.vaespark.ml;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Each column permuted on its own: column i is sorted by a seeded random key, numbered 0…n−1 in
 * that order (zipWithIndex), and the columns are joined back on that number. Every column keeps
 * its exact multiset of values; any dependence between columns is gone.
 */
final class IndependentColumns {
    private static final String INDEX = "__row";

    private IndependentColumns() {
    }

    static Dataset<Row> shuffle(Dataset<Row> table, long seed) {
        SparkSession spark = table.sparkSession();
        StructType schema = table.schema();
        SplittableRandom seeds = new SplittableRandom(seed);
        Dataset<Row> joined = null;
        for (int i = 0; i < schema.size(); i++) {
            StructField field = schema.fields()[i];
            // Well-mixed seeds: rand(s) uses s + partition index, so nearby seeds would share streams.
            JavaRDD<Row> numbered = table
                    .select(table.col(QualityColumns.quote(field.name())).as("v"),
                            functions.rand(seeds.nextLong()).as("key"))
                    .orderBy("key").select("v").javaRDD().zipWithIndex()
                    .map(t -> RowFactory.create(t._2(), t._1().get(0)));
            Dataset<Row> column = spark.createDataFrame(numbered, new StructType()
                    .add(INDEX, DataTypes.LongType, false)
                    .add("c" + i, field.dataType(), true));
            joined = joined == null ? column : joined.join(column, INDEX);
        }
        if (joined == null) {
            return table;
        }
        String[] names = new String[schema.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = "c" + i;
        }
        return spark.createDataFrame(joined.select(names[0], java.util.Arrays.copyOfRange(names, 1, names.length))
                .javaRDD(), schema);
    }
}
