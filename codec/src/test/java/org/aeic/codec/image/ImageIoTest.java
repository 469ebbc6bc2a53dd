package org.aeic.codec.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.aeic.codec.AeicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageIoTest {
    private static final long MAX = 1L << 30;
    private static final byte[] EXIF_TIFF = "MM\0*\0\0\0\10\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- generated sources

    private static BufferedImage random(BufferedImage img, long seed) {
        Random r = new Random(seed);
        WritableRaster ras = img.getRaster();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                for (int b = 0; b < ras.getNumBands(); b++) {
                    ras.setSample(x, y, b, r.nextInt(1 << ras.getSampleModel().getSampleSize(b)));
                }
            }
        }
        return img;
    }

    private static BufferedImage custom(int w, int h, int csId, boolean alpha, int dataType) {
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(csId), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        return new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setPixel(x, y, new int[] {x * 255 / Math.max(1, w - 1), y * 255 / Math.max(1, h - 1), 128});
            }
        }
        return img;
    }

    private Path save(BufferedImage img, String name) throws IOException {
        Path p = dir.resolve(name);
        String fmt = name.substring(name.lastIndexOf('.') + 1);
        assertTrue(ImageIO.write(img, fmt, p.toFile()), "no writer for " + fmt);
        return p;
    }

    /** The planes (and alpha) hold exactly the source samples, grey expanded to R = G = B. */
    private static void assertMatches(BufferedImage src, PlanarImage p) {
        Raster ras = src.getRaster();
        int bands = ras.getNumBands();
        int colors = src.getColorModel().getNumColorComponents();
        int n = p.width * p.height;
        assertEquals(src.getWidth(), p.width);
        assertEquals(src.getHeight(), p.height);
        for (int y = 0, i = 0; y < p.height; y++) {
            for (int x = 0; x < p.width; x++, i++) {
                for (int c = 0; c < 3; c++) {
                    int b = colors == 1 ? 0 : c;
                    int max = (1 << ras.getSampleModel().getSampleSize(b)) - 1;
                    assertEquals(ras.getSample(x, y, b), Math.round(p.rgb[c * n + i] * max), "sample " + x + "," + y + "," + c);
                }
                if (bands > colors) {
                    assertEquals(ras.getSample(x, y, colors), p.alpha[i], "alpha " + x + "," + y);
                }
            }
        }
    }

    private static void assertSameSamples(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getRaster().getNumBands(), actual.getRaster().getNumBands());
        int w = expected.getWidth();
        int h = expected.getHeight();
        assertArrayEquals(expected.getRaster().getPixels(0, 0, w, h, (int[]) null),
                actual.getRaster().getPixels(0, 0, w, h, (int[]) null));
    }

    // ---------------------------------------------------------------- PNG layouts

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"rgb8, 33, 17", "rgba8, 8, 8", "grey8, 13, 7", "greyalpha8, 5, 9", "grey16, 9, 11",
            "rgb16, 7, 5", "rgba16, 6, 3", "greyalpha16, 3, 3", "rgb8, 1, 1", "grey16, 1, 1", "rgba8, 1, 17",
            "rgb16, 17, 1"})
    void pngLayoutsArePreservedExactly(String kind, int w, int h) throws Exception {
        BufferedImage src;
        int channels;
        int depth = kind.endsWith("16") ? 16 : 8;
        switch (kind) {
            case "rgb8": src = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR); channels = 3; break;
            case "rgba8": src = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR); channels = 4; break;
            case "grey8": src = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY); channels = 1; break;
            case "grey16": src = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY); channels = 1; break;
            case "greyalpha8": src = custom(w, h, ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE); channels = 2; break;
            case "greyalpha16": src = custom(w, h, ColorSpace.CS_GRAY, true, DataBuffer.TYPE_USHORT); channels = 2; break;
            case "rgb16": src = custom(w, h, ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT); channels = 3; break;
            default: src = custom(w, h, ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT); channels = 4; break;
        }
        random(src, w * 31L + h);
        PlanarImage p = ImageLoader.read(save(src, kind + ".png"), MAX);
        assertEquals(channels, p.channels);
        assertEquals(depth, p.bitDepth);
        assertFalse(p.palette);
        assertNull(p.icc);
        assertNull(p.exif);
        assertEquals(channels == 2 || channels == 4, p.hasAlpha());
        assertMatches(src, p);

        BufferedImage back = ImageSaver.toBufferedImage(p.rgb, p.width, p.height, p.alpha, p.channels, p.bitDepth, p.icc);
        assertSameSamples(src, back);
        // and through a file written by the saver
        Path out = dir.resolve("out-" + kind + ".png");
        ImageSaver.write(back, out, "png");
        assertMatches(src, ImageLoader.read(out, MAX));
    }

    @Test
    void palettePngWithTransparency() throws Exception {
        byte[] r = {0, (byte) 255, 0, 10};
        byte[] g = {0, 0, (byte) 255, 20};
        byte[] b = {0, 0, 0, (byte) 200};
        byte[] a = {0, (byte) 255, (byte) 128, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 4, r, g, b, a);
        BufferedImage src = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_INDEXED, icm);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                src.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        PlanarImage p = ImageLoader.read(save(src, "pal.png"), MAX);
        assertTrue(p.palette);
        assertEquals(4, p.channels);
        assertEquals(8, p.bitDepth);
        int n = 15;
        for (int i = 0; i < n; i++) {
            int argb = src.getRGB(i % 5, i / 5);
            assertEquals(argb >>> 24, p.alpha[i]);
            assertEquals((argb >> 16) & 0xff, Math.round(p.rgb[i] * 255));
            assertEquals((argb >> 8) & 0xff, Math.round(p.rgb[n + i] * 255));
            assertEquals(argb & 0xff, Math.round(p.rgb[2 * n + i] * 255));
        }
        BufferedImage back = ImageSaver.toBufferedImage(p);
        for (int i = 0; i < n; i++) {
            assertEquals(src.getRGB(i % 5, i / 5), back.getRGB(i % 5, i / 5));
        }
    }

    @Test
    void opaqueGifIsPaletteRgb() throws Exception {
        BufferedImage src = new BufferedImage(9, 4, BufferedImage.TYPE_BYTE_INDEXED);
        random(src, 3);
        Path f = save(src, "a.gif");
        PlanarImage p = ImageLoader.read(f, MAX);
        assertTrue(p.palette);
        assertEquals(3, p.channels);
        assertNull(p.alpha);
        BufferedImage ref = ImageIO.read(f.toFile()); // the JDK GIF coder itself scrambles some rows
        for (int i = 0; i < 36; i++) {
            assertEquals(ref.getRGB(i % 9, i / 9) & 0xff, Math.round(p.rgb[72 + i] * 255));
        }
    }

    // ---------------------------------------------------------------- other formats through the saver

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"bmp, 7, 5", "bmp, 1, 1", "tif, 11, 3", "tiff, 1, 1"})
    void bmpAndTiffRgb8AreExact(String ext, int w, int h) throws Exception {
        BufferedImage src = random(new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR), 7);
        Path out = dir.resolve("x." + ext);
        ImageSaver.write(src, out, ImageSaver.formatForPath(out));
        PlanarImage p = ImageLoader.read(out, MAX);
        assertEquals(3, p.channels);
        assertEquals(8, p.bitDepth);
        assertMatches(src, p);
    }

    @Test
    void tiff16BitRgbaAndGreyAreExact() throws Exception {
        for (BufferedImage src : List.of(random(custom(6, 5, ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT), 1),
                random(new BufferedImage(5, 6, BufferedImage.TYPE_USHORT_GRAY), 2))) {
            Path out = dir.resolve("x16.tif");
            ImageSaver.write(src, out, null);
            PlanarImage p = ImageLoader.read(out, MAX);
            assertEquals(16, p.bitDepth);
            assertEquals(src.getColorModel().getNumComponents() == 4 ? 4 : 1, p.channels);
            assertMatches(src, p);
        }
    }

    @Test
    void bmpAndJpegTakeConvertedImages() throws Exception {
        BufferedImage src = random(custom(4, 4, ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT), 5);
        PlanarImage ref = ImageLoader.fromBufferedImage(src);
        Path bmp = dir.resolve("a.bmp");
        ImageSaver.write(src, bmp, "bmp");
        PlanarImage p = ImageLoader.read(bmp, MAX);
        assertEquals(3, p.channels);
        assertEquals(8, p.bitDepth);
        for (int i = 0; i < p.rgb.length; i++) {
            assertEquals(ref.rgb[i], p.rgb[i], 0.5 / 255 + 1e-6);
        }
        Path jpg = dir.resolve("a.jpg");
        ImageSaver.write(src, jpg, "jpeg");
        assertEquals(3, ImageLoader.read(jpg, MAX).channels);
        ImageSaver.write(new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY), jpg, "jpg");
        assertEquals(1, ImageLoader.read(jpg, MAX).channels);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"64, 48", "1, 1", "17, 9"})
    void jpegIsApproximate(int w, int h) throws Exception {
        BufferedImage src = gradient(w, h);
        Path out = dir.resolve("g.jpeg");
        ImageSaver.write(src, out, null);
        PlanarImage p = ImageLoader.read(out, MAX);
        assertEquals(3, p.channels);
        assertEquals(8, p.bitDepth);
        PlanarImage ref = ImageLoader.fromBufferedImage(src);
        double err = 0;
        for (int i = 0; i < p.rgb.length; i++) {
            err += Math.abs(p.rgb[i] - ref.rgb[i]);
        }
        assertTrue(err / p.rgb.length < 0.02, "mean error " + err / p.rgb.length);
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws Exception {
        // Adobe CMYK (transform 0, inverted): left half no ink (white), right half full black ink
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, new int[] {255, 255, 255, x < 8 ? 255 : 0});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ColorModel cmykModel = new ComponentColorModel(new ColorSpace(ColorSpace.TYPE_CMYK, 4) {
            private static final long serialVersionUID = 1L;
            @Override public float[] toRGB(float[] v) { return new float[3]; }
            @Override public float[] fromRGB(float[] v) { return new float[4]; }
            @Override public float[] toCIEXYZ(float[] v) { return new float[3]; }
            @Override public float[] fromCIEXYZ(float[] v) { return new float[4]; }
        }, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        IIOMetadata meta = writer.getDefaultImageMetadata(
                new ImageTypeSpecifier(cmykModel, cmykModel.createCompatibleSampleModel(1, 1)), null);
        String fmt = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode tree = (IIOMetadataNode) meta.getAsTree(fmt);
        assumeTrue(tree.getElementsByTagName("app14Adobe").getLength() == 1, "writer cannot make an Adobe CMYK JPEG");
        ((IIOMetadataNode) tree.getElementsByTagName("app14Adobe").item(0)).setAttribute("transform", "0");
        meta.setFromTree(fmt, tree);
        Path f = dir.resolve("cmyk.jpg");
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(f.toFile())) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(r, null, meta), null);
        } finally {
            writer.dispose();
        }
        PlanarImage p = ImageLoader.read(f, MAX);
        assertEquals(3, p.channels);
        assertNull(p.icc);
        int n = 16 * 8;
        for (int c = 0; c < 3; c++) {
            assertTrue(p.rgb[c * n + 16 * 4 + 2] > 0.9f, "white half");
            assertTrue(p.rgb[c * n + 16 * 4 + 13] < 0.35f, "black half");
        }
    }

    // ---------------------------------------------------------------- ICC and EXIF

    private static byte[] adobeRgbProfile() throws IOException {
        try (InputStream in = ImageIoTest.class.getResourceAsStream("/profiles/ClayRGB1998.icc")) {
            assumeTrue(in != null, "no Adobe RGB compatible profile on the class path");
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @CsvSource({"png", "tif", "jpg"})
    void iccProfileIsKeptAndValuesAreNotConverted(String ext) throws Exception {
        byte[] icc = adobeRgbProfile();
        BufferedImage src = ext.equals("jpg") ? gradient(16, 16) : random(new BufferedImage(6, 4, BufferedImage.TYPE_3BYTE_BGR), 9);
        PlanarImage plain = ImageLoader.fromBufferedImage(src);
        BufferedImage tagged = ImageSaver.toBufferedImage(plain.rgb, plain.width, plain.height, null, 3, 8, icc);
        ColorSpace cs = tagged.getColorModel().getColorSpace();
        assertTrue(cs instanceof ICC_ColorSpace && !cs.isCS_sRGB());
        Path out = dir.resolve("icc." + ext);
        ImageSaver.write(tagged, out, null);
        PlanarImage p = ImageLoader.read(out, MAX);
        assertNotNull(p.icc);
        assertEquals(ICC_Profile.getInstance(icc).getColorSpaceType(), ICC_Profile.getInstance(p.icc).getColorSpaceType());
        for (int i = 0; i < p.rgb.length; i++) {
            assertEquals(plain.rgb[i], p.rgb[i], ext.equals("jpg") ? 0.08 : 1e-6, "value " + i);
        }
        if (!ext.equals("jpg")) {
            assertArrayEquals(ICC_Profile.getInstance(icc).getData(), p.icc); // Java normalises the header
        }
    }

    @Test
    void badIccFallsBackToSrgb() {
        float[] rgb = new float[3 * 4];
        BufferedImage img = ImageSaver.toBufferedImage(rgb, 2, 2, null, 3, 16, new byte[] {1, 2, 3});
        assertTrue(img.getColorModel().getColorSpace().isCS_sRGB());
        // a grey profile for an RGB image does not fit either
        byte[] grey = ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData();
        assertTrue(ImageSaver.toBufferedImage(rgb, 2, 2, null, 3, 8, grey).getColorModel().getColorSpace().isCS_sRGB());
    }

    @Test
    void exifFromJpegApp1() throws Exception {
        BufferedImage img = gradient(8, 8);
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        IIOMetadata m = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
        String fmt = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode tree = (IIOMetadataNode) m.getAsTree(fmt);
        IIOMetadataNode seq = (IIOMetadataNode) tree.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode app1 = new IIOMetadataNode("unknown");
        app1.setAttribute("MarkerTag", "225");
        byte[] payload = new byte[6 + EXIF_TIFF.length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, payload, 0, 6);
        System.arraycopy(EXIF_TIFF, 0, payload, 6, EXIF_TIFF.length);
        app1.setUserObject(payload);
        seq.insertBefore(app1, seq.getFirstChild());
        m.setFromTree(fmt, tree);
        Path f = dir.resolve("exif.jpg");
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, m), null);
        } finally {
            w.dispose();
        }
        assertArrayEquals(EXIF_TIFF, ImageLoader.read(f, MAX).exif);
    }

    @Test
    void exifFromPngChunkAndAbsentOtherwise() throws Exception {
        BufferedImage img = gradient(4, 4);
        ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
        IIOMetadata m = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
        String fmt = "javax_imageio_png_1.0";
        IIOMetadataNode root = new IIOMetadataNode(fmt);
        IIOMetadataNode chunks = new IIOMetadataNode("UnknownChunks");
        IIOMetadataNode chunk = new IIOMetadataNode("UnknownChunk");
        chunk.setAttribute("type", "eXIf");
        chunk.setUserObject(EXIF_TIFF);
        chunks.appendChild(chunk);
        root.appendChild(chunks);
        m.mergeTree(fmt, root);
        Path f = dir.resolve("exif.png");
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, m), null);
        } finally {
            w.dispose();
        }
        assertArrayEquals(EXIF_TIFF, ImageLoader.read(f, MAX).exif);
        assertNull(ImageLoader.read(save(img, "plain.png"), MAX).exif);
        assertNull(ImageLoader.read(save(img, "plain.jpg"), MAX).exif);
    }

    // ---------------------------------------------------------------- in-memory conversions

    @Test
    void premultipliedAndPackedImagesConvert() {
        BufferedImage pre = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB_PRE);
        pre.setRGB(0, 0, 0x80ff0000);
        pre.setRGB(1, 0, 0xff00ff00);
        PlanarImage p = PlanarImage.fromBufferedImage(pre);
        assertEquals(4, p.channels);
        assertEquals(0x80, p.alpha[0]);
        assertEquals(1f, p.rgb[0], 0.01f);
        assertEquals(0f, p.rgb[2], 0.01f);
        assertEquals(1f, p.rgb[2 + 1], 0.01f);

        BufferedImage packed = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_565_RGB);
        packed.getRaster().setPixel(0, 0, new int[] {31, 0, 16});
        p = ImageLoader.fromBufferedImage(packed);
        assertEquals(3, p.channels);
        assertEquals(1f, p.rgb[0]);
        assertEquals(0f, p.rgb[1]);
        assertEquals(16f / 31, p.rgb[2], 1e-6);
    }

    @Test
    void roundsAndClamps() {
        float[] rgb = {-0.5f, 1.5f, Float.NaN, 0.5f, 1f / 255 * 0.49f, 1f / 255 * 0.51f};
        BufferedImage img = ImageSaver.toBufferedImage(rgb, 2, 1, new int[] {300, -4}, 4, 8, null);
        assertArrayEquals(new int[] {0, 0, 0, 255, 255, 128, 1, 0},
                img.getRaster().getPixels(0, 0, 2, 1, (int[]) null));
        BufferedImage grey = ImageSaver.toBufferedImage(new float[] {0.1f, 0.2f, 0.9f}, 1, 1, null, 1, 16, null);
        assertEquals(BufferedImage.TYPE_USHORT_GRAY, grey.getType());
        assertEquals(Math.round(0.4f * 65535), grey.getRaster().getSample(0, 0, 0));
    }

    @Test
    void readsFromStreamWithoutClosingIt() throws Exception {
        byte[] bytes = Files.readAllBytes(save(gradient(5, 5), "s.png"));
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override public void close() {
                closed[0] = true;
            }
        };
        PlanarImage p = ImageLoader.read(in, MAX);
        assertEquals(5, p.width);
        assertFalse(closed[0]);
    }

    // ---------------------------------------------------------------- bad input

    private static byte[] chunk(String type, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(data.length);
        byte[] td = new byte[4 + data.length];
        System.arraycopy(type.getBytes(StandardCharsets.ISO_8859_1), 0, td, 0, 4);
        System.arraycopy(data, 0, td, 4, data.length);
        out.write(td);
        CRC32 crc = new CRC32();
        crc.update(td);
        out.writeInt((int) crc.getValue());
        return bos.toByteArray();
    }

    @Test
    void hugeHeaderIsRefusedBeforeDecoding() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(100_000);
        d.writeInt(100_000);
        d.write(new byte[] {8, 6, 0, 0, 0}); // 8-bit RGBA: 40 GB of pixels if decoded
        png.write(chunk("IHDR", ihdr.toByteArray()));
        png.write(chunk("IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}));
        png.write(chunk("IEND", new byte[0]));
        Path f = dir.resolve("huge.png");
        Files.write(f, png.toByteArray());
        AeicException e = assertThrows(AeicException.class, () -> ImageLoader.read(f, 50_000_000));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());

        Path small = save(gradient(10, 10), "small.png");
        assertThrows(AeicException.class, () -> ImageLoader.read(small, 99));
        assertEquals(10, ImageLoader.read(small, 100).width);
    }

    private static void assertOneLineError(Path f, String expected) {
        AeicException e = assertThrows(AeicException.class, () -> ImageLoader.read(f, MAX));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void badFilesGiveAeicException() throws Exception {
        assertOneLineError(dir.resolve("missing.png"), "file not found");
        assertOneLineError(dir, "not a regular file");
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertOneLineError(empty, "empty file");
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Path rnd = Files.write(dir.resolve("noise.bin"), noise);
        assertOneLineError(rnd, "not a supported image format: " + rnd);
        Path text = Files.write(dir.resolve("x.png"), "hello".getBytes(StandardCharsets.US_ASCII));
        assertOneLineError(text, "not a supported image format");
        assertThrows(AeicException.class, () -> ImageLoader.read(new ByteArrayInputStream(new byte[0]), MAX));
        assertThrows(AeicException.class, () -> ImageLoader.read(new ByteArrayInputStream(noise), MAX));
    }

    @ParameterizedTest
    @CsvSource({"png, 0.5", "png, 0.95", "jpg, 0.5", "bmp, 0.5", "tif, 0.5", "gif, 0.5", "png, 0.1"})
    void truncatedImagesGiveAeicException(String ext, double keep) throws Exception {
        BufferedImage src = ext.equals("gif") ? random(new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_INDEXED), 4)
                : random(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), 4);
        byte[] full = Files.readAllBytes(save(src, "full." + ext));
        Path cut = Files.write(dir.resolve("cut." + ext), Arrays.copyOf(full, (int) (full.length * keep)));
        AeicException e = assertThrows(AeicException.class, () -> ImageLoader.read(cut, MAX));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    // ---------------------------------------------------------------- writing

    @Test
    void formatForPath() throws Exception {
        assertEquals("png", ImageSaver.formatForPath(Path.of("a/b.PNG")));
        assertEquals("jpeg", ImageSaver.formatForPath(Path.of("b.jpg")));
        assertEquals("jpeg", ImageSaver.formatForPath(Path.of("b.JPEG")));
        assertEquals("bmp", ImageSaver.formatForPath(Path.of("b.bmp")));
        assertEquals("tiff", ImageSaver.formatForPath(Path.of("b.tif")));
        assertEquals("tiff", ImageSaver.formatForPath(Path.of("b.tiff")));
        for (String bad : new String[] {"b.webp", "b", "b.", ".png.x"}) {
            assertThrows(AeicException.class, () -> ImageSaver.formatForPath(Path.of(bad)), bad);
        }
        assertThrows(AeicException.class, () -> ImageSaver.write(gradient(2, 2), dir.resolve("a.xyz"), null));
        assertThrows(AeicException.class, () -> ImageSaver.write(gradient(2, 2), dir.resolve("a.png"), "webp"));
        assertEquals(List.of(), listing());
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void failedWritesLeaveNothingBehind() throws Exception {
        BufferedImage img = gradient(8, 8);
        // the target is a non-empty directory: the final rename fails
        Path target = Files.createDirectory(dir.resolve("out.png"));
        Files.createFile(target.resolve("keep"));
        assertThrows(AeicException.class, () -> ImageSaver.write(img, target, "png"));
        assertEquals(List.of("out.png"), listing());
        // the parent does not exist
        AeicException missing = assertThrows(AeicException.class,
                () -> ImageSaver.write(img, dir.resolve("no/such/dir/a.png"), "png"));
        assertTrue(missing.getMessage().endsWith(": no such file or directory"), missing.getMessage());
        assertEquals(List.of("out.png"), listing());
        // the writer fails half way: the old file stays as it was
        Path old = Files.write(dir.resolve("old.png"), new byte[] {1, 2, 3});
        BufferedImage failing = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR) {
            @Override public Raster getData(Rectangle rect) {
                if (rect.y > 10) {
                    throw new IllegalStateException("disk on fire");
                }
                return super.getData(rect);
            }

            @Override public WritableRaster getRaster() {
                throw new IllegalStateException("disk on fire");
            }
        };
        AeicException e = assertThrows(AeicException.class, () -> ImageSaver.write(failing, old, "png"));
        assertTrue(e.getMessage().startsWith("cannot write " + old), e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(old));
        assertEquals(List.of("old.png", "out.png"), listing());
    }

    @Test
    void unwritableDirectory() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX only");
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(ro), "running as root: permissions are not enforced");
            AeicException e = assertThrows(AeicException.class, () -> ImageSaver.write(gradient(4, 4), ro.resolve("a.png"), "png"));
            assertTrue(e.getMessage().endsWith(": permission denied"), e.getMessage());
            try (Stream<Path> s = Files.list(ro)) {
                assertEquals(0, s.count());
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void successfulWriteReplacesAndUsesDefaultPermissions() throws Exception {
        Path out = Files.write(dir.resolve("r.png"), new byte[] {9});
        ImageSaver.write(gradient(3, 3), out, null);
        assertEquals(3, ImageLoader.read(out, MAX).width);
        assertEquals(List.of("r.png"), listing());
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path fresh = dir.resolve("fresh.png");
            ImageSaver.write(gradient(3, 3), fresh, null);
            Path plain = Files.createFile(dir.resolve("plain"));
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(fresh));
        }
    }
}
