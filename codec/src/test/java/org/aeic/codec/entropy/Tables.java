package org.aeic.codec.entropy;

import java.util.Random;

/** Test helpers: random and Laplace-shaped frequency tables. */
public final class Tables {
    private Tables() {}

    /** m frequencies summing to 2^p, heavily skewed, about a quarter of them exactly 1. */
    static int[] randomFreqs(Random r, int m, int p) {
        double[] w = new double[m];
        double sum = 0;
        for (int i = 0; i < m; i++) sum += w[i] = r.nextInt(4) == 0 ? 0 : Math.exp(3 * r.nextGaussian());
        int extra = (1 << p) - m, left = extra, big = 0;
        int[] f = new int[m];
        for (int i = 0; i < m; i++) {
            int add = sum == 0 ? 0 : (int) (extra * w[i] / sum);
            f[i] = 1 + add;
            left -= add;
            if (w[i] > w[big]) big = i;
        }
        f[big] += left;
        return f;
    }

    static int[] cumulative(int[] f) {
        int[] c = new int[f.length + 1];
        for (int i = 0; i < f.length; i++) c[i + 1] = c[i] + f[i];
        return c;
    }

    /** Draws a symbol index with probability f[i] / 2^p. */
    static int sample(Random r, int[] cum) {
        int slot = r.nextInt(cum[cum.length - 1]), s = 0;
        while (cum[s + 1] <= slot) s++;
        return s;
    }

    /** Discretised Laplace over [min, min + n) with the given scale; the rest is the escape mass. */
    public static double[] laplace(int min, int n, double scale) {
        double[] pmf = new double[n];
        for (int i = 0; i < n; i++) pmf[i] = cdf(min + i + 0.5, scale) - cdf(min + i - 0.5, scale);
        return pmf;
    }

    public static double laplaceTail(int min, int n, double scale) {
        return cdf(min - 0.5, scale) + 1 - cdf(min + n - 0.5, scale);
    }

    private static double cdf(double x, double b) {
        return x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b);
    }
}
