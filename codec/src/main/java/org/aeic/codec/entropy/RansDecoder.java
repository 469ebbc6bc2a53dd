package org.aeic.codec.entropy;

import java.util.Objects;
import org.aeic.codec.AeicException;

/**
 * Decoder for streams made by {@link RansEncoder}; symbols come back in the order they were put.
 *
 * <p>Decoding untrusted data never throws an unchecked exception and never loops: reading past the
 * end, an impossible initial state or an inconsistent {@link #consume} marks the stream corrupt
 * (the state is then pinned so decoding goes on harmlessly), and {@link #checkEnd()} reports it.
 */
final class RansDecoder {
    private static final int L = RansEncoder.L;

    private final byte[] buf;
    private final int end;
    private int pos;
    private int x;
    private boolean corrupt;

    /** Decodes {@code buf[off, off + len)}; the array is read in place, not copied. */
    public RansDecoder(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        for (int i = 0; i < 4; i++) {
            if (pos < end) x = x << 8 | (buf[pos++] & 0xFF);
            else corrupt = true;
        }
        if (corrupt || x < L) fail(); // x < 0 too: the encoder's state never reaches 2^31
    }

    /** Returns the slot in {@code [0, 2^precisionBits)} that the next symbol occupies. */
    public int peek(int precisionBits) {
        return x & ((1 << precisionBits) - 1);
    }

    /** Removes the symbol {@code [start, start + freq)} that {@link #peek} pointed into. */
    public void consume(int start, int freq, int precisionBits) {
        int slot = x & ((1 << precisionBits) - 1);
        if (slot < start || slot - start >= freq) {
            fail();
            return;
        }
        x = freq * (x >>> precisionBits) + slot - start; // < 2^31 since freq <= 2^P
        while (x < L) {
            if (pos >= end) {
                fail();
                return;
            }
            x = x << 8 | (buf[pos++] & 0xFF);
        }
    }

    /** Reads {@code nbits} (1..16) raw bits written by {@link RansEncoder#putBits}. */
    public int getBits(int nbits) {
        int v = peek(nbits);
        consume(v, 1, nbits);
        return v;
    }

    /** Whether corruption has been detected so far (a cheap early exit for long decodes). */
    public boolean isCorrupt() {
        return corrupt;
    }

    /**
     * Verifies the stream ended exactly here: every byte consumed and the state back at the encoder's
     * initial value. This catches truncation and most corruption.
     */
    public void checkEnd() throws AeicException {
        if (corrupt || pos != end || x != L) throw new AeicException("corrupt entropy-coded data");
    }

    private void fail() {
        corrupt = true;
        x = L; // a valid state keeps every later call cheap and in range
    }
}
