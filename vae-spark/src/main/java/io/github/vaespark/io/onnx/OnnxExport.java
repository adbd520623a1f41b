package io.github.vaespark.io.onnx;

import ai.onnx.proto.OnnxMl;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.MixedColumns;
import io.github.vaespark.nn.VaeLayout;
import java.util.List;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A trained VAE as two standard ONNX graphs (opset {@value #OPSET}, float32, symbolic batch
 * dimension {@code batch}), built with Tribuo's ONNX helpers:
 * <ul>
 *   <li>encoder: input {@code features} [batch, numFeatures] → outputs {@code latent_mean} and
 *       {@code latent_log_variance} [batch, latentDim] (Gemm and the hidden activation per layer);</li>
 *   <li>decoder: input {@code latent} [batch, latentDim] → output {@code reconstruction}
 *       [batch, numFeatures], the decoder mean: probabilities (a final Sigmoid) for Bernoulli,
 *       means for Gaussian.</li>
 * </ul>
 * The graphs contain the network only: inputs are the feature vectors the model was trained on
 * (any scaling done before the VAE in a Pipeline must be done before the encoder too).
 *
 * <p>A table model's graphs work on its encoded vectors (see {@code TableCodec}): {@code features}
 * is the encoding done outside the graph (per continuous column its quantile- or standard-scaled
 * value and a missing indicator, per categorical column the one-hot level and the indicator, per
 * boolean 0/1 and the indicator), and {@code reconstruction} is the decoder mean in that layout:
 * scaled means, level probabilities (Softmax) and probabilities of true and of missing (Sigmoid).
 * A conditional model's graphs have a second input, {@code condition} [batch, conditionDim]: its
 * encoded condition columns, which both halves see (the encoder after the features, the decoder
 * after the latent code).
 */
public final class OnnxExport {
    /** The ONNX operator set the graphs use. */
    public static final int OPSET = 13;
    private static final long IR_VERSION = 8;

    private OnnxExport() {
    }

    /** The encoder graph as a serialised ONNX model. */
    public static byte[] encoder(VaeLayout layout, double[] params) {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("vae-spark-encoder");
        ONNXPlaceholder features = ctx.floatInput("features", layout.inputDim());
        ONNXRef<?> a = withCondition(ctx, features, layout, "encoder_input");
        ONNXPlaceholder mean = ctx.floatOutput("latent_mean", layout.latentDim());
        ONNXPlaceholder logVariance = ctx.floatOutput("latent_log_variance", layout.latentDim());
        for (int i = 0; i < layout.encoderDepth(); i++) {
            a = activate(dense(ctx, "encoder_" + i, a, layout.encoderLayer(i), 0, layout.encoderLayer(i).out(), params),
                    layout.activation());
        }
        int l = layout.latentDim();
        dense(ctx, "latent_mean", a, layout.head(), 0, l, params).assignTo(mean);
        dense(ctx, "latent_log_variance", a, layout.head(), l, 2 * l, params).assignTo(logVariance);
        return model(ctx);
    }

    /** The decoder graph as a serialised ONNX model. */
    public static byte[] decoder(VaeLayout layout, double[] params) {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("vae-spark-decoder");
        ONNXPlaceholder latent = ctx.floatInput("latent", layout.latentDim());
        ONNXRef<?> a = withCondition(ctx, latent, layout, "decoder_input");
        ONNXPlaceholder reconstruction = ctx.floatOutput("reconstruction", layout.inputDim());
        for (int i = 0; i < layout.decoderDepth(); i++) {
            a = activate(dense(ctx, "decoder_" + i, a, layout.decoderLayer(i), 0, layout.decoderLayer(i).out(), params),
                    layout.activation());
        }
        ONNXRef<?> out;
        if (layout.likelihood() == Likelihood.MIXED) {
            out = mixedMean(ctx, a, layout, params);
        } else {
            out = dense(ctx, "output", a, layout.output(), 0, layout.output().out(), params);
            if (layout.likelihood() == Likelihood.BERNOULLI) {
                out = out.apply(ONNXOperators.SIGMOID);
            }
        }
        out.assignTo(reconstruction);
        return model(ctx);
    }

    /**
     * The decoder mean of a table model: one Gemm per likelihood segment of the output layer, then
     * Softmax (categorical), Sigmoid (Bernoulli) or nothing (Gaussian), concatenated in order.
     */
    private static ONNXRef<?> mixedMean(ONNXContext ctx, ONNXRef<?> hidden, VaeLayout layout, double[] params) {
        List<ONNXRef<?>> pieces = new java.util.ArrayList<>();
        int k = 0;
        for (MixedColumns.Segment s : layout.mixedColumns().segments()) {
            ONNXRef<?> piece = dense(ctx, "output_" + k++, hidden, layout.output(), s.start(), s.start() + s.width(),
                    params);
            pieces.add(switch (s.kind()) {
                case GAUSSIAN -> piece;
                case BERNOULLI -> piece.apply(ONNXOperators.SIGMOID);
                case CATEGORICAL -> piece.apply(ONNXOperators.SOFTMAX, java.util.Map.of("axis", 1));
            });
        }
        if (pieces.size() == 1) {
            return pieces.get(0);
        }
        return pieces.get(0).apply(ONNXOperators.CONCAT, pieces.subList(1, pieces.size()), List.of("mixed_mean"),
                java.util.Map.of("axis", 1)).get(0);
    }

    /**
     * {@code input} itself, or for a conditional model {@code input} and the graph's second input
     * {@code condition} [batch, conditionDim] side by side (Concat on axis 1), as the network's first
     * layer takes them.
     */
    private static ONNXRef<?> withCondition(ONNXContext ctx, ONNXPlaceholder input, VaeLayout layout, String name) {
        if (layout.conditionDim() == 0) {
            return input;
        }
        ONNXPlaceholder condition = ctx.floatInput("condition", layout.conditionDim());
        return input.apply(ONNXOperators.CONCAT, List.of(condition), List.of(name), java.util.Map.of("axis", 1))
                .get(0);
    }

    /** Gemm over output units [from, to) of a dense layer whose weights are column-major out × in. */
    private static ONNXRef<?> dense(ONNXContext ctx, String name, ONNXRef<?> input, VaeLayout.Dense d, int from,
                                    int to, double[] params) {
        int width = to - from;
        ONNXInitializer weights = ctx.floatTensor(name + "_weight", List.of(d.in(), width), buffer -> {
            for (int i = 0; i < d.in(); i++) {
                int column = d.weightOffset() + i * d.out();
                for (int o = from; o < to; o++) {
                    buffer.put((float) params[column + o]);
                }
            }
        });
        float[] bias = new float[width];
        for (int o = from; o < to; o++) {
            bias[o - from] = (float) params[d.biasOffset() + o];
        }
        return input.apply(ONNXOperators.GEMM, List.of(weights, ctx.array(name + "_bias", bias)));
    }

    private static ONNXRef<?> activate(ONNXRef<?> x, Activation activation) {
        return switch (activation) {
            case RELU -> x.apply(UnaryOperator.RELU);
            case TANH -> x.apply(UnaryOperator.TANH);
            case SIGMOID -> x.apply(ONNXOperators.SIGMOID);
        };
    }

    private static byte[] model(ONNXContext ctx) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("vae-spark")
                .setDomain("io.github.vaespark")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(ctx.buildGraph())
                .build()
                .toByteArray();
    }
}
