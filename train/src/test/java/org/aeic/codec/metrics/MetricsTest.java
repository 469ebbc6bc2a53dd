package org.aeic.codec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Random;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.junit.jupiter.api.Test;

/** PSNR-RGB and MS-SSIM-RGB against known values and against the anchors' own tool, shared/tools/imgmetrics.py. */
class MetricsTest {
    /**
     * The pair in src/test/resources/metrics (211x173, odd on both sides so that every pooling step pads), made and
     * measured by the script beside it, which computes the values with shared/tools/imgmetrics.py (numpy 2.4.6):
     * <pre>cd train/src/test/resources/metrics &amp;&amp; python3 make_pair.py</pre>
     * printed "psnr_rgb 31.045640040615822" and "ms_ssim_rgb 0.974126871089092".
     */
    static final double PAIR_PSNR = 31.045640040615822;
    static final double PAIR_MS_SSIM = 0.974126871089092;

    static PlanarImage resource(String name) throws Exception {
        try (InputStream in = MetricsTest.class.getResourceAsStream("/metrics/" + name)) {
            return ImageLoader.read(in, 1 << 24);
        }
    }

    static float[] randomImage(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] rgb = new float[3 * w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextInt(256) / 255f;
        }
        return rgb;
    }

    @Test
    void psnrOfIdenticalImagesIsInfinite() {
        float[] a = randomImage(17, 9, 1);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a.clone()));
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnrFromMse(0));
    }

    @Test
    void constantOffsetOfOneGives48point13dB() {
        float[] a = new float[3 * 64 * 64];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            int v = i % 255; // 0..254, so that v + 1 stays in range
            a[i] = v / 255f;
            b[i] = (v + 1) / 255f;
        }
        double p = Metrics.psnr(a, b);
        assertEquals(20 * Math.log10(255), p, 1e-12);
        assertEquals(48.13, p, 0.005);
    }

    @Test
    void msSsimOfIdenticalImagesIsOne() {
        int w = 181;
        int h = 163;
        float[] a = randomImage(w, h, 2);
        assertEquals(1.0, Metrics.msSsim(a, a.clone(), w, h), 1e-12);
        float[] flat = new float[3 * w * h]; // a constant image too (zero variance everywhere)
        java.util.Arrays.fill(flat, 0.5f);
        assertEquals(1.0, Metrics.msSsim(flat, flat.clone(), w, h), 1e-12);
    }

    @Test
    void pairMatchesImgmetricsPy() throws Exception {
        PlanarImage a = resource("original.png");
        PlanarImage b = resource("distorted.png");
        assertEquals(211, a.width);
        assertEquals(173, a.height);
        assertEquals(PAIR_PSNR, Metrics.psnr(a.rgb, b.rgb), 1e-9);
        double ms = Metrics.msSsim(a.rgb, b.rgb, a.width, a.height);
        assertEquals(PAIR_MS_SSIM, ms, 1e-6);
        assertEquals(PAIR_MS_SSIM, ms, 1e-12, "agrees to rounding, not just to 1e-6");
        assertEquals(ms, Metrics.msSsim(b.rgb, a.rgb, a.width, a.height), 1e-15, "symmetric");
        // the 8-bit entry point gives the same
        int[] a8 = new int[a.rgb.length];
        int[] b8 = new int[b.rgb.length];
        for (int i = 0; i < a8.length; i++) {
            a8[i] = Metrics.to8(a.rgb[i]);
            b8[i] = Metrics.to8(b.rgb[i]);
        }
        assertEquals(ms, MsSsim.rgb8(a8, b8, a.width, a.height), 0);
    }

    @Test
    void moreDistortionLowersMsSsim() {
        int w = 170;
        int h = 200;
        float[] a = randomImage(w, h, 3);
        float[] small = a.clone();
        float[] large = a.clone();
        Random r = new Random(4);
        for (int i = 0; i < a.length; i++) {
            double n = r.nextGaussian();
            small[i] = Math.max(0, Math.min(1, a[i] + (float) (n * 2 / 255)));
            large[i] = Math.max(0, Math.min(1, a[i] + (float) (n * 20 / 255)));
        }
        double s = Metrics.msSsim(a, small, w, h);
        double l = Metrics.msSsim(a, large, w, h);
        assertTrue(s < 1 && l < s && l > 0, s + " " + l);
    }

    @Test
    void tooSmallOrMismatchedImagesAreRefused() {
        assertFalse(MsSsim.fits(160, 500));
        assertTrue(MsSsim.fits(161, 161));
        float[] a = randomImage(160, 200, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.msSsim(a, a, 160, 200));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.msSsim(a, a, 200, 200));
    }

    @Test
    void poolingPadsOddSides() {
        assertEquals(4, MsSsim.pooledLength(8));
        assertEquals(5, MsSsim.pooledLength(9));
        // 3x1 row [1 2 3]: padded to [0 1 2 3 0] (and the height 1 to 0 1 0) -> windows (0,1) and (2,3), top row zero
        double[] out = MsSsim.pool(new double[] {1, 2, 3}, 3, 1);
        assertEquals(2, out.length);
        assertEquals(0.25 * (0 + 1), out[0], 0);
        assertEquals(0.25 * (2 + 3), out[1], 0);
        double[] g = MsSsim.gauss(11, 1.5);
        assertEquals(1.0, java.util.Arrays.stream(g).sum(), 1e-15);
        assertEquals(g[0], g[10], 0);
    }
}
