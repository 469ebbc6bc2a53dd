package org.aeic.codec.container;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.aeic.codec.AeicException;

/**
 * Lossless coding of an alpha plane: each row is predicted from its left neighbour (filter 0) or from the row
 * above (filter 1), whichever leaves smaller residuals, and the filter byte plus the residuals (mod 2^bitDepth,
 * 1 or 2 big-endian bytes per sample) are zlib-compressed row after row.
 *
 * <p>The decoder inflates one row at a time into a row buffer, never produces more than width × height samples,
 * and refuses data that ends early, runs on past the last row or carries bytes after the zlib stream; the zlib
 * Adler-32 catches corruption the container CRC missed.
 */
public final class AlphaCodec {

    private static final int LEFT = 0;
    private static final int UP = 1;

    private AlphaCodec() {
    }

    /**
     * Codes {@code alpha}, width × height samples in row-major order, each in 0..2^bitDepth−1.
     *
     * @throws IllegalArgumentException if the arguments do not describe a valid plane
     */
    public static byte[] encode(int[] alpha, int width, int height, int bitDepth) {
        int bps = bytesPerSample(bitDepth);
        if (width < 1 || height < 1 || (long) width * height != alpha.length) {
            throw new IllegalArgumentException("alpha plane of " + alpha.length + " samples is not " + width + "x"
                    + height);
        }
        int max = (1 << bitDepth) - 1;
        for (int v : alpha) {
            if (v < 0 || v > max) {
                throw new IllegalArgumentException("alpha sample " + v + " out of range 0.." + max);
            }
        }
        byte[] row = new byte[rowBytes(width, bps)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 << 10];
        Deflater def = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            for (int y = 0; y < height; y++) {
                int filter = y > 0 && cost(alpha, width, y, UP) < cost(alpha, width, y, LEFT) ? UP : LEFT;
                row[0] = (byte) filter;
                for (int x = 0, o = 1; x < width; x++, o += bps) {
                    int r = (alpha[y * width + x] - predict(alpha, width, x, y, filter)) & max;
                    if (bps == 2) {
                        row[o] = (byte) (r >>> 8);
                    }
                    row[o + bps - 1] = (byte) r;
                }
                def.setInput(row);
                while (!def.needsInput()) {
                    out.write(buf, 0, def.deflate(buf));
                }
            }
            def.finish();
            while (!def.finished()) {
                out.write(buf, 0, def.deflate(buf));
            }
        } finally {
            def.end();
        }
        return out.toByteArray();
    }

    /** Decodes a plane coded by {@link #encode} into width × height samples. */
    public static int[] decode(byte[] data, int width, int height, int bitDepth) throws AeicException {
        if (bitDepth != 8 && bitDepth != 16) {
            throw new AeicException("unsupported alpha bit depth " + bitDepth);
        }
        int bps = bitDepth / 8;
        if (width < 1 || height < 1 || (long) width * height > ContainerLimits.MAX_ARRAY
                || 1 + (long) width * bps > ContainerLimits.MAX_ARRAY) {
            throw new AeicException("invalid alpha plane size " + width + "x" + height);
        }
        int max = (1 << bitDepth) - 1;
        int[] alpha = new int[width * height];
        byte[] row = new byte[rowBytes(width, bps)];
        Inflater inf = new Inflater();
        try {
            inf.setInput(data);
            for (int y = 0; y < height; y++) {
                inflateFully(inf, row);
                int filter = row[0];
                if (filter != LEFT && filter != UP) {
                    throw new AeicException("corrupt alpha plane: unknown filter " + (filter & 0xFF));
                }
                for (int x = 0, o = 1; x < width; x++, o += bps) {
                    int r = bps == 2 ? (row[o] & 0xFF) << 8 | row[o + 1] & 0xFF : row[o] & 0xFF;
                    alpha[y * width + x] = (predict(alpha, width, x, y, filter) + r) & max;
                }
            }
            // the stream must end exactly here: no extra samples, no bytes after the zlib trailer
            if (!inf.finished() && inf.inflate(new byte[1]) != 0) {
                throw new AeicException("corrupt alpha plane: more data than " + width + "x" + height + " samples");
            }
            if (!inf.finished()) {
                throw new AeicException("corrupt alpha plane: truncated");
            }
            if (inf.getRemaining() != 0) {
                throw new AeicException("corrupt alpha plane: " + inf.getRemaining() + " trailing bytes");
            }
        } catch (DataFormatException e) {
            throw new AeicException("corrupt alpha plane: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        return alpha;
    }

    private static void inflateFully(Inflater inf, byte[] row) throws AeicException, DataFormatException {
        int n = 0;
        while (n < row.length) {
            int before = inf.getRemaining();
            int r = inf.inflate(row, n, row.length - n);
            // all input was given up front, so a call that makes no progress means the data ended too early
            if (r == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary()
                    || inf.getRemaining() == before)) {
                throw new AeicException("corrupt alpha plane: truncated");
            }
            n += r;
        }
    }

    /** The predicted value of sample (x, y); row 0 predicts from 0 above, column 0 from the row above. */
    private static int predict(int[] a, int width, int x, int y, int filter) {
        if (filter == LEFT && x > 0) {
            return a[y * width + x - 1];
        }
        return y > 0 ? a[(y - 1) * width + x] : 0;
    }

    private static long cost(int[] a, int width, int y, int filter) {
        long sum = 0;
        for (int x = 0; x < width; x++) {
            sum += Math.abs(a[y * width + x] - predict(a, width, x, y, filter));
        }
        return sum;
    }

    private static int bytesPerSample(int bitDepth) {
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("alpha bit depth must be 8 or 16, got " + bitDepth);
        }
        return bitDepth / 8;
    }

    private static int rowBytes(int width, int bps) {
        return Math.toIntExact(1 + (long) width * bps);
    }
}
