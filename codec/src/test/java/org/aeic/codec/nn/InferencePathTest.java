package org.aeic.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.aeic.codec.model.CheckerboardModel;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inference path (banded, parallel) computes what the training path computes, whatever the thread count. */
class InferencePathTest {
    @Test
    void transposedConvolutionBandsFillTheGemmsColumnTiles() {
        for (int w : new int[] {48, 96, 192, 384}) { // Kodak's widths keep bands of 384 columns: whole tiles of 24 or 64
            assertEquals(384 / w, ConvTranspose2d.bandRows(w, 64));
            assertEquals(384 / w, ConvTranspose2d.bandRows(w, 24));
        }
        // a tiled image's window of 35 latents: 9 rows (315 columns, 5 short of 5 tiles of 64), not 10 (350, 34 short)
        assertEquals(9, ConvTranspose2d.bandRows(35, 64));
        assertEquals(2, ConvTranspose2d.bandRows(280, 64)); // 560 columns (16 short), not 280 (40 short)
        assertEquals(10, ConvTranspose2d.bandRows(35, 1)); // the portable kernel has no column tile
    }

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

    /**
     * A convolution evaluated at the positions with row + column odd only, of an input that is 0 there, gives
     * forward's values at those positions whatever the shape (odd and even sides, a side shorter than the kernel) and
     * thread count; zeros are compared without their sign.
     */
    @ParameterizedTest
    @CsvSource({"1,2,5,1", "2,1,3,1", "2,3,5,2", "7,9,5,3", "32,48,5,2", "5,4,3,2", "3,17,5,1"})
    void convolutionAtOddPositionsEqualsForwardThere(int h, int w, int k, int threads) throws Exception {
        Conv2d conv = new Conv2d("c", 6, 7, k, 1);
        Random r = new Random(h * 100 + w);
        for (int i = 0; i < conv.weight.data.length; i++) {
            conv.weight.data[i] = (float) r.nextGaussian() * 0.2f;
        }
        for (int i = 0; i < conv.bias.data.length; i++) {
            conv.bias.data[i] = i == 0 ? 0f : (float) r.nextGaussian() * 0.1f;
        }
        Tensor x = checkerboardInput(6, h, w, r);
        Tensor full = conv.forward(x, new Tape());
        Tensor odd = new ForkJoinPool(threads).submit(() -> conv.forwardAtOddPositions(x)).get();
        assertEquals(7, odd.c);
        assertEquals((h * w) / 2, odd.plane());
        for (int c = 0; c < 7; c++) {
            int at = 0;
            for (int y = 0; y < h; y++) {
                for (int xx = 1 - (y & 1); xx < w; xx += 2) {
                    assertEquals(full.data[(c * h + y) * w + xx] + 0f, odd.data[c * odd.plane() + at++] + 0f,
                            "channel " + c + " at " + y + "," + xx);
                }
            }
        }
    }

    /** The context model's μ and σ at the others' positions are predict's, bit for bit (the ReLU erases zero signs). */
    @Test
    void contextPredictionAtOthersEqualsFullPrediction() {
        CheckerboardModel context = new CheckerboardModel(8, 6, true);
        context.initRandom(5);
        Random r = new Random(6);
        Tensor anchors = checkerboardInput(6, 9, 14, r);
        Tensor full = context.predict(anchors);
        Tensor others = context.predictOthers(anchors);
        assertEquals(full.c, others.c);
        for (int c = 0; c < full.c; c++) {
            int at = 0;
            for (int y = 0; y < 9; y++) {
                for (int x = 1 - (y & 1); x < 14; x += 2) {
                    assertEquals(Float.floatToRawIntBits(full.data[(c * 9 + y) * 14 + x]),
                            Float.floatToRawIntBits(others.data[c * others.plane() + at++]));
                }
            }
        }
    }

    /** Random values at row + column even (some exact zeros, of both signs), 0 at row + column odd. */
    private static Tensor checkerboardInput(int c, int h, int w, Random r) {
        Tensor x = new Tensor(c, h, w);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int xx = y & 1; xx < w; xx += 2) {
                    int pick = r.nextInt(8);
                    x.data[(ch * h + y) * w + xx] = pick == 0 ? 0f : pick == 1 ? -0f : (float) r.nextGaussian();
                }
            }
        }
        return x;
    }
}
