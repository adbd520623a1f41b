package io.github.vaespark.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.nn.Adam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints on any Hadoop file system. A checkpoint is a directory
 * {@code epoch-NNNNNN/} with {@code state.json} (position, history, the {@link CheckpointIdentity}
 * of its training) and {@code arrays.bin} (weights, Adam moments, best weights, and checksums of
 * both files: see {@link CheckpointArrays}). It is written under a temporary name
 * ({@code .epoch-NNNNNN-<uuid>.tmp}) and renamed into place; the two newest are kept. Resuming
 * takes the newest intact checkpoint: a damaged one (truncated, corrupt, half renamed) is skipped
 * with a warning, one of another training is refused. Temporary folders left by a crash are
 * deleted when a fit starts and after each checkpoint.
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final String PREFIX = "epoch-";
    private static final String TMP_SUFFIX = ".tmp";
    private static final int KEEP = 2;
    /** A state.json larger than this is damaged (history grows by ~0.5 KB per epoch). */
    private static final long MAX_STATE_BYTES = 64L << 20;
    /** Ignores fields it does not know, so that checkpoints of older versions can still be read. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final Configuration hadoopConf;
    private final CheckpointIdentity identity;

    /**
     * @param dir      the checkpointDir
     * @param identity the training these checkpoints belong to
     */
    Checkpoints(String dir, Configuration hadoopConf, CheckpointIdentity identity) {
        this.root = new Path(dir);
        this.hadoopConf = hadoopConf;
        this.identity = identity;
    }

    /** Writes the state after a completed epoch, then drops older checkpoints and stale temporary folders. */
    void save(TrainingState state) {
        try {
            FileSystem fs = root.getFileSystem(hadoopConf);
            fs.mkdirs(root);
            String name = String.format("%s%06d", PREFIX, state.epochsDone);
            Path tmp = new Path(root, "." + name + "-" + UUID.randomUUID() + TMP_SUFFIX);
            fs.mkdirs(tmp);
            byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stateJson(state));
            try (FSDataOutputStream out = fs.create(new Path(tmp, "state.json"), false)) {
                out.write(json);
            }
            CheckpointArrays.write(fs, new Path(tmp, "arrays.bin"), json, arrays(state));
            Path target = new Path(root, name);
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("Could not rename " + tmp + " to " + target);
            }
            prune(fs);
            deleteTemporary(fs);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a checkpoint to " + root + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> stateJson(TrainingState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("identity", identity.json());
        json.put("epochsDone", state.epochsDone);
        json.put("globalStep", state.globalStep);
        json.put("adamStep", state.adam.step());
        json.put("bestValidation", Double.toString(state.bestValidation));
        json.put("bestEpoch", state.bestEpoch);
        json.put("epochsWithoutImprovement", state.epochsWithoutImprovement);
        json.put("hasBest", state.bestParams != null);
        json.put("history", state.history);
        return json;
    }

    private static List<double[]> arrays(TrainingState state) {
        List<double[]> arrays = new ArrayList<>(List.of(state.params, state.adam.firstMoment(),
                state.adam.secondMoment()));
        if (state.bestParams != null) {
            arrays.add(state.bestParams);
        }
        return arrays;
    }

    /**
     * Deletes stale temporary folders, then restores the newest intact checkpoint, or returns null
     * when there is none at all.
     *
     * @throws IllegalArgumentException when the newest intact checkpoint belongs to another training
     * @throws IllegalStateException    when checkpoints exist but none is intact
     */
    TrainingState loadLatest(int numParams, double stepSize) {
        try {
            FileSystem fs = root.getFileSystem(hadoopConf);
            deleteTemporary(fs);
            List<Path> found = list(fs);
            List<String> damaged = new ArrayList<>();
            for (int i = found.size() - 1; i >= 0; i--) {
                Path dir = found.get(i);
                try {
                    return load(fs, dir, numParams, stepSize);
                } catch (IOException e) {
                    String why = e.getMessage();
                    damaged.add(dir.getName() + ": " + why);
                    LOG.warn("vae-spark: skipping damaged checkpoint {}: {}", dir, why);
                }
            }
            if (!damaged.isEmpty()) {
                throw new IllegalStateException("checkpointDir " + root + " holds no intact checkpoint ("
                        + String.join("; ", damaged) + "). To start fresh, use another checkpointDir (or delete "
                        + root + ").");
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read checkpoints from " + root + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint's state.json, refused when larger than a state can be. */
    private static byte[] readState(FileSystem fs, Path dir) throws IOException {
        Path statePath = new Path(dir, "state.json");
        if (fs.getFileStatus(statePath).getLen() > MAX_STATE_BYTES) {
            throw new IOException(statePath + " is larger than " + MAX_STATE_BYTES + " bytes");
        }
        try (FSDataInputStream in = fs.open(statePath)) {
            return in.readAllBytes();
        }
    }

    private TrainingState load(FileSystem fs, Path dir, int numParams, double stepSize) throws IOException {
        byte[] stateBytes = readState(fs, dir);
        try (CheckpointArrays.Reader reader = CheckpointArrays.open(fs, new Path(dir, "arrays.bin"), stateBytes)) {
            // The header vouched for state.json: refuse another training before reading the arrays.
            JsonNode state = JSON.readTree(stateBytes);
            checkIdentity(state.get("identity"), dir);
            boolean hasBest = state.get("hasBest").asBoolean();
            List<double[]> arrays = reader.readArrays(hasBest ? 4 : 3, numParams);
            List<EpochStats> history = JSON.convertValue(state.get("history"), new TypeReference<>() { });
            Adam adam = new Adam(stepSize, arrays.get(1), arrays.get(2), state.get("adamStep").asLong());
            TrainingState restored = new TrainingState(arrays.get(0), adam, history,
                    state.get("epochsDone").asInt(), state.get("globalStep").asLong());
            restored.bestParams = hasBest ? arrays.get(3) : null;
            restored.bestValidation = Double.parseDouble(state.get("bestValidation").asText());
            restored.bestEpoch = state.get("bestEpoch").asInt();
            restored.epochsWithoutImprovement = state.get("epochsWithoutImprovement").asInt();
            return restored;
        }
    }

    /**
     * The precision the newest checkpoint in {@code dir} whose state.json reads was trained in, or
     * null when there is none (damage is reported when the fit resumes, by {@link #loadLatest}).
     */
    static String newestPrecision(String dir, Configuration hadoopConf) {
        Checkpoints checkpoints = new Checkpoints(dir, hadoopConf, null);
        try {
            FileSystem fs = checkpoints.root.getFileSystem(hadoopConf);
            List<Path> found = checkpoints.list(fs);
            for (int i = found.size() - 1; i >= 0; i--) {
                try {
                    JsonNode precision = JSON.readTree(readState(fs, found.get(i))).path("identity").path("precision");
                    if (precision.isTextual()) {
                        return precision.asText();
                    }
                } catch (IOException e) {
                    LOG.debug("vae-spark: the state of {} does not read: {}", found.get(i), e.getMessage());
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private void checkIdentity(JsonNode stored, Path dir) {
        String differences = identity.differencesFrom(stored);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("checkpointDir " + root + " holds a checkpoint (" + dir.getName()
                    + ") of a different training: " + differences + ". To start fresh, use another checkpointDir "
                    + "(or delete " + root + ").");
        }
    }

    private List<Path> list(FileSystem fs) throws IOException {
        if (!fs.exists(root)) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        for (FileStatus status : fs.listStatus(root)) {
            if (status.isDirectory() && status.getPath().getName().startsWith(PREFIX)) {
                dirs.add(status.getPath());
            }
        }
        dirs.sort((a, b) -> a.getName().compareTo(b.getName()));
        return dirs;
    }

    private void prune(FileSystem fs) throws IOException {
        List<Path> dirs = list(fs);
        for (int i = 0; i < dirs.size() - KEEP; i++) {
            fs.delete(dirs.get(i), true);
        }
    }

    /** Deletes temporary folders a crashed or failed write left behind. */
    private void deleteTemporary(FileSystem fs) throws IOException {
        if (!fs.exists(root)) {
            return;
        }
        for (FileStatus status : fs.listStatus(root)) {
            String name = status.getPath().getName();
            if (name.startsWith("." + PREFIX) && name.endsWith(TMP_SUFFIX)) {
                LOG.info("vae-spark: deleting the unfinished checkpoint {}", status.getPath());
                fs.delete(status.getPath(), true);
            }
        }
    }
}
