package io.github.vaespark.train;

import java.util.ArrayList;
import java.util.List;
import scala.jdk.javaapi.CollectionConverters;

/** Java-to-Scala conversions for Spark's Scala-only scheduling API. */
public final class SparkSeqs {
    private SparkSeqs() {
    }

    /** A Scala {@code Seq[Int]} of the given partition ids. */
    public static scala.collection.immutable.Seq<Object> ints(int[] values) {
        List<Object> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return CollectionConverters.asScala(list).toList();
    }
}
