package org.aeic.codec.metrics;

/** Image quality measured as the anchors measure it: on 8-bit values, over all pixels and channels. */
public final class Metrics {
    private Metrics() {
    }

    /** 8-bit value of a sample in [0,1], as an encoder of the decoded image would store it. */
    public static int to8(float v) {
        int q = Math.round(v * 255f);
        return q < 0 ? 0 : Math.min(q, 255);
    }

    /** PSNR-RGB in dB of two planar images with samples in [0,1], after rounding both to 8 bits. */
    public static double psnr(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("images differ in size");
        }
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            int d = to8(a[i]) - to8(b[i]);
            se += d * d;
        }
        return psnrFromMse(se / a.length);
    }

    /**
     * MS-SSIM-RGB of two planar images with samples in [0,1], after rounding both to 8 bits; see {@link MsSsim}.
     *
     * @throws IllegalArgumentException if the sizes differ or a side is not longer than 160 pixels
     */
    public static double msSsim(float[] a, float[] b, int width, int height) {
        return MsSsim.rgb(a, b, width, height);
    }

    /** 10·log10(255² / mse), infinite for identical images. */
    public static double psnrFromMse(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
