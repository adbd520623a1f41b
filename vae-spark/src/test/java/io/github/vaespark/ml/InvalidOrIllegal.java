package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on the errors users see. */
final class InvalidOrIllegal {
    private InvalidOrIllegal() {
    }

    /** The action fails with an IllegalArgumentException or IllegalStateException whose message holds every fragment. */
    static void assertRejected(Executable action, String... fragments) {
        RuntimeException e = assertThrows(RuntimeException.class, action);
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException,
                "unexpected " + e.getClass().getName() + ": " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
    }
}
