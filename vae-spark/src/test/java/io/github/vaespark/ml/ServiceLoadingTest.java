package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.Evaluator;
import org.junit.jupiter.api.Test;

/** The stages are registered for Spark's service loading (how Spark Connect's ML server finds them). */
class ServiceLoadingTest {
    @Test
    void stagesAreListedAndInstantiable() throws Exception {
        assertTrue(names(ServiceLoader.load(Estimator.class)).contains(VariationalAutoencoder.class.getName()));
        assertTrue(names(ServiceLoader.load(Transformer.class)).contains(VariationalAutoencoderModel.class.getName()));
        assertTrue(names(ServiceLoader.load(Transformer.class)).contains(VaeSampler.class.getName()));
        assertTrue(names(ServiceLoader.load(Evaluator.class)).contains(VaeEvaluator.class.getName()));
        for (Class<?> c : new Class<?>[] {VariationalAutoencoder.class, VariationalAutoencoderModel.class,
            VaeEvaluator.class, VaeSampler.class}) {
            assertTrue(c.getConstructor().newInstance() != null, c.getName() + " has a public no-arg constructor");
        }
    }

    private static Set<String> names(ServiceLoader<?> loader) {
        return loader.stream().map(p -> p.type().getName()).collect(Collectors.toSet());
    }
}
