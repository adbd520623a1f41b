package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.MixedLikelihood;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.nn.WorkspaceCache;
import io.github.vaespark.table.TableCodec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Generates table rows on the executors: z ~ N(0, I), the decoder (given the row's encoded
 * conditions for a conditional model), then a draw of every column from p(x|z) — a Gaussian value
 * mapped back through the column's scale, a level drawn from the softmax, a Bernoulli boolean, and
 * the missing indicator drawn to decide nulls. Each row's randomness is a function of the seed and
 * the row's key (its id, or for conditions its partition and position), so the same seed gives
 * the same rows.
 *
 * <p>Input rows are ids ({@code conditions} null; output: id, then the feature columns) or condition
 * rows (output: the condition row's fields, then the feature columns).
 */
final class TableGeneration implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    private final ExecutorModel model;
    private final TableCodec codec;
    private final double[] logVariance;
    private final long seed;
    private final TableRows conditions;
    private final int[] conditionIndex;

    TableGeneration(ExecutorModel model, TableCodec codec, double[] logVariance, long seed, TableRows conditions,
                    int[] conditionIndex) {
        this.model = model;
        this.codec = codec;
        this.logVariance = logVariance;
        this.seed = seed;
        this.conditions = conditions;
        this.conditionIndex = conditionIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return generate(model.precision().kernels(), input);
    }

    private <A> Iterator<Row> generate(Kernels<A> k, Iterator<Row> input) {
        VaeNetwork<A> network = model.network(k);
        A params = model.params(k);
        VaeLayout layout = model.layout();
        TaskContext task = TaskContext.get();
        long partition = task == null ? 0 : task.partitionId();
        int features = codec.features().size();
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(BatchInference.BATCH_ROWS);
            private final List<Long> keys = new ArrayList<>(BatchInference.BATCH_ROWS);
            private final List<Row> out = new ArrayList<>(BatchInference.BATCH_ROWS);
            private final double[] scratch = new double[layout.latentDim()];
            private final double[] row = new double[layout.inputDim()];
            private final double[] encoded = new double[Math.max(1, layout.conditionDim())];
            private final Object[] selected = new Object[conditionIndex == null ? 0 : conditionIndex.length];
            private long position;
            private int next;

            @Override
            public boolean hasNext() {
                while (next >= out.size() && input.hasNext()) {
                    fill();
                }
                return next < out.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }

            private void fill() {
                batch.clear();
                keys.clear();
                out.clear();
                next = 0;
                while (batch.size() < BatchInference.BATCH_ROWS && input.hasNext()) {
                    Row r = input.next();
                    batch.add(r);
                    keys.add(conditions == null ? r.getLong(0) : LatentNoise.mix(partition, position++));
                }
                int n = batch.size();
                Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BatchInference.BATCH_ROWS);
                DenseMatrix<?> z = ws.latent(n);
                for (int j = 0; j < n; j++) {
                    LatentNoise.fillColumn(k, z, j, seed, keys.get(j), scratch);
                }
                DenseMatrix<?> c = null;
                if (conditions != null) {
                    DenseMatrix<?> data = ws.input(n);
                    c = network.conditions(data);
                    for (int j = 0; j < n; j++) {
                        Row r = batch.get(j);
                        for (int i = 0; i < conditionIndex.length; i++) {
                            selected[i] = r.get(conditionIndex[i]);
                        }
                        conditions.read(RowFactory.create(selected), "row " + (position - n + j) + " of partition "
                                + partition + " of the conditions", encoded);
                        k.setColumn(c, j, encoded);
                    }
                }
                DenseMatrix<?> raw = network.decodeRaw(params, z, c, ws);
                for (int j = 0; j < n; j++) {
                    k.getColumn(raw, j, row);
                    MixedLikelihood.draw(layout.mixedColumns(), row, logVariance,
                            new SplittableRandom(LatentNoise.mix(seed ^ 0x7AB1E5L, keys.get(j))));
                    Row r = batch.get(j);
                    int lead = conditions == null ? 1 : r.length();
                    Object[] cells = new Object[lead + features];
                    for (int i = 0; i < lead; i++) {
                        cells[i] = r.get(i);
                    }
                    for (int f = 0; f < features; f++) {
                        cells[lead + f] = codec.column(f).decode(row, codec.offset(f));
                    }
                    out.add(RowFactory.create(cells));
                }
            }
        };
    }
}
