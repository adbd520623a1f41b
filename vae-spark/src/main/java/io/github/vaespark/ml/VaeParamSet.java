package io.github.vaespark.ml;

import io.github.vaespark.nn.Activation;
import io.github.vaespark.train.ExchangeMode;
import io.github.vaespark.train.GradientRounding;
import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * Internal: the param objects of one VariationalAutoencoder or VariationalAutoencoderModel, created for
 * (and owned by) that stage, with their docs, validators and defaults. Stages expose them
 * through {@link VaeParams}. Params with a fixed set of values are {@link ChoiceParam}s: any case is
 * accepted and the getters return the canonical spelling.
 */
public final class VaeParamSet implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> featuresCol;
    final Param<String> latentMeanCol;
    final Param<String> reconstructionCol;
    final Param<String> elboCol;
    final IntParam elboSamples;
    final Param<String> latentColsPrefix;
    final ChoiceParam handleInvalid;
    final IntParam latentDim;
    final IntArrayParam encoderLayers;
    final IntArrayParam decoderLayers;
    final ChoiceParam activation;
    final ChoiceParam likelihood;
    final ChoiceParam precision;
    final DoubleParam beta;
    final IntParam klWarmupEpochs;
    final IntParam maxEpochs;
    final IntParam batchSize;
    final DoubleParam stepSize;
    final DoubleParam maxGradNorm;
    final LongParam seed;
    final Param<String> validationIndicatorCol;
    final IntParam patience;
    final Param<String> checkpointDir;
    final IntParam checkpointInterval;
    final IntParam maxPartitions;
    final ChoiceParam exchangeMode;
    final ChoiceParam exchangePrecision;
    final StringArrayParam inputCols;
    final StringArrayParam categoricalCols;
    final StringArrayParam conditionCols;
    final IntParam maxCategories;
    final ChoiceParam continuousScaling;
    final StringArrayParam imputedCols;
    final Param<String> columnScoresCol;
    final DoubleParam maskRate;

    VaeParamSet(Params owner) {
        featuresCol = new Param<>(owner, "featuresCol",
                "input column: ml Vector (dense or sparse), array<double> or array<float>", ParamChecks.notNull());
        latentMeanCol = new Param<>(owner, "latentMeanCol",
                "output column for the encoder mean μ(x), a vector of size latentDim (empty: not added)",
                ParamChecks.notNull());
        reconstructionCol = new Param<>(owner, "reconstructionCol",
                "output column for the decoder mean of x decoded from μ(x): probabilities (bernoulli) or means "
                        + "(gaussian) (empty: not added)", ParamChecks.notNull());
        elboCol = new Param<>(owner, "elboCol",
                "optional output column: the row's ELBO in nats (higher = more typical), usable as an anomaly "
                        + "score; unset or empty: not added", ParamChecks.notNull());
        elboSamples = new IntParam(owner, "elboSamples",
                "Monte-Carlo samples averaged for elboCol; the noise is fixed by the row's values, so a row "
                        + "always gets the same score (>= 1)", ParamChecks.intAtLeast(1));
        latentColsPrefix = new Param<>(owner, "latentColsPrefix",
                "optional prefix of flat double columns <prefix>0 … <prefix>{latentDim-1} holding μ(x) for SQL "
                        + "and BI tools; unset or empty: not added", ParamChecks.notNull());
        handleInvalid = new ChoiceParam(owner, "handleInvalid",
                "how to handle invalid rows (null, wrong size, NaN/Inf, outside [0,1] for bernoulli): "
                        + "'error' fails naming the row, 'skip' drops the row (and counts it)",
                "error", "skip");
        latentDim = new IntParam(owner, "latentDim", "dimension of the latent space (>= 1)",
                ParamChecks.intAtLeast(1));
        encoderLayers = new IntArrayParam(owner, "encoderLayers",
                "hidden layer sizes of the encoder, input side first (each >= 1; may be empty)",
                ParamChecks.allPositive());
        decoderLayers = new IntArrayParam(owner, "decoderLayers",
                "hidden layer sizes of the decoder, latent side first (each >= 1; default: encoderLayers "
                        + "reversed)", ParamChecks.allPositive());
        activation = new ChoiceParam(owner, "activation", "hidden-layer activation: "
                + String.join(", ", Activation.paramNames()), Activation.paramNames());
        likelihood = new ChoiceParam(owner, "likelihood",
                "decoder distribution p(x|z): 'bernoulli' (x in [0,1], -log p = Σ softplus(l) - x·l over "
                        + "logits l) or 'gaussian' (real x, mean m and a learned log-variance s_j per feature: "
                        + "-log p = Σ ½[log 2π + s_j + (x_j - m_j)² e^(-s_j)], s_j floored at 2·ln 0.01, i.e. σ_j >= 0.01); "
                        + "'mixed' is set on table models (inputCols): one likelihood per column kind",
                "bernoulli", "gaussian", "mixed");
        precision = new ChoiceParam(owner, "precision",
                "floating-point width of cached data and matrix products: 'float32', 'float64' or 'bfloat16' "
                        + "(float32 element-wise work, matrix products on bfloat16-rounded inputs accumulated "
                        + "in float32 and training rows cached as bfloat16, through oneDNN where the CPU has "
                        + "AVX512-BF16 or AMX; else all float32, said once in the log), or 'auto' (fit only: "
                        + "bfloat16 where the CPU has it natively, a training chunk of this model runs at least "
                        + "1.1x faster in it on an executor and its quality check on a sample of the rows "
                        + "passes, else float32; a resumed fit keeps its checkpoint's precision; the model and "
                        + "its summary say what was chosen and why); optimiser state is always double",
                "float32", "float64", "bfloat16", VaeParams.AUTO_PRECISION);
        beta = new DoubleParam(owner, "beta", "weight of the KL term in the loss (>= 0; 1 is the ELBO)",
                ParamChecks.doubleAtLeast(0));
        klWarmupEpochs = new IntParam(owner, "klWarmupEpochs",
                "epochs over which the KL weight ramps linearly from 0 to beta (>= 0; 0: no warm-up)",
                ParamChecks.intAtLeast(0));
        maxEpochs = new IntParam(owner, "maxEpochs", "maximum number of passes over the data (>= 1)",
                ParamChecks.intAtLeast(1));
        batchSize = new IntParam(owner, "batchSize",
                "global mini-batch size: rows per optimisation step summed over all partitions (>= 1)",
                ParamChecks.intAtLeast(1));
        stepSize = new DoubleParam(owner, "stepSize", "Adam learning rate (> 0)", ParamChecks.doublePositive());
        maxGradNorm = new DoubleParam(owner, "maxGradNorm",
                "clip the global gradient L2 norm to this value before each update (>= 0; 0: no clipping)",
                ParamChecks.doubleAtLeast(0));
        seed = new LongParam(owner, "seed", "random seed (initial weights, shuffles, noise)",
                ParamChecks.longAny());
        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol",
                "optional boolean column: rows with true are held out, their ELBO is tracked per epoch, and "
                        + "training stops after 'patience' epochs without improvement, keeping the best weights",
                ParamChecks.notNull());
        patience = new IntParam(owner, "patience",
                "with validationIndicatorCol, epochs without improvement before stopping (>= 0; 0: never stop)",
                ParamChecks.intAtLeast(0));
        checkpointDir = new Param<>(owner, "checkpointDir",
                "optional directory (any Hadoop file system) for training checkpoints; fitting again with the "
                        + "same directory resumes from the newest intact one (same data, partitioning and params)",
                ParamChecks.notNull());
        checkpointInterval = new IntParam(owner, "checkpointInterval",
                "with checkpointDir, save a checkpoint every this many epochs (>= 1)", ParamChecks.intAtLeast(1));
        maxPartitions = new IntParam(owner, "maxPartitions",
                "at most this many partitions train (more are coalesced without a shuffle; fewer, or one holding "
                        + "most rows, are spread evenly over up to this many, at most one per task slot, with at "
                        + "least 5,000 rows each, one shuffle of the cached rows); 0: one per task slot (Spark's "
                        + "default parallelism / spark.task.cpus). A task with several CPUs splits its rows across "
                        + "that many threads",
                ParamChecks.intAtLeast(0));

        exchangeMode = new ChoiceParam(owner, "exchangeMode",
                "how gradients and weights travel each step: 'barrier' runs one long-lived barrier-mode Spark job "
                        + "whose tasks exchange them with the driver directly (in-process in local mode, else over "
                        + "TCP to the driver); 'peer' runs one barrier job per epoch whose tasks exchange among "
                        + "themselves (each owns a shard of the weights and its Adam state: reduce-scatter of the "
                        + "gradient, all-gather of the weights; the driver is off the data path; needs open ports "
                        + "between executors, no maxGradNorm); 'jobs' runs one Spark job per step (broadcast and task "
                        + "results; works with dynamic allocation and with more partitions than task slots); 'auto' "
                        + "picks 'barrier' when every training partition gets a task slot at once and dynamic "
                        + "allocation is off, 'peer' instead on a cluster with at least 4 tasks and a gradient of at "
                        + "least 1 MiB, else 'jobs'",
                ExchangeMode.paramNames());

        exchangePrecision = new ChoiceParam(owner, "exchangePrecision",
                "how each partition's gradient sum enters a step's sum: 'float32' as computed (float64 models "
                        + "too), 'bfloat16' with every value first rounded to bfloat16 (to nearest even; the sum "
                        + "stays double), in every exchange mode alike; the peer exchange then sends its gradient "
                        + "pieces in 2 bytes a value instead of 4 (weights still in the training width). Changes "
                        + "the numbers, so off by default",
                GradientRounding.paramNames());

        inputCols = new StringArrayParam(owner, "inputCols",
                "table columns to model directly, instead of featuresCol: numeric, date and timestamp columns are "
                        + "continuous, string columns categorical, boolean columns binary; nulls (and NaN) are allowed "
                        + "and modelled as missing (empty: use featuresCol)", ParamChecks.columnNames());
        categoricalCols = new StringArrayParam(owner, "categoricalCols",
                "numeric columns of inputCols/conditionCols holding category codes, modelled as categorical",
                ParamChecks.columnNames());
        conditionCols = new StringArrayParam(owner, "conditionCols",
                "table columns a conditional VAE is given (encoder and decoder both see them; they are not "
                        + "generated): sample(conditions, seed) generates rows for given condition values",
                ParamChecks.columnNames());
        maxCategories = new IntParam(owner, "maxCategories",
                "most distinct values a categorical column may have in training (>= 2); more is an error naming "
                        + "the column", ParamChecks.intAtLeast(2));
        continuousScaling = new ChoiceParam(owner, "continuousScaling",
                "normalisation of continuous table columns before the Gaussian likelihood: 'quantile' maps the "
                        + "column's empirical distribution onto a standard normal (any shape: skewed, multi-modal, "
                        + "discrete), 'standard' subtracts the mean and divides by the standard deviation",
                "quantile", "standard");
        imputedCols = new StringArrayParam(owner, "imputedCols",
                "table models: output columns, one per input column, holding the input value where present and "
                        + "the model's imputation where missing (in the input column's type) (empty: none)",
                ParamChecks.columnNames());
        columnScoresCol = new Param<>(owner, "columnScoresCol",
                "table models: optional output column, a vector with each input column's negative "
                        + "log-likelihood (nats) under the reconstruction from μ(x): which column makes a row "
                        + "unusual (empty: not added)", ParamChecks.notNull());

        maskRate = new DoubleParam(owner, "maskRate",
                "table models: the share of each training row's present cells hidden from the encoder at every "
                        + "step (as if missing; the likelihood still scores them), so that the model learns to "
                        + "infer a row from part of it: better imputation (imputedCols) of values that are rarely "
                        + "missing in training and column scores (columnScoresCol) that name the odd column more "
                        + "often, at some cost in the dependence between columns of sampled rows; "
                        + "the training -ELBO history is then that of the masked rows (in [0, 1); 0: none)",
                ParamChecks.doubleInUnitInterval());

        owner.setDefault(featuresCol, "features");
        owner.setDefault(inputCols, new String[0]);
        owner.setDefault(categoricalCols, new String[0]);
        owner.setDefault(conditionCols, new String[0]);
        owner.setDefault(maxCategories, 200);
        owner.setDefault(continuousScaling, "quantile");
        owner.setDefault(imputedCols, new String[0]);
        owner.setDefault(columnScoresCol, "");
        owner.setDefault(maskRate, 0.0);
        owner.setDefault(latentMeanCol, "latentMean");
        owner.setDefault(reconstructionCol, "reconstruction");
        owner.setDefault(elboSamples, 1);
        owner.setDefault(handleInvalid, "error");
        owner.setDefault(latentDim, 10);
        owner.setDefault(encoderLayers, new int[] {256, 128});
        owner.setDefault(activation, "relu");
        owner.setDefault(likelihood, "gaussian");
        owner.setDefault(precision, "float32");
        owner.setDefault(beta, 1.0);
        owner.setDefault(klWarmupEpochs, 0);
        owner.setDefault(maxEpochs, 10);
        owner.setDefault(batchSize, 128);
        owner.setDefault(stepSize, 1e-3);
        owner.setDefault(maxGradNorm, 0.0);
        owner.setDefault(seed, (long) "io.github.vaespark.ml.VariationalAutoencoder".hashCode());
        owner.setDefault(patience, 5);
        owner.setDefault(checkpointInterval, 1);
        owner.setDefault(maxPartitions, 0);
        owner.setDefault(exchangeMode, ExchangeMode.AUTO.paramName());
        owner.setDefault(exchangePrecision, GradientRounding.NONE.paramName());
    }
}
