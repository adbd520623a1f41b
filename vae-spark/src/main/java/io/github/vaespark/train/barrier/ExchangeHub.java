package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The driver's meeting point with the partitions of one barrier training job. The driver issues
 * ticks (which step to compute next), each partition delivers its gradient segment by segment into
 * an array the driver can read, and the driver publishes the updated weights segment by segment
 * into one array the partitions read. Tasks in the driver's JVM (local mode) use it directly;
 * remote tasks reach it through {@link ExchangeServer}, whose connections act as participants.
 *
 * <p>Counters only grow within a task attempt, so every wait is "until counter ≥ n". When Spark
 * retries the barrier stage, the first task of the new attempt to join resets the hub for that
 * attempt and the driver's waits throw {@link RestartedException}: the driver rolls back to its
 * last consistent state and starts again. Every wait polls a {@link Check} so that killed tasks and
 * failed jobs are noticed.
 */
public final class ExchangeHub {
    /** Polled while waiting; throws to give up the wait (a killed task, a failed job). */
    @FunctionalInterface
    public interface Check {
        void run();
    }

    /** Thrown to the driver when Spark restarted the job's tasks (a new stage attempt joined). */
    public static final class RestartedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RestartedException(int attempt) {
            super("The barrier tasks were restarted (stage attempt " + attempt + ")", null, false, false);
        }
    }

    /** Thrown to a participant whose task attempt has been replaced or whose job has ended. */
    public static final class GoneException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        GoneException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Thrown to the driver when partitions delivered nothing for longer than the step timeout. */
    public static final class StalledException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }

    /** Whether a partition has rows in a step (and so ships a gradient for it). */
    @FunctionalInterface
    public interface Contributes {
        boolean contributes(int partition, int step);
    }

    static final long POLL_MILLIS = 50;

    private final int numPartitions;
    private final Segments segments;
    private final Kernels<?> kernels;
    private final Contributes contributes;
    private final Object weights;

    private int attempt = -1;
    private boolean ready;
    private final Object[] partials;
    private final long[] delivered;
    private final LossSums[] losses;
    private final long[] computeNanos;
    private int joined;
    private final List<Tick> ticks = new ArrayList<>();
    private long published;
    /** Threads in {@code awaitPublished} (the TCP server's senders): only they wait for {@link #publish}. */
    private int publishWaiters;
    private boolean restartPending;
    private boolean ending;
    private Throwable closed;
    private long lastProgress = System.nanoTime();
    private long stepTimeoutNanos = Long.MAX_VALUE;
    private java.util.function.IntSupplier startedAttempts = () -> Integer.MAX_VALUE;

    /**
     * @param kernels     the width of weights and gradients
     * @param contributes which partitions ship a gradient at which step
     */
    public ExchangeHub(int numPartitions, Segments segments, Kernels<?> kernels, Contributes contributes) {
        this.numPartitions = numPartitions;
        this.segments = segments;
        this.kernels = kernels;
        this.contributes = contributes;
        this.weights = kernels.allocate(segments.numParams());
        this.partials = new Object[numPartitions];
        this.delivered = new long[numPartitions];
        this.losses = new LossSums[numPartitions];
        this.computeNanos = new long[numPartitions];
    }

    public Segments segments() {
        return segments;
    }

    /**
     * How long the driver waits for the next gradient segment of a tick before it gives up on
     * the partitions that have not delivered it (spark.vaespark.exchange.stepTimeout).
     */
    public synchronized void setStepTimeout(long millis) {
        this.stepTimeoutNanos = millis <= 0 ? Long.MAX_VALUE : java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** The driver's own record of the newest stage attempt of the job that it has started. */
    public synchronized void setStartedAttempts(java.util.function.IntSupplier record) {
        this.startedAttempts = record;
    }

    /** Whether the driver has started stage attempt {@code stageAttempt} of this hub's job. */
    public boolean attemptStarted(int stageAttempt) {
        java.util.function.IntSupplier record;
        synchronized (this) {
            record = startedAttempts;
        }
        return stageAttempt >= 0 && stageAttempt <= record.getAsInt();
    }

    /** The newest stage attempt that has joined (-1: none yet). */
    public synchronized int attempt() {
        return attempt;
    }

    public Kernels<?> kernels() {
        return kernels;
    }

    public Contributes contributes() {
        return contributes;
    }

    /** The published weights: partitions read it, only the driver writes it. */
    public Object weights() {
        return weights;
    }

    // ---------------------------------------------------------------- driver side

    /** Waits until every partition of the current attempt has joined; returns that attempt. */
    public synchronized int awaitJoined(Check check) {
        while (true) {
            throwIfRestartedOrClosed();
            if (attempt >= 0 && joined == numPartitions) {
                return attempt;
            }
            pause(check);
        }
    }

    /**
     * Lets {@code fill} write the initial weights, then releases the participants of
     * {@code expectedAttempt}. Throws {@link RestartedException} if another attempt joined meanwhile.
     */
    public void publishInitial(int expectedAttempt, Consumer<Object> fill) {
        fill.accept(weights);
        synchronized (this) {
            throwIfRestartedOrClosed();
            if (attempt != expectedAttempt) {
                throw new RestartedException(attempt);
            }
            ready = true;
            notifyAll();
        }
    }

    /** Issues the next tick of {@code expectedAttempt}; returns its index. */
    public synchronized int issue(int expectedAttempt, Tick tick) {
        throwIfRestartedOrClosed();
        if (attempt != expectedAttempt || !ready) {
            throw new RestartedException(attempt);
        }
        ticks.add(tick);
        lastProgress = System.nanoTime();
        notifyAll();
        return ticks.size() - 1;
    }

    /** Waits until every partition has delivered segment {@code k} of tick {@code t}. */
    public synchronized void awaitSegment(int t, int k, Check check) {
        long target = (long) t * segments.count() + k + 1;
        while (true) {
            throwIfRestartedOrClosed();
            if (minDelivered() >= target) {
                return;
            }
            pause(check);
            throwIfStalled(target);
        }
    }

    private void throwIfStalled(long target) {
        if (System.nanoTime() - lastProgress <= stepTimeoutNanos) {
            return;
        }
        List<Integer> late = new ArrayList<>();
        for (int p = 0; p < numPartitions; p++) {
            if (delivered[p] < target) {
                late.add(p);
            }
        }
        Tick tick = ticks.isEmpty() ? null : ticks.get(ticks.size() - 1);
        throw new StalledException("Training partition(s) " + late + " sent no gradient for "
                + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(stepTimeoutNanos) + " s"
                + (tick == null ? "" : " in epoch " + (tick.epoch() + 1) + ", step " + (tick.step() + 1))
                + ": their tasks are alive but stalled (spark.vaespark.exchange.stepTimeout)");
    }

    /**
     * Wakes the waiters once a delivery has completed a segment across all partitions (the only
     * thing the driver's {@link #awaitSegment} waits for; participants never wait for deliveries).
     * A delivery that leaves another partition behind wakes nobody: each wake-up is a futex call
     * and a context switch, a few dozen per step otherwise.
     */
    private void notifyIfSegmentComplete(long minBefore) {
        if (minDelivered() > minBefore) {
            notifyAll();
        }
    }

    private long minDelivered() {
        long min = Long.MAX_VALUE;
        for (long d : delivered) {
            min = Math.min(min, d);
        }
        return min;
    }

    /** The gradient array of partition p in the current attempt (read it only after awaitSegment). */
    public synchronized Object partial(int p) {
        return partials[p];
    }

    /** Loss sums of partition p's last finished tick (read after the tick's last segment). */
    public synchronized LossSums loss(int p) {
        return losses[p];
    }

    /** Computation time of partition p's last finished tick. */
    public synchronized long computeNanos(int p) {
        return computeNanos[p];
    }

    /** Makes segment k of the weights updated in tick t of {@code expectedAttempt} visible to the participants. */
    public synchronized void publish(int expectedAttempt, int t, int k) {
        if (attempt == expectedAttempt) {
            published = Math.max(published, (long) t * segments.count() + k + 1);
            if (publishWaiters > 0) {
                notifyAll();
            }
        }
    }

    /**
     * Ends the job normally: every participant, of this attempt or of any later one, is told
     * {@link Tick#END} once it has the ticks issued so far.
     */
    public synchronized void end() {
        ending = true;
        notifyAll();
    }

    /** Ends the hub: every wait, of the driver and of participants, throws from now on. */
    public synchronized void close(Throwable reason) {
        if (closed == null) {
            closed = reason;
        }
        notifyAll();
    }

    private void throwIfRestartedOrClosed() {
        if (closed != null) {
            throw new GoneException("The training exchange was closed: " + closed.getMessage(), closed);
        }
        if (restartPending) {
            restartPending = false;
            throw new RestartedException(attempt);
        }
    }

    private void pause(Check check) {
        try {
            wait(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GoneException("Interrupted while waiting for the training exchange", e);
        }
        check.run();
    }

    // ---------------------------------------------------------------- participant side

    /**
     * Joins partition {@code partition} for task attempt {@code stageAttempt}, delivering gradients
     * in {@code gradient} (a float[] or double[] of numParams the driver may read).
     */
    public synchronized Participant join(int partition, int stageAttempt, Object gradient) {
        if (closed != null) {
            throw new GoneException("The training exchange was closed", closed);
        }
        if (partition < 0 || partition >= numPartitions) {
            throw new IllegalArgumentException("Partition " + partition + " is not one of " + numPartitions);
        }
        if (stageAttempt < attempt) {
            throw new GoneException("Stage attempt " + stageAttempt + " was replaced by " + attempt, null);
        }
        if (stageAttempt > attempt) {
            restartPending = attempt >= 0;
            attempt = stageAttempt;
            ready = false;
            joined = 0;
            ticks.clear();
            published = 0;
            Arrays.fill(partials, null);
            Arrays.fill(delivered, 0);
            Arrays.fill(losses, null);
        }
        if (partials[partition] != null) {
            throw new IllegalStateException("Partition " + partition + " joined twice in stage attempt " + attempt);
        }
        partials[partition] = gradient;
        joined++;
        lastProgress = System.nanoTime();
        notifyAll();
        return new Participant(partition, stageAttempt);
    }

    /** One partition's place in one attempt of the job. */
    public final class Participant {
        private final int partition;
        private final int myAttempt;

        private Participant(int partition, int attempt) {
            this.partition = partition;
            this.myAttempt = attempt;
        }

        public int partition() {
            return partition;
        }

        public ExchangeHub hub() {
            return ExchangeHub.this;
        }

        public Segments segments() {
            return segments;
        }

        /** Waits for the initial weights and returns the array holding them. */
        public Object awaitReady(Check check) {
            synchronized (ExchangeHub.this) {
                while (true) {
                    throwIfGone();
                    if (ready || ending) {
                        return weights;
                    }
                    pause(check);
                }
            }
        }

        /** Waits for tick t (whose weights are then complete) and returns it. */
        public Tick awaitTick(int t, Check check) {
            synchronized (ExchangeHub.this) {
                while (true) {
                    throwIfGone();
                    if (ready && ticks.size() > t) {
                        return ticks.get(t);
                    }
                    if (ending) {
                        return Tick.END;
                    }
                    pause(check);
                }
            }
        }

        /** Waits until the driver has published {@code segmentsPublished} weight segments in this attempt. */
        public void awaitPublished(long segmentsPublished, Check check) {
            synchronized (ExchangeHub.this) {
                publishWaiters++;
                try {
                    while (true) {
                        throwIfGone();
                        if (published >= segmentsPublished) {
                            return;
                        }
                        pause(check);
                    }
                } finally {
                    publishWaiters--;
                }
            }
        }

        /** Segments 0 … k-1 of tick t are in this participant's gradient array. */
        public void deliver(int t, int k) {
            synchronized (ExchangeHub.this) {
                throwIfGone();
                delivered((long) t * segments.count() + k);
            }
        }

        /** Tick t is finished: every segment (if the partition had rows), its loss sums and timing. */
        public void finish(int t, LossSums loss, long nanos) {
            synchronized (ExchangeHub.this) {
                throwIfGone();
                losses[partition] = loss;
                computeNanos[partition] = nanos;
                delivered((long) (t + 1) * segments.count());
            }
        }

        /**
         * Records that this partition has delivered {@code segmentsDelivered} segments in this attempt
         * (counts only grow), and wakes the driver if that completes a segment across all partitions.
         */
        private void delivered(long segmentsDelivered) {
            long before = minDelivered();
            delivered[partition] = Math.max(delivered[partition], segmentsDelivered);
            lastProgress = System.nanoTime();
            notifyIfSegmentComplete(before);
        }

        private void throwIfGone() {
            if (closed != null) {
                throw new GoneException("The training exchange was closed: " + closed.getMessage(), closed);
            }
            if (attempt != myAttempt) {
                throw new GoneException("Stage attempt " + myAttempt + " was replaced by " + attempt, null);
            }
        }
    }
}
