package org.aeic.codec.metrics;

/**
 * MS-SSIM-RGB exactly as the anchors measure it ({@code shared/tools/imgmetrics.py}, which follows pytorch-msssim as
 * CompressAI uses it): the 5-scale MS-SSIM of Wang et al. (2003) on 0..255 values of each channel, averaged over the
 * three channels.
 *
 * <ul>
 * <li>Gaussian window of 11 taps, σ = 1.5, normalised exactly (in double) to sum 1; separable "valid" filtering
 * (no padding), first along rows (H) then along columns (W); a side shorter than 11 is not filtered along.</li>
 * <li>K1 = 0.01, K2 = 0.03, data range 255.</li>
 * <li>Scales 1-4 contribute the mean contrast-structure term, scale 5 the mean SSIM, each clamped at 0 (relu), with
 * weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333.</li>
 * <li>Between scales, 2x2 average pooling with stride 2; a side of odd length is zero-padded by one sample at both
 * ends and the padded zeros count in the mean (avg_pool2d with count_include_pad): the new length is n / 2 for
 * even n and (n + 1) / 2 for odd n.</li>
 * <li>Both sides must be longer than 160 = (11 - 1) * 2^4 samples, as in imgmetrics.py and pytorch-msssim.</li>
 * </ul>
 */
public final class MsSsim {
    public static final double[] WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
    public static final int WINDOW = 11;
    public static final double SIGMA = 1.5;
    public static final double K1 = 0.01;
    public static final double K2 = 0.03;
    public static final double DATA_RANGE = 255.0;
    /** Both sides must exceed this many pixels. */
    public static final int MIN_SIDE_EXCLUSIVE = (WINDOW - 1) << (WEIGHTS.length - 1);

    private static final double[] GAUSS = gauss(WINDOW, SIGMA);

    private MsSsim() {
    }

    /** Whether an image of this size is large enough for the 5 scales. */
    public static boolean fits(int width, int height) {
        return width > MIN_SIDE_EXCLUSIVE && height > MIN_SIDE_EXCLUSIVE;
    }

    /**
     * MS-SSIM-RGB of two planar images with samples in [0,1] ({@code rgb[c * w * h + y * w + x]}), after rounding
     * both to 8 bits with {@link Metrics#to8}.
     */
    public static double rgb(float[] a, float[] b, int width, int height) {
        check(a.length, b.length, width, height);
        return rgb8(to8(a), to8(b), width, height);
    }

    private static int[] to8(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Metrics.to8(v[i]);
        }
        return out;
    }

    /** MS-SSIM-RGB of two planar 8-bit images (values 0..255, {@code rgb[c * w * h + y * w + x]}). */
    public static double rgb8(int[] a, int[] b, int width, int height) {
        check(a.length, b.length, width, height);
        int n = width * height;
        double sum = 0;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                x[i] = a[c * n + i];
                y[i] = b[c * n + i];
            }
            sum += channel(x, y, width, height);
        }
        return sum / 3;
    }

    private static void check(int la, int lb, int width, int height) {
        if (width <= 0 || height <= 0 || la != lb || la != 3L * width * height) {
            throw new IllegalArgumentException("images must both hold 3 planes of " + width + "x" + height);
        }
        if (!fits(width, height)) {
            throw new IllegalArgumentException("image of " + width + "x" + height
                    + " is too small for MS-SSIM (both sides must exceed " + MIN_SIDE_EXCLUSIVE + " pixels)");
        }
    }

    /** MS-SSIM of one channel, {@code x} and {@code y} row-major h x w (not modified). */
    static double channel(double[] x, double[] y, int w, int h) {
        int levels = WEIGHTS.length;
        double result = 1;
        for (int i = 0; i < levels; i++) {
            double[] sc = ssimCs(x, y, w, h);
            if (i < levels - 1) {
                result *= Math.pow(Math.max(sc[1], 0), WEIGHTS[i]);
                int nw = pooledLength(w);
                int nh = pooledLength(h);
                x = pool(x, w, h);
                y = pool(y, w, h);
                w = nw;
                h = nh;
            } else {
                result *= Math.pow(Math.max(sc[0], 0), WEIGHTS[i]);
            }
        }
        return result;
    }

    /** Mean SSIM and mean contrast-structure term of one channel at one scale. */
    static double[] ssimCs(double[] x, double[] y, int w, int h) {
        double c1 = (K1 * DATA_RANGE) * (K1 * DATA_RANGE);
        double c2 = (K2 * DATA_RANGE) * (K2 * DATA_RANGE);
        int n = w * h;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        int fh = h >= WINDOW ? h - WINDOW + 1 : h;
        int fw = w >= WINDOW ? w - WINDOW + 1 : w;
        double[] mu1 = filter(x, w, h);
        double[] mu2 = filter(y, w, h);
        double[] f11 = filter(xx, w, h);
        double[] f22 = filter(yy, w, h);
        double[] f12 = filter(xy, w, h);
        int m = fw * fh;
        double ssimSum = 0;
        double csSum = 0;
        for (int i = 0; i < m; i++) {
            double s11 = f11[i] - mu1[i] * mu1[i];
            double s22 = f22[i] - mu2[i] * mu2[i];
            double s12 = f12[i] - mu1[i] * mu2[i];
            double cs = (2 * s12 + c2) / (s11 + s22 + c2);
            double ssim = (2 * mu1[i] * mu2[i] + c1) / (mu1[i] * mu1[i] + mu2[i] * mu2[i] + c1) * cs;
            csSum += cs;
            ssimSum += ssim;
        }
        return new double[] {ssimSum / m, csSum / m};
    }

    /** Separable 'valid' filtering with the Gaussian window, along H then W; short sides are left as they are. */
    static double[] filter(double[] x, int w, int h) {
        double[] g = GAUSS;
        int n = g.length;
        if (h >= n) {
            int oh = h - n + 1;
            double[] out = new double[oh * w];
            for (int k = 0; k < n; k++) { // accumulate tap by tap, in the order numpy's sum() adds them
                double gk = g[k];
                for (int r = 0; r < oh; r++) {
                    int src = (r + k) * w;
                    int dst = r * w;
                    for (int c = 0; c < w; c++) {
                        out[dst + c] += gk * x[src + c];
                    }
                }
            }
            x = out;
            h = oh;
        }
        if (w >= n) {
            int ow = w - n + 1;
            double[] out = new double[h * ow];
            for (int r = 0; r < h; r++) {
                int src = r * w;
                int dst = r * ow;
                for (int k = 0; k < n; k++) {
                    double gk = g[k];
                    for (int c = 0; c < ow; c++) {
                        out[dst + c] += gk * x[src + c + k];
                    }
                }
            }
            x = out;
        }
        return x;
    }

    static int pooledLength(int n) {
        int p = n % 2;
        return (n + 2 * p - 2) / 2 + 1;
    }

    /** 2x2 average pooling, stride 2, odd sides zero-padded by one at both ends, padded zeros counted. */
    static double[] pool(double[] x, int w, int h) {
        int pw = w % 2;
        int ph = h % 2;
        int ow = pooledLength(w);
        int oh = pooledLength(h);
        double[] out = new double[ow * oh];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                int r0 = 2 * r - ph;
                int c0 = 2 * c - pw;
                double s = at(x, w, h, r0, c0) + at(x, w, h, r0 + 1, c0) + at(x, w, h, r0, c0 + 1)
                        + at(x, w, h, r0 + 1, c0 + 1);
                out[r * ow + c] = 0.25 * s;
            }
        }
        return out;
    }

    private static double at(double[] x, int w, int h, int r, int c) {
        return r < 0 || r >= h || c < 0 || c >= w ? 0 : x[r * w + c];
    }

    static double[] gauss(int size, double sigma) {
        double[] g = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double d = i - size / 2;
            g[i] = Math.exp(-(d * d) / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) {
            g[i] /= sum;
        }
        return g;
    }
}
