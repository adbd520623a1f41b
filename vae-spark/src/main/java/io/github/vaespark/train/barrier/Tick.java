package io.github.vaespark.train.barrier;

import java.io.Serializable;

/**
 * What the driver asks every partition to do next in a barrier training job: compute the
 * gradient of one step of one epoch, or stop.
 *
 * @param epoch 0-based epoch, or -1 for the end of the job
 * @param step  0-based step within the epoch
 */
public record Tick(int epoch, int step) implements Serializable {
    /** The job's last tick: no more steps. */
    public static final Tick END = new Tick(-1, -1);

    public boolean isEnd() {
        return epoch < 0;
    }
}
