package org.aeic.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.aeic.codec.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GdnTest {

    /**
     * The fused inference pass works in blocks of columns and threads, and leaves gamma's zeros out of its product
     * where that is faster (60 % zeros here, as in trained models; or, with zeros -1, rows of 0, 30, 60 and 90 %
     * zeros, so that some rows take the dense product and others the sparse one); the bits must be those of the
     * plain pass, also for a block with an infinite or NaN square (0 times it is NaN in the plain pass).
     */
    @ParameterizedTest
    @CsvSource({"false,1,0,false", "true,1,0,false", "false,3,0,false", "true,3,0,false", "false,1,0.6,false",
        "true,3,0.6,false", "false,2,0.6,true", "true,1,0.6,true", "false,2,-1,false", "true,1,-1,false",
        "false,2,-1,true"})
    void inferenceGivesTheBitsOfTheTapedPass(boolean inverse, int threads, double zeros, boolean nonFinite)
            throws Exception {
        int c = 19;
        Random r = new Random(inverse ? 7 : 8);
        Gdn gdn = new Gdn("g", c, inverse);
        for (int i = 0; i < c; i++) {
            gdn.beta.data[i] = 0.5f + r.nextFloat();
        }
        for (int i = 0; i < c * c; i++) {
            double z = zeros >= 0 ? zeros : i / c % 4 * 0.3;
            gdn.gamma.data[i] = r.nextDouble() < z ? 0f : r.nextFloat() * 0.3f;
        }
        Tensor x = new Tensor(c, 37, 41); // 1,517 columns: blocks of 512 and a tail
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) r.nextGaussian() * 3;
        }
        if (nonFinite) { // in the first block, the second and the tail
            x.data[3] = Float.POSITIVE_INFINITY;
            x.data[5 * 1517 + 700] = 1e30f; // its square overflows
            x.data[11 * 1517 + 1500] = Float.NaN;
        }
        float[] taped = gdn.forward(x, new Tape()).data;
        Tensor copy = new Tensor(c, x.h, x.w, x.data.clone());
        float[] fused = new ForkJoinPool(threads).submit(() -> gdn.forward(copy, null)).get().data;
        assertArrayEquals(taped, fused);
    }
}
