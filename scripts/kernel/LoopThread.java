package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for rapaio-jupyter-kernel's {@code LoopThread} (same public API), compiled by
 * scripts/install-kernel.sh and put before the kernel jar on the kernel's class path.
 *
 * <p>The kernel's own class (3.0.x) sets its {@code running} flag after {@code Thread.start()}; a loop
 * thread scheduled before that line sees {@code false} and ends at once. When that hits the shell or
 * control channel the kernel never answers {@code kernel_info_request}, and nbclient fails with
 * "Kernel didn't respond in 60 seconds" (about every other start on a busy 2-core machine). Here the
 * flag is set before the thread starts.
 *
 * <p>The loops also start polling before the kernel has registered its message handlers, so a
 * {@code kernel_info_request} arriving in that window throws a NullPointerException that used to end the
 * shell thread for good. Here an exception from one loop pass is reported and the loop goes on (the
 * Jupyter client re-sends {@code kernel_info_request} until it gets an answer).
 */
public final class LoopThread extends Thread {

    private final long sleepMillis;
    private final Runnable body;
    private volatile boolean running;

    public LoopThread(String name, long sleepMillis, Runnable body) {
        super(name);
        this.sleepMillis = sleepMillis;
        this.body = body;
    }

    @Override
    public void run() {
        while (running) {
            try {
                body.run();
            } catch (RuntimeException e) {
                System.err.println("[" + getName() + "] message dropped: " + e);
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
