package io.github.vaespark.nn;

import java.util.Locale;

/**
 * Hidden-layer non-linearities. Each one's derivative is expressed through its output y, so the
 * backward pass needs only the stored activations.
 */
public enum Activation {
    /** max(0, x); derivative 1 where y &gt; 0. */
    RELU,
    /** tanh(x); derivative 1 - y². */
    TANH,
    /** 1 / (1 + e^-x); derivative y (1 - y). */
    SIGMOID;

    /** The lower-case name used by the {@code activation} param. */
    public String paramName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a param value such as {@code "relu"}; case-insensitive. */
    public static Activation fromParam(String name) {
        for (Activation a : values()) {
            if (a.paramName().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("Unknown activation '" + name + "'; expected one of "
                + String.join(", ", paramNames()));
    }

    /** All accepted param values. */
    public static String[] paramNames() {
        Activation[] all = values();
        String[] names = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].paramName();
        }
        return names;
    }
}
