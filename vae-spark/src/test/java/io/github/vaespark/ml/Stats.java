package io.github.vaespark.ml;

/** Small statistics helpers for tests. */
final class Stats {
    private Stats() {
    }

    /**
     * The multiple correlation coefficient R of y regressed (least squares, with intercept) on the
     * two columns of x and their squares and product: how well y is a smooth function of x.
     */
    static double multipleCorrelation(double[][] x, double[] y) {
        int n = y.length;
        int p = 6;
        double[][] a = new double[n][p];
        for (int i = 0; i < n; i++) {
            double u = x[i][0];
            double v = x[i][1];
            a[i] = new double[] {1, u, v, u * u, v * v, u * v};
        }
        double[][] ata = new double[p][p];
        double[] aty = new double[p];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < p; r++) {
                aty[r] += a[i][r] * y[i];
                for (int c = 0; c < p; c++) {
                    ata[r][c] += a[i][r] * a[i][c];
                }
            }
        }
        double[] beta = solve(ata, aty);
        double mean = 0;
        for (double v : y) {
            mean += v / n;
        }
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < n; i++) {
            double fit = 0;
            for (int r = 0; r < p; r++) {
                fit += a[i][r] * beta[r];
            }
            ssRes += (y[i] - fit) * (y[i] - fit);
            ssTot += (y[i] - mean) * (y[i] - mean);
        }
        return Math.sqrt(Math.max(0, 1 - ssRes / ssTot));
    }

    private static double[] solve(double[][] m, double[] b) {
        int n = b.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
        }
        double[] x = b.clone();
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            double tb = x[c];
            x[c] = x[pivot];
            x[pivot] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                x[r] -= f * x[c];
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            for (int k = r + 1; k < n; k++) {
                x[r] -= a[r][k] * x[k];
            }
            x[r] /= a[r][r];
        }
        return x;
    }
}
