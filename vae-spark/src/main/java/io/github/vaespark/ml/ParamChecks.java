package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Predicate;
import org.apache.spark.ml.param.ParamValidators;
import scala.Function1;
import scala.runtime.AbstractFunction1;

/**
 * Param validators: Spark's own {@link ParamValidators} where they say what is meant, and
 * serializable Java predicates where Spark has none (finite doubles, arrays of positive sizes,
 * column-name lists, case-insensitive choices).
 */
final class ParamChecks {
    private ParamChecks() {
    }

    /** A predicate that can travel with a serialized stage. */
    interface SerializablePredicate<T> extends Predicate<T>, Serializable {
    }

    private static final class Validator<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SerializablePredicate<T> predicate;

        Validator(SerializablePredicate<T> predicate) {
            this.predicate = predicate;
        }

        @Override
        public Object apply(T value) {
            return predicate.test(value);
        }
    }

    static <T> Function1<T, Object> of(SerializablePredicate<T> predicate) {
        return new Validator<>(predicate);
    }

    static Function1<Object, Object> intAtLeast(int min) {
        return ParamValidators.gtEq(min);
    }

    static Function1<Object, Object> longAny() {
        return of(v -> true);
    }

    /** At least {@code min} and finite (Spark's gtEq would accept +∞). */
    static Function1<Object, Object> doubleAtLeast(double min) {
        return of(v -> Double.isFinite((Double) v) && (Double) v >= min);
    }

    /** In [0, 1). */
    static Function1<Object, Object> doubleInUnitInterval() {
        return of(v -> (Double) v >= 0 && (Double) v < 1);
    }

    /** Positive and finite (Spark's gt would accept +∞). */
    static Function1<Object, Object> doublePositive() {
        return of(v -> Double.isFinite((Double) v) && (Double) v > 0);
    }

    static Function1<int[], Object> allPositive() {
        return of(a -> a != null && Arrays.stream(a).allMatch(x -> x >= 1));
    }

    static Function1<String, Object> oneOf(String... allowed) {
        return of(s -> s != null && Arrays.stream(allowed).anyMatch(a -> a.equalsIgnoreCase(s)));
    }

    static Function1<String, Object> notNull() {
        return of(s -> s != null);
    }

    /** No null array and no null or empty name in it. */
    static Function1<String[], Object> columnNames() {
        return of(a -> a != null && Arrays.stream(a).allMatch(x -> x != null && !x.isEmpty()));
    }
}
