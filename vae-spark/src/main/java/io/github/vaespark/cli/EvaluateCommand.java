package io.github.vaespark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: the mean ELBO (and optionally the IWAE log-likelihood) of a dataset, as JSON. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the mean negative ELBO per row (and with --iwae-k the importance-weighted "
                + "log-likelihood estimate) of the input under a model, as one JSON line.")
final class EvaluateCommand extends InputCommand {
    @Mixin
    ModelOptions model;

    @Option(names = "--iwae-k", defaultValue = "0", paramLabel = "K",
            description = "Importance samples for the log-likelihood estimate (0: skip; default: ${DEFAULT-VALUE}).")
    int iwaeK;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--iwae-k", iwaeK, 0, "importance samples, 0 to skip");
        SparkSession spark = session.create("vae-spark evaluate");
        VariationalAutoencoderModel vae = model.load(spark);
        ParamOptions.apply(spec, vae);
        Dataset<Row> data = (vae.tableColumns() != null
                ? inputs.readTable(spark, TableColumns.read(vae.tableColumns()), "the model")
                : inputs.read(spark, vae.getFeaturesCol(), model.assembledColumns(spark))).cache();
        Row r = vae.copy(new org.apache.spark.ml.param.ParamMap()).setElboCol("vae_elbo").setLatentMeanCol("")
                .setReconstructionCol("").transform(data).agg(functions.count("vae_elbo"), functions.avg("vae_elbo"))
                .first();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", r.getLong(0));
        out.put("negativeElbo", -r.getDouble(1));
        if (iwaeK > 0) {
            out.put("iwaeK", iwaeK);
            out.put("logLikelihood", vae.logLikelihood(data, iwaeK));
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
