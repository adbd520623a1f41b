package io.github.vaespark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * Φ⁻¹ by AS 241 agrees with commons-math's (the quantile scaling's until 2026-12-06) to a few
 * units in the last place where that is accurate, has R's values in the tails, inverts
 * {@link NormalCdf#phi}, is odd and monotone, and keeps the limits.
 */
class NormalQuantileTest {
    private static double reference(double p) {
        return Math.sqrt(2) * Erf.erfInv(2 * p - 1);
    }

    @Test
    void itAgreesWithCommonsMathWhereThatIsAccurate() {
        double worst = 0;
        for (double p = 1e-3; p < 1 - 1e-3; p += 1.0 / 65536) {  // both regions of AS 241 and their boundary
            double ref = reference(p);
            worst = Math.max(worst, Math.abs(NormalQuantile.of(p) - ref) / Math.max(Math.abs(ref), 1e-3));
        }
        assertTrue(worst < 4e-15, "largest relative difference from commons-math: " + worst);
        assertEquals(reference(1e-300), NormalQuantile.of(1e-300), 0.0, "the far tail is commons-math's");
    }

    @Test
    void itsTailsHaveTheValuesOfRsQnorm() {
        // R 4.2's qnorm (print(qnorm(p), digits = 17)); commons-math's erfInv(2p - 1) loses the
        // digits of small p in 2p - 1 (a relative 1e-12 off at 1e-6, 4e-8 at 1e-11).
        double[] p = {1e-10, 1e-6, 1e-4, 0.001, 0.025, 0.3};
        double[] q = {-6.36134090240405570, -4.75342430882289868, -3.71901648545567998, -3.09023230616781319,
            -1.95996398454005383, -0.52440051270804067};
        for (int i = 0; i < p.length; i++) {
            assertEquals(q[i], NormalQuantile.of(p[i]), 2 * Math.ulp(q[i]), "at " + p[i]);
            assertEquals(-q[i], NormalQuantile.of(1 - p[i]), 1e-16 / p[i] * 3, "at 1 - " + p[i]);
        }
    }

    @Test
    void itInvertsPhi() {
        for (double x = -6; x <= 6; x += 1.0 / 512) {
            assertEquals(x, NormalQuantile.of(NormalCdf.phi(x)), 1e-12 * Math.max(1, Math.abs(x)) * Math.exp(x * x / 4),
                    "at " + x);
        }
        assertEquals(0.0, NormalQuantile.of(0.5), 0.0);
        assertEquals(1.959963984540054, NormalQuantile.of(0.975), 1e-15);
        assertEquals(-3.090232306167813, NormalQuantile.of(0.001), 1e-15);
    }

    @Test
    void itIsOddMonotoneAndKeepsTheLimits() {
        double previous = Double.NEGATIVE_INFINITY;
        for (double p = 1e-9; p < 1; p += 1.0 / 8192) {
            double x = NormalQuantile.of(p);
            assertTrue(x > previous, "increasing at " + p);
            previous = x;
            assertEquals(-x, NormalQuantile.of(1 - p), 1e-9 * Math.max(1, Math.abs(x)), "odd at " + p);
        }
        assertEquals(Double.NEGATIVE_INFINITY, NormalQuantile.of(0), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, NormalQuantile.of(1), 0.0);
        assertTrue(Double.isNaN(NormalQuantile.of(Double.NaN)));
        assertTrue(Double.isNaN(NormalQuantile.of(1.5)));
    }
}
