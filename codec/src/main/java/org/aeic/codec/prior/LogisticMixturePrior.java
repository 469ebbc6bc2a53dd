package org.aeic.codec.prior;

import org.aeic.codec.nn.Param;

/**
 * The learned factorized prior: each latent channel has its own density, a mixture of
 * {@value #K} logistics, convolved with U(-1/2, 1/2) as in Ballé et al. 2018. It plays the role of
 * Ballé's non-parametric "deep factorized" density with far fewer parameters and closed-form
 * gradients, and it still fits skewed and multimodal channels. Floats end here: the codec only
 * ever sees the integer tables made from it by {@link #table}. Its transcendental functions are
 * {@link StrictMath}'s, so tables made at coding time (interpolated qualities) are the same on every JVM.
 *
 * <p>Parameters per channel: K mixture logits, K means, K log-scales, in {@link #params}.
 */
public final class LogisticMixturePrior {
    public static final int K = 3;
    /** Likelihood floor (as CompressAI): keeps -log2 p finite for outliers. */
    static final double P_MIN = 1e-9;
    private static final double LN2 = StrictMath.log(2);

    private final int channels;
    public final Param params;

    public LogisticMixturePrior(int channels) {
        this("prior.params", channels);
    }

    public LogisticMixturePrior(String name, int channels) {
        this.channels = channels;
        this.params = new Param(name, channels, 3 * K);
    }

    /**
     * Sets this prior to the density of {@code base}'s variable multiplied by {@code gain[c]} per channel
     * (means scaled, log-scales shifted), ignoring the unit-width noise: a starting point for a level
     * whose latent is rescaled.
     */
    public void initScaled(LogisticMixturePrior base, float[] gain) {
        for (int c = 0; c < channels; c++) {
            int o = c * 3 * K;
            for (int k = 0; k < K; k++) {
                params.data[o + k] = base.params.data[o + k];
                params.data[o + K + k] = base.params.data[o + K + k] * gain[c];
                params.data[o + 2 * K + k] = base.params.data[o + 2 * K + k] + (float) StrictMath.log(gain[c]);
            }
        }
    }

    public int channels() {
        return channels;
    }

    /** Spread the components around zero with unit-ish scale, so early latents get sensible rates. */
    public void initDefault() {
        for (int c = 0; c < channels; c++) {
            int o = c * 3 * K;
            for (int k = 0; k < K; k++) {
                params.data[o + k] = 0f;
                params.data[o + K + k] = (k - (K - 1) / 2f) * 0.5f;
                params.data[o + 2 * K + k] = (float) StrictMath.log(1.0 + k);
            }
        }
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1 + StrictMath.exp(z));
    }

    /** Mixture weights of channel c (softmax of the logits). */
    private void weights(int c, double[] w) {
        int o = c * 3 * K;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            max = Math.max(max, params.data[o + k]);
        }
        double sum = 0;
        for (int k = 0; k < K; k++) {
            w[k] = StrictMath.exp(params.data[o + k] - max);
            sum += w[k];
        }
        for (int k = 0; k < K; k++) {
            w[k] /= sum;
        }
    }

    /** The cumulative distribution of channel c at v. */
    public double cdf(int c, double v) {
        double[] w = new double[K];
        weights(c, w);
        int o = c * 3 * K;
        double f = 0;
        for (int k = 0; k < K; k++) {
            f += w[k] * sigmoid((v - params.data[o + K + k]) / StrictMath.exp(params.data[o + 2 * K + k]));
        }
        return f;
    }

    /** Mass of [v - 1/2, v + 1/2] under channel c, computed on the side of the mean where it does not cancel. */
    public double mass(int c, double v) {
        double[] w = new double[K];
        weights(c, w);
        int o = c * 3 * K;
        double p = 0;
        for (int k = 0; k < K; k++) {
            double s = StrictMath.exp(params.data[o + 2 * K + k]);
            double a = (v + 0.5 - params.data[o + K + k]) / s;
            double b = (v - 0.5 - params.data[o + K + k]) / s;
            p += w[k] * (a + b > 0 ? sigmoid(-b) - sigmoid(-a) : sigmoid(a) - sigmoid(b));
        }
        return p;
    }

    /** The quantisation centre of channel c: the mixture mean (the trainer rounds around it too). */
    public float center(int c) {
        double[] w = new double[K];
        weights(c, w);
        int o = c * 3 * K;
        double m = 0;
        for (int k = 0; k < K; k++) {
            m += w[k] * params.data[o + K + k];
        }
        return (float) m;
    }

    /**
     * Bits of {@code v} in channel c, -log2 of its mass; adds d(bits)/dv to {@code dv[0]} and
     * d(bits)/d(params) * {@code scale} into {@code gParams} (the row of channel c).
     */
    public double bits(int c, double v, double[] dv, float[] gParams, double scale) {
        double[] w = new double[K];
        weights(c, w);
        int o = c * 3 * K;
        double[] d = new double[K];
        double[] dva = new double[K];
        double[] dls = new double[K];
        double p = 0;
        double dpdv = 0;
        for (int k = 0; k < K; k++) {
            double s = StrictMath.exp(params.data[o + 2 * K + k]);
            double a = (v + 0.5 - params.data[o + K + k]) / s;
            double b = (v - 0.5 - params.data[o + K + k]) / s;
            double sa = sigmoid(a);
            double sb = sigmoid(b);
            d[k] = a + b > 0 ? sigmoid(-b) - sigmoid(-a) : sa - sb;
            double ga = sa * (1 - sa);
            double gb = sb * (1 - sb);
            dva[k] = (ga - gb) / s;
            dls[k] = -(ga * a - gb * b);
            p += w[k] * d[k];
            dpdv += w[k] * dva[k];
        }
        double pc = Math.max(p, P_MIN);
        double g = -1 / (pc * LN2); // d(bits)/dp
        if (dv != null) {
            dv[0] += g * dpdv;
        }
        if (gParams != null) {
            for (int k = 0; k < K; k++) {
                gParams[o + k] += (float) (scale * g * w[k] * (d[k] - p));
                gParams[o + K + k] += (float) (scale * g * -w[k] * dva[k]);
                gParams[o + 2 * K + k] += (float) (scale * g * w[k] * dls[k]);
            }
        }
        return -StrictMath.log(pc) / LN2;
    }

    /**
     * The integer model of channel c for symbols {@code round(y - center)}: a contiguous symbol range
     * holding all but a sliver of the mass, with the rest on an escape symbol.
     *
     * @return {min_symbol, then the frequencies including the escape as the last entry}
     */
    public int[] table(int c, int precisionBits, int maxSymbols) {
        float center = center(c);
        double tail = 1e-7;
        int lo = 0;
        int hi = 0;
        // widen symmetrically-ish until the mass outside is below the tail target
        while (hi - lo + 1 < maxSymbols - 1
                && (cdf(c, center + lo - 0.5) > tail / 2 || 1 - cdf(c, center + hi + 0.5) > tail / 2)) {
            if (cdf(c, center + lo - 0.5) >= 1 - cdf(c, center + hi + 0.5)) {
                lo--;
            } else {
                hi++;
            }
        }
        int n = hi - lo + 1;
        double[] pmf = new double[n];
        double inRange = 0;
        for (int i = 0; i < n; i++) {
            pmf[i] = mass(c, center + lo + i);
            inRange += pmf[i];
        }
        double escape = Math.max(1 - inRange, 0);
        int[] freq = Frequencies.quantize(pmf, escape, precisionBits);
        int[] out = new int[freq.length + 1];
        out[0] = lo;
        System.arraycopy(freq, 0, out, 1, freq.length);
        return out;
    }
}
