package org.aeic.codec.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.stream.IntStream;

/**
 * PNG files of the images {@link ImageSaver#toBufferedImage} makes: grey, grey + alpha, RGB or RGBA, 8 or 16 bits,
 * pixel-interleaved, an ICC profile other than the default one as an iCCP chunk. Every row gets the Up filter and
 * the stream the fastest deflate level.
 *
 * <p>Why not the JDK's writer: it filtered none of the rows of a decoded photo (filter type 0 on all 512 rows of
 * kodim01), so its files were 30 % larger (986 KB against 759 KB from this writer), and it spent 80 ms on that image
 * in a one-shot decompress, most of it in per-sample Java that had not been compiled yet, plus 15-30 ms for the
 * plugin registry (this writer: 40-60 ms). With zlib, level 1 gave kodim01's rows 751 KB in 26 ms, level 6 757 KB in
 * 74 ms (Sub filter; Up alike). Other images and formats still go through ImageIO.
 *
 * <p>A decoded 8-bit RGB image in sRGB ({@link #canWrite(PlanarImage)}) is written from its float planes, each part
 * rounding its own rows, with the same bytes as through {@link ImageSaver#toBufferedImage}, which ran on one thread
 * first (20-30 ms of a one-shot decompress of kodim01, most of it before the JIT had compiled its loop): a 12 MP
 * photo's output 0.40 -> 0.30 s; kodim01's one-shot the same within the noise.
 */
final class PngWriter {
    /** The 8 bytes every PNG file starts with (the reader checks them too). */
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int FILTER_UP = 2;
    private static final int IDAT_SIZE = 1 << 16;
    /** Parts deflated in parallel (the cores a one-shot decompress has), each of at least this many rows. */
    private static final int PARTS = 2;
    private static final int MIN_PART_ROWS = 64;

    private PngWriter() {
    }

    /** Whether {@link #write} takes this image: a component colour model over one pixel-interleaved array. */
    static boolean canWrite(BufferedImage img) {
        WritableRaster raster = img.getRaster();
        if (!(img.getColorModel() instanceof ComponentColorModel cm) || cm.isAlphaPremultiplied()
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel)
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0
                || raster.getDataBuffer().getNumBanks() != 1) {
            return false;
        }
        int type = raster.getDataBuffer().getDataType();
        int colours = cm.getColorSpace().getNumComponents();
        boolean alpha = cm.hasAlpha() && cm.getTransparency() != Transparency.OPAQUE;
        return (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT)
                && (colours == 1 && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                    || colours == 3 && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB)
                && cm.getNumComponents() == colours + (alpha ? 1 : 0) && raster.getNumBands() == cm.getNumComponents()
                && cm.getComponentSize(0) == (type == DataBuffer.TYPE_BYTE ? 8 : 16);
    }

    /** Whether {@link #write(PlanarImage, OutputStream)} takes this image: 8-bit RGB, no alpha, no ICC profile. */
    static boolean canWrite(PlanarImage p) {
        return p.channels == 3 && p.bitDepth == 8 && p.icc == null
                && (long) p.width * p.height * 3 <= Integer.MAX_VALUE;
    }

    /** Writes {@code img}, which {@link #canWrite} accepted, as a PNG file; does not close {@code out}. */
    static void write(BufferedImage img, OutputStream out) throws IOException {
        WritableRaster raster = img.getRaster();
        ComponentColorModel cm = (ComponentColorModel) img.getColorModel();
        PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
        int bands = raster.getNumBands();
        boolean sixteen = raster.getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT;
        boolean grey = cm.getColorSpace().getNumComponents() == 1;
        ColorSpace cs = cm.getColorSpace();
        byte[] icc = cs instanceof ICC_ColorSpace ics && !ImageLoader.isDefaultSpace(cs)
                ? ics.getProfile().getData() : null;
        int[] offsets = sm.getBandOffsets();
        int pixelStride = sm.getPixelStride();
        int scanline = sm.getScanlineStride();
        int width = img.getWidth();
        DataBuffer buffer = raster.getDataBuffer();
        int base = buffer.getOffset();
        Rows rows;
        if (sixteen) {
            short[] data = ((DataBufferUShort) buffer).getData();
            rows = (y, row) -> fillRow(data, base + y * scanline, pixelStride, offsets, width, row);
        } else {
            byte[] data = ((DataBufferByte) buffer).getData();
            rows = (y, row) -> fillRow(data, base + y * scanline, pixelStride, offsets, width, row);
        }
        write(width, img.getHeight(), bands, sixteen, grey, icc, rows, out);
    }

    /**
     * Writes {@code p}, which {@link #canWrite(PlanarImage)} accepted, as a PNG file with the samples and bytes of
     * {@code write(ImageSaver.toBufferedImage(p), out)}; does not close {@code out}.
     */
    static void write(PlanarImage p, OutputStream out) throws IOException {
        int w = p.width;
        int n = w * p.height;
        float[] rgb = p.rgb;
        write(w, p.height, 3, false, false, null, (y, row) -> quantizeRow(rgb, n, y * w, w, row), out);
    }

    /** Pixels {@code [i, i + w)} of the planes {@code n} apart in {@code rgb}, as interleaved 8-bit samples. */
    private static void quantizeRow(float[] rgb, int n, int i, int w, byte[] row) {
        for (int x = 0, o = 0; x < w; x++, i++) {
            row[o++] = (byte) ImageSaver.quantize(rgb[i], 255);
            row[o++] = (byte) ImageSaver.quantize(rgb[n + i], 255);
            row[o++] = (byte) ImageSaver.quantize(rgb[2 * n + i], 255);
        }
    }

    /** The samples of row y, interleaved, 16-bit ones big-endian, as the file holds them. */
    private interface Rows {
        void fill(int y, byte[] row);
    }

    private static void write(int width, int height, int bands, boolean sixteen, boolean grey, byte[] icc, Rows rows,
                              OutputStream out) throws IOException {
        boolean alpha = bands == (grey ? 2 : 4);
        out.write(SIGNATURE);
        ByteArrayOutputStream header = new ByteArrayOutputStream(13);
        writeInt(header, width);
        writeInt(header, height);
        header.write(sixteen ? 16 : 8);
        header.write(grey ? (alpha ? 4 : 0) : (alpha ? 6 : 2)); // colour type
        header.write(0); // deflate
        header.write(0); // adaptive filtering (one filter type per row)
        header.write(0); // not interlaced
        chunk(out, "IHDR", header.toByteArray(), header.size());
        if (icc != null) {
            ByteArrayOutputStream iccp = new ByteArrayOutputStream();
            iccp.write("ICC profile".getBytes(StandardCharsets.ISO_8859_1));
            iccp.write(0); // end of the name
            iccp.write(0); // deflate
            try (DeflaterOutputStream z = new DeflaterOutputStream(iccp)) {
                z.write(icc);
            }
            chunk(out, "iCCP", iccp.toByteArray(), iccp.size());
        }

        // the rows in parts deflated side by side (each part's deflate stream byte-aligned by a sync flush, the last
        // one finished), then one zlib stream: header, the parts, the Adler-32 of all the filtered rows
        int parts = height >= 2 * MIN_PART_ROWS ? Math.min(PARTS, height / MIN_PART_ROWS) : 1;
        Part[] done = IntStream.range(0, parts).parallel()
                .mapToObj(p -> deflate(rows, width * bands * (sixteen ? 2 : 1), p * height / parts,
                        (p + 1) * height / parts, p == parts - 1))
                .toArray(Part[]::new);
        long adler = 1;
        try (IdatStream idat = new IdatStream(out)) {
            idat.write(new byte[] {0x78, 0x01}, 0, 2); // deflate, 32 KiB window, fastest level
            for (Part part : done) {
                idat.write(part.deflated, 0, part.deflated.length);
                adler = combineAdler32(adler, part.adler, part.length);
            }
            idat.write(new byte[] {(byte) (adler >>> 24), (byte) (adler >>> 16), (byte) (adler >>> 8), (byte) adler},
                    0, 4);
        }
        chunk(out, "IEND", new byte[0], 0);
    }

    /** Rows deflated raw (no zlib header), the Adler-32 and the length of what went in. */
    private record Part(byte[] deflated, long adler, long length) {
    }

    /** Rows {@code [y0, y1)}, Up-filtered (row y0 against row y0 - 1), as one part of the image's deflate stream. */
    private static Part deflate(Rows rows, int rowBytes, int y0, int y1, boolean last) {
        byte[] prev = new byte[rowBytes];
        byte[] row = new byte[rowBytes];
        byte[] line = new byte[1 + rowBytes];
        line[0] = FILTER_UP;
        java.util.zip.Adler32 adler = new java.util.zip.Adler32();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream((y1 - y0) * rowBytes / 2 + 64);
        byte[] buf = new byte[1 << 16];
        try {
            for (int y = y0 == 0 ? 0 : y0 - 1; y < y1; y++) {
                rows.fill(y, row);
                if (y >= y0) {
                    upFilter(row, prev, line);
                    adler.update(line);
                    deflater.setInput(line);
                    while (!deflater.needsInput()) {
                        out.write(buf, 0, deflater.deflate(buf));
                    }
                }
                byte[] t = prev;
                prev = row;
                row = t;
            }
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    out.write(buf, 0, deflater.deflate(buf));
                }
            } else {
                int n;
                do { // a sync flush ends on a byte boundary, with no final block: the next part's stream follows
                    n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    out.write(buf, 0, n);
                } while (n == buf.length);
            }
        } finally {
            deflater.end();
        }
        return new Part(out.toByteArray(), adler.getValue(), (long) (y1 - y0) * (1 + rowBytes));
    }

    /**
     * {@code line[1 + i] = row[i] - prev[i]}. A method of its own, called per row, as is {@link #quantizeRow}: the JIT
     * compiles a method after enough calls, but a loop inside {@link #deflate} only after tens of thousands of turns,
     * and then as an on-stack-replacement copy of all of deflate (C2 spent about 40 ms of a one-shot decompress of
     * kodim01 on it, while the PNG was being written).
     */
    private static void upFilter(byte[] row, byte[] prev, byte[] line) {
        for (int i = 0; i < row.length; i++) {
            line[1 + i] = (byte) (row[i] - prev[i]);
        }
    }

    /** The Adler-32 of A followed by B from theirs and B's length (zlib's adler32_combine). */
    static long combineAdler32(long a, long b, long lengthOfB) {
        final long base = 65521;
        long rem = lengthOfB % base;
        long sum1 = a & 0xffff;
        long sum2 = rem * sum1 % base;
        sum1 += (b & 0xffff) + base - 1;
        sum2 += (a >>> 16 & 0xffff) + (b >>> 16 & 0xffff) + base - rem;
        if (sum1 >= base) {
            sum1 -= base;
        }
        if (sum1 >= base) {
            sum1 -= base;
        }
        if (sum2 >= base << 1) {
            sum2 -= base << 1;
        }
        if (sum2 >= base) {
            sum2 -= base;
        }
        return sum1 | sum2 << 16;
    }

    private static void fillRow(byte[] data, int at, int pixelStride, int[] offsets, int width, byte[] row) {
        int bands = offsets.length;
        for (int x = 0, o = 0; x < width; x++, at += pixelStride) {
            for (int b = 0; b < bands; b++) {
                row[o++] = data[at + offsets[b]];
            }
        }
    }

    private static void fillRow(short[] data, int at, int pixelStride, int[] offsets, int width, byte[] row) {
        int bands = offsets.length;
        for (int x = 0, o = 0; x < width; x++, at += pixelStride) {
            for (int b = 0; b < bands; b++) {
                short v = data[at + offsets[b]];
                row[o++] = (byte) (v >>> 8); // big-endian samples
                row[o++] = (byte) v;
            }
        }
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void chunk(OutputStream out, String type, byte[] data, int length) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data, 0, length);
        writeInt(out, length);
        out.write(name);
        out.write(data, 0, length);
        writeInt(out, (int) crc.getValue());
    }

    /** The deflated stream, cut into IDAT chunks of at most {@link #IDAT_SIZE} bytes. */
    private static final class IdatStream extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[IDAT_SIZE];
        private int n;

        IdatStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int take = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, take);
                n += take;
                off += take;
                len -= take;
                if (n == buf.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (n > 0) {
                chunk(out, "IDAT", buf, n);
                n = 0;
            }
        }

        @Override
        public void close() throws IOException {
            flush(); // the caller's stream stays open
        }
    }
}
