package org.aeic.codec.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.aeic.codec.AeicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PNG reader against ImageIO's reading of the same file, value for value, with every filter type and every colour
 * type it takes; and every other PNG left to ImageIO.
 */
class PngReaderTest {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** Colour type, width, height, filter (5: each row another, in turn), IDAT chunks. */
    @ParameterizedTest
    @CsvSource({"2,13,7,0,1", "2,13,7,1,1", "2,13,7,2,1", "2,13,7,3,1", "2,13,7,4,1", "2,31,17,5,3", "6,9,11,5,2",
            "0,17,5,5,1", "4,6,9,5,4", "2,1,1,4,1", "6,1,5,3,1"})
    void readsAsImageIoDoes(int colorType, int w, int h, int filter, int idats) throws Exception {
        byte[] png = png(colorType, w, h, filter, idats, new Random(w * 31L + h + filter), false);
        PlanarImage mine = PngReader.read(stream(png), Long.MAX_VALUE);
        assertNotNull(mine, "taken by the PNG reader");
        PlanarImage imageIo = ImageLoader.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png)));
        assertSame(imageIo, mine);
        assertSame(imageIo, ImageLoader.read(new ByteArrayInputStream(png), Long.MAX_VALUE));
    }

    @Test
    void leavesOtherPngsToImageIo() throws Exception {
        BufferedImage grey16 = new BufferedImage(5, 4, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage indexed = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED);
        BufferedImage rgb = new BufferedImage(6, 5, BufferedImage.TYPE_3BYTE_BGR);
        for (BufferedImage img : new BufferedImage[] {grey16, indexed, rgb}) {
            img.setRGB(1, 1, 0x336699);
        }
        for (byte[] png : new byte[][] {write(grey16, false), write(indexed, false), write(rgb, true)}) {
            assertNull(PngReader.read(stream(png), Long.MAX_VALUE));
            PlanarImage read = ImageLoader.read(new ByteArrayInputStream(png), Long.MAX_VALUE);
            assertSame(ImageLoader.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png))), read);
        }
        // an ancillary chunk that the ImageIO path reads (an ICC profile), and one it does not know
        byte[] plain = png(2, 4, 3, 5, 1, new Random(1), false);
        assertNotNull(PngReader.read(stream(plain), Long.MAX_VALUE));
        assertNull(PngReader.read(stream(png(2, 4, 3, 5, 1, new Random(1), true)), Long.MAX_VALUE));
        assertNull(PngReader.read(stream(withChunkAfterHeader(plain, "iCCP", new byte[] {1, 2, 3})), Long.MAX_VALUE));
        assertNull(PngReader.read(stream(withChunkAfterHeader(plain, "eXIf", new byte[] {'M', 'M', 0, 42})),
                Long.MAX_VALUE));
    }

    /** Chunks that change nothing the ImageIO path reads: the same image from both. */
    @Test
    void colourSpaceHintsAndPhysicalSizeChangeNothing() throws Exception {
        byte[] png = png(6, 7, 5, 5, 1, new Random(5), false);
        png = withChunkAfterHeader(png, "gAMA", ByteBuffer.allocate(4).putInt(45455).array());
        png = withChunkAfterHeader(png, "sRGB", new byte[] {0});
        png = withChunkAfterHeader(png, "pHYs", ByteBuffer.allocate(9).putInt(2835).putInt(2835).put((byte) 1).array());
        png = withChunkAfterHeader(png, "cHRM", ByteBuffer.allocate(32).putInt(31270).putInt(32900).putInt(64000)
                .putInt(33000).putInt(30000).putInt(60000).putInt(15000).putInt(6000).array());
        PlanarImage mine = PngReader.read(stream(png), Long.MAX_VALUE);
        assertNotNull(mine);
        assertSame(ImageLoader.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png))), mine);
    }

    @Test
    void damagedOrTooLargeFilesGoToImageIo() throws Exception {
        byte[] png = png(2, 13, 7, 5, 2, new Random(3), false);
        assertNull(PngReader.read(stream(java.util.Arrays.copyOf(png, png.length - 20)), Long.MAX_VALUE));
        byte[] badCrc = png.clone();
        badCrc[8 + 8 + 13] ^= 1; // the header's CRC
        assertNull(PngReader.read(stream(badCrc), Long.MAX_VALUE));
        assertNull(PngReader.read(stream(png), 13 * 7 - 1));
        AeicException e = assertThrows(AeicException.class,
                () -> ImageLoader.read(new ByteArrayInputStream(png), 13 * 7 - 1));
        assertEquals(AeicException.Kind.TOO_LARGE, e.kind());
        assertNull(PngReader.read(stream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}), Long.MAX_VALUE));
    }

    private static void assertSame(PlanarImage want, PlanarImage got) {
        assertEquals(want.width, got.width);
        assertEquals(want.height, got.height);
        assertEquals(want.channels, got.channels);
        assertEquals(want.bitDepth, got.bitDepth);
        assertEquals(want.palette, got.palette);
        assertArrayEquals(want.rgb, got.rgb);
        assertArrayEquals(want.alpha, got.alpha);
        assertArrayEquals(want.icc, got.icc);
        assertArrayEquals(want.exif, got.exif);
    }

    private static ImageInputStream stream(byte[] png) throws IOException {
        return ImageIO.createImageInputStream(new ByteArrayInputStream(png));
    }

    private static byte[] write(BufferedImage img, boolean interlaced) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * An 8-bit PNG of random samples, each row filtered with {@code filter} (5: type y mod 5), its zlib stream in
     * {@code idats} IDAT chunks, and a tEXt chunk, or an unknown ancillary one ({@code unknownChunk}).
     */
    private static byte[] png(int colorType, int w, int h, int filter, int idats, Random r, boolean unknownChunk)
            throws IOException {
        int bpp = colorType == 0 ? 1 : colorType == 2 ? 3 : colorType == 4 ? 2 : 4;
        int stride = w * bpp;
        byte[][] rows = new byte[h][stride];
        for (byte[] row : rows) {
            for (int i = 0; i < stride; i++) {
                row[i] = (byte) (i % 7 == 0 ? r.nextInt(256) : (row[Math.max(0, i - bpp)] + r.nextInt(9) - 4));
            }
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            int type = filter == 5 ? y % 5 : filter;
            raw.write(type);
            raw.write(filtered(type, rows[y], y > 0 ? rows[y - 1] : new byte[stride], bpp));
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
            d.write(raw.toByteArray());
        }
        byte[] zlib = z.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(SIGNATURE);
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) colorType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, unknownChunk ? "vpAg" : "tEXt", "Comment\0test".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        for (int i = 0; i < idats; i++) {
            int from = zlib.length * i / idats;
            int to = zlib.length * (i + 1) / idats;
            chunk(out, "IDAT", java.util.Arrays.copyOfRange(zlib, from, to));
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The PNG with a chunk of {@code type} after IHDR. */
    private static byte[] withChunkAfterHeader(byte[] png, String type, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int afterHeader = 8 + 12 + 13;
        out.write(png, 0, afterHeader);
        chunk(out, type, data);
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    /** PNG's five filters, forwards (the reader undoes them). */
    private static byte[] filtered(int type, byte[] row, byte[] above, int bpp) {
        byte[] out = new byte[row.length];
        for (int i = 0; i < row.length; i++) {
            int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
            int b = above[i] & 0xFF;
            int c = i >= bpp ? above[i - bpp] & 0xFF : 0;
            int predictor = switch (type) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) / 2;
                default -> {
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                }
            };
            out[i] = (byte) (row[i] - predictor);
        }
        return out;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
