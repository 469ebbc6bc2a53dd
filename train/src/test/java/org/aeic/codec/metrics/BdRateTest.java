package org.aeic.codec.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Arrays;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * BD-rate / BD-PSNR against shared/tools/bdrate.py. The JSON files in src/test/resources/bdrate are copies of
 * shared/anchors/kodak/jpeg-turbo.json, webp.json and published/compressai-bmshj2018-factorized_mse_cpu.json
 * (as factorized.json). The expected values were printed by bdrate.py's functions (numpy 2.4.6), run from
 * shared/tools with R = train/src/test/resources/bdrate/:
 * <pre>
 * python3 -c "import bdrate as b; _,ra,pa,ma = b.load(R+'jpeg-turbo.json'); _,rb,pb,mb = b.load(R+'webp.json');
 *   print(repr(b.bd_rate(ra,pa,rb,pb)), repr(b.bd_quality(ra,pa,rb,pb)), repr(b.bd_rate(ra,ma,rb,mb)),
 *         repr(b.bd_quality(ra,ma,rb,mb)), repr(b.bd_rate(rb,pb,ra,pa)))"
 * </pre>
 * and likewise for factorized.json, webp's points 3..4 only (bd_rate(ra,pa,rb[3:5],pb[3:5])) and JPEG's points 2..4
 * as the anchor (bd_rate(ra[2:5],pa[2:5],rb,pb)). `python3 shared/tools/bdrate.py --anchor jpeg-turbo.json webp.json
 * factorized.json` prints the same rounded: -36.62 / 2.247 / -25.79 and -40.53 / 2.625 / -41.24.
 */
class BdRateTest {
    record Curve(double[] bpp, double[] psnr, double[] msssim) {
    }

    static Curve load(String name) throws Exception {
        try (InputStream in = BdRateTest.class.getResourceAsStream("/bdrate/" + name)) {
            JsonNode r = new ObjectMapper().readTree(in).get("results");
            return new Curve(array(r.get("bpp")), array(r.get("psnr-rgb")), array(r.get("ms-ssim-rgb")));
        }
    }

    static double[] array(JsonNode n) {
        return StreamSupport.stream(n.spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
    }

    static double[] times(double[] v, double f) {
        return Arrays.stream(v).map(x -> x * f).toArray();
    }

    static double[] slice(double[] v, int from, int to) {
        return Arrays.copyOfRange(v, from, to);
    }

    @Test
    void qualityAtInterpolatesOverLogRateWithoutExtrapolating() {
        double[] rate = {4, 1, 2}; // any order
        double[] q = {36, 30, 33}; // linear in log2(rate): PCHIP keeps the line
        assertEquals(33, BdRate.qualityAt(rate, q, 2), 1e-12);
        assertEquals(34.5, BdRate.qualityAt(rate, q, 2 * Math.sqrt(2)), 1e-12);
        assertEquals(36, BdRate.qualityAt(rate, q, 4), 1e-12);
        assertTrue(Double.isNaN(BdRate.qualityAt(rate, q, 0.99)));
        assertTrue(Double.isNaN(BdRate.qualityAt(rate, q, 4.01)));
        assertTrue(Double.isNaN(BdRate.qualityAt(new double[] {1}, new double[] {30}, 1)));
    }

    @Test
    void curveAgainstItselfIsZero() throws Exception {
        Curve a = load("webp.json");
        assertEquals(0, BdRate.bdRate(a.bpp, a.psnr, a.bpp, a.psnr), 1e-9);
        assertEquals(0, BdRate.bdQuality(a.bpp, a.psnr, a.bpp, a.psnr), 1e-9);
    }

    @Test
    void ratesTimesPointEightAreMinusTwentyPercent() throws Exception {
        Curve a = load("jpeg-turbo.json");
        assertEquals(-20, BdRate.bdRate(a.bpp, a.psnr, times(a.bpp, 0.8), a.psnr), 1e-9);
        assertEquals(25, BdRate.bdRate(times(a.bpp, 0.8), a.psnr, a.bpp, a.psnr), 1e-9);
        double[] ms = BdRate.msSsimDb(a.msssim);
        assertEquals(-20, BdRate.bdRate(a.bpp, ms, times(a.bpp, 0.8), ms), 1e-9);
    }

    @Test
    void agreesWithBdratePyOnAnchors() throws Exception {
        Curve jpeg = load("jpeg-turbo.json");
        Curve webp = load("webp.json");
        Curve fact = load("factorized.json");
        double[] jm = BdRate.msSsimDb(jpeg.msssim);
        double[] wm = BdRate.msSsimDb(webp.msssim);
        double[] fm = BdRate.msSsimDb(fact.msssim);
        // the brief asks for 0.01 %; the port agrees to rounding
        assertEquals(-36.61519365697848, BdRate.bdRate(jpeg.bpp, jpeg.psnr, webp.bpp, webp.psnr), 1e-6);
        assertEquals(2.246635171708313, BdRate.bdQuality(jpeg.bpp, jpeg.psnr, webp.bpp, webp.psnr), 1e-6);
        assertEquals(-25.79218318112584, BdRate.bdRate(jpeg.bpp, jm, webp.bpp, wm), 1e-6);
        assertEquals(1.4893736889193363, BdRate.bdQuality(jpeg.bpp, jm, webp.bpp, wm), 1e-6);
        assertEquals(57.76651498913934, BdRate.bdRate(webp.bpp, webp.psnr, jpeg.bpp, jpeg.psnr), 1e-6);
        assertEquals(-40.52783981193561, BdRate.bdRate(jpeg.bpp, jpeg.psnr, fact.bpp, fact.psnr), 1e-6);
        assertEquals(2.625104220692645, BdRate.bdQuality(jpeg.bpp, jpeg.psnr, fact.bpp, fact.psnr), 1e-6);
        assertEquals(-41.238471021874176, BdRate.bdRate(jpeg.bpp, jm, fact.bpp, fm), 1e-6);
        assertEquals(2.8206410639210038, BdRate.bdQuality(jpeg.bpp, jm, fact.bpp, fm), 1e-6);
        assertEquals(68.1459016853893, BdRate.bdRate(fact.bpp, fact.psnr, jpeg.bpp, jpeg.psnr), 1e-6);
    }

    @Test
    void shortCurvesAgreeWithBdratePy() throws Exception {
        Curve jpeg = load("jpeg-turbo.json");
        Curve webp = load("webp.json");
        // two points: a straight line (bdrate.py's n == 2 branch)
        assertEquals(-33.67881412906794,
                BdRate.bdRate(jpeg.bpp, jpeg.psnr, slice(webp.bpp, 3, 5), slice(webp.psnr, 3, 5)), 1e-6);
        assertEquals(1.8419948407121502,
                BdRate.bdQuality(jpeg.bpp, jpeg.psnr, slice(webp.bpp, 3, 5), slice(webp.psnr, 3, 5)), 1e-6);
        // three points as the anchor
        assertEquals(-35.57195500595785,
                BdRate.bdRate(slice(jpeg.bpp, 2, 5), slice(jpeg.psnr, 2, 5), webp.bpp, webp.psnr), 1e-6);
    }

    @Test
    void orderOfPointsDoesNotMatter() throws Exception {
        Curve jpeg = load("jpeg-turbo.json");
        Curve webp = load("webp.json");
        double[] rb = webp.bpp.clone();
        double[] qb = webp.psnr.clone();
        for (int i = 0, j = rb.length - 1; i < j; i++, j--) {
            double t = rb[i];
            rb[i] = rb[j];
            rb[j] = t;
            t = qb[i];
            qb[i] = qb[j];
            qb[j] = t;
        }
        assertEquals(BdRate.bdRate(jpeg.bpp, jpeg.psnr, webp.bpp, webp.psnr),
                BdRate.bdRate(jpeg.bpp, jpeg.psnr, rb, qb), 1e-12);
    }

    @Test
    void nanWithoutOverlapOrWithTooFewPoints() throws Exception {
        Curve jpeg = load("jpeg-turbo.json");
        double[] one = {0.5};
        double[] q1 = {30};
        assertTrue(Double.isNaN(BdRate.bdRate(jpeg.bpp, jpeg.psnr, one, q1)));
        assertTrue(Double.isNaN(BdRate.bdQuality(jpeg.bpp, jpeg.psnr, one, q1)));
        assertTrue(Double.isNaN(BdRate.bdRate(one, q1, jpeg.bpp, jpeg.psnr)));
        assertTrue(Double.isNaN(BdRate.bdRate(new double[0], new double[0], jpeg.bpp, jpeg.psnr)));
        // no overlap in quality (above JPEG's 38 dB), nor in rate
        double[] r = {3, 4};
        double[] q = {45, 50};
        assertTrue(Double.isNaN(BdRate.bdRate(jpeg.bpp, jpeg.psnr, r, q)));
        assertTrue(Double.isNaN(BdRate.bdQuality(jpeg.bpp, jpeg.psnr, r, q)));
        // a repeated quality cannot be interpolated over
        assertTrue(Double.isNaN(BdRate.bdRate(jpeg.bpp, jpeg.psnr, new double[] {0.5, 0.6}, new double[] {30, 30})));
        // non-positive rates
        assertTrue(Double.isNaN(BdRate.bdRate(jpeg.bpp, jpeg.psnr, new double[] {0, 0.6}, new double[] {30, 31})));
    }
}
