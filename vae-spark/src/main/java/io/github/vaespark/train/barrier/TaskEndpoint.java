package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;

/**
 * A barrier task's side of the exchange: wait for the next tick (the weights for it are then
 * complete in {@link #weights()}), deliver the gradient segment by segment from the array given at
 * connection, and finish the tick with its loss sums. In the driver's JVM the task uses the hub
 * directly; elsewhere it talks to the driver's {@link ExchangeServer}.
 */
public interface TaskEndpoint extends AutoCloseable {

    /**
     * Joins the hub at {@code address} as partition {@code partition} of {@code stageAttempt}.
     *
     * @param gradient the float[] or double[] this task writes its gradient sums into
     * @param check    polled while waiting; throws when the task is killed
     */
    static TaskEndpoint connect(ExchangeAddress address, int partition, int stageAttempt, Object gradient,
                                Kernels<?> kernels, ExchangeHub.Check check) {
        if (address.tcp()) {
            return TcpEndpoint.open(address, partition, stageAttempt, gradient, kernels, check);
        }
        ExchangeHub hub = ExchangeHubs.local(address.hubId());
        if (hub == null) {
            throw new IllegalStateException("The training exchange " + address.hubId() + " is not in this JVM: "
                    + "in-process exchange needs every task in the driver's JVM (Spark local mode); set "
                    + "spark.vaespark.exchange.transport=tcp otherwise");
        }
        return new LocalEndpoint(hub.join(partition, stageAttempt, gradient), check);
    }

    /** The segments gradients and weights travel in. */
    Segments segments();

    /** The array holding the weights of the tick last returned by {@link #awaitTick}. */
    Object weights();

    /** Waits for tick t of this attempt (0, 1, 2, … in order). */
    Tick awaitTick(int t);

    /** Segments 0 … k-1 of tick t's gradient are final in the gradient array. */
    void deliver(int t, int k);

    /**
     * Tick t is done: its loss sums and computation time, and (when {@code hasGradient}) every
     * gradient segment not delivered yet.
     */
    void finish(int t, LossSums loss, long computeNanos, boolean hasGradient);

    @Override
    void close();
}
