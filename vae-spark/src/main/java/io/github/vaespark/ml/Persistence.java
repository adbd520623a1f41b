package io.github.vaespark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vaespark.nn.VaeLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How vae-spark stages are stored, without Java serialization:
 * <ul>
 *   <li>{@code <path>/metadata/part-00000}: one JSON line in Spark's own layout ({@code class},
 *       {@code timestamp}, {@code sparkVersion}, {@code uid}, {@code paramMap},
 *       {@code defaultParamMap}) plus a {@code vaeSpark} object (format version, input size,
 *       parameter count, network shape), so {@code PipelineModel.load} finds the stage;</li>
 *   <li>{@code <path>/data/}: Parquet, one row per weight tensor with columns {@code name}
 *       (e.g. {@code encoder.0.weight}), {@code rows}, {@code cols} and {@code values}
 *       ({@code array<double>}, column-major rows × cols).</li>
 * </ul>
 */
final class Persistence {
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StructType WEIGHTS_SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("rows", DataTypes.IntegerType, false)
            .add("cols", DataTypes.IntegerType, false)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private Persistence() {
    }

    /** Writes the metadata JSON of {@code stage}, with {@code extra} under "vaeSpark". */
    static void saveMetadata(Params stage, String path, SparkSession spark, Map<String, Object> extra) {
        ObjectNode json = JSON.createObjectNode();
        json.put("class", stage.getClass().getName());
        json.put("timestamp", System.currentTimeMillis());
        json.put("sparkVersion", spark.version());
        json.put("uid", stage.uid());
        ObjectNode set = json.putObject("paramMap");
        ObjectNode defaults = json.putObject("defaultParamMap");
        for (Param<?> p : stage.params()) {
            @SuppressWarnings("unchecked")
            Param<Object> param = (Param<Object>) p;
            if (stage.isSet(param)) {
                set.set(param.name(), parse(param.jsonEncode(stage.get(param).get())));
            }
            if (stage.hasDefault(param)) {
                defaults.set(param.name(), parse(param.jsonEncode(stage.getDefault(param).get())));
            }
        }
        ObjectNode vae = json.putObject("vaeSpark");
        vae.put("formatVersion", FORMAT_VERSION);
        vae.set("details", JSON.valueToTree(extra));
        Path metadata = new Path(path, "metadata");
        try {
            FileSystem fs = metadata.getFileSystem(spark.sparkContext().hadoopConfiguration());
            fs.mkdirs(metadata);
            try (FSDataOutputStream out = fs.create(new Path(metadata, "part-00000"), false)) {
                out.write((JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            fs.create(new Path(metadata, "_SUCCESS"), false).close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the metadata of " + path + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("Param value is not JSON: " + json, e);
        }
    }

    /** Reads and checks the metadata of a stage saved at {@code path}. */
    static JsonNode loadMetadata(String path, SparkSession spark, Class<?> expected) {
        Path metadata = new Path(path, "metadata");
        String text = null;
        try {
            FileSystem fs = metadata.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(metadata)) {
                throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path + ": "
                        + metadata + " does not exist (not a saved stage, or an incomplete copy).");
            }
            for (FileStatus f : fs.listStatus(metadata)) {
                String name = f.getPath().getName();
                if (f.isFile() && !name.startsWith("_") && !name.startsWith(".") && f.getLen() > 0) {
                    try (var in = fs.open(f.getPath())) {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                    }
                    break;
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path
                    + ": its metadata is unreadable (truncated or corrupt?): " + firstLine(e.getMessage()));
        }
        if (text == null || text.isEmpty()) {
            throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path
                    + ": the metadata file is missing or empty.");
        }
        JsonNode json;
        try {
            json = JSON.readTree(text.lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path
                    + ": the metadata is not valid JSON (truncated or corrupt): " + firstLine(e.getMessage()));
        }
        String className = json.path("class").asText("");
        if (!className.equals(expected.getName())) {
            throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path
                    + ": it holds a " + (className.isEmpty() ? "stage of unknown class" : className)
                    + ", not a " + expected.getName() + ".");
        }
        if (!json.path("uid").isTextual()) {
            throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path
                    + ": the metadata has no uid.");
        }
        int version = json.path("vaeSpark").path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new InvalidInputException("Cannot load " + expected.getSimpleName() + " from " + path
                    + ": storage format version " + version + " is not supported (expected " + FORMAT_VERSION + ").");
        }
        return json;
    }

    /** Sets the saved param values and defaults on a freshly constructed stage. */
    static void applyParams(Params stage, JsonNode metadata, String path) {
        applyParams(stage, metadata.path("defaultParamMap"), path, true);
        applyParams(stage, metadata.path("paramMap"), path, false);
    }

    @SuppressWarnings("unchecked")
    private static void applyParams(Params stage, JsonNode values, String path, boolean asDefault) {
        Iterator<Map.Entry<String, JsonNode>> it = values.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!stage.hasParam(e.getKey())) {
                throw new InvalidInputException("Cannot load " + stage.getClass().getSimpleName() + " from " + path
                        + ": unknown param '" + e.getKey() + "' (saved by a newer version?).");
            }
            Param<Object> param = (Param<Object>) stage.getParam(e.getKey());
            Object value = param.jsonDecode(e.getValue().toString());
            if (asDefault) {
                stage.setDefault(param, value);
            } else {
                stage.set(param, value);
            }
        }
    }

    /** Names and shapes of the weight tensors of a layout, in parameter order. */
    static List<Tensor> tensors(VaeLayout layout) {
        List<Tensor> list = new ArrayList<>();
        for (int i = 0; i < layout.encoderDepth(); i++) {
            addDense(list, "encoder." + i, layout.encoderLayer(i));
        }
        addDense(list, "encoder.head", layout.head());
        for (int i = 0; i < layout.decoderDepth(); i++) {
            addDense(list, "decoder." + i, layout.decoderLayer(i));
        }
        addDense(list, "decoder.output", layout.output());
        if (layout.logVarianceOffset() >= 0) {
            list.add(new Tensor("decoder.logVariance", layout.inputDim(), 1, layout.logVarianceOffset()));
        }
        return list;
    }

    private static void addDense(List<Tensor> list, String name, VaeLayout.Dense d) {
        list.add(new Tensor(name + ".weight", d.out(), d.in(), d.weightOffset()));
        list.add(new Tensor(name + ".bias", d.out(), 1, d.biasOffset()));
    }

    /** One stored tensor: its name, shape and place in the flat parameter vector. */
    record Tensor(String name, int rows, int cols, int offset) implements java.io.Serializable {
        int size() {
            return rows * cols;
        }
    }

    /** Writes the weights as Parquet; they reach the writing task by broadcast, not inside the task. */
    static void saveWeights(VaeLayout layout, double[] params, String path, SparkSession spark) {
        List<Tensor> tensors = tensors(layout);
        Broadcast<double[]> values = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(params);
        try {
            Dataset<Row> rows = spark.range(0, tensors.size(), 1, 1).toDF().map((MapFunction<Row, Row>) id -> {
                Tensor t = tensors.get((int) id.getLong(0));
                double[] v = new double[t.size()];
                System.arraycopy(values.value(), t.offset(), v, 0, v.length);
                return RowFactory.create(t.name(), t.rows(), t.cols(), v);
            }, Encoders.row(WEIGHTS_SCHEMA));
            rows.write().parquet(new Path(path, "data").toString());
        } finally {
            values.destroy();
        }
    }

    /** Reads and checks the weights of a model saved at {@code path} (see {@link WeightsReader}). */
    static double[] loadWeights(VaeLayout layout, String path, SparkSession spark) {
        return new WeightsReader(layout, path).read(spark);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
