package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;

/**
 * Preallocated activation and back-propagation buffers for up to {@code capacity} rows, so the
 * training hot loop allocates no large arrays. One workspace serves one thread at a time.
 *
 * @param <A> the primitive array type of the kernels
 */
public final class Workspace<A> {
    private final VaeLayout layout;
    private final Kernels<A> kernels;
    private final int capacity;

    private final A input;
    /** The encoder's masked copy of the input ({@link CellMasking}), allocated on first use. */
    private A maskedInput;
    private final A[] encoder;
    private final A head;
    private final A epsilon;
    private final A latent;
    private final A[] decoder;
    private final A output;
    private final A deltaA;
    private final A deltaB;

    @SuppressWarnings("unchecked")
    public Workspace(VaeLayout layout, Kernels<A> kernels, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.layout = layout;
        this.kernels = kernels;
        this.capacity = capacity;
        int d = layout.inputDim();
        int l = layout.latentDim();
        input = alloc(layout.dataDim());
        encoder = (A[]) new Object[layout.encoderDepth()];
        for (int i = 0; i < encoder.length; i++) {
            encoder[i] = alloc(layout.encoderLayer(i).out());
        }
        head = alloc(2 * l);
        epsilon = alloc(l);
        latent = alloc(l);
        decoder = (A[]) new Object[layout.decoderDepth()];
        for (int i = 0; i < decoder.length; i++) {
            decoder[i] = alloc(layout.decoderLayer(i).out());
        }
        output = alloc(d);
        deltaA = alloc(layout.maxWidth());
        deltaB = alloc(layout.maxWidth());
    }

    private A alloc(int rows) {
        long n = (long) rows * capacity;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Workspace of " + rows + "x" + capacity + " is too large");
        }
        return kernels.allocate((int) n);
    }

    public VaeLayout layout() {
        return layout;
    }

    /** The kernels it was allocated with; kernels with the same storage may share it ({@link WorkspaceCache}). */
    public Kernels<A> kernels() {
        return kernels;
    }

    /** The largest number of rows one call may process. */
    public int capacity() {
        return capacity;
    }

    private DenseMatrix<?> view(A buffer, int rows, int n) {
        if (n > capacity) {
            throw new IllegalArgumentException(n + " rows exceed the workspace capacity " + capacity);
        }
        return kernels.matrix(buffer, 0, rows, n);
    }

    /** Buffer for gathering a batch: dataDim × n (features, then conditions). */
    public DenseMatrix<?> input(int n) {
        return view(input, layout.dataDim(), n);
    }

    /** A second buffer of the input's shape, for the encoder's masked copy of a batch ({@link CellMasking}). */
    public DenseMatrix<?> maskedInput(int n) {
        if (maskedInput == null) {
            maskedInput = alloc(layout.dataDim());
        }
        return view(maskedInput, layout.dataDim(), n);
    }

    DenseMatrix<?> encoder(int layer, int n) {
        return view(encoder[layer], layout.encoderLayer(layer).out(), n);
    }

    /** [μ; log σ²] of the last forward pass: 2·latentDim × n. */
    public DenseMatrix<?> head(int n) {
        return view(head, 2 * layout.latentDim(), n);
    }

    /** Standard-normal noise ε, filled by the caller before a stochastic pass: latentDim × n. */
    public DenseMatrix<?> epsilon(int n) {
        return view(epsilon, layout.latentDim(), n);
    }

    /** Latent codes z of the last pass: latentDim × n. */
    public DenseMatrix<?> latent(int n) {
        return view(latent, layout.latentDim(), n);
    }

    DenseMatrix<?> decoder(int layer, int n) {
        return view(decoder[layer], layout.decoderLayer(layer).out(), n);
    }

    /** Decoder output of the last pass (logits, means, or their gradient): inputDim × n. */
    public DenseMatrix<?> output(int n) {
        return view(output, layout.inputDim(), n);
    }

    DenseMatrix<?> delta(boolean first, int rows, int n) {
        return view(first ? deltaA : deltaB, rows, n);
    }
}
