package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.table.TemporalValues;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Date and timestamp columns (with and without time zone) in a table model: learned as continuous
 * values (days, seconds), generated and imputed in their own type, under either external form of
 * Spark's rows.
 */
class TemporalColumnsTest {
    private static final String[] COLUMNS = {"x", "d", "ts", "ntz"};
    private static final String JAVA8_API = "spark.sql.datetime.java8API.enabled";
    private static Dataset<Row> data;
    private static VariationalAutoencoderModel model;

    /**
     * Seven clusters: x, the month of d (10 % null), the hour of ts and the hour of ntz all follow
     * id % 7; ntz's hours 0-6 of 2021-03-28 span Europe's daylight-saving gap (02:00-03:00 does not
     * exist there), which a zone-less timestamp must not notice.
     */
    @BeforeAll
    static void train() {
        data = SparkTestSession.get().range(0, 3000, 1, 2).selectExpr("id",
                "cast(id % 7 as double) * 1.5 + rand(1) as x",
                "case when id % 10 = 0 then null else date_add(date'2020-01-01', cast(id % 7 as int) * 30 "
                        + "+ cast(rand(2) * 5 as int)) end as d",
                "timestamp_seconds(1600000000 + (id % 7) * 3600 + cast(rand(3) * 60 as int)) as ts",
                "make_timestamp_ntz(2021, 3, 28, cast(id % 7 as int), cast(rand(4) * 60 as int), 0) as ntz").cache();
        model = new VariationalAutoencoder().setInputCols(COLUMNS).setLatentDim(2).setMaxEpochs(30).setSeed(1)
                .fit(data);
    }

    @Test
    void samplesAreDatesAndTimestampsInTheTrainingRangeAndKeepTheDependence() {
        for (String java8 : new String[] {"false", "true"}) {
            SparkSession spark = SparkTestSession.get();
            String before = spark.conf().get(JAVA8_API);
            spark.conf().set(JAVA8_API, java8);
            try {
                Dataset<Row> sampled = model.sample(spark, 2000, 7).cache();
                assertEquals(DataTypes.DateType, sampled.schema().apply("d").dataType());
                assertEquals(DataTypes.TimestampType, sampled.schema().apply("ts").dataType());
                assertEquals(DataTypes.TimestampNTZType, sampled.schema().apply("ntz").dataType());
                Row s = sampled.selectExpr("min(d)", "max(d)", "min(ts)", "max(ts)", "count(d) / count(*)",
                        "corr(x, unix_date(d))", "corr(x, unix_micros(ts))", "min(ntz)", "max(ntz)",
                        "corr(x, timestampdiff(MICROSECOND, timestamp_ntz'1970-01-01 00:00:00', ntz))").first();
                Row r = data.selectExpr("min(d)", "max(d)", "min(ts)", "max(ts)", "min(ntz)", "max(ntz)").first();
                String range = "java8API=" + java8 + ": sampled " + s + ", real " + r;
                assertTrue(s.getAs(0).toString().compareTo(r.getAs(0).toString()) >= 0
                        && s.getAs(1).toString().compareTo(r.getAs(1).toString()) <= 0, "dates in range " + range);
                assertTrue(micros(s.getAs(2)) >= micros(r.getAs(2)) && micros(s.getAs(3)) <= micros(r.getAs(3)),
                        "timestamps in range " + range);
                assertTrue(s.<LocalDateTime>getAs(7).compareTo(r.getAs(4)) >= 0
                        && s.<LocalDateTime>getAs(8).compareTo(r.getAs(5)) <= 0, "local date-times in range " + range);
                assertEquals(0.9, s.getDouble(4), 0.05, "the null share of d " + range);
                // Real correlations are 0.995; independent columns would give 0.
                assertTrue(s.getDouble(5) > 0.4 && s.getDouble(6) > 0.4 && s.getDouble(9) > 0.4,
                        "x ~ d, x ~ ts and x ~ ntz kept " + range);
                sampled.unpersist();
            } finally {
                spark.conf().set(JAVA8_API, before);
            }
        }
    }

    @Test
    void imputesMissingDatesAndKeepsPresentOnes() {
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setImputedCols(new String[] {"x_i", "d_i", "ts_i", "ntz_i"}).transform(data)
                .selectExpr("d", "d_i", "ts", "ts_i", "id % 7 as cluster", "ntz", "ntz_i").collectAsList();
        int nulls = 0;
        int nearTheirCluster = 0;
        for (Row r : rows) {
            assertNotNull(r.get(1), "an imputed date for every row " + r);
            assertEquals(r.get(2), r.get(3), "a present timestamp is kept " + r);
            assertEquals(r.get(5), r.get(6), "a present local date-time is kept " + r);
            if (r.get(0) == null) {
                nulls++;
                long day = ((java.sql.Date) r.get(1)).toLocalDate().toEpochDay()
                        - LocalDate.of(2020, 1, 1).toEpochDay();
                nearTheirCluster += Math.abs(day - 30 * r.getLong(4)) <= 20 ? 1 : 0;
            } else {
                assertEquals(r.get(0), r.get(1), "a present date is kept " + r);
            }
        }
        assertEquals(300, nulls);
        // x and ts tell the cluster: most imputed dates fall in the right month.
        assertTrue(nearTheirCluster > 240, nearTheirCluster + " of 300 imputed dates near their cluster's month");
    }

    @Test
    void savesAndLoadsWithItsTypesAndComparesInTheQualityReport(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        String path = tmp.resolve("model").toString();
        model.write().save(path);
        VariationalAutoencoderModel back = VariationalAutoencoderModel.load(path);
        assertEquals(model.tableColumns(), back.tableColumns());
        Dataset<Row> sampled = back.sample(SparkTestSession.get(), 2000, 5).selectExpr(COLUMNS);
        QualityReport report = SyntheticDataQuality.compare(data.selectExpr(COLUMNS), sampled);
        // Compared as continuous values (1 - KS), nulls counted: scores near 1 for a model this good.
        assertTrue(report.columnShape("d") > 0.85 && report.columnShape("ts") > 0.85
                && report.columnShape("ntz") > 0.85, report.toString());
        assertEquals(0.1, report.nullRates("d")[0], 1e-9, report.toString());
        assertTrue(report.pairScore("x", "d") > 0.6, report.toString());
    }

    @Test
    void aDateNamedCategoricalIsAnErrorNamingIt() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> new VariationalAutoencoder()
                .setInputCols(COLUMNS).setCategoricalCols(new String[] {"d"}).setMaxEpochs(1).fit(data));
        assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("cast it to string"), e.getMessage());
    }

    @Test
    void numbersOfDatesAndTimestampsRoundTrip() {
        assertEquals(18262.0, TemporalValues.toNumber(LocalDate.of(2020, 1, 1)));
        assertEquals(18262.0, TemporalValues.toNumber(java.sql.Date.valueOf("2020-01-01")));
        Instant before1970 = Instant.parse("1969-12-31T23:59:59.250001Z");
        double seconds = TemporalValues.toNumber(before1970);
        assertEquals(-0.749999, seconds, 1e-9);
        assertEquals(before1970, TemporalValues.fromNumber(seconds, DataTypes.TimestampType));
        assertEquals(seconds, TemporalValues.toNumber(Timestamp.from(before1970)), 1e-9);
        Instant recent = Instant.parse("2026-12-05T12:34:56.123456Z");
        assertEquals(recent, TemporalValues.fromNumber(TemporalValues.toNumber(recent), DataTypes.TimestampType));
        assertEquals(LocalDate.of(2020, 1, 2), TemporalValues.fromNumber(18262.6, DataTypes.DateType));
        LocalDateTime local = LocalDateTime.parse("1969-12-31T23:59:59.250001");
        assertEquals(-0.749999, TemporalValues.toNumber(local), 1e-9);
        assertEquals(local, TemporalValues.fromNumber(-0.749999, DataTypes.TimestampNTZType));
    }

    /**
     * A zone-less timestamp's number is the same whatever the session time zone, also for local
     * times that do not exist in it (casting through the session zone would move them by an hour).
     */
    @Test
    void localDateTimesAreCountedWithoutTheSessionTimeZone() {
        SparkSession spark = SparkTestSession.get();
        String before = spark.conf().get("spark.sql.session.timeZone");
        spark.conf().set("spark.sql.session.timeZone", "Europe/Berlin");
        try {
            Dataset<Row> gap = spark.sql("select timestamp_ntz'2021-03-28 02:30:00' as t union all "
                    + "select timestamp_ntz'2021-10-31 02:30:00.000001'");
            List<Row> rows = gap.select(gap.col("t"),
                    TemporalValues.asNumber(gap.col("t"), DataTypes.TimestampNTZType)).collectAsList();
            for (Row r : rows) {
                LocalDateTime t = r.getAs(0);
                assertEquals(TemporalValues.toNumber(t), r.getDouble(1), 1e-6, "seconds of " + t);
                assertEquals(t, TemporalValues.fromNumber(r.getDouble(1), DataTypes.TimestampNTZType));
            }
        } finally {
            spark.conf().set("spark.sql.session.timeZone", before);
        }
    }

    private static long micros(Object timestamp) {
        Instant t = timestamp instanceof Timestamp ts ? ts.toInstant() : (Instant) timestamp;
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
