package org.aeic.imageio;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.EncodeOptions;

/**
 * Small deterministic test images of every layout the plugin must carry, and the {@code .aeic} streams under
 * {@code src/test/resources/org/aeic/imageio/} made from them with the codec API and the bundled model.
 *
 * <p>The streams name the bundled model and its SHA-256: when that model is replaced they no longer decode
 * ("made with another version of model"). Regenerate them with
 * <pre>
 * mvn -q -pl codec -am test -Dtest=AeicTestStreamsTest -Daeic.regenerate=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
final class AeicTestImages {
    /** Where the streams live, relative to the codec module. */
    static final String RESOURCE_DIR = "src/test/resources/org/aeic/imageio";

    private AeicTestImages() {
    }

    /** A committed test stream: its file name, the image it was made from, the tile size used (0: the codec's). */
    record Stream(String name, BufferedImage source, int tileSize, boolean truncated) {
        String resource() {
            return "/org/aeic/imageio/" + name;
        }

        int width() {
            return source.getWidth();
        }

        int height() {
            return source.getHeight();
        }
    }

    static List<Stream> streams() {
        return List.of(
                new Stream("rgb-32x24.aeic", rgb(32, 24), 0, false),
                new Stream("grey-17x13.aeic", grey(17, 13), 0, false),
                new Stream("grey-alpha-15x9.aeic", greyAlpha(15, 9), 0, false),
                new Stream("rgba-24x20.aeic", rgba(24, 20), 0, false),
                new Stream("grey16-16x16.aeic", grey16(16, 16), 0, false),
                new Stream("rgb16-20x12.aeic", rgb16(20, 12), 0, false),
                new Stream("palette-16x16.aeic", palette(16, 16), 0, false),
                new Stream("linear-rgb-icc-19x11.aeic", linearRgb(19, 11), 0, false),
                new Stream("tiles-48x40.aeic", rgb(48, 40), 16, false),
                new Stream("rgb-1x1.aeic", rgb(1, 1), 0, false),
                new Stream("truncated-32x24.aeic", rgb(32, 24), 0, true));
    }

    /** Writes every stream into {@code dir}. */
    static void writeStreams(final Path dir) throws AeicException, IOException {
        Files.createDirectories(dir);
        for (Stream s : streams()) {
            EncodeOptions options = EncodeOptions.defaults();
            if (s.tileSize() > 0) {
                options = options.withTileSize(s.tileSize());
            }
            byte[] bytes = new AeicEncoder(options).encode(s.source());
            if (s.truncated()) {
                // keep the header (so the image's size is known), cut the tile payload
                bytes = Arrays.copyOf(bytes, bytes.length * 2 / 3);
                AeicDecoder.info(bytes, DecodeOptions.defaults()); // throws unless the header is still whole
            }
            Files.write(dir.resolve(s.name()), bytes);
        }
    }

    public static void main(final String[] args) throws Exception {
        writeStreams(Path.of(args.length > 0 ? args[0] : RESOURCE_DIR));
    }

    static byte[] read(final Stream s) {
        try (var in = AeicTestImages.class.getResourceAsStream(s.resource())) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + s.resource());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the images: smooth gradients plus some edges, computed, so they are the same on every JDK ---

    private static int wave(final int x, final int y, final int w, final int h, final int phase) {
        double v = 0.5 + 0.35 * Math.sin((x * 5.0 / Math.max(1, w) + y * 3.0 / Math.max(1, h)) + phase)
                + ((x / 4 + y / 4 + phase) % 2 == 0 ? 0.1 : -0.1);
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    static BufferedImage rgb(final int w, final int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, wave(x, y, w, h, 0) << 16 | wave(x, y, w, h, 2) << 8 | wave(x, y, w, h, 4));
            }
        }
        return img;
    }

    static BufferedImage rgba(final int w, final int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a = (x * 255 / Math.max(1, w - 1) + y * 7) & 0xFF;
                img.setRGB(x, y, a << 24 | wave(x, y, w, h, 1) << 16 | wave(x, y, w, h, 3) << 8 | wave(x, y, w, h, 5));
            }
        }
        return img;
    }

    static BufferedImage grey(final int w, final int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, wave(x, y, w, h, 0));
            }
        }
        return img;
    }

    static BufferedImage greyAlpha(final int w, final int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, wave(x, y, w, h, 1));
                r.setSample(x, y, 1, (x * 31 + y * 17) & 0xFF);
            }
        }
        return img;
    }

    static BufferedImage grey16(final int w, final int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, wave(x, y, w, h, 0) * 257 + (x * 13 + y) % 200);
            }
        }
        return img;
    }

    static BufferedImage rgb16(final int w, final int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    r.setSample(x, y, c, wave(x, y, w, h, 2 * c) * 257 + (x + y * 3 + c) % 251);
                }
            }
        }
        return img;
    }

    static BufferedImage palette(final int w, final int h) {
        byte[] red = new byte[16];
        byte[] green = new byte[16];
        byte[] blue = new byte[16];
        for (int i = 0; i < 16; i++) {
            red[i] = (byte) (i * 17);
            green[i] = (byte) (255 - i * 13);
            blue[i] = (byte) ((i * 71) & 0xFF);
        }
        IndexColorModel cm = new IndexColorModel(8, 16, red, green, blue);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, (x / 3 + y / 2) % 16);
            }
        }
        return img;
    }

    /** 8-bit RGB in the JDK's linear RGB space: a stream that carries an ICC profile. */
    static BufferedImage linearRgb(final int w, final int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB), false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    r.setSample(x, y, c, wave(x, y, w, h, c + 1));
                }
            }
        }
        return img;
    }
}
