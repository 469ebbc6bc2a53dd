package org.aeic.codec.image;

import java.io.IOException;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.stream.ImageInputStream;

/**
 * The PNG files most photos come as, read without ImageIO: 8-bit grey, grey + alpha, RGB or RGBA, not interlaced,
 * with no chunk that changes the pixels or the colour space ({@link #read} returns null for anything else, and
 * ImageIO reads the file). The image is the one {@link ImageLoader}'s ImageIO path makes of such a file, value for
 * value ({@code sample / 255f}, alpha as stored, no ICC, no EXIF).
 *
 * <p>Why: in a one-shot {@code aeic compress} of kodim01 the JDK's reader took 135-170 ms to its first image (its
 * plugin registry, then per-sample Java that had not been compiled yet) and 40 ms warm; this reader inflates with
 * zlib and undoes each row's filter in a small method the JIT compiles early.
 */
final class PngReader {
    /** Ancillary chunks that change neither the pixels nor the ICC profile or EXIF that the ImageIO path reads. */
    private static final Set<String> IGNORED = Set.of("tEXt", "zTXt", "iTXt", "tIME", "pHYs", "sRGB", "gAMA", "cHRM");
    private static final int MAX_CHUNK = 1 << 30;

    private PngReader() {
    }

    /**
     * The image, or null when the stream is not such a PNG, or is damaged (truncated, a bad CRC or deflate stream, an
     * unknown filter), or has more than {@code maxPixels} pixels: the caller then reads it from where it started with
     * ImageIO, which gives its own image or error. The stream is left anywhere.
     */
    static PlanarImage read(ImageInputStream in, long maxPixels) {
        try {
            return readOrNull(in, maxPixels);
        } catch (IOException | DataFormatException | RuntimeException | OutOfMemoryError e) {
            return null; // ImageIO's path reads it, or says what is wrong (not enough memory: a one-line error)
        }
    }

    private static PlanarImage readOrNull(ImageInputStream in, long maxPixels) throws IOException, DataFormatException {
        byte[] head = new byte[PngWriter.SIGNATURE.length];
        in.readFully(head);
        if (!java.util.Arrays.equals(head, PngWriter.SIGNATURE)) {
            return null;
        }
        Chunk ihdr = Chunk.read(in, new byte[13]);
        if (ihdr == null || !ihdr.type.equals("IHDR") || ihdr.length != 13) {
            return null;
        }
        byte[] h = ihdr.data;
        long width = u32(h, 0);
        long height = u32(h, 4);
        int depth = h[8];
        int colorType = h[9];
        int bands = colorType == 0 ? 1 : colorType == 2 ? 3 : colorType == 4 ? 2 : colorType == 6 ? 4 : 0;
        if (width < 1 || height < 1 || width * height > maxPixels || width * height > (Integer.MAX_VALUE - 8) / 3
                || width * bands + 1 > Integer.MAX_VALUE - 8 || depth != 8 || bands == 0 || h[10] != 0 || h[11] != 0
                || h[12] != 0) {
            return null;
        }
        int w = (int) width;
        int rows = (int) height;
        Inflater inflater = new Inflater();
        try {
            Unfilter image = new Unfilter(w, rows, bands);
            byte[] buf = new byte[1 << 16];
            boolean idatSeen = false;
            boolean idatDone = false;
            while (true) {
                Chunk c = Chunk.header(in);
                if (c == null) {
                    return null;
                }
                if (c.type.equals("IDAT")) {
                    if (idatDone) {
                        return null; // IDAT chunks must follow one another
                    }
                    idatSeen = true;
                    CRC32 crc = c.crc();
                    for (long left = c.length; left > 0; ) {
                        int n = (int) Math.min(buf.length, left);
                        in.readFully(buf, 0, n);
                        crc.update(buf, 0, n);
                        inflater.setInput(buf, 0, n);
                        image.inflate(inflater);
                        left -= n;
                    }
                    if ((int) crc.getValue() != in.readInt()) {
                        return null;
                    }
                    continue;
                }
                idatDone = idatSeen;
                if (c.type.equals("IEND")) {
                    return idatSeen && image.complete() && inflater.finished() ? image.toPlanar() : null;
                }
                if (!IGNORED.contains(c.type)) {
                    return null; // PLTE, tRNS, iCCP, eXIf, sBIT, ... or unknown: ImageIO's reading
                }
                if (!c.skip(in, buf)) {
                    return null;
                }
            }
        } finally {
            inflater.end();
        }
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /** A chunk's length and type (and, for a small one read whole, its data). */
    private record Chunk(long length, String type, byte[] typeBytes, byte[] data) {
        static Chunk header(ImageInputStream in) throws IOException {
            long length = in.readUnsignedInt();
            byte[] type = new byte[4];
            in.readFully(type);
            for (byte b : type) {
                if (!(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z')) {
                    return null;
                }
            }
            return length > MAX_CHUNK ? null
                    : new Chunk(length, new String(type, java.nio.charset.StandardCharsets.US_ASCII), type, null);
        }

        /** A chunk of at most {@code into.length} bytes, read whole and its CRC checked; null if it is not one. */
        static Chunk read(ImageInputStream in, byte[] into) throws IOException {
            Chunk c = header(in);
            if (c == null || c.length > into.length) {
                return null;
            }
            in.readFully(into, 0, (int) c.length);
            CRC32 crc = c.crc();
            crc.update(into, 0, (int) c.length);
            return (int) crc.getValue() == in.readInt() ? new Chunk(c.length, c.type, c.typeBytes, into) : null;
        }

        CRC32 crc() {
            CRC32 crc = new CRC32();
            crc.update(typeBytes);
            return crc;
        }

        /** Skips the data (read through {@code buf}) and checks the CRC. */
        boolean skip(ImageInputStream in, byte[] buf) throws IOException {
            CRC32 crc = crc();
            for (long left = length; left > 0; ) {
                int n = (int) Math.min(buf.length, left);
                in.readFully(buf, 0, n);
                crc.update(buf, 0, n);
                left -= n;
            }
            return (int) crc.getValue() == in.readInt();
        }
    }

    /** Rows as they come out of the inflater: each unfiltered against the one above, then into the float planes. */
    private static final class Unfilter {
        private final int w;
        private final int rows;
        private final int bands;
        private byte[] row; // filter byte + the row's samples
        private byte[] above; // the row above, unfiltered (zeros above the first)
        private final byte[] spare = new byte[1];
        private int filled;
        private int y;
        private final float[] rgb;
        private final int[] alpha;

        Unfilter(int w, int rows, int bands) {
            this.w = w;
            this.rows = rows;
            this.bands = bands;
            this.row = new byte[w * bands + 1];
            this.above = new byte[w * bands + 1];
            this.rgb = new float[3 * w * rows];
            this.alpha = bands % 2 == 0 ? new int[w * rows] : null;
        }

        void inflate(Inflater inflater) throws DataFormatException {
            while (!inflater.needsInput() && !inflater.finished()) {
                // after the last row only the zlib stream's end may come (it may span IDAT chunks)
                int n = y < rows ? inflater.inflate(row, filled, row.length - filled) : inflater.inflate(spare);
                if (n == 0 && !inflater.needsInput() && !inflater.finished()) {
                    throw new DataFormatException("the inflater stopped"); // a preset dictionary: never in a PNG
                }
                if (y == rows) {
                    if (n > 0) {
                        throw new DataFormatException("data after the last row");
                    }
                    continue;
                }
                filled += n;
                if (filled == row.length) {
                    unfilter(row, above, bands);
                    toPlanes(row, y);
                    byte[] t = above;
                    above = row;
                    row = t;
                    filled = 0;
                    y++;
                }
            }
        }

        boolean complete() {
            return y == rows;
        }

        /** Row y's samples (from index 1) as ImageIO's path makes them: sample / 255f, alpha as stored. */
        private void toPlanes(byte[] r, int y) {
            int n = w * rows;
            int i = y * w;
            if (bands == 1) {
                grey(r, rgb, i, n, w);
            } else if (bands == 2) {
                greyAlpha(r, rgb, alpha, i, n, w);
            } else {
                colour(r, rgb, alpha, i, n, w, bands);
            }
        }

        PlanarImage toPlanar() {
            int channels = (bands < 3 ? 1 : 3) + (alpha != null ? 1 : 0);
            return new PlanarImage(w, rows, rgb, alpha, channels, 8, false, null, null);
        }
    }

    private static void grey(byte[] r, float[] rgb, int i, int n, int w) {
        for (int x = 0; x < w; x++, i++) {
            float v = (r[1 + x] & 0xFF) / 255f;
            rgb[i] = v;
            rgb[n + i] = v;
            rgb[2 * n + i] = v;
        }
    }

    private static void greyAlpha(byte[] r, float[] rgb, int[] alpha, int i, int n, int w) {
        for (int x = 0, s = 1; x < w; x++, i++, s += 2) {
            float v = (r[s] & 0xFF) / 255f;
            rgb[i] = v;
            rgb[n + i] = v;
            rgb[2 * n + i] = v;
            alpha[i] = r[s + 1] & 0xFF;
        }
    }

    private static void colour(byte[] r, float[] rgb, int[] alpha, int i, int n, int w, int bands) {
        for (int x = 0, s = 1; x < w; x++, i++, s += bands) {
            rgb[i] = (r[s] & 0xFF) / 255f;
            rgb[n + i] = (r[s + 1] & 0xFF) / 255f;
            rgb[2 * n + i] = (r[s + 2] & 0xFF) / 255f;
            if (alpha != null) {
                alpha[i] = r[s + 3] & 0xFF;
            }
        }
    }

    /**
     * Undoes a row's filter in place (byte 0 the filter type, samples from 1), {@code bpp} bytes per pixel, against
     * the unfiltered row above.
     */
    private static void unfilter(byte[] row, byte[] above, int bpp) throws DataFormatException {
        int n = row.length;
        switch (row[0]) {
            case 0 -> { }
            case 1 -> sub(row, n, bpp);
            case 2 -> up(row, above, n);
            case 3 -> average(row, above, n, bpp);
            case 4 -> paeth(row, above, n, bpp);
            default -> throw new DataFormatException("filter type " + row[0]);
        }
    }

    private static void sub(byte[] r, int n, int bpp) {
        for (int i = 1 + bpp; i < n; i++) {
            r[i] += r[i - bpp];
        }
    }

    private static void up(byte[] r, byte[] a, int n) {
        for (int i = 1; i < n; i++) {
            r[i] += a[i];
        }
    }

    private static void average(byte[] r, byte[] a, int n, int bpp) {
        for (int i = 1; i < n; i++) {
            int left = i > bpp ? r[i - bpp] & 0xFF : 0;
            r[i] += (byte) ((left + (a[i] & 0xFF)) >>> 1);
        }
    }

    private static void paeth(byte[] r, byte[] a, int n, int bpp) {
        for (int i = 1; i < n; i++) {
            int left = i > bpp ? r[i - bpp] & 0xFF : 0;
            int up = a[i] & 0xFF;
            int upLeft = i > bpp ? a[i - bpp] & 0xFF : 0;
            int p = left + up - upLeft;
            int pa = Math.abs(p - left);
            int pb = Math.abs(p - up);
            int pc = Math.abs(p - upLeft);
            r[i] += (byte) (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
        }
    }
}
