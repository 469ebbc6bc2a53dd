package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.proto.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Format stability: a committed stream must keep decoding to the committed pixels, and the encoder must keep
 * producing the committed stream, bit for bit (in the spirit of CompressAI's golden-file tests).
 *
 * <p>Files in {@code testdata/golden/} (see {@code testdata/README.md}):
 * {@code tiny-model.aeicm} (an untrained 8/8-channel model), {@code input.png} (48x40 RGBA),
 * {@code input.aeic} (input.png encoded with the tiny model) and {@code expected.png} (input.aeic decoded).
 *
 * <p>A failure here means the bitstream or the decoder's output changed. If that change is intended (a format
 * or model-file change that bumps the version, a deliberate change of the transforms), regenerate the files with
 *
 * <pre>
 *   mvn -pl codec -am test -Dtest=GoldenStreamTest -Dsurefire.failIfNoSpecifiedTests=false -Daeic.regenerateGolden=true
 * </pre>
 *
 * review the diff and commit the new files together with the change that needed them. With the switch set the
 * test rewrites every file and then runs its checks against what it wrote.
 */
class GoldenStreamTest {
    /** {@code -Daeic.regenerateGolden=true}: rewrite the golden files instead of only checking them. */
    static final boolean REGENERATE = Boolean.getBoolean("aeic.regenerateGolden");

    /** Maven runs the tests in the module directory, so the repository's testdata is one level up. */
    static final Path DIR = Path.of("..", "testdata", "golden");
    static final Path MODEL = DIR.resolve("tiny-model.aeicm");
    static final Path INPUT_PNG = DIR.resolve("input.png");
    static final Path STREAM = DIR.resolve("input.aeic");
    static final Path EXPECTED_PNG = DIR.resolve("expected.png");

    static final String MODEL_ID = "aeic-test-tiny";
    static final long MODEL_SEED = 20261127L;
    static final int WIDTH = 48;
    static final int HEIGHT = 40;
    static final double QUALITY = 4;

    @BeforeAll
    static void regenerateIfAsked() throws Exception {
        if (!REGENERATE) {
            return;
        }
        Files.createDirectories(DIR);
        AtomicFiles.write(MODEL, tinyModel());
        ImageSaver.write(inputImage(), INPUT_PNG, "png");
        byte[] stream = encoder().encode(INPUT_PNG);
        AtomicFiles.write(STREAM, stream);
        ImageSaver.write(decoder().decode(stream).toBufferedImage(), EXPECTED_PNG, "png");
    }

    /**
     * Per-channel gains of the one level. The untrained analysis transform gives latents of magnitude below 0.15,
     * which with unit gains would all round to 0 and leave the stream's symbols untested; gains of 150..500 spread
     * them over the table (-22..57 for input.png), one past its -47..48 range, so an escape is coded too.
     */
    static float[] gains() {
        float[] g = new float[8];
        for (int c = 0; c < g.length; c++) {
            g[c] = 150f + 50f * c;
        }
        return g;
    }

    /** The tiny model's file: FactorizedModel(n=8, m=8) with seeded random weights, one level (quality 4). */
    static byte[] tinyModel() {
        FactorizedModel net = new FactorizedModel(8, 8);
        net.initRandom(MODEL_SEED);
        Provenance provenance = Provenance.newBuilder()
                .setTrainer("none: FactorizedModel.initRandom, untrained")
                .setCommand("GoldenStreamTest -Daeic.regenerateGolden=true")
                .setSeed(MODEL_SEED)
                .setSteps(0)
                .setNotes("test fixture for golden-stream and fuzz tests; its reconstructions are not meant to look"
                        + " like the input")
                .build(); // no creation time, so that regenerating gives the same bytes
        return ModelFiles.toProto(net, MODEL_ID, "tiny untrained model for format-stability tests",
                List.of(ModelFiles.qualityLevel(net, 4f, 0.01f, gains())), provenance, Map.of()).toByteArray();
    }

    /** 48x40 RGBA: horizontal and vertical ramps, a checkerboard and a disc (hard edges), alpha that varies. */
    static BufferedImage inputImage() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int r = x * 255 / (WIDTH - 1);
                int g = y * 255 / (HEIGHT - 1);
                int b = ((x / 6 + y / 6) & 1) == 0 ? 40 : 215;
                int dx = x - 30;
                int dy = y - 18;
                if (dx * dx + dy * dy < 100) {
                    r = 250;
                    g = 250 - 3 * y;
                    b = 10;
                }
                int a;
                if (x < 12) {
                    a = 255;                              // opaque band
                } else if (y >= 32) {
                    a = x < 30 ? 0 : 128;                 // transparent and half-transparent blocks
                } else {
                    a = (x * 7 + y * 5) & 0xFF;           // ramps that wrap around
                }
                img.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    static AeicEncoder encoder() throws AeicException {
        return new AeicEncoder(EncodeOptions.defaults().withQuality(QUALITY).withThreads(1),
                ModelRegistry.empty().with(MODEL));
    }

    static AeicDecoder decoder() throws AeicException {
        return new AeicDecoder(DecodeOptions.defaults().withThreads(1), ModelRegistry.empty().with(MODEL));
    }

    @Test
    void committedStreamDecodesToCommittedPixels() throws Exception {
        DecodedImage decoded = decoder().decode(Files.readAllBytes(STREAM));
        assertEquals(WIDTH, decoded.info().width());
        assertEquals(HEIGHT, decoded.info().height());
        BufferedImage actual = decoded.toBufferedImage();
        BufferedImage expected = ImageIO.read(EXPECTED_PNG.toFile());
        assertTrue(actual.getColorModel().hasAlpha(), "decoded image lost its alpha channel");
        assertSamplesEqual(expected.getRaster(), actual.getRaster());
    }

    @Test
    void reencodingTheInputGivesTheCommittedStream() throws Exception {
        byte[] committed = Files.readAllBytes(STREAM);
        byte[] fresh = encoder().encode(INPUT_PNG);
        if (!java.util.Arrays.equals(committed, fresh)) {
            fail("encoding " + INPUT_PNG + " gave " + fresh.length + " bytes that differ from the committed "
                    + committed.length + "-byte " + STREAM + " (first difference at byte "
                    + java.util.Arrays.mismatch(committed, fresh) + "); if the change is intended, rerun with"
                    + " -Daeic.regenerateGolden=true and commit the new files");
        }
    }

    @Test
    void alphaIsLossless() throws Exception {
        PlanarImage source = ImageLoader.read(INPUT_PNG, Long.MAX_VALUE);
        PlanarImage decoded = decoder().decode(Files.readAllBytes(STREAM)).image();
        assertEquals(4, source.channels);
        assertEquals(4, decoded.channels);
        assertArrayEquals(source.alpha, decoded.alpha);
    }

    private static void assertSamplesEqual(Raster expected, Raster actual) {
        assertEquals(expected.getWidth(), actual.getWidth(), "width");
        assertEquals(expected.getHeight(), actual.getHeight(), "height");
        assertEquals(expected.getNumBands(), actual.getNumBands(), "bands");
        int w = expected.getWidth();
        int bands = expected.getNumBands();
        for (int y = 0; y < expected.getHeight(); y++) {
            int[] e = expected.getPixels(0, y, w, 1, (int[]) null);
            int[] a = actual.getPixels(0, y, w, 1, (int[]) null);
            for (int i = 0; i < e.length; i++) {
                if (e[i] != a[i]) {
                    fail("pixel (" + i / bands + ", " + y + ") band " + i % bands + ": expected " + e[i] + ", decoded "
                            + a[i]);
                }
            }
        }
    }
}
