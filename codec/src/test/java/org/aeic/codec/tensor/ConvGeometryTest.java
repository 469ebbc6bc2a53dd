package org.aeic.codec.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * im2col and col2im against the index map written out element by element, on maps smaller than the kernel too, and on
 * one large enough for the column split to run channels in parallel.
 */
class ConvGeometryTest {

    @ParameterizedTest
    @CsvSource({"2,9,13,5,2", "3,7,6,3,1", "1,1,1,5,2", "2,2,3,5,2", "1,4,2,5,1", "2,11,10,3,2", "2,8,9,3,3",
            "3,240,367,5,2", "4,12,16,5,2", "3,9,12,3,3"})
    void bothMapsMatchTheDefinition(int channels, int h, int w, int k, int stride) {
        ConvGeometry g = ConvGeometry.forConv(channels, h, w, k, stride);
        Random r = new Random(h * 100 + w);
        float[] big = new float[channels * h * w];
        for (int i = 0; i < big.length; i++) {
            big[i] = r.nextFloat() - 0.5f;
        }
        int n = g.smallH() * g.smallW();
        float[] cols = new float[g.patch() * n];
        java.util.Arrays.fill(cols, Float.NaN); // every entry must be written
        g.im2col(big, 0, 0, g.smallH(), cols);
        float[] want = new float[cols.length];
        float[] back = new float[big.length];
        float[] cols2 = new float[cols.length];
        for (int i = 0; i < cols2.length; i++) {
            cols2[i] = r.nextFloat();
        }
        int row = 0;
        for (int c = 0; c < channels; c++) {
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++, row++) {
                    for (int y = 0; y < g.smallH(); y++) {
                        for (int x = 0; x < g.smallW(); x++) {
                            int iy = y * stride + ky - g.pad();
                            int ix = x * stride + kx - g.pad();
                            boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            want[row * n + y * g.smallW() + x] = in ? big[(c * h + iy) * w + ix] : 0f;
                            if (in) {
                                back[(c * h + iy) * w + ix] += cols2[row * n + y * g.smallW() + x];
                            }
                        }
                    }
                }
            }
        }
        assertArrayEquals(want, cols);
        float[] split = g.splitColumns(big, 0);
        int half = g.patch() / 2; // in two blocks of rows, as the convolution asks for them
        float[] first = new float[half * n];
        float[] second = new float[(g.patch() - half) * n];
        java.util.Arrays.fill(first, Float.NaN);
        java.util.Arrays.fill(second, Float.NaN);
        g.im2colSplit(split, 0, g.smallH(), 0, half, first, n);
        g.im2colSplit(split, 0, g.smallH(), half, g.patch(), second, n);
        float[] fromSplit = new float[cols.length];
        System.arraycopy(first, 0, fromSplit, 0, first.length);
        System.arraycopy(second, 0, fromSplit, first.length, second.length);
        assertArrayEquals(want, fromSplit);
        if (g.splitsInPlace()) { // split band by band from a buffer of each band's rows, as a layer writes it
            float[] byBands = new float[big.length];
            int ldBand = w * h + 5;
            for (int b = 0; b < 3; b++) {
                int y0 = h * b / 3;
                int y1 = h * (b + 1) / 3;
                float[] band = new float[channels * ldBand];
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(big, (c * h + y0) * w, band, c * ldBand, (y1 - y0) * w);
                }
                g.splitBand(band, ldBand, y0, y1, byBands);
            }
            assertArrayEquals(split, byBands);
        }
        if (g.splitsInPlace()) { // a map split in its own array reads as the split copy
            float[] own = big.clone();
            assertSame(own, g.splitInPlace(own));
            float[] inPlace = new float[cols.length];
            java.util.Arrays.fill(inPlace, Float.NaN);
            g.im2colSplit(own, 0, g.smallH(), 0, g.patch(), inPlace, n);
            assertArrayEquals(want, inPlace);
        } else {
            assertThrows(IllegalStateException.class, () -> g.splitInPlace(big.clone()));
        }
        float[] got = new float[big.length];
        g.col2im(cols2, got);
        assertArrayEquals(back, got); // same (ky, kx) order of additions: the same bits
    }

    /**
     * Kernel rows added into bands split by column phase, then written back, give addKernelRow's bits on the whole
     * big map (from a bias), for bands of any rows.
     */
    @ParameterizedTest
    @CsvSource({"3,4,7,5,2", "2,5,6,3,1", "2,3,5,3,3", "1,6,9,5,2"})
    void bandsSplitByPhaseGiveTheSameBits(int channels, int smallH, int smallW, int k, int stride) {
        ConvGeometry g = ConvGeometry.forDeconv(channels, smallH, smallW, k, stride);
        java.util.Random r = new java.util.Random(channels * 7L + k);
        int n = smallH * smallW;
        float[] taps = new float[k * k * channels * n];
        for (int i = 0; i < taps.length; i++) {
            taps[i] = (float) r.nextGaussian();
        }
        float[] bias = new float[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = (float) r.nextGaussian();
        }
        float[] whole = new float[channels * g.bigH() * g.bigW()];
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(whole, c * g.bigH() * g.bigW(), (c + 1) * g.bigH() * g.bigW(), bias[c]);
        }
        g.col2im(taps, whole);
        for (int rows : new int[] {1, 2, 3, g.bigH()}) {
            float[] banded = new float[whole.length];
            float[] band = new float[g.bandSize(rows)];
            for (int b0 = 0; b0 < g.bigH(); b0 += rows) {
                int b1 = Math.min(g.bigH(), b0 + rows);
                g.fillBand(band, b0, b1, bias);
                for (int ky = 0; ky < k; ky++) {
                    g.addKernelRowToBand(taps, ky * k * n, k * k * n, n, ky, 0, smallH, band, b0, b1);
                }
                g.unsplitBand(band, b0, b1, banded);
            }
            assertArrayEquals(whole, banded, "bands of " + rows + " rows");
        }
    }
}
