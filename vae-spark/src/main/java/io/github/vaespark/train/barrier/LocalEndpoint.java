package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.LossSums;

/** A task in the driver's JVM: reads the published weights and delivers gradients in place. */
final class LocalEndpoint implements TaskEndpoint {
    private final ExchangeHub.Participant participant;
    private final ExchangeHub.Check check;
    private Object weights;

    LocalEndpoint(ExchangeHub.Participant participant, ExchangeHub.Check check) {
        this.participant = participant;
        this.check = check;
    }

    @Override
    public Segments segments() {
        return participant.segments();
    }

    @Override
    public Object weights() {
        return weights;
    }

    @Override
    public Tick awaitTick(int t) {
        if (weights == null) {
            weights = participant.awaitReady(check);
        }
        return participant.awaitTick(t, check);
    }

    @Override
    public void deliver(int t, int k) {
        participant.deliver(t, k);
    }

    @Override
    public void finish(int t, LossSums loss, long computeNanos, boolean hasGradient) {
        participant.finish(t, loss, computeNanos);
    }

    @Override
    public void close() {
    }
}
