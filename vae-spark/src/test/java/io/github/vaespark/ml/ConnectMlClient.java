package io.github.vaespark.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Range;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.connect.proto.WriteOperation;
import org.sparkproject.connect.grpc.ManagedChannel;
import org.sparkproject.connect.grpc.netty.NettyChannelBuilder;

/**
 * A minimal Spark Connect client for tests: builds the same protocol messages a PySpark Connect
 * client sends for ML (MlCommand in ExecutePlan, MlRelation in plans) and sends them over a
 * plaintext gRPC channel, all in one Connect session.
 */
final class ConnectMlClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub;
    private final String sessionId = UUID.randomUUID().toString();

    ConnectMlClient(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(128 * 1024 * 1024).build();
        stub = SparkConnectServiceGrpc.newBlockingStub(channel);
    }

    /** Runs {@code command} and returns its ML result (the empty result when it has none). */
    MlCommandResult ml(MlCommand command) {
        MlCommandResult result = MlCommandResult.getDefaultInstance();
        for (ExecutePlanResponse r : execute(Command.newBuilder().setMlCommand(command).build())) {
            if (r.hasMlCommandResult()) {
                result = r.getMlCommandResult();
            }
        }
        return result;
    }

    /** Writes {@code relation} as Parquet to {@code path} (replacing it) through a WriteOperation. */
    void writeParquet(Relation relation, String path) {
        execute(Command.newBuilder().setWriteOperation(WriteOperation.newBuilder().setInput(relation)
                .setSource("parquet").setPath(path).setMode(WriteOperation.SaveMode.SAVE_MODE_OVERWRITE)).build());
    }

    private List<ExecutePlanResponse> execute(Command command) {
        ExecutePlanRequest request = ExecutePlanRequest.newBuilder().setSessionId(sessionId)
                .setUserContext(UserContext.newBuilder().setUserId("vae-test"))
                .setClientType("vae-spark-test")
                .setPlan(Plan.newBuilder().setCommand(command)).build();
        List<ExecutePlanResponse> out = new ArrayList<>();
        Iterator<ExecutePlanResponse> it = stub.executePlan(request);
        it.forEachRemaining(out::add);
        return out;
    }

    static MlOperator operator(String className, MlOperator.OperatorType type) {
        return MlOperator.newBuilder().setName(className).setUid("connect_" + UUID.randomUUID().toString()
                .substring(0, 8)).setType(type).build();
    }

    static ObjectRef ref(String id) {
        return ObjectRef.newBuilder().setId(id).build();
    }

    /** Params as a Python client encodes them: ints as long literals, floats as doubles. */
    static MlParams params(Map<String, Object> values) {
        MlParams.Builder b = MlParams.newBuilder();
        values.forEach((k, v) -> b.putParams(k, literal(v)));
        return b.build();
    }

    static Expression.Literal literal(Object v) {
        Expression.Literal.Builder b = Expression.Literal.newBuilder();
        if (v instanceof String s) {
            return b.setString(s).build();
        } else if (v instanceof Boolean x) {
            return b.setBoolean(x).build();
        } else if (v instanceof Integer || v instanceof Long) {
            return b.setLong(((Number) v).longValue()).build();
        } else if (v instanceof Double x) {
            return b.setDouble(x).build();
        } else if (v instanceof String[] strings) {
            Expression.Literal.Array.Builder a = Expression.Literal.Array.newBuilder()
                    .setElementType(DataType.newBuilder().setString(DataType.String.getDefaultInstance()));
            for (String s : strings) {
                a.addElements(literal(s));
            }
            return b.setArray(a).build();
        } else if (v instanceof long[] longs) {
            Expression.Literal.Array.Builder a = Expression.Literal.Array.newBuilder()
                    .setElementType(DataType.newBuilder().setLong(DataType.Long.getDefaultInstance()));
            for (long x : longs) {
                a.addElements(literal(x));
            }
            return b.setArray(a).build();
        }
        throw new IllegalArgumentException("No literal for " + v);
    }

    static Relation parquet(String path) {
        return Relation.newBuilder().setRead(Read.newBuilder().setDataSource(
                Read.DataSource.newBuilder().setFormat("parquet").addPaths(path))).build();
    }

    /** ids 0 … n-1 in one partition (as {@code VariationalAutoencoderModel.sample} makes them for small n). */
    static Relation range(long n) {
        return Relation.newBuilder().setRange(Range.newBuilder().setStart(0).setEnd(n).setStep(1).setNumPartitions(1))
                .build();
    }

    /** A relation transforming {@code input} with the cached model {@code modelRef}. */
    static Relation transform(String modelRef, Relation input, MlParams params) {
        return Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(MlRelation.Transform
                .newBuilder().setObjRef(ref(modelRef)).setInput(input).setParams(params))).build();
    }

    /** A relation transforming {@code input} with a new transformer created by class name. */
    static Relation transform(MlOperator transformer, Relation input, MlParams params) {
        return Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(MlRelation.Transform
                .newBuilder().setTransformer(transformer).setInput(input).setParams(params))).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
