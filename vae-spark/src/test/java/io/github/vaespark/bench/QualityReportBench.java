package io.github.vaespark.bench;

import io.github.vaespark.ml.QualityReport;
import io.github.vaespark.ml.SyntheticDataQuality;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How long {@link SyntheticDataQuality#compare} takes on a wide table: {@code --columns} columns
 * (every third a string with 5 levels, the rest doubles of different scales) × {@code --rows} rows,
 * cached, against its independent-columns shuffle; the first comparison in the JVM and a second
 * one. Prints one JSON line with the CPU.
 */
public final class QualityReportBench {
    private QualityReportBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "columns", "90", "rows", "20000", "master", "local[2]");
        SparkSession spark = BenchArgs.session(a.get("master"), "quality-report-bench", "");
        int columns = Integer.parseInt(a.get("columns"));
        long rows = Long.parseLong(a.get("rows"));
        StringBuilder select = new StringBuilder("id");
        for (int i = 0; i < columns; i++) {
            select.append(i % 3 == 0
                    ? ", cast(floor(rand(" + i + ") * 5) as string) as c" + i
                    : ", rand(" + i + ") * " + (i + 1) + " as c" + i);
        }
        Dataset<Row> real = spark.sql("select " + select + " from range(" + rows + ")").drop("id").cache();
        Dataset<Row> other = SyntheticDataQuality.independentColumns(real, 7).cache();
        real.count();
        other.count();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", TabularQualityBench.cpuModel());
        out.put("master", a.get("master"));
        out.put("columns", columns);
        out.put("pairs", columns * (columns - 1) / 2);
        out.put("rows", rows);
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            QualityReport report = SyntheticDataQuality.compare(real, other);
            out.put("compare_seconds_" + rep, (System.nanoTime() - t0) / 1e9);
            out.put("column_shapes", report.columnShapes());
            out.put("pair_dependence", report.pairDependence());
        }
        System.out.println(BenchArgs.json(out));
        spark.stop();
    }
}
