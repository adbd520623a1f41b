package io.github.vaespark.train;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.train.barrier.BarrierStepEngine;
import io.github.vaespark.train.barrier.ExchangeServer;
import io.github.vaespark.train.barrier.ExchangeTls;
import io.github.vaespark.train.jobs.JobStepEngine;
import io.github.vaespark.train.peer.PeerStepEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses how a fit's steps travel ({@link ExchangeMode}): it knows the
 * cluster's task slots, decides whether the training blocks must be ready for a barrier job, picks
 * the {@link StepEngine} (the barrier exchange in {@code train.barrier}, one job per step in
 * {@code train.jobs}), and whether a barrier job that could not start may fall back to jobs. It
 * reads the exchange's Spark settings (each may also be set as a local property of the fitting
 * thread):
 * <ul>
 *   <li>{@code spark.vaespark.exchange.transport}: {@code auto} (in-process in local mode, TCP
 *       otherwise) or {@code tcp};</li>
 *   <li>{@code spark.vaespark.exchange.port}: the driver's TCP port for the exchange (0: any free port);</li>
 *   <li>{@code spark.vaespark.exchange.joinTimeout}: how long a barrier job may take to start all its
 *       tasks (default 120s), at the start and again after Spark restarted them;</li>
 *   <li>{@code spark.vaespark.exchange.stepTimeout}: how long the driver waits for a live task's next
 *       gradient segment before the fit fails naming the stalled partitions (default 600s; 0: no
 *       bound); a remote task gives up after twice this time without an instruction from the driver.</li>
 *   <li>{@code spark.vaespark.exchange.tls}: {@code true} runs the TCP exchange over TLS with Spark's
 *       {@code spark.ssl.keyStore} (driver) and {@code spark.ssl.trustStore} (executors); where
 *       {@code spark.network.crypto.enabled} is set and TLS is not, {@code auto} trains with one job
 *       per step (Spark's own encrypted RPC) and {@code barrier} refuses to run unencrypted.</li>
 * </ul>
 */
public final class ExchangeChoice {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeChoice.class);
    static final String TRANSPORT = "spark.vaespark.exchange.transport";
    static final String PORT = "spark.vaespark.exchange.port";
    static final String JOIN_TIMEOUT = "spark.vaespark.exchange.joinTimeout";
    static final String STEP_TIMEOUT = "spark.vaespark.exchange.stepTimeout";
    static final String TLS = "spark.vaespark.exchange.tls";
    static final String NETWORK_CRYPTO = "spark.network.crypto.enabled";

    /** exchangeMode=auto picks the peer exchange from this many tasks … */
    static final int PEER_MIN_TASKS = 4;
    /** … and a gradient of at least this many bytes. */
    static final long PEER_MIN_BYTES = 1L << 20;

    private final SparkContext sc;

    ExchangeChoice(SparkContext sc) {
        this.sc = sc;
    }

    <A> StepEngine create(Kernels<A> kernels, TrainingData data, GradientSetup setup, TrainingConfig config,
                          GradientApplier applier) {
        String slots = barrierUnavailable(sc, data.numPartitions());
        String unavailable = slots;
        boolean remote = !sc.isLocal() || "tcp".equalsIgnoreCase(setting(TRANSPORT, "auto"));
        boolean tls = Boolean.parseBoolean(setting(TLS, "false"));
        if (unavailable == null && remote && !tls && Boolean.parseBoolean(setting(NETWORK_CRYPTO, "false"))) {
            unavailable = NETWORK_CRYPTO + " is set but the barrier exchange would send weights and gradients "
                    + "unencrypted; set " + TLS + "=true (with spark.ssl.keyStore and spark.ssl.trustStore) to keep it";
        }
        ExchangeMode mode = config.exchangeMode();
        long joinTimeout = org.apache.spark.network.util.JavaUtils.timeStringAsMs(setting(JOIN_TIMEOUT, "120s"));
        long stepTimeout = org.apache.spark.network.util.JavaUtils.timeStringAsMs(setting(STEP_TIMEOUT, "600s"));
        String peerUnavailable = peerUnavailable(slots, config, tls);
        if (mode == ExchangeMode.PEER) {
            if (peerUnavailable != null) {
                throw new IllegalArgumentException("exchangeMode=peer cannot run here: " + peerUnavailable
                        + ". Use exchangeMode=barrier, jobs or auto.");
            }
            return peer(data, setup, config, applier, joinTimeout, stepTimeout);
        }
        if (mode == ExchangeMode.AUTO && peerUnavailable == null && remote) {
            String pays = peerPays(data.numPartitions(), config);
            if (pays != null) {
                LOG.info("vae-spark: exchangeMode=auto chose the peer exchange: {}", pays);
                return peer(data, setup, config, applier, joinTimeout, stepTimeout);
            }
        }
        if (mode == ExchangeMode.BARRIER && unavailable != null) {
            throw new IllegalArgumentException("exchangeMode=barrier cannot run here: " + unavailable
                    + ". Use exchangeMode=jobs (or auto), or lower maxPartitions.");
        }
        if (mode == ExchangeMode.JOBS || unavailable != null) {
            if (unavailable != null) {
                LOG.info("vae-spark: one Spark job per step (exchangeMode=jobs): {}", unavailable);
            }
            return jobs(kernels, data, setup, config, applier);
        }
        ExchangeServer server = null;
        ExchangeTls tlsSettings = null;
        String host = sc.getConf().get("spark.driver.host", "localhost");
        if (remote) {
            String bind = sc.getConf().get("spark.driver.bindAddress", host);
            int port = Integer.parseInt(setting(PORT, "0"));
            try {
                if (tls) {
                    tlsSettings = ExchangeTls.fromSettings(key -> setting(key, null));
                    server = ExchangeServer.startTls(bind, port, tlsSettings);
                } else {
                    server = ExchangeServer.start(bind, port);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new BarrierStepEngine<>(kernels, data, setup, config, applier, server, host, joinTimeout, stepTimeout,
                tlsSettings);
    }

    /**
     * Why the peer exchange cannot run, or null: it needs the task slots a barrier job needs, sends
     * unencrypted TCP between executors, and has no global gradient norm for clipping.
     */
    private String peerUnavailable(String barrierUnavailable, TrainingConfig config, boolean tls) {
        if (barrierUnavailable != null) {
            return barrierUnavailable;
        }
        if (tls || Boolean.parseBoolean(setting(NETWORK_CRYPTO, "false"))) {
            return "its connections between executors are not encrypted (" + TLS + " or " + NETWORK_CRYPTO
                    + " is set)";
        }
        if (config.maxGradNorm() > 0) {
            return "maxGradNorm needs the global gradient norm, which no shard owner has";
        }
        return null;
    }

    /**
     * Why the peer exchange pays on a cluster, or null: the driver's link carries 2·N gradients per
     * step in the barrier exchange, each task's link about 2 in the peer exchange, which also costs
     * one job per epoch and 2·(N−1) messages per step; it wins once N and the gradient are large.
     */
    static String peerPays(int tasks, TrainingConfig config) {
        long bytes = (long) config.layout().numParams() * config.precision().bytes();
        if (tasks >= PEER_MIN_TASKS && bytes >= PEER_MIN_BYTES) {
            return String.format("%d tasks and a %.1f MiB gradient (at least %d tasks and %d MiB); the driver's link "
                    + "would carry %.1f MiB per step, each executor's carries %.1f MiB", tasks, bytes / 1048576.0,
                    PEER_MIN_TASKS, PEER_MIN_BYTES >> 20, 2.0 * tasks * bytes / 1048576.0,
                    2.0 * (tasks - 1) / tasks * bytes / 1048576.0);
        }
        return null;
    }

    /** The peer exchange, its coordinator listening where the barrier exchange's server would. */
    private StepEngine peer(TrainingData data, GradientSetup setup, TrainingConfig config, GradientApplier applier,
                            long joinTimeout, long stepTimeout) {
        String host = sc.getConf().get("spark.driver.host", "localhost");
        String bind = sc.getConf().get("spark.driver.bindAddress", host);
        return new PeerStepEngine(data, setup, config, applier, joinTimeout, stepTimeout, host, bind,
                Integer.parseInt(setting(PORT, "0")));
    }

    /** One Spark job per step. */
    <A> StepEngine jobs(Kernels<A> kernels, TrainingData data, GradientSetup setup, TrainingConfig config,
                        GradientApplier applier) {
        warnAboutResultSize(config);
        return new JobStepEngine<>(kernels, data, setup, applier, config.maxEpochs());
    }

    /**
     * How many tasks the cluster runs at once, as Spark reports it: default parallelism / spark.task.cpus
     * (may be 0 when a task asks for more CPUs than the cluster has).
     */
    public static int taskSlots(SparkContext sc) {
        return sc.defaultParallelism() / Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
    }

    /** Whether training with {@code mode} may run a barrier job of {@code partitions} tasks on {@code sc}. */
    public static boolean mayUseBarrier(ExchangeMode mode, SparkContext sc, int partitions) {
        return mode == ExchangeMode.BARRIER || mode == ExchangeMode.PEER
                || mode == ExchangeMode.AUTO && barrierUnavailable(sc, partitions) == null;
    }

    /** Whether a barrier job that could not get its task slots may be replaced by one job per step. */
    static boolean mayFallBack(ExchangeMode mode) {
        return mode == ExchangeMode.AUTO;
    }

    /** Why a barrier job of {@code partitions} tasks cannot run on {@code sc}, or null if it can. */
    static String barrierUnavailable(SparkContext sc, int partitions) {
        SparkConf conf = sc.getConf();
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return "barrier jobs do not run under dynamic allocation (spark.dynamicAllocation.enabled)";
        }
        int slots = taskSlots(sc);
        if (partitions > slots) {
            return "the data has " + partitions + " training partitions but the cluster runs only " + slots
                    + " tasks at once (default parallelism / spark.task.cpus)";
        }
        return null;
    }

    /** A setting from the fitting thread's local properties, else Spark's conf, else the default. */
    private String setting(String key, String defaultValue) {
        String local = sc.getLocalProperty(key);
        return local != null ? local : sc.getConf().get(key, defaultValue);
    }

    /**
     * Partial gradients above spark.task.maxDirectResultSize go through the block manager, a
     * detour that costs every step of the jobs exchange several milliseconds; say how to avoid it.
     */
    private void warnAboutResultSize(TrainingConfig config) {
        long gradientBytes = (long) config.layout().numParams() * config.precision().bytes();
        long direct = sc.getConf().getSizeAsBytes("spark.task.maxDirectResultSize", "1m");
        if (gradientBytes + 4096 > direct) {
            LOG.warn("vae-spark: each partition returns a {} KiB gradient per step, above "
                    + "spark.task.maxDirectResultSize ({} KiB), so Spark routes it through the block manager and "
                    + "every step gets slower. Start Spark with --conf spark.task.maxDirectResultSize={}m.",
                    gradientBytes >> 10, direct >> 10, Math.max(16, 2 * ((gradientBytes >> 20) + 1)));
        }
    }
}
