package io.github.vaespark.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must match for a checkpoint to be resumed by a training: the network and the params that
 * change the result (including maxGradNorm), the data (row count and {@link DataChecksum} of the
 * training and validation rows) and its partitioning (partition count and rows per partition,
 * which fix the batches). Stored in each checkpoint's {@code state.json}.
 */
final class CheckpointIdentity {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN_CHARS = 120;
    /** What each field belongs to, in the order differences are reported. */
    private static final Map<String, String> GROUPS = new LinkedHashMap<>();

    static {
        for (String key : List.of("rows", "dataChecksum", "validationRows", "validationChecksum")) {
            GROUPS.put(key, "the training data differ");
        }
        for (String key : List.of("partitions", "partitionRows")) {
            GROUPS.put(key, "the partitioning differs");
        }
        for (String key : List.of("layout", "numParams", "precision", "batchSize", "stepSize", "beta",
                "klWarmupEpochs", "maxGradNorm", "seed", "maskRate")) {
            GROUPS.put(key, "the params differ");
        }
    }

    /** Fields added after checkpoints were first written, with the value those checkpoints trained with. */
    private static final Map<String, JsonNode> ADDED_LATER = Map.of("maskRate", DoubleNode.valueOf(0.0));

    private final JsonNode fields;

    private CheckpointIdentity(JsonNode fields) {
        this.fields = fields;
    }

    /**
     * The identity of a training.
     *
     * @param validation held-out rows, or null
     */
    static CheckpointIdentity of(TrainingConfig config, TrainingData data, TrainingData validation) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("layout", config.layout().describe());
        id.put("numParams", config.layout().numParams());
        id.put("precision", config.precision().paramName());
        id.put("batchSize", config.batchSize());
        id.put("stepSize", config.stepSize());
        id.put("beta", config.beta());
        id.put("klWarmupEpochs", config.klWarmupEpochs());
        id.put("maxGradNorm", config.maxGradNorm());
        id.put("seed", config.seed());
        id.put("maskRate", config.maskRate());
        id.put("rows", data.rows());
        id.put("dataChecksum", DataChecksum.format(data.contentChecksum()));
        id.put("validationRows", validation == null ? 0 : validation.rows());
        id.put("validationChecksum", DataChecksum.format(validation == null ? 0 : validation.contentChecksum()));
        id.put("partitions", data.numPartitions());
        id.put("partitionRows", data.partitionRows());
        try {
            // Through text, so that numbers compare as they will after a round trip through state.json.
            return new CheckpointIdentity(JSON.readTree(JSON.writeValueAsString(id)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON stored in a checkpoint. */
    JsonNode json() {
        return fields;
    }

    /**
     * What differs between a checkpoint's stored identity and this one, e.g. {@code the
     * partitioning differs (partitions: 2 in the checkpoint, 1 now)}; empty when they match.
     */
    String differencesFrom(JsonNode stored) {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode old = stored == null ? null : stored.get(e.getKey());
            if (old == null && stored != null && ADDED_LATER.containsKey(e.getKey())) {
                old = ADDED_LATER.get(e.getKey());
            }
            if (!e.getValue().equals(old)) {
                byGroup.computeIfAbsent(GROUPS.getOrDefault(e.getKey(), "the params differ"), g -> new ArrayList<>())
                        .add(e.getKey() + ": " + (old == null ? "not recorded" : shown(old)) + " in the checkpoint, "
                                + shown(e.getValue()) + " now");
            }
        }
        List<String> parts = new ArrayList<>();
        for (String group : new java.util.LinkedHashSet<>(GROUPS.values())) {
            if (byGroup.containsKey(group)) {
                parts.add(group + " (" + String.join("; ", byGroup.get(group)) + ")");
            }
        }
        return String.join(", ", parts);
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…";
    }
}
