package org.aeic.codec.prior;

/**
 * The scale table of the mean-scale hyperprior and the integer tables made from it: table {@code i} models
 * {@code round(v)} for {@code v ~ N(0, scales[i])} convolved with U(−½, ½), as CompressAI's GaussianConditional.
 * Floats end here: the tables are computed once, when a model file is written, and stored in it.
 */
public final class GaussianTables {
    /** CompressAI's mean-scale table: 64 scales, log-spaced from 0.11 to 256. */
    public static final double MIN_SCALE = 0.11;
    public static final double MAX_SCALE = 256;
    public static final int COUNT = 64;
    /** Mass left to the escape symbol at most (both tails together), as the factorized prior's tables. */
    private static final double TAIL = 1e-7;

    private GaussianTables() {
    }

    /** The default scale table (StrictMath, so every JVM makes the same one). */
    public static float[] defaultScales() {
        float[] s = new float[COUNT];
        double lo = StrictMath.log(MIN_SCALE);
        double hi = StrictMath.log(MAX_SCALE);
        for (int i = 0; i < COUNT; i++) {
            s[i] = (float) StrictMath.exp(lo + i * (hi - lo) / (COUNT - 1));
        }
        return s;
    }

    /**
     * The integer model of a zero-mean Gaussian of this scale for symbols {@code -r..r}, {@code r} as small as
     * keeps the tails under 1e-7 (at most {@code maxSymbols} symbols), the rest on an escape symbol.
     *
     * @return {min_symbol, then the frequencies including the escape as the last entry}
     */
    public static int[] table(double scale, int precisionBits, int maxSymbols) {
        int r = 0;
        while (2 * r + 3 <= maxSymbols && 2 * upperTail((r + 0.5) / scale) > TAIL) {
            r++;
        }
        double[] pmf = new double[2 * r + 1];
        double inRange = 0;
        for (int k = -r; k <= r; k++) {
            int a = Math.abs(k);
            // upper-tail differences, where they do not cancel
            pmf[k + r] = a == 0 ? 1 - 2 * upperTail(0.5 / scale)
                    : upperTail((a - 0.5) / scale) - upperTail((a + 0.5) / scale);
            inRange += pmf[k + r];
        }
        int[] freq = Frequencies.quantize(pmf, Math.max(1 - inRange, 0), precisionBits);
        int[] out = new int[freq.length + 1];
        out[0] = -r;
        System.arraycopy(freq, 0, out, 1, freq.length);
        return out;
    }

    /** P(X > x) for a standard normal X, x ≥ 0: erfc(x/√2)/2. */
    static double upperTail(double x) {
        return erfc(x / StrictMath.sqrt(2)) / 2;
    }

    /**
     * erfc by the Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7 everywhere): ample for 16-bit
     * tables, and made of StrictMath and basic operations only.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double ans = t * StrictMath.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2 - ans;
    }
}
