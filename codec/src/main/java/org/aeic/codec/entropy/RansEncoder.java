package org.aeic.codec.entropy;

import java.util.Arrays;

/**
 * Byte-oriented rANS encoder: 32-bit state kept in [2^23, 2^31), renormalised one byte at a time.
 *
 * <p>Symbols are given as integer slots {@code [start, start + freq)} out of {@code 2^precisionBits}
 * (1..16 bits, may differ per call). rANS is last-in first-out, so calls are buffered and encoded in
 * reverse by {@link #finish()}; a {@link RansDecoder} then returns them in the order they were put.
 * Not thread-safe; one encoder makes one stream.
 */
final class RansEncoder {
    static final int L = 1 << 23; // lower bound of the state; the upper bound is L << 8 = 2^31

    // one buffered call = start | (freq - 1) << 16 (both fit 16 bits when P <= 16) plus its precision
    private int[] slots = new int[1024];
    private byte[] precisions = new byte[1024];
    private int count;
    private boolean finished;

    /** Queues the symbol occupying {@code [start, start + freq)} of {@code 2^precisionBits} slots. */
    public void put(int start, int freq, int precisionBits) {
        if (precisionBits < 1 || precisionBits > 16 || freq < 1 || start < 0
                || start + freq > 1 << precisionBits) {
            throw new IllegalArgumentException("bad rANS symbol start=" + start + " freq=" + freq
                    + " precision=" + precisionBits);
        }
        if (finished) throw new IllegalStateException("encoder already finished");
        if (count == slots.length) {
            int n = count * 2;
            slots = Arrays.copyOf(slots, n);
            precisions = Arrays.copyOf(precisions, n);
        }
        slots[count] = start | (freq - 1) << 16;
        precisions[count++] = (byte) precisionBits;
    }

    /** Queues {@code nbits} (1..16) raw bits as a uniform symbol. */
    public void putBits(int value, int nbits) {
        if (nbits < 1 || nbits > 16 || value >>> nbits != 0) {
            throw new IllegalArgumentException("bad bypass value " + value + " in " + nbits + " bits");
        }
        put(value, 1, nbits);
    }

    /** Encodes everything queued and returns the stream; the encoder cannot be used afterwards. */
    public byte[] finish() {
        if (finished) throw new IllegalStateException("encoder already finished");
        finished = true;
        // with P <= 16 one symbol emits at most 2 bytes (x < 2^31 and x_max >= 2^15), plus the 4-byte state
        byte[] out = new byte[2 * count + 4];
        int ptr = out.length;
        int x = L;
        for (int i = count - 1; i >= 0; i--) {
            int start = slots[i] & 0xFFFF, freq = (slots[i] >>> 16) + 1, p = precisions[i];
            long xMax = (long) ((L >>> p) << 8) * freq; // long: freq may be 2^p, giving 2^31
            while (x >= xMax) {
                out[--ptr] = (byte) x;
                x >>>= 8;
            }
            x = ((x / freq) << p) + (x % freq) + start;
        }
        for (int i = 0; i < 4; i++, x >>>= 8) out[--ptr] = (byte) x; // decoder reads it big-endian
        slots = null;
        precisions = null;
        return Arrays.copyOfRange(out, ptr, out.length);
    }
}
