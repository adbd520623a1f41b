package io.github.vaespark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;

/** Argument and output helpers shared by the benchmark programs. */
final class BenchArgs {
    private BenchArgs() {
    }

    /** Parses {@code --key value} pairs over the defaults (key, value, key, value…); unknown keys are an error. */
    static Map<String, String> parse(String[] argv, String... keyValues) {
        Map<String, String> defaults = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            defaults.put(keyValues[i], keyValues[i + 1]);
        }
        Map<String, String> out = new HashMap<>(defaults);
        for (int i = 0; i < argv.length; i += 2) {
            String key = argv[i].replaceFirst("^--", "");
            if (!defaults.containsKey(key) || i + 1 >= argv.length) {
                throw new IllegalArgumentException("Unknown or incomplete option " + argv[i] + "; known: "
                        + defaults.keySet());
            }
            out.put(key, argv[i + 1]);
        }
        return out;
    }

    static String json(Map<String, Object> values) throws Exception {
        return new ObjectMapper().writeValueAsString(values);
    }
}
