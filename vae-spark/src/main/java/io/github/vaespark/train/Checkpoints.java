package io.github.vaespark.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.nn.Adam;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Training checkpoints on any Hadoop file system. A checkpoint is a directory
 * {@code epoch-NNNNNN/} with {@code state.json} (position, history, what training it belongs to)
 * and {@code arrays.bin} (weights, Adam moments, best weights; big-endian doubles with a CRC-32).
 * It is written under a temporary name and renamed into place, so a reader sees whole
 * checkpoints only. The two newest are kept.
 */
final class Checkpoints {
    private static final String PREFIX = "epoch-";
    private static final long MAGIC = 0x5641454350543031L; // "VAECPT01"
    private static final int KEEP = 2;
    /** Ignores fields it does not know, so that checkpoints of older versions can still be resumed. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final Configuration hadoopConf;

    Checkpoints(String dir, Configuration hadoopConf) {
        this.root = new Path(dir);
        this.hadoopConf = hadoopConf;
    }

    /** What must match for a checkpoint to be resumed by this training. */
    static Map<String, Object> identity(TrainingConfig config, long rows) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("layout", config.layout().describe());
        id.put("numParams", config.layout().numParams());
        id.put("precision", config.precision().paramName());
        id.put("batchSize", config.batchSize());
        id.put("stepSize", config.stepSize());
        id.put("beta", config.beta());
        id.put("klWarmupEpochs", config.klWarmupEpochs());
        id.put("seed", config.seed());
        id.put("rows", rows);
        return id;
    }

    void save(TrainingState state, TrainingConfig config, long rows) {
        try {
            FileSystem fs = root.getFileSystem(hadoopConf);
            fs.mkdirs(root);
            String name = String.format("%s%06d", PREFIX, state.epochsDone);
            Path tmp = new Path(root, "." + name + "-" + UUID.randomUUID() + ".tmp");
            fs.mkdirs(tmp);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("identity", identity(config, rows));
            json.put("epochsDone", state.epochsDone);
            json.put("globalStep", state.globalStep);
            json.put("adamStep", state.adam.step());
            json.put("bestValidation", Double.toString(state.bestValidation));
            json.put("bestEpoch", state.bestEpoch);
            json.put("epochsWithoutImprovement", state.epochsWithoutImprovement);
            json.put("hasBest", state.bestParams != null);
            json.put("history", state.history);
            try (FSDataOutputStream out = fs.create(new Path(tmp, "state.json"), false)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            }
            List<double[]> arrays = new ArrayList<>(List.of(state.params, state.adam.firstMoment(),
                    state.adam.secondMoment()));
            if (state.bestParams != null) {
                arrays.add(state.bestParams);
            }
            writeArrays(fs, new Path(tmp, "arrays.bin"), arrays);
            Path target = new Path(root, name);
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("Could not rename " + tmp + " to " + target);
            }
            prune(fs);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a checkpoint to " + root + ": " + e.getMessage(), e);
        }
    }

    /** The newest checkpoint, or null when there is none; refuses one of a different training. */
    TrainingState loadLatest(TrainingConfig config, long rows) {
        try {
            FileSystem fs = root.getFileSystem(hadoopConf);
            List<Path> found = list(fs);
            if (found.isEmpty()) {
                return null;
            }
            Path dir = found.get(found.size() - 1);
            JsonNode json;
            try (FSDataInputStream in = fs.open(new Path(dir, "state.json"))) {
                json = JSON.readTree(in.readAllBytes());
            }
            JsonNode expected = JSON.readTree(JSON.writeValueAsString(identity(config, rows)));
            JsonNode actual = json.get("identity");
            if (!expected.equals(actual)) {
                throw new IllegalArgumentException("checkpointDir " + root + " holds a checkpoint of a different "
                        + "training (" + actual + ", now " + expected + "). Use another checkpointDir or delete it.");
            }
            List<double[]> arrays = readArrays(fs, new Path(dir, "arrays.bin"));
            boolean hasBest = json.get("hasBest").asBoolean();
            int numParams = config.layout().numParams();
            if (arrays.size() != (hasBest ? 4 : 3) || arrays.stream().anyMatch(a -> a.length != numParams)) {
                throw new IllegalArgumentException("Checkpoint " + dir + " does not hold " + numParams + " parameters");
            }
            List<EpochSummary> history = JSON.convertValue(json.get("history"), new TypeReference<>() { });
            Adam adam = new Adam(config.stepSize(), arrays.get(1), arrays.get(2), json.get("adamStep").asLong());
            TrainingState state = new TrainingState(arrays.get(0), adam, history, json.get("epochsDone").asInt(),
                    json.get("globalStep").asLong());
            state.bestParams = hasBest ? arrays.get(3) : null;
            state.bestValidation = Double.parseDouble(json.get("bestValidation").asText());
            state.bestEpoch = json.get("bestEpoch").asInt();
            state.epochsWithoutImprovement = json.get("epochsWithoutImprovement").asInt();
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read a checkpoint from " + root + ": " + e.getMessage(), e);
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

    private static void writeArrays(FileSystem fs, Path path, List<double[]> arrays) throws IOException {
        CRC32 crc = new CRC32();
        try (FSDataOutputStream raw = fs.create(path, false)) {
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    new CheckedOutputStream(raw, crc), 1 << 16));
            out.writeLong(MAGIC);
            out.writeInt(arrays.size());
            for (double[] a : arrays) {
                out.writeInt(a.length);
                for (double v : a) {
                    out.writeDouble(v);
                }
            }
            out.flush();
            raw.writeLong(crc.getValue());
        }
    }

    private static List<double[]> readArrays(FileSystem fs, Path path) throws IOException {
        byte[] bytes;
        try (FSDataInputStream in = fs.open(path)) {
            bytes = in.readAllBytes();
        }
        if (bytes.length < 20) {
            throw new IOException(path + " is truncated");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.getLong(bytes.length - 8) != crc.getValue()) {
            throw new IOException(path + " is corrupt or truncated (CRC mismatch)");
        }
        if (buffer.getLong() != MAGIC) {
            throw new IOException(path + " is not a vae-spark checkpoint");
        }
        int count = buffer.getInt();
        List<double[]> arrays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] a = new double[buffer.getInt()];
            buffer.asDoubleBuffer().get(a);
            buffer.position(buffer.position() + 8 * a.length);
            arrays.add(a);
        }
        return arrays;
    }
}
