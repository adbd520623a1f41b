package io.github.vaespark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.io.MarginalPlots;
import io.github.vaespark.io.Pictures;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.table.TableCodec;
import java.io.File;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plots}: PNG pictures of a training run and its outputs. */
@Command(name = "plots", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw PNG pictures: loss curves from a history file, the latent space coloured by label and "
                + "originals next to reconstructions from transform output, a grid of samples, and for a table "
                + "model (--model with --input) its real-versus-synthetic column marginals.")
final class PlotsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Option(names = "--history", paramLabel = "PATH", description = "A <model>.history.json written by train.")
    String history;

    @Option(names = "--transformed", paramLabel = "PATH",
            description = "Parquet written by transform (columns features, latentMean, reconstruction, label).")
    String transformed;

    @Option(names = "--samples", paramLabel = "PATH", description = "Parquet written by sample.")
    String samples;

    @Option(names = "--label-names", split = ",", paramLabel = "NAME", description = "Names of labels 0, 1, ….")
    List<String> labelNames = new ArrayList<>();

    @Option(names = "--points", defaultValue = "5000", paramLabel = "N",
            description = "Points in the latent scatter (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--model", paramLabel = "PATH",
            description = "A table model: draw --rows rows from it and plot each column against --input.")
    String model;

    @Option(names = "--rows", defaultValue = "5000", paramLabel = "N",
            description = "Rows the table model generates for the marginals (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "LONG",
            description = "Random seed of those rows (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bins", defaultValue = "30", paramLabel = "N",
            description = "Histogram bins of a continuous column (default: ${DEFAULT-VALUE}).")
    int bins;

    @ArgGroup(exclusive = false, heading = "%nThe real table a table model is compared with%n")
    Inputs real;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the PNG files.")
    String out;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--points", points, 1, "points in the latent scatter");
        OptionChecks.atLeast(spec, "--rows", rows, 1, "rows generated for the marginals");
        OptionChecks.atLeast(spec, "--bins", bins, 1, "histogram bins");
        SparkSession spark = session.create("vae-spark plots");
        List<String> written = new ArrayList<>();
        if (history != null) {
            written.add(lossCurves(spark));
        }
        if (transformed != null) {
            Dataset<Row> df = spark.read().parquet(transformed);
            written.add(latentSpace(df));
            written.add(reconstructions(df));
        }
        if (samples != null) {
            List<double[]> images = new ArrayList<>();
            for (Row r : spark.read().parquet(samples).orderBy("id").limit(64).select("sample").collectAsList()) {
                images.add(((Vector) r.get(0)).toArray());
            }
            written.add(Pictures.savePng(Pictures.imageGrid("Samples from the prior: decoder means of z ~ N(0, I)",
                    images, 8, 3), new File(out, "samples.png").getPath()).getPath());
        }
        if (model != null || real != null) {
            written.add(marginals(spark));
        }
        written.forEach(p -> out().println("wrote " + p));
        return 0;
    }

    private String marginals(SparkSession spark) {
        if (model == null || real == null) {
            throw new IllegalArgumentException("Marginal plots need both --model (a table model) and --input (its "
                    + "real data).");
        }
        Inputs.requireExists(spark, model);
        VariationalAutoencoderModel vae = VariationalAutoencoderModel.load(model);
        TableCodec table = vae.tableColumns();
        if (table == null) {
            throw new IllegalArgumentException("--model " + model + " models a vector column; marginal plots need a "
                    + "table model (trained with --input-cols).");
        }
        if (!table.conditions().isEmpty()) {
            throw new IllegalArgumentException("--model " + model + " is conditional on " + String.join(", ",
                    table.conditionNames()) + "; marginal plots need an unconditional table model.");
        }
        Dataset<Row> realRows = real.readTable(spark, table.featureNames(), "the model");
        Dataset<Row> synthetic = vae.sample(spark, rows, seed).drop(vae.sampleIdCol()).cache();
        List<MarginalPlots.Marginal> marginals = MarginalCounts.compute(table, realRows, synthetic, bins);
        synthetic.unpersist();
        String title = "Real (" + new File(real.input).getName() + ") and synthetic (" + rows + " rows from "
                + new File(model).getName() + ") columns";
        return Pictures.savePng(MarginalPlots.draw(title, marginals), new File(out, "marginals.png").getPath())
                .getPath();
    }

    private String lossCurves(SparkSession spark) throws Exception {
        Path p = new Path(history);
        JsonNode json;
        try (FSDataInputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            json = new ObjectMapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        JsonNode epochs = json.get("history");
        double[] elbo = new double[epochs.size()];
        double[] recon = new double[epochs.size()];
        double[] kl = new double[epochs.size()];
        double[] val = new double[epochs.size()];
        for (int i = 0; i < epochs.size(); i++) {
            elbo[i] = epochs.get(i).get("negativeElbo").asDouble();
            recon[i] = epochs.get(i).get("reconstruction").asDouble();
            kl[i] = epochs.get(i).get("kl").asDouble();
            val[i] = epochs.get(i).get("validationNegativeElbo").asDouble(Double.NaN);
        }
        List<Pictures.Series> series = new ArrayList<>(List.of(new Pictures.Series("-ELBO", elbo),
                new Pictures.Series("reconstruction", recon), new Pictures.Series("KL", kl)));
        if (Arrays.stream(val).anyMatch(Double::isFinite)) {
            series.add(new Pictures.Series("validation -ELBO", val));
        }
        return Pictures.savePng(Pictures.lineChart("Training loss per row (nats)", "nats", series),
                new File(out, "loss-curves.png").getPath()).getPath();
    }

    private String latentSpace(Dataset<Row> df) {
        Dataset<Row> sample = df.limit(points);
        String xLabel = "z0";
        String yLabel = "z1";
        int dim = ((Vector) sample.select("latentMean").first().get(0)).size();
        String col = "latentMean";
        if (dim > 2) {
            sample = new PCA().setInputCol("latentMean").setOutputCol("latent2d").setK(2).fit(sample).transform(sample);
            col = "latent2d";
            xLabel = "first principal component of μ(x)";
            yLabel = "second principal component of μ(x)";
        }
        boolean labelled = Arrays.asList(df.columns()).contains("label");
        List<Row> rows = sample.select(col, labelled ? "label" : col).collectAsList();
        double[] xs = new double[rows.size()];
        double[] ys = new double[rows.size()];
        int[] labels = new int[rows.size()];
        int maxLabel = -1;
        for (int i = 0; i < rows.size(); i++) {
            Vector v = (Vector) rows.get(i).get(0);
            xs[i] = v.apply(0);
            ys[i] = v.size() > 1 ? v.apply(1) : 0;
            labels[i] = labelled ? ((Number) rows.get(i).get(1)).intValue() : -1;
            maxLabel = Math.max(maxLabel, labels[i]);
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k <= maxLabel; k++) {
            names.add(k < labelNames.size() ? labelNames.get(k) : "class " + k);
        }
        String title = "Latent space: μ(x) of " + rows.size() + " rows" + (dim > 2 ? " (PCA of " + dim + " dims)" : "");
        return Pictures.savePng(Pictures.scatter(title, xLabel, yLabel, xs, ys, labels, names),
                new File(out, "latent-space.png").getPath()).getPath();
    }

    private String reconstructions(Dataset<Row> df) {
        List<Row> rows = df.select("features", "reconstruction").limit(32).collectAsList();
        List<double[]> images = new ArrayList<>();
        for (int block = 0; block < rows.size(); block += 16) {
            List<Row> part = rows.subList(block, Math.min(rows.size(), block + 16));
            part.forEach(r -> images.add(((Vector) r.get(0)).toArray()));
            part.forEach(r -> images.add(((Vector) r.get(1)).toArray()));
        }
        return Pictures.savePng(Pictures.imageGrid("Originals (odd rows) and their reconstructions (even rows)",
                images, 16, 2), new File(out, "reconstructions.png").getPath()).getPath();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
