package io.github.vaespark.train.jobs;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.GradientApplier;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.StepEngine;
import io.github.vaespark.train.TrainingData;
import org.apache.spark.SparkContext;

/**
 * One Spark job per step: broadcast the weights, let every partition compute its gradient sum
 * as a task result, add the sums on the driver in partition order and apply the update. Works on
 * any cluster (dynamic allocation, more partitions than task slots) at the cost of a job's
 * scheduling, broadcast and result transfer every step.
 */
public final class JobStepEngine<A> implements StepEngine {
    private final Kernels<A> kernels;
    private final TrainingData data;
    private final GradientSetup setup;
    private final GradientApplier applier;
    private final int maxEpochs;
    private final double[] gradient;
    private final String previousDescription;

    public JobStepEngine(Kernels<A> kernels, TrainingData data, GradientSetup setup, GradientApplier applier,
                  int maxEpochs) {
        this.kernels = kernels;
        this.data = data;
        this.setup = setup;
        this.applier = applier;
        this.maxEpochs = maxEpochs;
        this.gradient = new double[setup.layout().numParams()];
        this.previousDescription = data.blocks().context().getLocalProperty("spark.job.description");
    }

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public EpochRun runEpoch(int epoch) {
        SparkContext sc = data.blocks().context();
        int steps = setup.plan().stepsPerEpoch();
        LossSums epochLoss = new LossSums();
        long compute = 0;
        long exchange = 0;
        long update = 0;
        double beta = 0;
        for (int step = 0; step < steps; step++) {
            beta = applier.betaAt(epoch, step);
            sc.setJobDescription(String.format("vae-spark: epoch %d/%d, step %d/%d", epoch + 1, maxEpochs,
                    step + 1, steps));
            SynchronousStep.Outcome outcome = SynchronousStep.run(kernels, data, setup,
                    applier.state().params, epoch, step, beta, gradient, applier.gradientRounding());
            long updateStart = System.nanoTime();
            applier.applyWhole(gradient, outcome.loss(), epoch, step);
            update += System.nanoTime() - updateStart;
            epochLoss.add(outcome.loss());
            compute += outcome.maxComputeNanos();
            exchange += outcome.broadcastNanos() + outcome.jobNanos() - outcome.maxComputeNanos();
        }
        return new EpochRun(epochLoss, beta, new StepTimes(compute / 1e9, exchange / 1e9, update / 1e9, 0));
    }

    @Override
    public void close() {
        data.blocks().context().setJobDescription(previousDescription);
    }
}
