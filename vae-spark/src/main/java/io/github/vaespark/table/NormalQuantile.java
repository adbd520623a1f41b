package io.github.vaespark.table;

import org.apache.commons.math3.special.Erf;

/**
 * Φ⁻¹, the standard normal quantile, by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37,
 * 1988): a ratio of two degree-7 polynomials for 0.075 &lt;= p &lt;= 0.925, and after one logarithm
 * and a square root another such ratio for the tails down to p = e^-25 (about 1.4e-11); a relative
 * error of about 1e-16 there. Smaller tail probabilities, which the quantile scaling never asks for,
 * go to commons-math's {@code Erf.erfInv}, which all of them took before: about 40 ns a call, two
 * thirds of it in {@code FastMath.log}, where the central region here needs no transcendental
 * function at all.
 */
final class NormalQuantile {
    private static final double CENTRAL = 0.425;
    private static final double TAIL_LIMIT = 5;

    private NormalQuantile() {
    }

    /** Φ⁻¹(p) for 0 &lt; p &lt; 1; ±Infinity at 0 and 1, NaN outside or for NaN. */
    static double of(double p) {
        double q = p - 0.5;
        if (Math.abs(q) <= CENTRAL) {
            double r = 0.180625 - q * q;
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
                    / (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1);
        }
        double tail = q < 0 ? p : 1 - p;
        double r = Math.sqrt(-Math.log(tail));
        if (!(r <= TAIL_LIMIT)) {  // far tails, 0, 1, outside (0, 1) and NaN
            return Math.sqrt(2) * Erf.erfInv(2 * p - 1);
        }
        r -= 1.6;
        double v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1);
        return q < 0 ? -v : v;
    }
}
