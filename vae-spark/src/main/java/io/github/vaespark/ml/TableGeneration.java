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
        A params = model.params(k);
        VaeNetwork<A> network = model.network(k.withConstantWeights(params));
        VaeLayout layout = model.layout();
        TaskContext task = TaskContext.get();
        long partition = task == null ? 0 : task.partitionId();
        RowPlace conditionPlace = new RowPlace((int) partition, " of the conditions");
        int features = codec.features().size();
        double[] scratch = new double[layout.latentDim()];
        double[] row = new double[layout.inputDim()];
        double[] encoded = new double[Math.max(1, layout.conditionDim())];
        long[] position = {0};
        return new Batches<Row, Row>(input, batch -> {
            int n = batch.size();
            long[] keys = new long[n];
            for (int j = 0; j < n; j++) {
                keys[j] = conditions == null ? batch.get(j).getLong(0) : LatentNoise.mix(partition, position[0] + j);
            }
            Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BatchInference.BATCH_ROWS);
            DenseMatrix<?> z = ws.latent(n);
            for (int j = 0; j < n; j++) {
                LatentNoise.fillColumn(k, z, j, seed, keys[j], scratch);
            }
            DenseMatrix<?> c = null;
            if (conditions != null) {
                c = network.conditions(ws.input(n));
                for (int j = 0; j < n; j++) {
                    conditions.read(batch.get(j), conditionIndex, conditionPlace.at(position[0] + j), encoded);
                    k.setColumn(c, j, encoded);
                }
            }
            position[0] += n;
            DenseMatrix<?> raw = network.decodeRaw(params, z, c, ws);
            List<Row> out = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                k.getColumn(raw, j, row);
                MixedLikelihood.draw(layout.mixedColumns(), row, logVariance,
                        new SplittableRandom(LatentNoise.mix(seed ^ 0x7AB1E5L, keys[j])));
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
            return out;
        });
    }
}
