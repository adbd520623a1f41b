package io.github.vaespark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class NormalCdfTest {

    /** Φ through commons-math's erfc, the reference. */
    private static double reference(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }

    @Test
    void itIsWithin1e15OfTheReferenceEverywhere() {
        double worst = 0;
        for (double x = -40; x <= 40; x += 1.0 / 4096) {
            worst = Math.max(worst, Math.abs(NormalCdf.phi(x) - reference(x)));
        }
        assertTrue(worst <= 1e-15, "largest absolute difference from the reference: " + worst);
    }

    @Test
    void itsLowerTailIsAccurateRelatively() {
        // Within the ±3.3 the quantile scaling uses, to 1e-13 of Φ; further out (Φ < 2.4e-4) the
        // relative error grows to a few 1e-9 while the absolute one stays below 1e-15.
        for (double x = -3.5; x <= 0; x += 1.0 / 1024) {
            double ref = reference(x);
            assertEquals(ref, NormalCdf.phi(x), 1e-13 * ref, "at " + x);
        }
        for (double x = -37; x < -3.5; x += 1.0 / 64) {
            double ref = reference(x);
            assertEquals(ref, NormalCdf.phi(x), 1e-8 * ref, "at " + x);
        }
    }

    @Test
    void itIsMonotoneAndSymmetricWithItsLimits() {
        double previous = 0;
        for (double x = -40; x <= 40; x += 1.0 / 1024) {
            double p = NormalCdf.phi(x);
            assertTrue(p >= previous, "decreases at " + x);
            assertEquals(1 - NormalCdf.phi(-x), p, 1e-15, "symmetry at " + x);
            previous = p;
        }
        assertEquals(0.5, NormalCdf.phi(0), 1e-16);
        assertEquals(0, NormalCdf.phi(Double.NEGATIVE_INFINITY));
        assertEquals(1, NormalCdf.phi(Double.POSITIVE_INFINITY));
        assertEquals(0, NormalCdf.phi(-1e300));
        assertTrue(Double.isNaN(NormalCdf.phi(Double.NaN)));
    }
}
