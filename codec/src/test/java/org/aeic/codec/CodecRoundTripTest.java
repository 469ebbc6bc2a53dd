package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.tensor.Tensor;
import org.aeic.codec.tiling.Tiling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodecRoundTripTest {
    private static PlanarImage image(int w, int h, boolean alpha, long seed) {
        Random r = new Random(seed);
        float[] rgb = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(x * 0.1 * (c + 1) + y * 0.07) + r.nextGaussian() * 0.02);
                }
            }
        }
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = Math.round(Math.max(0, Math.min(1, rgb[i])) * 255) / 255f;
        }
        int[] a = null;
        if (alpha) {
            a = new int[w * h];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextInt(256);
            }
        }
        return new PlanarImage(w, h, rgb, a, alpha ? 4 : 3, 8, false, null, null);
    }

    @ParameterizedTest
    @CsvSource({"1,1,false", "17,9,true", "64,48,false", "33,130,true"})
    void roundTripKeepsShapeAlphaAndHeader(int w, int h, boolean alpha) throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry("tiny-a", 1);
        PlanarImage src = image(w, h, alpha, w * 100L + h);
        byte[] stream = new AeicEncoder(EncodeOptions.defaults(), reg).encode(src, TileListener.NONE);
        StreamInfo info = AeicDecoder.info(stream, DecodeOptions.defaults());
        assertEquals(w, info.width());
        assertEquals(h, info.height());
        assertEquals("tiny-a", info.modelId());
        assertEquals(stream.length, info.bytes());
        DecodedImage out = new AeicDecoder(DecodeOptions.defaults(), reg).decode(stream);
        assertEquals(w, out.image().width);
        assertEquals(h, out.image().height);
        if (alpha) {
            assertArrayEquals(src.alpha, out.image().alpha, "alpha is lossless");
        } else {
            assertNull(out.image().alpha);
        }
        for (float v : out.image().rgb) {
            assertTrue(v >= 0 && v <= 1);
        }
        assertEquals(alpha ? 4 : 3, out.toBufferedImage().getColorModel().getNumComponents());
    }

    @Test
    void outputDoesNotDependOnThreadCount() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry("tiny-b", 2);
        PlanarImage src = image(1100, 70, false, 5); // 3 tiles of 512
        List<byte[]> streams = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        for (int t = 1; t <= 3; t++) {
            byte[] s = new AeicEncoder(EncodeOptions.defaults().withThreads(t), reg).encode(src, TileListener.NONE);
            streams.add(s);
            pixels.add(new AeicDecoder(DecodeOptions.defaults().withThreads(t), reg).decode(s).image().rgb);
        }
        for (int t = 1; t < 3; t++) {
            assertArrayEquals(streams.get(0), streams.get(t), "stream with " + (t + 1) + " threads");
            assertArrayEquals(pixels.get(0), pixels.get(t), "pixels with " + (t + 1) + " threads");
        }
        assertEquals(3, AeicDecoder.info(streams.get(0), DecodeOptions.defaults()).tiles());
    }

    @Test
    void tilingDoesNotChangeTheImage() throws Exception {
        // tiles are analysed and synthesised with context around them: no seams, bit for bit the whole image
        ModelRegistry reg = TestModels.tinyRegistry("tiny-g", 8);
        PlanarImage src = image(250, 170, false, 11);
        AeicDecoder dec = new AeicDecoder(DecodeOptions.defaults(), reg);
        byte[] whole = new AeicEncoder(EncodeOptions.defaults(), reg).encode(src, TileListener.NONE);
        assertEquals(1, AeicDecoder.info(whole, DecodeOptions.defaults()).tiles());
        float[] reference = dec.decode(whole).image().rgb;
        for (int tile : new int[] {64, 96, 128}) {
            byte[] tiled = new AeicEncoder(EncodeOptions.defaults().withTileSize(tile), reg).encode(src, TileListener.NONE);
            assertTrue(AeicDecoder.info(tiled, DecodeOptions.defaults()).tiles() > 1);
            assertArrayEquals(reference, dec.decode(tiled).image().rgb, "tile size " + tile);
            PlanarImage part = dec.decode(tiled, new Rectangle(60, 50, 80, 40), TileListener.NONE).image();
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 80; x++) {
                    assertEquals(reference[(50 + y) * 250 + 60 + x], part.rgb[y * 80 + x]);
                }
            }
        }
    }

    @Test
    void tileWindowsGiveTheWholeImagesFloats() throws Exception {
        // the windows are the transforms' receptive fields (Tiling): each tile's latent, and each tile's pixels
        // synthesised from its window of the latent, equal the whole image's, float for float, before rounding
        CodecModel model = TestModels.tinyRegistry("tiny-w", 9).require("tiny-w");
        PlanarImage src = image(250, 170, false, 12);
        int ts = 64;
        Tensor whole = AeicEncoder.analyzeTile(model, src, new Tiling.TileRect(0, 0, 250, 170), 0);
        Tensor pixels = model.net.synthesis.forward(copy(whole), null);
        for (int i = 0; i < Tiling.tilesAlong(250, ts) * Tiling.tilesAlong(170, ts); i++) {
            Tiling.TileRect r = Tiling.tileRect(250, 170, ts, i);
            int lh = Tiling.latentSize(r.height());
            int lw = Tiling.latentSize(r.width());
            Tensor y = AeicEncoder.analyzeTile(model, src, r, Tiling.OVERLAP);
            assertArrayEquals(AeicEncoder.crop(whole, r.y() / 16, r.x() / 16, lh, lw).data, y.data, "latent of tile " + i);
            Rectangle lr = Tiling.synthesisWindow(250, 170, r, Tiling.OVERLAP, model.net.synthesis);
            Tensor x = model.net.synthesis.forward(AeicEncoder.crop(whole, lr.y, lr.x, lr.height, lr.width), null);
            Tensor mine = AeicEncoder.crop(x, r.y() - 16 * lr.y, r.x() - 16 * lr.x, r.height(), r.width());
            assertArrayEquals(AeicEncoder.crop(pixels, r.y(), r.x(), r.height(), r.width()).data, mine.data,
                    "pixels of tile " + i);
        }
    }

    private static Tensor copy(Tensor t) {
        Tensor c = new Tensor(t.c, t.h, t.w);
        System.arraycopy(t.data, 0, c.data, 0, t.data.length);
        return c;
    }

    @Test
    void regionDecodeEqualsCropOfFullDecode() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry("tiny-c", 3);
        PlanarImage src = image(1030, 40, true, 6);
        byte[] s = new AeicEncoder(EncodeOptions.defaults(), reg).encode(src, TileListener.NONE);
        AeicDecoder dec = new AeicDecoder(DecodeOptions.defaults(), reg);
        PlanarImage full = dec.decode(s).image();
        Rectangle region = new Rectangle(500, 5, 30, 20); // straddles two tiles
        List<Integer> seen = new ArrayList<>();
        PlanarImage part = dec.decode(s, region, (done, total) -> seen.add(done)).image();
        assertEquals(List.of(1, 2), seen, "only the two tiles the region touches are decoded");
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < region.height; y++) {
                for (int x = 0; x < region.width; x++) {
                    assertEquals(full.rgb[(c * full.height + region.y + y) * full.width + region.x + x],
                            part.rgb[(c * region.height + y) * region.width + x]);
                }
            }
        }
        assertEquals(full.alpha[(region.y + 3) * full.width + region.x + 7], part.alpha[3 * region.width + 7]);
    }

    @Test
    void listenerCanAbort() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry("tiny-d", 4);
        PlanarImage src = image(1100, 20, false, 7);
        assertThrows(AeicAbortedException.class, () -> new AeicEncoder(EncodeOptions.defaults(), reg)
                .encode(src, (done, total) -> done < 2));
    }

    @Test
    void refusesStreamsOfUnknownOrDifferentModels() throws Exception {
        byte[] s = new AeicEncoder(EncodeOptions.defaults(), TestModels.tinyRegistry("tiny-e", 5))
                .encode(image(20, 20, false, 8), TileListener.NONE);
        AeicException unknown = assertThrows(AeicException.class,
                () -> new AeicDecoder(DecodeOptions.defaults(), TestModels.tinyRegistry("other", 5)).decode(s));
        assertTrue(unknown.getMessage().contains("tiny-e"), unknown.getMessage());
        AeicException changed = assertThrows(AeicException.class,
                () -> new AeicDecoder(DecodeOptions.defaults(), TestModels.tinyRegistry("tiny-e", 6)).decode(s));
        assertTrue(changed.getMessage().contains("another version"), changed.getMessage());
    }

    @Test
    void decoderRefusesHugeImagesBeforeAllocating() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry("tiny-f", 7);
        byte[] s = new AeicEncoder(EncodeOptions.defaults(), reg).encode(image(64, 64, false, 9), TileListener.NONE);
        AeicException e = assertThrows(AeicException.class,
                () -> new AeicDecoder(DecodeOptions.defaults().withMaxPixels(1000), reg).decode(s));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void bundledModelLoads() throws Exception {
        ModelRegistry reg = ModelRegistry.bundled();
        assertTrue(reg.defaultId() != null, "a default model is bundled");
        ModelInfo info = reg.list().get(0);
        assertTrue(info.parameters() > 100_000);
        assertTrue(info.qualities().contains(4f));
    }
}
