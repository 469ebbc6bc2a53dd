package org.aeic.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.aeic.codec.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GdnTest {

    /** The fused inference pass works in blocks of columns and threads; the bits must be those of the plain pass. */
    @ParameterizedTest
    @CsvSource({"false,1", "true,1", "false,3", "true,3"})
    void inferenceGivesTheBitsOfTheTapedPass(boolean inverse, int threads) throws Exception {
        int c = 19;
        Random r = new Random(inverse ? 7 : 8);
        Gdn gdn = new Gdn("g", c, inverse);
        for (int i = 0; i < c; i++) {
            gdn.beta.data[i] = 0.5f + r.nextFloat();
        }
        for (int i = 0; i < c * c; i++) {
            gdn.gamma.data[i] = r.nextFloat() * 0.3f;
        }
        Tensor x = new Tensor(c, 37, 41); // 1,517 columns: blocks of 512 and a tail
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) r.nextGaussian() * 3;
        }
        float[] taped = gdn.forward(x, new Tape()).data;
        Tensor copy = new Tensor(c, x.h, x.w, x.data.clone());
        float[] fused = new ForkJoinPool(threads).submit(() -> gdn.forward(copy, null)).get().data;
        assertArrayEquals(taped, fused);
    }
}
