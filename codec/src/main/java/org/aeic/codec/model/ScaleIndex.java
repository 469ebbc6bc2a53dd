package org.aeic.codec.model;

/**
 * The choice of a scale table for a latent element and the framing of a tile in two parts, shared by the latent
 * codecs that code part of the latent under a predicted scale ({@link MeanScaleLatentCodec},
 * {@link CheckerboardLatentCodec}).
 */
final class ScaleIndex {
    /** The scales (ascending), then +∞ up to a power of two. */
    private final float[] padded;
    private final int last;
    private final int top;

    ScaleIndex(float[] scales) {
        int size = Integer.highestOneBit(Math.max(1, scales.length - 1)) * 2;
        padded = java.util.Arrays.copyOf(scales, Math.max(size, scales.length));
        java.util.Arrays.fill(padded, scales.length, padded.length, Float.POSITIVE_INFINITY);
        last = scales.length - 1;
        top = padded.length / 2;
    }

    /**
     * The table of the smallest scale ≥ {@code scale}, the last if none is (NaN included): comparisons only. The
     * count of scales not ≥ it, by halving steps of fixed sizes that the JIT turns into conditional moves: a
     * binary search's branches went each way at random, and mispredicting them made this a tenth of a decode.
     */
    int index(float scale) {
        int i = 0;
        for (int step = top; step > 0; step >>= 1) {
            i += padded[i + step - 1] >= scale ? 0 : step;
        }
        return Math.min(i, last);
    }

    /** {@code varint(first.length) | first | second}. */
    static byte[] twoParts(byte[] first, byte[] second) {
        int v = first.length;
        int size = 1;
        while ((v >>>= 7) != 0) {
            size++;
        }
        byte[] out = new byte[size + first.length + second.length];
        int o = 0;
        v = first.length;
        while ((v & ~0x7F) != 0) {
            out[o++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        out[o++] = (byte) v;
        System.arraycopy(first, 0, out, o, first.length);
        System.arraycopy(second, 0, out, o + first.length, second.length);
        return out;
    }

    /** {offset of the first part, its length} of what {@link #twoParts} wrote; the second part follows it. */
    static int[] firstPart(byte[] data) throws org.aeic.codec.AeicException {
        return firstPart(data, 0);
    }

    /** As {@link #firstPart(byte[])} for parts written at {@code from} (a second part that is two parts itself). */
    static int[] firstPart(byte[] data, int from) throws org.aeic.codec.AeicException {
        long len = 0;
        int o = from;
        for (int shift = 0; ; shift += 7) {
            if (o >= data.length || shift > 28) {
                throw new org.aeic.codec.AeicException("corrupt tile (bad length of its first part)");
            }
            int b = data[o++] & 0xFF;
            len |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                break;
            }
        }
        if (len > data.length - o) {
            throw new org.aeic.codec.AeicException("corrupt tile (first part of " + len + " bytes exceeds the tile)");
        }
        return new int[] {o, (int) len};
    }
}
