package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.ModelFiles;
import org.junit.jupiter.api.Test;

/** Qualities between the levels of a variable-rate model: interpolated gains and priors, same tables everywhere. */
class FractionalQualityTest {
    static PlanarImage noisy(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] rgb = new float[3 * w * h];
        for (int i = 0; i < rgb.length; i++) {
            int x = i % w;
            rgb[i] = Math.round(255 * Math.max(0, Math.min(1, 0.5 + 0.3 * Math.sin(x * 0.2) + r.nextGaussian() * 0.1)))
                    / 255f;
        }
        return new PlanarImage(w, h, rgb, null, 3, 8, false, null, null);
    }

    @Test
    void aQualityBetweenLevelsCodesBetweenThemAndDecodesWithAFreshModel() throws Exception {
        ModelRegistry enc = ModelRegistry.empty().with(ModelFiles.load(TestModels.variableRateModelBytes("vr", 5)));
        ModelRegistry dec = ModelRegistry.empty().with(ModelFiles.load(TestModels.variableRateModelBytes("vr", 5)));
        assertTrue(enc.list().get(0).fractionalQualities());
        PlanarImage img = noisy(96, 64, 1);
        int previous = 0;
        for (double q : new double[] {1, 1.25, 1.5, 2, 2.5, 3}) {
            byte[] s = new AeicEncoder(EncodeOptions.defaults().withQuality(q), enc).encode(img, TileListener.NONE);
            assertTrue(s.length >= previous, "quality " + q + ": " + s.length + " bytes after " + previous);
            previous = s.length;
            DecodedImage a = new AeicDecoder(DecodeOptions.defaults(), enc).decode(s);
            DecodedImage b = new AeicDecoder(DecodeOptions.defaults().withThreads(1), dec).decode(s);
            assertEquals((float) q, a.info().quality());
            assertArrayEquals(a.image().rgb, b.image().rgb);
        }
    }

    @Test
    void interpolatedLevelsAreBuiltTheSameWayEveryTime() throws Exception {
        CodecModel one = ModelFiles.load(TestModels.variableRateModelBytes("vr", 9));
        CodecModel two = ModelFiles.load(TestModels.variableRateModelBytes("vr", 9));
        CodecModel.Level a = one.levelFor(2.375f);
        CodecModel.Level b = two.levelFor(2.375f);
        assertNotSame(a, b);
        assertEquals(2.375f, a.quality());
        assertArrayEquals(a.gain(), b.gain());
        assertArrayEquals(a.center(), b.center());
        int channels = a.tables().length;
        int[] symbols = new int[channels * 500];
        Random r = new Random(3);
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = (int) Math.round(r.nextGaussian() * 3);
        }
        for (int c = 0; c < channels; c++) {
            assertEquals(a.tables()[c].minSymbol(), b.tables()[c].minSymbol());
            assertEquals(a.tables()[c].size(), b.tables()[c].size());
        }
        // same frequencies ⇔ same code for the same symbols
        assertArrayEquals(LatentCoder.encode(symbols, channels, 500, a.tables()),
                LatentCoder.encode(symbols, channels, 500, b.tables()));
        // gains lie between those of the neighbouring levels (2 and 4 here)
        for (float g : a.gain()) {
            assertTrue(g > one.levelExactly(2f).gain()[0] && g < one.levelExactly(3f).gain()[0], "gain " + g);
        }
        assertSame(one.levelExactly(2f), one.level(2.0)); // stored levels are used as they are
        assertSame(one.levelFor(2.375f), one.levelFor(2.375f)); // and interpolated ones cached
        assertEquals(1f, one.level(0.5).quality()); // outside the levels: the nearest
        assertEquals(null, one.levelFor(3.5f));
    }

    @Test
    void aSingleRateModelSnapsToItsLevel() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry("one", 3);
        assertFalse(reg.list().get(0).fractionalQualities());
        byte[] s = new AeicEncoder(EncodeOptions.defaults().withQuality(4.4), reg).encode(noisy(32, 32, 2),
                TileListener.NONE);
        assertEquals(4f, new AeicDecoder(DecodeOptions.defaults(), reg).decode(s).info().quality());
    }
}
