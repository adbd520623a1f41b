package io.github.vaespark.ml;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Mixed-type test tables with known structure, generated on the executors, and the Palmer
 * penguins table from Debian's r-cran-palmerpenguins.
 *
 * <p>{@link #generate}: each row is drawn from its own random stream seeded by (seed, id), so a
 * seed gives the same rows whatever the partitioning. Structure:
 * <ul>
 *   <li>{@code age} int: 18 + round(exp(N(2.6, 0.6))), at most 90 (right-skewed, median ≈ 31);</li>
 *   <li>{@code income} double: exp(9.8 + 0.03 (age − 35) + 0.4 N(0, 1)), log-normal and
 *       correlated with age (Pearson r ≈ 0.5); null in 10% of rows;</li>
 *   <li>{@code segment} string "A"/"B"/"C": P(A) = 0.1 + 0.8 σ(3 (log income − 9.8)), then B
 *       and C share the rest 60/40; null in 5% of rows (drawn from the income before it is
 *       hidden);</li>
 *   <li>{@code score} double: a mixture of N(2, 0.5) and N(−1, 0.7), the first with
 *       probability 0.85 (A), 0.5 (B), 0.15 (C); 2.5% NaN and 2.5% null;</li>
 *   <li>{@code country} string "FR"/"DE"/"ES"/"IT", uniform and independent of everything;</li>
 *   <li>{@code active} boolean: P(true) = σ(1.5 score);</li>
 *   <li>{@code visits} long: Poisson with mean 8 if active, 2 otherwise.</li>
 * </ul>
 */
public final class MixedTables {
    /** Where Debian's r-cran-palmerpenguins puts the penguins table. */
    public static final Path PENGUINS_CSV = Path.of("/usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv");

    static final StructType SCHEMA = new StructType()
            .add("age", DataTypes.IntegerType, false)
            .add("income", DataTypes.DoubleType, true)
            .add("score", DataTypes.DoubleType, true)
            .add("segment", DataTypes.StringType, true)
            .add("country", DataTypes.StringType, false)
            .add("active", DataTypes.BooleanType, false)
            .add("visits", DataTypes.LongType, false);

    private static final String[] COUNTRIES = {"FR", "DE", "ES", "IT"};

    private MixedTables() {
    }

    /** {@code rows} rows with the structure described on the class, in {@code partitions} partitions. */
    public static Dataset<Row> generate(SparkSession spark, long rows, long seed, int partitions) {
        return spark.range(0, rows, 1, partitions)
                .map((MapFunction<Long, Row>) id -> row(seed, id), Encoders.row(SCHEMA));
    }

    private static Row row(long seed, long id) {
        SplittableRandom r = new SplittableRandom(new SplittableRandom(seed).nextLong() ^ (id * 0x9E3779B97F4A7C15L));
        int age = (int) Math.min(90, 18 + Math.round(Math.exp(2.6 + 0.6 * r.nextGaussian())));
        double logIncome = 9.8 + 0.03 * (age - 35) + 0.4 * r.nextGaussian();
        double pA = 0.1 + 0.8 * sigmoid(3 * (logIncome - 9.8));
        double u = r.nextDouble();
        String segment = u < pA ? "A" : u < pA + 0.6 * (1 - pA) ? "B" : "C";
        double firstMode = segment.equals("A") ? 0.85 : segment.equals("B") ? 0.5 : 0.15;
        double score = r.nextDouble() < firstMode ? 2 + 0.5 * r.nextGaussian() : -1 + 0.7 * r.nextGaussian();
        String country = COUNTRIES[r.nextInt(COUNTRIES.length)];
        boolean active = r.nextDouble() < sigmoid(1.5 * score);
        long visits = poisson(r, active ? 8 : 2);
        Double income = r.nextDouble() < 0.10 ? null : Math.exp(logIncome);
        double missingScore = r.nextDouble();
        Double shownScore = missingScore < 0.025 ? Double.valueOf(Double.NaN) : missingScore < 0.05 ? null : score;
        String shownSegment = r.nextDouble() < 0.05 ? null : segment;
        return RowFactory.create(age, income, shownScore, shownSegment, country, active, visits);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Knuth's multiplication method: fine for small means. */
    private static long poisson(SplittableRandom r, double mean) {
        double limit = Math.exp(-mean);
        double product = r.nextDouble();
        long k = 0;
        while (product > limit) {
            product *= r.nextDouble();
            k++;
        }
        return k;
    }

    /** True when the penguins CSV is installed ({@code apt-get install r-cran-palmerpenguins}). */
    public static boolean penguinsAvailable() {
        return Files.isReadable(PENGUINS_CSV);
    }

    /**
     * The 344 Palmer penguins: species, island, sex (string), bill_length_mm, bill_depth_mm
     * (double), flipper_length_mm, body_mass_g, year (int); "NA" read as null.
     */
    public static Dataset<Row> penguins(SparkSession spark) {
        StructType schema = new StructType()
                .add("species", DataTypes.StringType)
                .add("island", DataTypes.StringType)
                .add("bill_length_mm", DataTypes.DoubleType)
                .add("bill_depth_mm", DataTypes.DoubleType)
                .add("flipper_length_mm", DataTypes.IntegerType)
                .add("body_mass_g", DataTypes.IntegerType)
                .add("sex", DataTypes.StringType)
                .add("year", DataTypes.IntegerType);
        return spark.read().option("header", "true").option("nullValue", "NA").option("mode", "FAILFAST")
                .schema(schema).csv(PENGUINS_CSV.toString());
    }
}
