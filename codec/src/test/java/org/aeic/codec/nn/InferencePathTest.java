package org.aeic.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inference path (banded, parallel) computes what the training path computes, whatever the thread count. */
class InferencePathTest {
    @Test
    void inferenceMatchesTrainingForwardAndIgnoresThreadCount() throws Exception {
        FactorizedModel net = new FactorizedModel(8, 12);
        net.initRandom(3);
        Random r = new Random(9);
        Tensor x = new Tensor(3, 48, 80);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextFloat();
        }
        Tensor yTrain = net.analysis.forward(x, new Tape());
        Tensor xhTrain = net.synthesis.forward(yTrain, new Tape());
        Tensor[] y = new Tensor[3];
        Tensor[] xh = new Tensor[3];
        for (int t = 1; t <= 3; t++) {
            final int i = t - 1;
            new ForkJoinPool(t).submit(() -> {
                y[i] = net.analysis.forward(x, null);
                xh[i] = net.synthesis.forward(y[i], null);
            }).get();
        }
        assertArrayEquals(yTrain.data, y[0].data);
        assertArrayEquals(xhTrain.data, xh[0].data);
        for (int i = 1; i < 3; i++) {
            assertArrayEquals(y[0].data, y[i].data, "analysis with " + (i + 1) + " threads");
            assertArrayEquals(xh[0].data, xh[i].data, "synthesis with " + (i + 1) + " threads");
        }
        assertEquals(12, y[0].c);
        assertEquals(3, y[0].h);
        assertEquals(5, y[0].w);
    }

    /**
     * Inference splits the output into bands of rows, each with a window of the input rows it reaches: one input row
     * per band (2,100 wide), bands of 48 output rows with a short last one (16 wide), and one band for all (5 wide).
     */
    @ParameterizedTest
    @CsvSource({"30,2100", "50,16", "3,5"})
    void bandedTransposedConvolutionEqualsOnePass(int h, int w) throws Exception {
        ConvTranspose2d d = new ConvTranspose2d("d", 8, 8, 5, 2);
        Random r = new Random(4);
        for (int i = 0; i < d.weight.data.length; i++) {
            d.weight.data[i] = (float) r.nextGaussian() * 0.1f;
        }
        Tensor x = new Tensor(8, h, w);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) r.nextGaussian();
        }
        Tensor whole = d.forward(x, new Tape());
        Tensor banded = new ForkJoinPool(2).submit(() -> d.forward(x, null)).get();
        assertArrayEquals(whole.data, banded.data);
    }
}
