package io.github.vaespark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.table.TableCodec;

/**
 * The network shape a saved model's metadata describes, checked before anything is allocated for
 * it: every size positive and at most {@link #MAX_WIDTH}, the parameter count computed from the
 * shape without overflow, and equal to the count the metadata records.
 */
final class StoredShape {
    /** The widest input, latent or hidden layer a stored model may declare. */
    static final int MAX_WIDTH = 1 << 24;

    private StoredShape() {
    }

    /**
     * The checked layout.
     *
     * @param shape    a stage carrying the saved params (layers, latentDim, activation, likelihood)
     * @param metadata the saved metadata JSON
     * @param path     the model folder, named in errors
     */
    static VaeLayout layout(VaeParams shape, JsonNode metadata, String path) {
        return layout(shape, metadata, path, null);
    }

    /** The table description a saved table model carries, or null for a vector model. */
    static TableCodec table(JsonNode metadata, String path) {
        JsonNode table = metadata.path("vaeSpark").path("details").path("table");
        if (table.isMissingNode() || table.isNull()) {
            return null;
        }
        try {
            return TableCodec.fromJson(table);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("Cannot load VariationalAutoencoderModel from " + path + ": "
                    + e.getMessage());
        }
    }

    /** As {@link #layout(VaeParams, JsonNode, String)}; a table model's layout comes from its {@code table}. */
    static VaeLayout layout(VaeParams shape, JsonNode metadata, String path, TableCodec table) {
        JsonNode details = metadata.path("vaeSpark").path("details");
        String prefix = "Cannot load VariationalAutoencoderModel from " + path + ": ";
        JsonNode inputNode = details.path("inputDim");
        if (!inputNode.canConvertToInt() || inputNode.asInt() < 1) {
            throw new InvalidInputException(prefix + "the metadata lacks a valid input size (inputDim).");
        }
        int inputDim = inputNode.asInt();
        checkWidth(prefix, "inputDim", inputDim);
        checkWidth(prefix, "latentDim", shape.getLatentDim());
        for (int h : shape.getEncoderLayers()) {
            checkWidth(prefix, "encoderLayers entry", h);
        }
        for (int h : shape.getDecoderLayers()) {
            checkWidth(prefix, "decoderLayers entry", h);
        }
        VaeLayout layout;
        try {
            layout = table == null ? shape.layoutFor(inputDim)
                    : new VaeLayout(table.mixedColumns(), table.conditionDim(), shape.getEncoderLayers(),
                            shape.getLatentDim(), shape.getDecoderLayers(), Activation.fromParam(shape.getActivation()));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(prefix + "the metadata describes an impossible network: " + e.getMessage());
        }
        JsonNode recorded = details.path("numParams");
        if (!recorded.canConvertToLong() || recorded.asLong() != layout.numParams()) {
            throw new InvalidInputException(prefix + "the metadata records " + recorded + " parameters but its shape "
                    + layout.describe() + " has " + layout.numParams() + " (edited or corrupt metadata).");
        }
        return layout;
    }

    private static void checkWidth(String prefix, String what, int value) {
        if (value < 1 || value > MAX_WIDTH) {
            throw new InvalidInputException(prefix + "the metadata declares " + what + " = " + value
                    + ", outside [1, " + MAX_WIDTH + "].");
        }
    }
}
