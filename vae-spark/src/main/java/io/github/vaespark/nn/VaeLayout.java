package io.github.vaespark.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a VAE and where each weight lives in its single flat parameter vector.
 *
 * <p>Order in the vector: encoder hidden layers, the encoder head (2·latentDim outputs: rows
 * [0, latentDim) are the mean μ, rows [latentDim, 2·latentDim) the log-variance), decoder hidden
 * layers, the decoder output layer, and for the Gaussian likelihood the per-feature log-variances.
 * Each dense layer stores its weight matrix (out × in, column-major) followed by its bias (out).
 *
 * <p>A conditional VAE has {@code conditionDim} extra inputs c seen by both halves: the data
 * vector holds x (inputDim entries, the modelled features) followed by c; the encoder's first
 * layer reads [x; c], the decoder's first layer [z; c] (its weight columns for z first), and the
 * decoder reconstructs x only. A {@link Likelihood#MIXED} layout carries the {@link MixedColumns}
 * that describe x.
 */
public final class VaeLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One dense layer's place in the parameter vector. */
    public record Dense(int in, int out, int weightOffset, int biasOffset) implements Serializable {
        /** Number of weights and biases. */
        public int size() {
            return in * out + out;
        }
    }

    private final int inputDim;
    private final int conditionDim;
    private final MixedColumns mixed;
    private final int latentDim;
    private final int[] encoderHidden;
    private final int[] decoderHidden;
    private final Activation activation;
    private final Likelihood likelihood;

    private final Dense[] encoder;
    private final Dense head;
    private final Dense[] decoder;
    private final Dense output;
    private final int logVarianceOffset;
    private final int numParams;

    public VaeLayout(int inputDim, int[] encoderHidden, int latentDim, int[] decoderHidden,
                     Activation activation, Likelihood likelihood) {
        this(inputDim, 0, null, encoderHidden, latentDim, decoderHidden, activation, likelihood);
    }

    /**
     * A layout for a table: the likelihood is {@link Likelihood#MIXED} with {@code mixed} describing
     * the {@code mixed.dim()} modelled entries, followed by {@code conditionDim} condition entries.
     */
    public VaeLayout(MixedColumns mixed, int conditionDim, int[] encoderHidden, int latentDim, int[] decoderHidden,
                     Activation activation) {
        this(mixed.dim(), conditionDim, mixed, encoderHidden, latentDim, decoderHidden, activation, Likelihood.MIXED);
    }

    private VaeLayout(int inputDim, int conditionDim, MixedColumns mixed, int[] encoderHidden, int latentDim,
                      int[] decoderHidden, Activation activation, Likelihood likelihood) {
        requirePositive("inputDim", inputDim);
        if (conditionDim < 0) {
            throw new IllegalArgumentException("conditionDim must be >= 0 but was " + conditionDim);
        }
        if ((likelihood == Likelihood.MIXED) != (mixed != null)) {
            throw new IllegalArgumentException("The mixed likelihood needs its column description (and only it has one)");
        }
        this.conditionDim = conditionDim;
        this.mixed = mixed;
        requirePositive("latentDim", latentDim);
        for (int h : encoderHidden) {
            requirePositive("encoderLayers entry", h);
        }
        for (int h : decoderHidden) {
            requirePositive("decoderLayers entry", h);
        }
        this.inputDim = inputDim;
        this.latentDim = latentDim;
        this.encoderHidden = encoderHidden.clone();
        this.decoderHidden = decoderHidden.clone();
        this.activation = Objects.requireNonNull(activation, "activation");
        this.likelihood = Objects.requireNonNull(likelihood, "likelihood");

        long offset = 0;
        encoder = new Dense[encoderHidden.length];
        int in = inputDim + conditionDim;
        for (int i = 0; i < encoderHidden.length; i++) {
            encoder[i] = dense(in, encoderHidden[i], offset);
            offset += encoder[i].size();
            in = encoderHidden[i];
        }
        head = dense(in, 2 * latentDim, offset);
        offset += head.size();
        decoder = new Dense[decoderHidden.length];
        in = latentDim + conditionDim;
        for (int i = 0; i < decoderHidden.length; i++) {
            decoder[i] = dense(in, decoderHidden[i], offset);
            offset += decoder[i].size();
            in = decoderHidden[i];
        }
        output = dense(in, inputDim, offset);
        offset += output.size();
        if (likelihood != Likelihood.BERNOULLI) {
            logVarianceOffset = (int) offset;
            offset += inputDim;
        } else {
            logVarianceOffset = -1;
        }
        if (offset > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("The network has " + offset + " parameters; at most "
                    + (Integer.MAX_VALUE - 8) + " are supported. Reduce encoderLayers/decoderLayers.");
        }
        numParams = (int) offset;
    }

    private static Dense dense(int in, int out, long offset) {
        long weights = (long) in * out;
        if (offset + weights + out > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Layer " + in + "x" + out + " does not fit in one parameter vector");
        }
        return new Dense(in, out, (int) offset, (int) (offset + weights));
    }

    private static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1 but was " + value);
        }
    }

    public int inputDim() {
        return inputDim;
    }

    public int latentDim() {
        return latentDim;
    }

    /** Number of condition entries after the features in a data vector (0: not conditional). */
    public int conditionDim() {
        return conditionDim;
    }

    /** Length of a data vector: features then conditions (the encoder's input). */
    public int dataDim() {
        return inputDim + conditionDim;
    }

    /** The table's column description of a {@link Likelihood#MIXED} layout, else null. */
    public MixedColumns mixedColumns() {
        return mixed;
    }

    public int[] encoderHidden() {
        return encoderHidden.clone();
    }

    public int[] decoderHidden() {
        return decoderHidden.clone();
    }

    public Activation activation() {
        return activation;
    }

    public Likelihood likelihood() {
        return likelihood;
    }

    /** Encoder hidden layers, input side first. */
    public Dense encoderLayer(int i) {
        return encoder[i];
    }

    public int encoderDepth() {
        return encoder.length;
    }

    /** The layer producing [μ; log σ²]. */
    public Dense head() {
        return head;
    }

    /** Decoder hidden layers, latent side first. */
    public Dense decoderLayer(int i) {
        return decoder[i];
    }

    public int decoderDepth() {
        return decoder.length;
    }

    /** The layer producing logits (Bernoulli) or means (Gaussian). */
    public Dense output() {
        return output;
    }

    /** The decoder's first layer (reading [z; c]): its first hidden layer, or the output layer. */
    public Dense decoderInputLayer() {
        return decoder.length > 0 ? decoder[0] : output;
    }

    /** Offset of the per-feature log-variances (Gaussian and mixed), or -1 for Bernoulli. */
    public int logVarianceOffset() {
        return logVarianceOffset;
    }

    /** Length of the flat parameter vector. */
    public int numParams() {
        return numParams;
    }

    /** The widest activation of any layer, used to size the backward buffers. */
    public int maxWidth() {
        int w = Math.max(inputDim + conditionDim, 2 * latentDim + conditionDim);
        for (int h : encoderHidden) {
            w = Math.max(w, h);
        }
        for (int h : decoderHidden) {
            w = Math.max(w, h);
        }
        return w;
    }

    /**
     * Column bounds (ascending, from 0 to the layer's input size) of the blocks in which the backward
     * pass computes the first layer's weight gradient. That layer is the last one the backward pass
     * finishes, and usually a large one: finishing it block by block lets a training loop ship and
     * update the first blocks while the last is still being computed.
     */
    public int[] firstLayerGradientBlocks() {
        Dense first = allDense().get(0);
        int blocks = Math.max(1, Math.min(FIRST_LAYER_BLOCKS, first.in()));
        int[] bounds = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++) {
            bounds[b] = (int) ((long) first.in() * b / blocks);
        }
        return bounds;
    }

    /** Blocks of {@link #firstLayerGradientBlocks()}. */
    static final int FIRST_LAYER_BLOCKS = 4;

    /** Multiply-adds per row of one forward pass (encoder and decoder). */
    public long forwardMultiplyAdds() {
        long sum = 0;
        for (Dense d : allDense()) {
            sum += (long) d.in() * d.out();
        }
        return sum;
    }

    /** All dense layers in parameter order. */
    public List<Dense> allDense() {
        List<Dense> all = new ArrayList<>(Arrays.asList(encoder));
        all.add(head);
        all.addAll(Arrays.asList(decoder));
        all.add(output);
        return all;
    }

    /** A short description such as {@code 784-512-256-20 (relu, bernoulli)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(inputDim);
        if (conditionDim > 0) {
            sb.append('+').append(conditionDim);
        }
        for (int h : encoderHidden) {
            sb.append('-').append(h);
        }
        sb.append('-').append(latentDim);
        for (int h : decoderHidden) {
            sb.append('-').append(h);
        }
        sb.append('-').append(inputDim);
        return sb + " (" + activation.paramName() + ", " + likelihood.paramName()
                + (mixed == null ? "" : " over " + mixed) + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VaeLayout other)) {
            return false;
        }
        return inputDim == other.inputDim && latentDim == other.latentDim && conditionDim == other.conditionDim
                && Objects.equals(mixed, other.mixed)
                && Arrays.equals(encoderHidden, other.encoderHidden)
                && Arrays.equals(decoderHidden, other.decoderHidden)
                && activation == other.activation && likelihood == other.likelihood;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputDim, conditionDim, mixed, latentDim, Arrays.hashCode(encoderHidden), Arrays.hashCode(decoderHidden),
                activation, likelihood);
    }

    @Override
    public String toString() {
        return "VaeLayout[" + describe() + ", " + numParams + " parameters]";
    }
}
