package org.aeic.codec.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.aeic.codec.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every layer's backward pass against central finite differences of loss = sum(y * r). */
class GradientCheckTest {

    private static void randomize(float[] a, Random rnd, float scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
    }

    private static double loss(Layer layer, Tensor x, float[] r) {
        Tensor y = layer.forward(x, new Tape());
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) y.data[i] * r[i];
        }
        return s;
    }

    private static void check(Layer layer, int c, int h, int w, long seed) {
        Random rnd = new Random(seed);
        List<Param> params = layer.params();
        Grads.index(params);
        for (Param p : params) {
            randomize(p.data, rnd, 0.3f);
        }
        if (layer instanceof Gdn g) {
            // keep the denominator away from zero so finite differences stay meaningful
            for (int i = 0; i < g.beta.data.length; i++) {
                g.beta.data[i] = 0.8f + rnd.nextFloat() * 0.4f;
            }
        }
        Tensor x = new Tensor(c, h, w);
        randomize(x.data, rnd, 1f);
        int[] os = layer.outputShape(c, h, w);
        float[] r = new float[os[0] * os[1] * os[2]];
        randomize(r, rnd, 1f);

        Tape tape = new Tape();
        Tensor y = layer.forward(x, tape);
        assertEquals(r.length, y.data.length, "output shape");
        Grads grads = new Grads(params);
        Tensor dx = layer.backward(new Tensor(os[0], os[1], os[2], r.clone()), tape, grads, true);
        assertTrue(tape.isEmpty(), "backward consumed the tape");

        double eps = 1e-2;
        // input gradient at a sample of positions
        for (int t = 0; t < 12; t++) {
            int i = rnd.nextInt(x.data.length);
            float old = x.data[i];
            x.data[i] = (float) (old + eps);
            double lp = loss(layer, x, r);
            x.data[i] = (float) (old - eps);
            double lm = loss(layer, x, r);
            x.data[i] = old;
            assertClose((lp - lm) / (2 * eps), dx.data[i], "dx[" + i + "]");
        }
        for (Param p : params) {
            float[] g = grads.of(p);
            for (int t = 0; t < 8; t++) {
                int i = rnd.nextInt(p.size());
                float old = p.data[i];
                p.data[i] = (float) (old + eps);
                double lp = loss(layer, x, r);
                p.data[i] = (float) (old - eps);
                double lm = loss(layer, x, r);
                p.data[i] = old;
                assertClose((lp - lm) / (2 * eps), g[i], p.name + "[" + i + "]");
            }
        }
    }

    private static void assertClose(double numeric, double analytic, String what) {
        double tol = 2e-2 * Math.max(1, Math.abs(numeric));
        assertEquals(numeric, analytic, tol, what + ": numeric " + numeric + " analytic " + analytic);
    }

    @ParameterizedTest
    @CsvSource({"3,4,5,8,8", "2,3,5,7,5", "4,4,3,6,9", "1,2,5,1,1", "3,5,5,16,16"})
    void conv2d(int cin, int cout, int k, int h, int w) {
        check(new Conv2d("c", cin, cout, k, 2), cin, h, w, 11L * h + w);
    }

    @ParameterizedTest
    @CsvSource({"1,4,5,1,1", "3,4,5,4,4", "2,3,5,3,5", "4,2,3,5,2", "5,3,5,8,8"})
    void convStride1(int cin, int cout, int k, int h, int w) {
        check(new Conv2d("c", cin, cout, k, 1), cin, h, w, 7L * h + w);
    }

    @ParameterizedTest
    @CsvSource({"3,4,5,4,4", "2,3,5,3,5", "4,2,3,5,2", "1,1,5,1,1", "5,3,5,8,8"})
    void convTranspose2d(int cin, int cout, int k, int h, int w) {
        check(new ConvTranspose2d("d", cin, cout, k, 2), cin, h, w, 13L * h + w);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,4,5", "8,3,7", "16,8,8"})
    void gdn(int c, int h, int w) {
        check(new Gdn("g", c, false), c, h, w, 17L * c + h);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,4,5", "8,3,7", "16,8,8"})
    void igdn(int c, int h, int w) {
        check(new Gdn("g", c, true), c, h, w, 19L * c + h);
    }
}
