package org.aeic.codec.prior;

import java.util.Arrays;

/** Probabilities to integer frequencies: where the prior's floats become the entropy coder's integers. */
public final class Frequencies {
    private Frequencies() {
    }

    /**
     * Turns probabilities of {@code minSymbol..} (in order) plus an escape mass into frequencies for an
     * entropy table: {@code pmf.length + 1} entries, the escape last, each at least 1, summing exactly to
     * {@code 2^precisionBits}. Rounds, then moves single counts where they cost the fewest bits (expected
     * code length), so the result is close to the best integer approximation.
     */
    public static int[] quantize(double[] pmf, double tailMass, int precisionBits) {
        int m = pmf.length + 1;
        if (precisionBits < 1 || precisionBits > 16 || m > 1 << precisionBits) {
            throw new IllegalArgumentException(m + " frequencies do not fit precision " + precisionBits);
        }
        double[] p = Arrays.copyOf(pmf, m);
        p[m - 1] = tailMass;
        double sum = 0;
        for (double v : p) {
            if (!(v >= 0) || v == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("bad probability " + v);
            sum += v;
        }
        if (!(sum > 0) || Double.isInfinite(sum)) throw new IllegalArgumentException("probabilities sum to " + sum);
        int total = 1 << precisionBits, have = 0;
        int[] f = new int[m];
        for (int i = 0; i < m; i++) {
            p[i] /= sum;
            f[i] = (int) Math.max(1, Math.round(p[i] * total));
            have += f[i];
        }
        // Rounding and the floor of 1 leave the sum off by a few. The expected code length
        // sum p*log(1/f) is separable and convex in f, so moving single counts from where they cost
        // least to where they gain most, until no move helps, reaches the integer optimum.
        while (true) {
            int take = -1, give = -1;
            double loss = Double.POSITIVE_INFINITY, gain = -1;
            for (int i = 0; i < m; i++) {
                if (f[i] > 1) {
                    double l = p[i] * StrictMath.log((double) f[i] / (f[i] - 1));
                    if (l < loss) { loss = l; take = i; }
                }
                double g = p[i] * StrictMath.log((double) (f[i] + 1) / f[i]);
                if (g > gain) { gain = g; give = i; }
            }
            if (have > total) { f[take]--; have--; }
            else if (have < total) { f[give]++; have++; }
            else if (take >= 0 && gain > loss * (1 + 1e-12)) { f[take]--; f[give]++; }
            else return f;
        }
    }
}
