package org.aeic.codec.metrics;

import java.util.Arrays;

/**
 * Bjøntegaard delta rate (BD-rate) and BD-PSNR, a port of {@code shared/tools/bdrate.py} (the anchors' tool) with
 * its default method: log(rate) is interpolated as a function of quality with a monotone piecewise cubic Hermite
 * interpolant (PCHIP, Fritsch-Carlson slopes as scipy computes them), both curves are averaged over the overlapping
 * quality range by the trapezoid rule on 1001 evenly spaced samples, and the mean log-rate difference d gives
 * BD-rate = (exp(d) - 1) * 100 %. Negative means fewer bits than the anchor at equal quality. BD-PSNR swaps the axes:
 * the mean quality difference over the overlapping log-rate range. For MS-SSIM, convert it to dB with
 * {@link #msSsimDb} first.
 *
 * <p>Every method returns NaN when either curve has fewer than 2 points, when the curves do not overlap, when an
 * interpolation axis repeats a value (bdrate.py raises an error there), or when a value is not finite.
 */
public final class BdRate {
    /** Samples of the trapezoid rule over the overlap, as in bdrate.py. */
    public static final int SAMPLES = 1001;

    private BdRate() {
    }

    /** MS-SSIM in dB: -10 log10(1 - msssim). */
    public static double msSsimDb(double msssim) {
        return -10 * Math.log10(1 - msssim);
    }

    /** {@link #msSsimDb} of each value. */
    public static double[] msSsimDb(double[] msssim) {
        return Arrays.stream(msssim).map(BdRate::msSsimDb).toArray();
    }

    /**
     * BD-rate in percent of curve b against anchor a.
     *
     * @param rateA anchor rates (e.g. bpp), positive
     * @param qA    anchor qualities (PSNR in dB, or MS-SSIM in dB)
     */
    public static double bdRate(double[] rateA, double[] qA, double[] rateB, double[] qB) {
        if (!usable(rateA, qA) || !usable(rateB, qB)) {
            return Double.NaN;
        }
        double lo = Math.max(min(qA), min(qB));
        double hi = Math.min(max(qA), max(qB));
        if (!(hi > lo)) {
            return Double.NaN;
        }
        double diff = meanOver(qB, log(rateB), lo, hi) - meanOver(qA, log(rateA), lo, hi);
        return (Math.exp(diff) - 1) * 100;
    }

    /** BD-PSNR (dB, or dB of the quality given) of curve b against anchor a. */
    public static double bdQuality(double[] rateA, double[] qA, double[] rateB, double[] qB) {
        if (!usable(rateA, qA) || !usable(rateB, qB)) {
            return Double.NaN;
        }
        double[] la = log(rateA);
        double[] lb = log(rateB);
        double lo = Math.max(min(la), min(lb));
        double hi = Math.min(max(la), max(lb));
        if (!(hi > lo)) {
            return Double.NaN;
        }
        return meanOver(lb, qB, lo, hi) - meanOver(la, qA, lo, hi);
    }

    /**
     * The quality of a curve at {@code rate}: PCHIP over log-rate, as the BD integrals interpolate; NaN
     * outside the curve's rate range (no extrapolation).
     */
    public static double qualityAt(double[] rate, double[] q, double at) {
        if (!usable(rate, q) || !(at >= min(rate) && at <= max(rate))) {
            return Double.NaN;
        }
        double[][] sorted = sortedBy(log(rate), q);
        double[] d = pchipSlopes(sorted[0], sorted[1]);
        return pchipEval(sorted[0], sorted[1], d, Math.log(at));
    }

    private static double[][] sortedBy(double[] x, double[] y) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (i, j) -> Double.compare(x[i], x[j]));
        double[][] out = new double[2][x.length];
        for (int i = 0; i < idx.length; i++) {
            out[0][i] = x[idx[i]];
            out[1][i] = y[idx[i]];
        }
        return out;
    }

    private static boolean usable(double[] rate, double[] q) {
        if (rate == null || q == null || rate.length != q.length || rate.length < 2) {
            return false;
        }
        for (int i = 0; i < rate.length; i++) {
            if (!(rate[i] > 0) || !Double.isFinite(rate[i]) || !Double.isFinite(q[i])) {
                return false;
            }
        }
        return true;
    }

    /** Mean of the PCHIP interpolant of y(x) over [lo, hi]; NaN if x repeats a value. */
    static double meanOver(double[] x, double[] y, double lo, double hi) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(x[i], x[j]));
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        for (int i = 0; i < order.length; i++) {
            xs[i] = x[order[i]];
            ys[i] = y[order[i]];
            if (i > 0 && !(xs[i] > xs[i - 1])) {
                return Double.NaN;
            }
        }
        double[] d = pchipSlopes(xs, ys);
        double step = (hi - lo) / (SAMPLES - 1);
        double sum = 0;
        double prev = pchipEval(xs, ys, d, lo);
        for (int i = 1; i < SAMPLES; i++) {
            double t = i == SAMPLES - 1 ? hi : i * step + lo; // numpy.linspace: i * step + lo, the last exactly hi
            double v = pchipEval(xs, ys, d, t);
            sum += (v + prev) / 2;
            prev = v;
        }
        double dx = (step + lo) - lo; // xs[1] - xs[0] of the linspace, as bdrate.py takes it
        return sum * dx / (hi - lo);
    }

    /** Slopes at the knots of the Fritsch-Carlson monotone cubic, as scipy's PchipInterpolator computes them. */
    static double[] pchipSlopes(double[] x, double[] y) {
        int n = x.length;
        double[] h = new double[n - 1];
        double[] delta = new double[n - 1];
        for (int k = 0; k < n - 1; k++) {
            h[k] = x[k + 1] - x[k];
            delta[k] = (y[k + 1] - y[k]) / h[k];
        }
        double[] d = new double[n];
        if (n == 2) {
            Arrays.fill(d, delta[0]);
            return d;
        }
        for (int k = 1; k < n - 1; k++) { // interior: weighted harmonic mean, 0 at local extrema
            if (delta[k - 1] * delta[k] > 0) {
                double w1 = 2 * h[k] + h[k - 1];
                double w2 = h[k] + 2 * h[k - 1];
                d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
            }
        }
        d[0] = end(h[0], h[1], delta[0], delta[1]);
        d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
        return d;
    }

    /** One-sided three-point estimate at an end, shape preserving. */
    private static double end(double h0, double h1, double m0, double m1) {
        double s = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
        if (Math.signum(s) != Math.signum(m0)) {
            return 0.0;
        }
        if (Math.signum(m0) != Math.signum(m1) && Math.abs(s) > Math.abs(3 * m0)) {
            return 3 * m0;
        }
        return s;
    }

    /** The PCHIP interpolant at v (extrapolated with the end pieces outside [x0, xn]). */
    static double pchipEval(double[] x, double[] y, double[] d, double v) {
        int n = x.length;
        int first = 0; // numpy.searchsorted(x, v), side 'left': the first index with x[i] >= v
        while (first < n && x[first] < v) {
            first++;
        }
        int k = Math.max(0, Math.min(first - 1, n - 2));
        double h = x[k + 1] - x[k];
        double t = (v - x[k]) / h;
        double t2 = t * t;
        double t3 = t2 * t;
        double h00 = 2 * t3 - 3 * t2 + 1;
        double h10 = t3 - 2 * t2 + t;
        double h01 = -2 * t3 + 3 * t2;
        double h11 = t3 - t2;
        return h00 * y[k] + h10 * h * d[k] + h01 * y[k + 1] + h11 * h * d[k + 1];
    }

    private static double[] log(double[] v) {
        return Arrays.stream(v).map(Math::log).toArray();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
