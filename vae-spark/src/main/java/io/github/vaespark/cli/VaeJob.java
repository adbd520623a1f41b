package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The spark-submit entry point: {@code spark-submit --class io.github.vaespark.cli.VaeJob
 * vae-spark.jar <command> [options]} with the commands train, transform, sample, evaluate and
 * plots. Every estimator param is an option in kebab-case ({@code --latent-dim 20}).
 */
@Command(name = "vae-spark", mixinStandardHelpOptions = true, version = "vae-spark 0.1.0",
        description = "Train and use variational autoencoders on Spark.",
        subcommands = {CommandLine.HelpCommand.class})
public final class VaeJob implements Runnable {
    /** Params a saved model accepts at transform time. */
    static final Set<String> TRANSFORM_PARAMS = Set.of("featuresCol", "latentMeanCol", "reconstructionCol",
            "elboCol", "elboSamples", "latentColsPrefix", "handleInvalid", "precision", "imputedCols",
            "columnScoresCol");

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "Missing command: train, transform, sample, evaluate or plots");
    }

    /** Runs the command line and returns the exit code (0 success, 1 failure, 2 bad usage). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Like {@link #execute(String...)}, with picocli's usage and error text going to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine root = new CommandLine(new VaeJob());
        CommandLine train = new CommandLine(new TrainCommand());
        ParamOptions.register(train.getCommandSpec(), new VariationalAutoencoder(), null);
        CommandLine transform = new CommandLine(new TransformCommand());
        ParamOptions.register(transform.getCommandSpec(), new VariationalAutoencoderModel(), TRANSFORM_PARAMS);
        CommandLine evaluate = new CommandLine(new EvaluateCommand());
        ParamOptions.register(evaluate.getCommandSpec(), new VariationalAutoencoderModel(),
                Set.of("featuresCol", "handleInvalid", "precision", "elboSamples"));
        root.addSubcommand("train", train);
        root.addSubcommand("transform", transform);
        root.addSubcommand("sample", new CommandLine(new SampleCommand()));
        root.addSubcommand("evaluate", evaluate);
        root.addSubcommand("plots", new CommandLine(new PlotsCommand()));
        root.addSubcommand("export-onnx", new CommandLine(new ExportOnnxCommand()));
        root.setOut(out);
        root.setErr(err);
        root.setParameterExceptionHandler((e, argv) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + e.getMessage().lines().findFirst().orElse("bad usage")
                    + " (see " + name + " --help)");
            cmd.getErr().flush();
            return 2;
        });
        root.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter w = cmd.getErr();
            w.println("vae-spark " + cmd.getCommandName() + ": error: " + Errors.oneLine(e));
            if (parsed.hasMatchedOption("--verbose")) {
                e.printStackTrace(w);
            }
            w.flush();
            return 1;
        });
        return root.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
