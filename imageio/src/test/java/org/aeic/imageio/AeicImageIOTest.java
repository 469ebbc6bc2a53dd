package org.aeic.imageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOWriteProgressListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.EncodeOptions;
import org.aeic.proto.StreamHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as an application sees it: only {@link ImageIO} and the reader, writer and params it hands out. The
 * codec API serves as the oracle for pixel values (the bundled model's fidelity is not this plugin's business).
 */
class AeicImageIOTest {
    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- lookup and sniffing

    @Test
    void imageIoFindsReaderAndWriterByNameSuffixAndMimeType() {
        for (String name : List.of("aeic", "AEIC")) {
            assertTrue(ImageIO.getImageReadersByFormatName(name).hasNext(), name);
            assertTrue(ImageIO.getImageWritersByFormatName(name).hasNext(), name);
        }
        assertTrue(ImageIO.getImageReadersBySuffix("aeic").hasNext());
        assertTrue(ImageIO.getImageWritersBySuffix("aeic").hasNext());
        assertTrue(ImageIO.getImageReadersByMIMEType("image/x-aeic").hasNext());
        assertTrue(ImageIO.getImageWritersByMIMEType("image/x-aeic").hasNext());
        assertTrue(Arrays.asList(ImageIO.getReaderFileSuffixes()).contains("aeic"));
        assertTrue(Arrays.asList(ImageIO.getWriterMIMETypes()).contains("image/x-aeic"));
        ImageReader reader = ImageIO.getImageReadersByFormatName("aeic").next();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        assertSame(reader.getClass(), ImageIO.getImageReader(writer).getClass());
        assertSame(writer.getClass(), ImageIO.getImageWriter(reader).getClass());
    }

    @Test
    void anAeicStreamIsClaimedWithoutBeingConsumed() throws IOException {
        byte[] bytes = stream("rgb-32x24.aeic");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            assertTrue(readers.hasNext());
            assertEquals("aeic", readers.next().getFormatName());
            assertEquals(0, in.getStreamPosition());
        }
    }

    @Test
    void otherStreamsAreNotClaimed() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(AeicTestImages.rgb(8, 8), "png", png);
        byte[] magic = Arrays.copyOf(stream("rgb-1x1.aeic"), 8);
        List<byte[]> foreign = new ArrayList<>(List.of(png.toByteArray(), new byte[0], "not an image".getBytes()));
        for (int n = 1; n < 8; n++) {
            foreign.add(Arrays.copyOf(magic, n)); // a prefix of the magic is not the magic
        }
        byte[] almost = magic.clone();
        almost[7] ^= 1;
        foreign.add(almost);
        for (byte[] bytes : foreign) {
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                for (Iterator<ImageReader> it = ImageIO.getImageReaders(in); it.hasNext(); ) {
                    assertFalse(it.next().getFormatName().equalsIgnoreCase("aeic"), Arrays.toString(bytes));
                }
                assertEquals(0, in.getStreamPosition());
            }
        }
        BufferedImage fromPng = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(8, fromPng.getWidth());
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripsKeepLayoutAlphaAndIcc() throws Exception {
        record Case(String what, BufferedImage image, int expectedType, int channels, int bitDepth) {
        }
        IndexColorModel translucent = new IndexColorModel(8, 4, new byte[] {0, (byte) 255, 0, 90},
                new byte[] {0, 0, (byte) 255, 90}, new byte[] {(byte) 255, 0, 0, 90}, new byte[] {(byte) 255, 0, 77,
                (byte) 200});
        BufferedImage paletteAlpha = new BufferedImage(13, 7, BufferedImage.TYPE_BYTE_INDEXED, translucent);
        for (int i = 0; i < 13 * 7; i++) {
            paletteAlpha.getRaster().setSample(i % 13, i / 13, 0, i % 4);
        }
        List<Case> cases = List.of(
                new Case("grey", AeicTestImages.grey(17, 13), BufferedImage.TYPE_BYTE_GRAY, 1, 8),
                new Case("grey + alpha", AeicTestImages.greyAlpha(15, 9), BufferedImage.TYPE_CUSTOM, 2, 8),
                new Case("RGB int", AeicTestImages.rgb(31, 17), BufferedImage.TYPE_3BYTE_BGR, 3, 8),
                new Case("RGB bytes", convert(AeicTestImages.rgb(9, 23), BufferedImage.TYPE_3BYTE_BGR),
                        BufferedImage.TYPE_3BYTE_BGR, 3, 8),
                new Case("RGBA", AeicTestImages.rgba(24, 20), BufferedImage.TYPE_4BYTE_ABGR, 4, 8),
                new Case("16-bit grey", AeicTestImages.grey16(16, 16), BufferedImage.TYPE_USHORT_GRAY, 1, 16),
                new Case("16-bit RGB", AeicTestImages.rgb16(20, 12), BufferedImage.TYPE_CUSTOM, 3, 16),
                new Case("palette", AeicTestImages.palette(16, 16), BufferedImage.TYPE_3BYTE_BGR, 3, 8),
                new Case("palette + alpha", paletteAlpha, BufferedImage.TYPE_4BYTE_ABGR, 4, 8),
                new Case("ICC", AeicTestImages.linearRgb(19, 11), BufferedImage.TYPE_CUSTOM, 3, 8),
                new Case("1x1", AeicTestImages.rgb(1, 1), BufferedImage.TYPE_3BYTE_BGR, 3, 8),
                new Case("1x37", AeicTestImages.grey(1, 37), BufferedImage.TYPE_BYTE_GRAY, 1, 8),
                new Case("61x3", AeicTestImages.rgba(61, 3), BufferedImage.TYPE_4BYTE_ABGR, 4, 8),
                new Case("63x63", AeicTestImages.rgb(63, 63), BufferedImage.TYPE_3BYTE_BGR, 3, 8));
        AeicDecoder decoder = new AeicDecoder(DecodeOptions.defaults());
        for (Case c : cases) {
            File file = tmp.resolve(c.what().replace(' ', '_') + ".aeic").toFile();
            assertTrue(ImageIO.write(c.image(), "aeic", file), c.what());
            byte[] written = Files.readAllBytes(file.toPath());
            // the plugin writes what the codec writes, and reads what the codec reads
            assertArrayEquals(new AeicEncoder(EncodeOptions.defaults()).encode(c.image()), written, c.what());
            StreamHeader h = header(written);
            assertEquals(c.channels(), h.getChannels(), c.what());
            assertEquals(c.bitDepth(), h.getBitDepth(), c.what());

            BufferedImage back = ImageIO.read(file);
            assertNotNull(back, c.what());
            assertEquals(c.image().getWidth(), back.getWidth(), c.what());
            assertEquals(c.image().getHeight(), back.getHeight(), c.what());
            assertEquals(c.expectedType(), back.getType(), c.what());
            assertEquals(c.channels(), back.getRaster().getNumBands(), c.what());
            assertEquals(c.bitDepth(), back.getColorModel().getComponentSize(0), c.what());
            assertSamplesEqual(decoder.decode(written).toBufferedImage(), back, c.what());
            if (back.getColorModel().hasAlpha()) { // alpha is coded losslessly
                assertArrayEquals(alpha(c.image()), alpha(back), c.what());
            }
        }
        // the ICC profile comes back as given
        BufferedImage icc = ImageIO.read(tmp.resolve("ICC.aeic").toFile());
        assertArrayEquals(((ICC_ColorSpace) ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB)).getProfile().getData(),
                ((ICC_ColorSpace) icc.getColorModel().getColorSpace()).getProfile().getData());
    }

    @Test
    void rastersAreWrittenByTheirBandCount() throws IOException {
        BufferedImage rgba = AeicTestImages.rgba(12, 10);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        assertTrue(writer.canWriteRasters());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(buffer)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgba.getRaster(), null, null), null);
        }
        writer.dispose();
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(buffer.toByteArray()));
        assertEquals(BufferedImage.TYPE_4BYTE_ABGR, back.getType());
        assertArrayEquals(alpha(rgba), alpha(back));
    }

    @Test
    void writeParamRegionSubsamplingAndBands() throws IOException {
        BufferedImage rgba = AeicTestImages.rgba(40, 30);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setSourceRegion(new Rectangle(5, 3, 21, 20));
        param.setSourceSubsampling(2, 3, 1, 0);
        param.setSourceBands(new int[] {0, 1, 2}); // R, G, B without alpha
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(write(writer, rgba, param)));
        assertEquals(10, back.getWidth()); // columns 6, 8, ..., 24
        assertEquals(7, back.getHeight()); // rows 3, 6, ..., 21
        assertFalse(back.getColorModel().hasAlpha());
        writer.dispose();
    }

    // ---------------------------------------------------------------- read params

    @Test
    void regionAndSubsamplingReadsEqualCroppingAndSubsamplingTheFullDecode() throws IOException {
        for (String name : List.of("tiles-48x40.aeic", "rgba-24x20.aeic", "grey16-16x16.aeic",
                "linear-rgb-icc-19x11.aeic")) {
            ImageReader reader = reader(name);
            BufferedImage full = reader.read(0);
            int w = full.getWidth();
            int h = full.getHeight();
            Rectangle[] regions = {new Rectangle(0, 0, w, h), new Rectangle(5, 7, 11, 6), new Rectangle(15, 1, 18, 30),
                    new Rectangle(w - 1, h - 1, 1, 1), new Rectangle(3, 0, 1, h), new Rectangle(w - 5, h - 6, 20, 20)};
            for (Rectangle region : regions) {
                for (int[] sub : new int[][] {{1, 1, 0, 0}, {2, 2, 0, 0}, {3, 2, 1, 1}, {1, 4, 0, 3}, {5, 5, 4, 2}}) {
                    Rectangle clipped = region.intersection(new Rectangle(w, h));
                    if (clipped.width <= sub[2] || clipped.height <= sub[3]) {
                        continue; // the offsets leave nothing of this region
                    }
                    ImageReadParam param = reader.getDefaultReadParam();
                    param.setSourceRegion(region);
                    param.setSourceSubsampling(sub[0], sub[1], sub[2], sub[3]);
                    BufferedImage part = reader.read(0, param);
                    String what = name + " " + region + " " + Arrays.toString(sub);
                    assertEquals(full.getType(), part.getType(), what);
                    assertEquals((clipped.width - sub[2] + sub[0] - 1) / sub[0], part.getWidth(), what);
                    assertEquals((clipped.height - sub[3] + sub[1] - 1) / sub[1], part.getHeight(), what);
                    for (int y = 0; y < part.getHeight(); y++) {
                        for (int x = 0; x < part.getWidth(); x++) {
                            int sx = clipped.x + sub[2] + x * sub[0];
                            int sy = clipped.y + sub[3] + y * sub[1];
                            assertArrayEquals(full.getRaster().getPixel(sx, sy, (int[]) null),
                                    part.getRaster().getPixel(x, y, (int[]) null), what + " at " + x + "," + y);
                        }
                    }
                }
            }
            reader.dispose();
        }
    }

    @Test
    void aRegionDecodesOnlyTheTilesItTouches() throws IOException {
        ImageReader reader = reader("tiles-48x40.aeic"); // 3 x 3 tiles of 16
        List<String> events = new ArrayList<>();
        reader.addIIOReadProgressListener(recorder(events));
        reader.read(0);
        assertEquals(9, count(events, "progress") - 1, events.toString()); // one per tile, then 100 %
        for (Object[] c : new Object[][] {{new Rectangle(2, 2, 10, 10), 1}, {new Rectangle(10, 10, 10, 4), 2},
                {new Rectangle(15, 15, 2, 2), 4}, {new Rectangle(0, 33, 48, 7), 3}}) {
            events.clear();
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion((Rectangle) c[0]);
            reader.read(0, param);
            assertEquals((int) c[1], count(events, "progress") - 1, c[0] + " " + events);
        }
        reader.dispose();
    }

    @Test
    void destinationImageTypeAndOffset() throws IOException {
        ImageReader reader = reader("rgba-24x20.aeic");
        BufferedImage full = reader.read(0);

        // every declared type, as destination image and as destination type
        for (Iterator<ImageTypeSpecifier> it = reader.getImageTypes(0); it.hasNext(); ) {
            ImageTypeSpecifier type = it.next();
            ImageReadParam param = reader.getDefaultReadParam();
            BufferedImage destination = type.createBufferedImage(30, 25);
            param.setDestination(destination);
            param.setDestinationOffset(new Point(4, 3));
            assertSame(destination, reader.read(0, param));
            boolean premultiplied = type.getColorModel().isAlphaPremultiplied();
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 24; x++) {
                    int[] expected = full.getRaster().getPixel(x, y, (int[]) null); // R, G, B, A
                    for (int c = 0; premultiplied && c < 3; c++) {
                        expected[c] = (expected[c] * expected[3] + 127) / 255;
                    }
                    assertArrayEquals(expected, destination.getRaster().getPixel(x + 4, y + 3, (int[]) null),
                            type.getBufferedImageType() + " at " + x + "," + y);
                }
            }
            assertEquals(0, destination.getRGB(0, 0)); // outside the offset region: untouched

            ImageReadParam typed = reader.getDefaultReadParam();
            typed.setDestinationType(type);
            BufferedImage result = reader.read(0, typed);
            assertEquals(type.getColorModel(), result.getColorModel());
        }

        // 16 bits into an 8-bit destination: samples rescaled
        ImageReader grey16 = reader("grey16-16x16.aeic");
        BufferedImage wide = grey16.read(0);
        ImageReadParam param = grey16.getDefaultReadParam();
        param.setDestinationType(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_BYTE_GRAY));
        BufferedImage narrow = grey16.read(0, param);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int v = wide.getRaster().getSample(x, y, 0);
                assertEquals(Math.round(v * 255 / 65535.0), narrow.getRaster().getSample(x, y, 0), x + "," + y);
            }
        }

        // source bands: blue and red swapped
        ImageReadParam bands = reader.getDefaultReadParam();
        bands.setSourceBands(new int[] {2, 1, 0, 3});
        BufferedImage swapped = reader.read(0, bands);
        for (int c = 0; c < 4; c++) {
            assertEquals(full.getRaster().getSample(7, 5, new int[] {2, 1, 0, 3}[c]),
                    swapped.getRaster().getSample(7, 5, c));
        }

        // a declared type that does not fit is refused like every ImageIO reader refuses it
        ImageReadParam wrong = reader.getDefaultReadParam();
        wrong.setDestinationType(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_BYTE_GRAY));
        assertThrows(IIOException.class, () -> reader.read(0, wrong));
        reader.dispose();
        grey16.dispose();
    }

    @Test
    void iccSourceIntoSrgbDestinationsIsColourConverted() throws IOException {
        ImageReader reader = reader("linear-rgb-icc-19x11.aeic");
        BufferedImage raw = reader.read(0);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setDestinationType(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB));
        BufferedImage srgb = reader.read(0, param);
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 19; x++) {
                assertRgbClose(raw.getRGB(x, y), srgb.getRGB(x, y), 2, x + "," + y); // getRGB converts too
            }
        }
        reader.dispose();
    }

    // ---------------------------------------------------------------- listeners and abort

    @Test
    void readListenersAreCalledInOrder() throws IOException {
        ImageReader reader = reader("tiles-48x40.aeic");
        List<String> events = new ArrayList<>();
        List<Float> progress = new ArrayList<>();
        reader.addIIOReadProgressListener(recorder(events, progress::add));
        reader.read(0);
        assertEquals("started", events.get(0));
        assertEquals("complete", events.get(events.size() - 1));
        assertEquals(events.size() - 2, count(events, "progress"));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i - 1) <= progress.get(i), progress.toString());
        }
        assertEquals(100f, progress.get(progress.size() - 1));
        reader.dispose();
    }

    @Test
    void writeListenersAreCalledInOrder() throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        List<String> events = new ArrayList<>();
        List<Float> progress = new ArrayList<>();
        writer.addIIOWriteProgressListener(writeRecorder(events, progress::add));
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
        param.setTiling(16, 16, 0, 0);
        byte[] bytes = write(writer, AeicTestImages.rgb(40, 20), param);
        assertEquals(List.of("started", "progress", "progress", "progress", "progress", "progress", "progress",
                "progress", "complete"), events); // 3 x 2 tiles, then 100 %
        assertEquals(100f, progress.get(progress.size() - 1));
        assertEquals(16, header(bytes).getTileSize());
        assertEquals(6, header(bytes).getTileBytesCount());
        writer.dispose();
    }

    @Test
    void aListenersOwnFailureStopsCodingAndComesOutAsItIs() throws IOException {
        ImageReader reader = reader("tiles-48x40.aeic");
        List<Float> seen = new ArrayList<>();
        reader.addIIOReadProgressListener(recorder(new ArrayList<>(), p -> {
            seen.add(p);
            throw new IllegalStateException("listener broke");
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.read(0));
        assertEquals("listener broke", e.getMessage());
        assertEquals(1, seen.size()); // the decoder stopped after the first tile
        reader.dispose();

        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        writer.addIIOWriteProgressListener(writeRecorder(new ArrayList<>(), p -> {
            throw new IllegalStateException("listener broke too");
        }));
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
        param.setTiling(16, 16, 0, 0);
        IllegalStateException w = assertThrows(IllegalStateException.class,
                () -> write(writer, AeicTestImages.rgb(40, 20), param));
        assertEquals("listener broke too", w.getMessage());
        writer.dispose();
    }

    @Test
    void abortStopsReadingEarly() throws IOException {
        ImageReader reader = reader("tiles-48x40.aeic");
        List<String> events = new ArrayList<>();
        reader.addIIOReadProgressListener(recorder(events, p -> reader.abort()));
        BufferedImage image = reader.read(0);
        assertNotNull(image);
        assertEquals(List.of("started", "progress", "aborted"), events); // 1 of 9 tiles decoded

        events.clear(); // the next read starts afresh
        reader.removeAllIIOReadProgressListeners();
        reader.addIIOReadProgressListener(recorder(events));
        reader.read(0);
        assertEquals("complete", events.get(events.size() - 1));
        reader.dispose();
    }

    @Test
    void abortStopsWritingEarlyAndWritesNothing() throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        List<String> events = new ArrayList<>();
        writer.addIIOWriteProgressListener(writeRecorder(events, p -> writer.abort()));
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
        param.setTiling(16, 16, 0, 0);
        assertEquals(0, write(writer, AeicTestImages.rgb(64, 64), param).length);
        assertEquals(List.of("started", "progress", "aborted"), events); // 1 of 16 tiles coded
        writer.dispose();
    }

    // ---------------------------------------------------------------- damaged input

    @Test
    void everyTruncationAndEveryFlippedByteIsAnIioException() {
        byte[] good = stream("rgb-1x1.aeic");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < good.length; n++) {
                assertReadFails(Arrays.copyOf(good, n), "truncated at " + n);
            }
            for (int i = 0; i < good.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] bad = good.clone();
                    bad[i] ^= (byte) bit;
                    assertReadFails(bad, "byte " + i + " ^ " + bit);
                }
            }
        });
    }

    @Test
    void damageIsReportedInOneClearLine() throws IOException {
        byte[] good = stream("rgb-32x24.aeic");
        byte[] tile = good.clone();
        tile[good.length - 20] ^= 0x10;
        assertEquals("Cannot read AEIC image: CRC mismatch in tile 0", readFailure(tile).getMessage());
        assertEquals("Cannot read AEIC image: truncated AEIC stream: the header declares " + good.length
                + " bytes, only " + (good.length - 5) + " are present",
                readFailure(Arrays.copyOf(good, good.length - 5)).getMessage());
        byte[] version = good.clone();
        version[9] = 9;
        assertTrue(readFailure(version).getMessage().contains("unsupported AEIC format version 9"));
        // a non-AEIC stream handed to the AEIC reader directly
        assertTrue(readFailure("GIF89a..........".getBytes()).getMessage().contains("not an AEIC stream"));

        // a huge declared size is refused from the header, before anything is allocated
        StreamHeader h = header(good).toBuilder().setWidth(1_000_000).setHeight(1_000_000).build();
        byte[] huge = withHeader(good, h);
        String message = readFailure(huge).getMessage();
        assertTrue(message.contains("exceeds the limit"), message);
        ImageReader reader = ImageIO.getImageReadersByFormatName("aeic").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(huge)));
        assertThrows(IIOException.class, () -> reader.getWidth(0));
    }

    @Test
    void garbageTilesWithValidCrcsAreReadOrRefusedCleanly() throws IOException {
        byte[] good = stream("tiles-48x40.aeic");
        StreamHeader h = header(good);
        int at = 14 + h.getSerializedSize() + 4;
        java.util.Random random = new java.util.Random(42);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 20; round++) {
                byte[] bad = good.clone();
                int pos = at;
                for (int t = 0; t < h.getTileBytesCount(); t++) {
                    int n = h.getTileBytes(t);
                    for (int i = 0; i < n; i++) {
                        if (round % 2 == 0 || random.nextInt(8) == 0) {
                            bad[pos + i] = (byte) random.nextInt(256);
                        }
                    }
                    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                    crc.update(bad, pos, n);
                    int c = (int) crc.getValue();
                    bad[pos + n] = (byte) (c >>> 24);
                    bad[pos + n + 1] = (byte) (c >>> 16);
                    bad[pos + n + 2] = (byte) (c >>> 8);
                    bad[pos + n + 3] = (byte) c;
                    pos += n + 4;
                }
                ImageReader reader = ImageIO.getImageReadersByFormatName("aeic").next();
                reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(bad)));
                try {
                    assertEquals(48, reader.read(0).getWidth()); // the entropy coder may well decode noise
                } catch (IIOException e) {
                    assertTrue(e.getMessage().startsWith("Cannot read AEIC image: "), e.getMessage());
                } finally {
                    reader.dispose();
                }
            }
        });
    }

    @Test
    void trailingBytesAfterTheStreamAreLeftAlone() throws IOException {
        byte[] good = stream("rgb-32x24.aeic");
        byte[] padded = Arrays.copyOf(good, good.length + 100);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(padded))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertEquals(32, reader.read(0).getWidth());
        }
    }

    // ---------------------------------------------------------------- metadata and params through ImageIO

    @Test
    void explicitQualityAndModelAreWrittenAndCopiedFromMetadata() throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("aeic").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        String model = param.getCompressionTypes()[0];
        param.setCompressionType(model);
        org.aeic.codec.ModelInfo info = org.aeic.codec.ModelRegistry.bundled().list().get(0);
        List<Float> levels = info.qualities();
        for (float q : new float[] {0f, 0.5f, 0.55f, 1f}) {
            param.setCompressionQuality(q);
            StreamHeader h = header(write(writer, AeicTestImages.rgb(16, 16), param));
            assertEquals(model, h.getModelId());
            double aeic = 1 + 7.0 * q; // a variable-rate model codes it as it is, others use the nearest level
            boolean between = info.fractionalQualities() && aeic > levels.get(0) && aeic < levels.get(levels.size() - 1);
            assertEquals(between ? aeic : nearest(levels, aeic), h.getQuality(), 1e-6, "q=" + q);
        }

        // transcoding with the metadata of a read image keeps model, quality and tiles
        ImageReader reader = reader("tiles-48x40.aeic");
        IIOImage image = reader.readAll(0, null);
        IIOMetadata metadata = image.getMetadata();
        assertNotNull(writer.convertImageMetadata(metadata, null, null));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(buffer)) {
            writer.setOutput(out);
            writer.write(null, image, writer.getDefaultWriteParam()); // MODE_COPY_FROM_METADATA is the default
        }
        StreamHeader copied = header(buffer.toByteArray());
        assertEquals(16, copied.getTileSize());
        assertEquals(header(stream("tiles-48x40.aeic")).getQuality(), copied.getQuality());
        writer.dispose();
        reader.dispose();
    }

    // ---------------------------------------------------------------- class loaders

    @Test
    void aChildClassLoaderRegistersThePluginWithScanForPlugins() throws Exception {
        // the plugin, the codec and their dependencies in a loader of their own, as in a web or plugin container
        List<URL> urls = new ArrayList<>();
        for (Class<?> c : List.of(AeicImageReaderSpi.class, AeicDecoder.class, StreamHeader.class, com.google.protobuf.Message.class,
                com.twelvemonkeys.imageio.ImageReaderBase.class, com.twelvemonkeys.lang.Validate.class,
                com.twelvemonkeys.io.FileUtil.class, com.twelvemonkeys.image.ImageUtil.class)) {
            URL url = c.getProtectionDomain().getCodeSource().getLocation();
            if (!urls.contains(url)) {
                urls.add(url);
            }
        }
        IIORegistry registry = IIORegistry.getDefaultInstance();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader child = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertTrue(findReaders(child).isEmpty());
            thread.setContextClassLoader(child);
            try {
                ImageIO.scanForPlugins();
            } finally {
                thread.setContextClassLoader(previous);
            }
            try {
                List<ImageReader> readers = findReaders(child);
                assertEquals(1, readers.size());
                ImageReader reader = readers.get(0);
                assertNotSame(AeicImageReader.class, reader.getClass());
                reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(stream("rgb-32x24.aeic"))));
                assertEquals(32, reader.read(0).getWidth());
            } finally {
                // leave the registry as it was for the other tests
                List<Object> fromChild = new ArrayList<>();
                for (Iterator<Class<?>> categories = registry.getCategories(); categories.hasNext(); ) {
                    for (Iterator<?> it = registry.getServiceProviders(categories.next(), false); it.hasNext(); ) {
                        Object spi = it.next();
                        if (spi.getClass().getClassLoader() == child) {
                            fromChild.add(spi);
                        }
                    }
                }
                fromChild.forEach(registry::deregisterServiceProvider);
            }
        }
        assertTrue(ImageIO.getImageReadersByFormatName("aeic").hasNext());
    }

    private static List<ImageReader> findReaders(final ClassLoader loader) {
        List<ImageReader> found = new ArrayList<>();
        for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("aeic"); it.hasNext(); ) {
            ImageReader r = it.next();
            if (r.getClass().getClassLoader() == loader) {
                found.add(r);
            }
        }
        return found;
    }

    private static void assertNotSame(final Class<?> a, final Class<?> b) {
        assertFalse(a == b, "expected another class than " + a);
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] stream(final String name) {
        for (AeicTestImages.Stream s : AeicTestImages.streams()) {
            if (s.name().equals(name)) {
                return AeicTestImages.read(s);
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static ImageReader reader(final String name) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("aeic").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(stream(name))));
        return reader;
    }

    private static byte[] write(final ImageWriter writer, final BufferedImage image, final ImageWriteParam param)
            throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(buffer)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        return buffer.toByteArray();
    }

    private static IIOException readFailure(final byte[] bytes) {
        ImageReader reader = ImageIO.getImageReadersByFormatName("aeic").next();
        try {
            reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(bytes)));
            reader.read(0);
        } catch (IIOException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected an IIOException, got " + t, t);
        } finally {
            reader.dispose();
        }
        throw new AssertionError("damaged stream was read without error");
    }

    /** The damage shows as an IIOException with a one-line message, through the reader or ImageIO.read. */
    private static void assertReadFails(final byte[] bytes, final String what) {
        IIOException e = readFailure(bytes);
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank() && !e.getMessage().contains("\n"), what);
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertNull(image, what); // only when no reader claims the stream (a broken magic)
            assertFalse(Arrays.equals(Arrays.copyOf(bytes, 8), Arrays.copyOf(stream("rgb-1x1.aeic"), 8))
                    && bytes.length >= 8, what);
        } catch (IIOException expected) {
            // the usual case
        } catch (Throwable t) {
            fail(what + ": expected an IIOException, got " + t);
        }
    }

    private static StreamHeader header(final byte[] stream) throws IOException {
        int length = (stream[10] & 0xFF) << 24 | (stream[11] & 0xFF) << 16 | (stream[12] & 0xFF) << 8
                | stream[13] & 0xFF;
        return StreamHeader.parseFrom(Arrays.copyOfRange(stream, 14, 14 + length));
    }

    /** The stream with another header (and its CRC), the sections unchanged. */
    private static byte[] withHeader(final byte[] stream, final StreamHeader h) throws IOException {
        int length = (stream[10] & 0xFF) << 24 | (stream[11] & 0xFF) << 16 | (stream[12] & 0xFF) << 8
                | stream[13] & 0xFF;
        byte[] hb = h.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stream, 0, 10);
        out.write(new byte[] {(byte) (hb.length >>> 24), (byte) (hb.length >>> 16), (byte) (hb.length >>> 8),
                (byte) hb.length});
        out.write(hb);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(hb);
        int c = (int) crc.getValue();
        out.write(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
        out.write(stream, 14 + length + 4, stream.length - 14 - length - 4);
        return out.toByteArray();
    }

    private static float nearest(final List<Float> levels, final double quality) {
        float best = levels.get(0);
        for (float l : levels) {
            if (Math.abs(l - quality) < Math.abs(best - quality)) {
                best = l;
            }
        }
        return best;
    }

    private static BufferedImage convert(final BufferedImage image, final int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    private static int[] alpha(final BufferedImage image) {
        int[] a = new int[image.getWidth() * image.getHeight()];
        for (int i = 0; i < a.length; i++) {
            a[i] = image.getRGB(i % image.getWidth(), i / image.getWidth()) >>> 24;
        }
        return a;
    }

    private static void assertSamplesEqual(final BufferedImage expected, final BufferedImage actual,
                                           final String what) {
        Raster e = expected.getRaster();
        Raster a = actual.getRaster();
        assertEquals(e.getNumBands(), a.getNumBands(), what);
        for (int y = 0; y < e.getHeight(); y++) {
            assertArrayEquals(e.getPixels(0, y, e.getWidth(), 1, (int[]) null),
                    a.getPixels(0, y, a.getWidth(), 1, (int[]) null), what + " row " + y);
        }
    }

    private static void assertRgbClose(final int expected, final int actual, final int tolerance, final String what) {
        for (int shift = 0; shift < 32; shift += 8) {
            int e = expected >>> shift & 0xFF;
            int a = actual >>> shift & 0xFF;
            if (Math.abs(e - a) > tolerance) {
                fail(String.format("%s: expected #%08x, got #%08x", what, expected, actual));
            }
        }
    }

    private static int count(final List<String> events, final String event) {
        return (int) events.stream().filter(event::equals).count();
    }

    private static IIOReadProgressListener recorder(final List<String> events) {
        return recorder(events, p -> { });
    }

    private static IIOReadProgressListener recorder(final List<String> events, final Consumer<Float> onProgress) {
        return new IIOReadProgressListener() {
            @Override
            public void imageStarted(final ImageReader source, final int imageIndex) {
                events.add("started");
            }

            @Override
            public void imageProgress(final ImageReader source, final float percentageDone) {
                events.add("progress");
                onProgress.accept(percentageDone);
            }

            @Override
            public void imageComplete(final ImageReader source) {
                events.add("complete");
            }

            @Override
            public void readAborted(final ImageReader source) {
                events.add("aborted");
            }

            @Override
            public void sequenceStarted(final ImageReader source, final int minIndex) {
                events.add("sequenceStarted");
            }

            @Override
            public void sequenceComplete(final ImageReader source) {
                events.add("sequenceComplete");
            }

            @Override
            public void thumbnailStarted(final ImageReader source, final int imageIndex, final int thumbnailIndex) {
                events.add("thumbnail");
            }

            @Override
            public void thumbnailProgress(final ImageReader source, final float percentageDone) {
                events.add("thumbnail");
            }

            @Override
            public void thumbnailComplete(final ImageReader source) {
                events.add("thumbnail");
            }
        };
    }

    private static IIOWriteProgressListener writeRecorder(final List<String> events,
                                                          final Consumer<Float> onProgress) {
        return new IIOWriteProgressListener() {
            @Override
            public void imageStarted(final ImageWriter source, final int imageIndex) {
                events.add("started");
            }

            @Override
            public void imageProgress(final ImageWriter source, final float percentageDone) {
                events.add("progress");
                onProgress.accept(percentageDone);
            }

            @Override
            public void imageComplete(final ImageWriter source) {
                events.add("complete");
            }

            @Override
            public void thumbnailStarted(final ImageWriter source, final int imageIndex, final int thumbnailIndex) {
                events.add("thumbnail");
            }

            @Override
            public void thumbnailProgress(final ImageWriter source, final float percentageDone) {
                events.add("thumbnail");
            }

            @Override
            public void thumbnailComplete(final ImageWriter source) {
                events.add("thumbnail");
            }

            @Override
            public void writeAborted(final ImageWriter source) {
                events.add("aborted");
            }
        };
    }
}
