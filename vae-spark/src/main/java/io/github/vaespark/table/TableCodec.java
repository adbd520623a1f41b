package io.github.vaespark.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vaespark.nn.MixedColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;

/**
 * How a table model turns rows into data vectors and back: the modelled columns
 * ({@code features}, encoded first) and the condition columns (encoded after them), each a
 * {@link TableColumn}. The features' encoding is described to the network as
 * {@link MixedColumns}: per continuous column a Gaussian value and a Bernoulli missing indicator,
 * per categorical a softmax and the indicator, per binary a Bernoulli and the indicator; each
 * value term is masked by its column's indicator.
 */
public final class TableCodec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<TableColumn> features;
    private final List<TableColumn> conditions;
    private final int[] offsets;
    private final int featureDim;
    private final int dataDim;

    public TableCodec(List<TableColumn> features, List<TableColumn> conditions) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("A table model needs at least one input column");
        }
        this.features = List.copyOf(features);
        this.conditions = List.copyOf(conditions);
        offsets = new int[this.features.size() + this.conditions.size()];
        int next = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = next;
            next += column(i).width();
        }
        featureDim = this.features.size() == offsets.length ? next : offsets[this.features.size()];
        dataDim = next;
    }

    /** Column i of features followed by conditions. */
    public TableColumn column(int i) {
        return i < features.size() ? features.get(i) : conditions.get(i - features.size());
    }

    public List<TableColumn> features() {
        return features;
    }

    public List<TableColumn> conditions() {
        return conditions;
    }

    /** Number of feature and condition columns. */
    public int columnCount() {
        return offsets.length;
    }

    /** Where column i (features, then conditions) starts in the data vector. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Entries of the modelled (feature) part of the data vector. */
    public int featureDim() {
        return featureDim;
    }

    /** Entries of the condition part. */
    public int conditionDim() {
        return dataDim - featureDim;
    }

    /** The likelihood terms of the feature part, one table column per feature. */
    public MixedColumns mixedColumns() {
        MixedColumns.Builder b = MixedColumns.builder();
        for (int c = 0; c < features.size(); c++) {
            TableColumn col = features.get(c);
            int missing = offsets[c] + col.width() - 1;
            switch (col.kind()) {
                case CONTINUOUS -> b.add(MixedColumns.Kind.GAUSSIAN, 1, missing, c);
                case BINARY -> b.add(MixedColumns.Kind.BERNOULLI, 1, missing, c);
                case CATEGORICAL -> b.add(MixedColumns.Kind.CATEGORICAL, col.levels().size(), missing, c);
                default -> throw new IllegalStateException(col.kind().toString());
            }
            b.add(MixedColumns.Kind.BERNOULLI, 1, -1, c, col.missingRate());
        }
        return b.build();
    }

    /** Names of the feature columns, in order. */
    public List<String> featureNames() {
        return features.stream().map(TableColumn::name).toList();
    }

    /** Names of the condition columns, in order. */
    public List<String> conditionNames() {
        return conditions.stream().map(TableColumn::name).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableCodec t && features.equals(t.features) && conditions.equals(t.conditions);
    }

    @Override
    public int hashCode() {
        return features.hashCode() * 31 + conditions.hashCode();
    }

    @Override
    public String toString() {
        return "inputs " + features + (conditions.isEmpty() ? "" : ", conditions " + conditions);
    }

    // ---- persistence ----

    /** A JSON-ready description (stored in the model's metadata). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("features", columnsJson(features));
        json.put("conditions", columnsJson(conditions));
        return json;
    }

    private static List<Object> columnsJson(List<TableColumn> columns) {
        List<Object> list = new ArrayList<>();
        for (TableColumn c : columns) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("type", c.type().json());
            m.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("missingRate", c.missingRate());
            if (c.kind() == ColumnKind.CATEGORICAL) {
                m.put("levels", c.levels());
            }
            ContinuousScale s = c.scale();
            if (s != null) {
                m.put("scale", s.method());
                m.put("min", s.min());
                m.put("max", s.max());
                if (s.quantiles() != null) {
                    m.put("quantiles", s.quantiles());
                } else {
                    m.put("mean", s.mean());
                    m.put("sd", s.sd());
                }
            }
            list.add(m);
        }
        return list;
    }

    /**
     * Reads {@link #toJson} output back.
     *
     * @throws IllegalArgumentException naming the column when the description is incomplete
     */
    public static TableCodec fromJson(JsonNode json) {
        return new TableCodec(columnsFromJson(json.path("features")), columnsFromJson(json.path("conditions")));
    }

    private static List<TableColumn> columnsFromJson(JsonNode array) {
        List<TableColumn> out = new ArrayList<>();
        for (JsonNode m : array) {
            String name = m.path("name").asText();
            try {
                DataType type = DataType.fromJson(m.path("type").asText());
                ColumnKind kind = ColumnKind.valueOf(m.path("kind").asText().toUpperCase(java.util.Locale.ROOT));
                List<String> levels = new ArrayList<>();
                m.path("levels").forEach(l -> levels.add(l.asText()));
                ContinuousScale scale = null;
                if (kind == ColumnKind.CONTINUOUS) {
                    double min = m.path("min").asDouble();
                    double max = m.path("max").asDouble();
                    if ("quantile".equals(m.path("scale").asText())) {
                        JsonNode q = m.path("quantiles");
                        double[] quantiles = new double[q.size()];
                        for (int i = 0; i < quantiles.length; i++) {
                            quantiles[i] = q.get(i).asDouble();
                        }
                        scale = ContinuousScale.quantile(quantiles, min, max);
                    } else {
                        scale = ContinuousScale.standard(m.path("mean").asDouble(), m.path("sd").asDouble(), min, max);
                    }
                }
                out.add(new TableColumn(name, type, kind, levels, scale, m.path("missingRate").asDouble()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("The stored description of column '" + name + "' is invalid: "
                        + e.getMessage(), e);
            }
        }
        return out;
    }
}
