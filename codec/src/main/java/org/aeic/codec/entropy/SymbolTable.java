package org.aeic.codec.entropy;

import org.aeic.codec.AeicException;

/**
 * Integer model of one latent channel, built from validated frequencies (the model file's tables).
 *
 * <p>Symbols {@code minSymbol .. minSymbol + size() - 1} are coded with their own frequency; any
 * other int is coded as ESCAPE (the last frequency), a sign bit and the Elias-gamma coded distance
 * beyond the range, so every value round-trips and nothing is clipped. Immutable and thread-safe.
 */
public final class SymbolTable {
    /** Most regular (non-escape) symbols a table may have. */
    public static final int MAX_SYMBOLS = 4096;

    private final int minSymbol;
    private final int n;          // regular symbols; index n is the escape
    private final int precision;
    private final int[] cum;      // cum[i] = first slot of symbol index i, cum[n + 1] = 2^precision
    private final int lutShift;   // a slot's bucket in lut: slot >>> lutShift
    private volatile char[] lut;  // bucket -> index of the symbol holding its first slot; built on first decode

    private SymbolTable(int minSymbol, int[] freq, int precision) {
        this.minSymbol = minSymbol;
        this.n = freq.length - 1;
        this.precision = precision;
        this.cum = new int[freq.length + 1];
        for (int i = 0; i < freq.length; i++) cum[i + 1] = cum[i] + freq[i];
        // about 8 buckets per symbol, so that the search from a bucket's first symbol is a step or two; a whole
        // 2^precision table (128 KB at 16 bits, for a table of 10 symbols) made a model's tables 33 MB
        int bits = Math.min(precision, 35 - Integer.numberOfLeadingZeros(freq.length));
        this.lutShift = precision - bits;
    }

    /**
     * Validates a table and builds it: {@code freq} holds the regular symbols' frequencies from
     * {@code minSymbol} on, then the escape's; {@code precisionBits} and the frequencies are unsigned
     * 32-bit values as stored. A malformed table (e.g. from a bad model file) throws.
     */
    public static SymbolTable of(int minSymbol, int precisionBits, int... freq) throws AeicException {
        int p = precisionBits;
        if (p < 1 || p > 16) throw new AeicException("entropy table precision " + Integer.toUnsignedString(p) + " out of 1..16");
        int count = freq.length;
        if (count < 2) throw new AeicException("entropy table needs at least one symbol and the escape");
        if (count - 1 > MAX_SYMBOLS) throw new AeicException("entropy table has " + (count - 1) + " symbols, over " + MAX_SYMBOLS);
        if ((long) minSymbol + count - 1 > (long) Integer.MAX_VALUE + 1) {
            throw new AeicException("entropy table symbol range overflows int"); // keeps escape distances < 2^32
        }
        int[] checked = new int[count];
        long sum = 0;
        for (int i = 0; i < count; i++) {
            long f = Integer.toUnsignedLong(freq[i]);
            if (f == 0) throw new AeicException("entropy table has a zero frequency");
            sum += f;
            checked[i] = (int) Math.min(f, 1 << 16); // exact once the sum is checked
        }
        if (sum != 1L << p) throw new AeicException("entropy table frequencies sum to " + sum + ", not 2^" + p);
        return new SymbolTable(minSymbol, checked, p);
    }

    public int minSymbol() { return minSymbol; }

    /** Number of regular (non-escape) symbols. */
    public int size() { return n; }

    /** Queues {@code symbol} (any int) on {@code enc}. */
    void encode(int symbol, RansEncoder enc) {
        long i = (long) symbol - minSymbol;
        if (i >= 0 && i < n) {
            enc.put(cum[(int) i], cum[(int) i + 1] - cum[(int) i], precision);
            return;
        }
        enc.put(cum[n], cum[n + 1] - cum[n], precision);
        boolean below = i < 0;
        long d = below ? -i : i - n + 1;                  // distance beyond the range, 1 .. 2^32 - 1
        int k = 63 - Long.numberOfLeadingZeros(d);        // d has k + 1 significant bits, k <= 31
        enc.putBits(below ? 1 : 0, 1);
        for (int j = 0; j < k; j++) enc.putBits(0, 1);    // unary bit by bit, as the decoder reads it
        enc.putBits(1, 1);
        while (k > 0) {                                    // mantissa, high chunk first
            int c = Math.min(k, 16);
            k -= c;
            enc.putBits((int) (d >>> k) & ((1 << c) - 1), c);
        }
    }

    /** Decodes one symbol; throws only on a malformed escape (other corruption surfaces at checkEnd). */
    int decode(RansDecoder dec) throws AeicException {
        char[] t = lut;
        if (t == null) lut = t = buildLut();
        int slot = dec.peek(precision);
        int s = t[slot >>> lutShift];
        while (cum[s + 1] <= slot) s++; // cum[n + 1] = 2^precision > slot ends it
        dec.consume(cum[s], cum[s + 1] - cum[s], precision);
        if (s < n) return minSymbol + s;
        boolean below = dec.getBits(1) == 1;
        int k = 0;
        while (dec.getBits(1) == 0) {
            if (++k > 31) throw new AeicException("corrupt entropy-coded data (escape too long)");
        }
        long d = 1;
        while (k > 0) {
            int c = Math.min(k, 16);
            k -= c;
            d = d << c | dec.getBits(c);
        }
        long v = below ? (long) minSymbol - d : (long) minSymbol + n - 1 + d;
        if (v != (int) v) throw new AeicException("corrupt entropy-coded data (escape out of range)");
        return (int) v;
    }

    private char[] buildLut() {
        char[] t = new char[1 << (precision - lutShift)];
        for (int b = 0, s = 0; b < t.length; b++) {
            while (cum[s + 1] <= b << lutShift) s++;
            t[b] = (char) s;
        }
        return t;
    }
}
