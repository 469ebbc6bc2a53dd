package org.aeic.codec.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.InflaterInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PNG files of decoded images: what ImageIO reads back, chunk CRCs, the header, and the Up filter on every row. */
class PngWriterTest {
    @TempDir
    java.nio.file.Path dir;

    @ParameterizedTest
    @CsvSource({"1,8,0", "2,8,4", "3,8,2", "4,8,6", "1,16,0", "2,16,4", "3,16,2", "4,16,6"})
    void imagesOfTheDecoderRoundTripThroughImageIo(int channels, int depth, int colourType) throws Exception {
        int w = 37;
        int h = 11;
        int n = w * h;
        Random r = new Random(channels * 100L + depth);
        float[] rgb = new float[3 * n];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat();
        }
        int[] alpha = new int[n];
        for (int i = 0; i < n; i++) {
            alpha[i] = r.nextInt(1 << depth);
        }
        BufferedImage img = ImageSaver.toBufferedImage(rgb, w, h, alpha, channels, depth, null);
        assertTrue(PngWriter.canWrite(img));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageSaver.write(img, out, "png");
        byte[] png = out.toByteArray();

        List<String> types = new ArrayList<>();
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        ByteBuffer bb = ByteBuffer.wrap(png, 8, png.length - 8);
        while (bb.hasRemaining()) {
            int len = bb.getInt();
            byte[] typeAndData = new byte[4 + len];
            bb.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertEquals((int) crc.getValue(), bb.getInt(), "CRC");
            String type = new String(typeAndData, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            types.add(type);
            if (type.equals("IHDR")) {
                ByteBuffer ih = ByteBuffer.wrap(typeAndData, 4, len);
                assertEquals(w, ih.getInt());
                assertEquals(h, ih.getInt());
                assertEquals(depth, ih.get());
                assertEquals(colourType, ih.get());
            } else if (type.equals("IDAT")) {
                idat.write(typeAndData, 4, len);
            }
        }
        assertEquals("IHDR", types.get(0));
        assertEquals("IEND", types.get(types.size() - 1));
        byte[] raw = new InflaterInputStream(new ByteArrayInputStream(idat.toByteArray())).readAllBytes();
        int rowBytes = 1 + w * channels * depth / 8;
        assertEquals(h * rowBytes, raw.length);
        for (int y = 0; y < h; y++) {
            assertEquals(2, raw[y * rowBytes], "filter of row " + y); // Up
        }

        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        Raster a = img.getRaster();
        Raster b = back.getRaster();
        assertEquals(a.getNumBands(), b.getNumBands());
        assertArrayEquals(a.getPixels(0, 0, w, h, (int[]) null), b.getPixels(0, 0, w, h, (int[]) null));
    }

    /**
     * A decoded image written from its planes: the same file as through its BufferedImage, for values outside [0, 1]
     * and NaN, one row or column, and heights deflated in one part or two; other layouts take the BufferedImage way.
     */
    @ParameterizedTest
    @CsvSource({"37,11,3,8", "1,1,3,8", "1,300,3,8", "300,1,3,8", "50,301,3,8", "64,128,3,8", "23,9,1,8", "23,9,4,8",
        "23,9,3,16"})
    void planesGiveTheBytesOfTheirBufferedImage(int w, int h, int channels, int depth) throws Exception {
        int n = w * h;
        Random r = new Random(w * 1000L + h);
        float[] rgb = new float[3 * n];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = i % 17 == 0 ? Float.NaN : r.nextFloat() * 1.2f - 0.1f;
        }
        int[] alpha = channels == 4 ? r.ints(n, 0, 256).toArray() : null;
        PlanarImage p = new PlanarImage(w, h, rgb, alpha, channels, depth, false, null, null);
        assertEquals(channels == 3 && depth == 8, PngWriter.canWrite(p));
        ByteArrayOutputStream viaImage = new ByteArrayOutputStream();
        ImageSaver.write(ImageSaver.toBufferedImage(p), viaImage, "png");
        ByteArrayOutputStream viaPlanes = new ByteArrayOutputStream();
        ImageSaver.write(p, viaPlanes, "png");
        assertArrayEquals(viaImage.toByteArray(), viaPlanes.toByteArray());
        java.nio.file.Path file = dir.resolve("out-" + w + "x" + h + "-" + channels + "-" + depth + ".png");
        ImageSaver.write(p, file, null);
        assertArrayEquals(viaImage.toByteArray(), java.nio.file.Files.readAllBytes(file));
    }

    @org.junit.jupiter.api.Test
    void otherImagesGoToImageIo() {
        assertFalse(PngWriter.canWrite(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB)));
        assertFalse(PngWriter.canWrite(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED)));
        assertFalse(PngWriter.canWrite(new BufferedImage(4, 4, BufferedImage.TYPE_4BYTE_ABGR_PRE)));
        assertTrue(PngWriter.canWrite(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR)));
    }

    @org.junit.jupiter.api.Test
    void adler32OfPartsCombines() {
        Random r = new Random(3);
        byte[] data = new byte[300_000];
        r.nextBytes(data);
        for (int cut : new int[] {0, 1, 65_521, 100_000, data.length}) {
            java.util.zip.Adler32 whole = new java.util.zip.Adler32();
            whole.update(data);
            java.util.zip.Adler32 a = new java.util.zip.Adler32();
            a.update(data, 0, cut);
            java.util.zip.Adler32 b = new java.util.zip.Adler32();
            b.update(data, cut, data.length - cut);
            assertEquals(whole.getValue(), PngWriter.combineAdler32(a.getValue(), b.getValue(), data.length - cut), "cut " + cut);
        }
    }

    /** Tall enough for the rows to be deflated in parts: one zlib stream, which ImageIO and zlib's check accept. */
    @org.junit.jupiter.api.Test
    void rowsDeflatedInPartsMakeOneStream() throws Exception {
        int w = 50;
        int h = 301;
        float[] rgb = new float[3 * w * h];
        Random r = new Random(8);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i % w) / (float) w + r.nextFloat() * 0.1f;
        }
        BufferedImage img = ImageSaver.toBufferedImage(rgb, w, h, null, 3, 8, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageSaver.write(img, out, "png");
        byte[] png = out.toByteArray();
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        for (int at = 8; at < png.length; ) {
            int len = ByteBuffer.wrap(png, at, 4).getInt();
            if (new String(png, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("IDAT")) {
                idat.write(png, at + 8, len);
            }
            at += 12 + len;
        }
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(); // zlib: checks the Adler-32 at the end
        inflater.setInput(idat.toByteArray());
        byte[] raw = new byte[h * (1 + 3 * w) + 1];
        assertEquals(h * (1 + 3 * w), inflater.inflate(raw));
        assertTrue(inflater.finished());
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertArrayEquals(img.getRaster().getPixels(0, 0, w, h, (int[]) null),
                back.getRaster().getPixels(0, 0, w, h, (int[]) null));
    }
}
