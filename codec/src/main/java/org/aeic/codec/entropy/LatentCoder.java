package org.aeic.codec.entropy;

import org.aeic.codec.AeicException;

/**
 * Codes a quantized latent (channel-major: channel {@code c} occupies
 * {@code [c * planeSize, (c + 1) * planeSize)}) as one rANS stream, each channel with its own table.
 */
public final class LatentCoder {
    private LatentCoder() {}

    /** Encodes {@code channels * planeSize} symbols; {@code tables[c]} models channel {@code c}. */
    public static byte[] encode(int[] symbols, int channels, int planeSize, SymbolTable[] tables) {
        checkShape(channels, planeSize, tables);
        if ((long) channels * planeSize != symbols.length) {
            throw new IllegalArgumentException("expected " + (long) channels * planeSize + " symbols, got " + symbols.length);
        }
        RansEncoder enc = new RansEncoder();
        for (int c = 0, i = 0; c < channels; c++) {
            SymbolTable t = tables[c];
            for (int end = i + planeSize; i < end; i++) t.encode(symbols[i], enc);
        }
        return enc.finish();
    }

    /**
     * Decodes what {@link #encode} wrote in {@code buf[off, off + len)}. Corrupt or truncated input
     * throws {@link AeicException} (or, rarely, yields wrong symbols); it never hangs and allocates
     * nothing beyond the returned array.
     */
    public static int[] decode(byte[] buf, int off, int len, int channels, int planeSize, SymbolTable[] tables)
            throws AeicException {
        // the shape usually comes from a stream header, so a bad one is the input's fault
        if (channels < 0 || planeSize < 0 || (long) channels * planeSize > Integer.MAX_VALUE - 8) {
            throw new AeicException("bad latent shape " + channels + " x " + planeSize);
        }
        checkShape(channels, planeSize, tables);
        RansDecoder dec = new RansDecoder(buf, off, len);
        int[] out = new int[channels * planeSize];
        for (int c = 0, i = 0; c < channels; c++) {
            if (dec.isCorrupt()) break; // no point decoding the rest; checkEnd reports it
            SymbolTable t = tables[c];
            for (int end = i + planeSize; i < end; i++) out[i] = t.decode(dec);
        }
        dec.checkEnd();
        return out;
    }

    /**
     * Encodes symbol {@code i} with {@code tables[tableOf[i]]}: one rANS stream whose table changes per element
     * (the mean-scale hyperprior picks a table for every latent element).
     */
    public static byte[] encode(int[] symbols, int[] tableOf, SymbolTable[] tables) {
        if (tableOf.length != symbols.length) {
            throw new IllegalArgumentException(symbols.length + " symbols with " + tableOf.length + " table indices");
        }
        RansEncoder enc = new RansEncoder();
        for (int i = 0; i < symbols.length; i++) tables[tableOf[i]].encode(symbols[i], enc);
        return enc.finish();
    }

    /** Decodes {@code tableOf.length} symbols that {@link #encode(int[], int[], SymbolTable[])} wrote. */
    public static int[] decode(byte[] buf, int off, int len, int[] tableOf, SymbolTable[] tables) throws AeicException {
        RansDecoder dec = new RansDecoder(buf, off, len);
        int[] out = new int[tableOf.length];
        for (int i = 0; i < out.length && !dec.isCorrupt(); i++) out[i] = tables[tableOf[i]].decode(dec);
        dec.checkEnd();
        return out;
    }

    /**
     * Codes and decodes about 10,000 symbols, escapes included, under small tables, so that the JIT compiles the
     * decoder before a one-shot command decodes its first tile (see {@link org.aeic.codec.WarmUp}): cold, the first
     * part of kodim01's latent took 12-57 ms instead of 1-2. Every hundred decodes run under new tables, whose first
     * decode builds their lookup table: with the same two tables throughout, C2 compiled that step as never taken,
     * and the codec's first table threw the compiled decoder away (then 25 ms in slower code while C2 compiled it
     * again).
     * Many short decodes rather than a few long ones: the JIT compiles a method after enough calls, but a loop only
     * after tens of thousands of turns, and then as an on-stack-replacement copy for that one call. Eight decodes of
     * 4,096 symbols left the decoder's loop in the interpreter, so a one-shot decode ran its anchors there (15-38 ms
     * of kodim01's, against 1.3 warm).
     */
    public static void warmUp() {
        try {
            java.util.Random r = new java.util.Random(1);
            int[] symbols = new int[WARM_UP_SYMBOLS];
            int[] tableOf = new int[symbols.length];
            for (int i = 0; i < symbols.length; i++) {
                tableOf[i] = i & 1;
                symbols[i] = r.nextInt(13) - 6; // some outside both tables: escapes
            }
            byte[] coded = encode(symbols, tableOf, warmUpTables());
            SymbolTable[] tables = warmUpTables();
            for (int round = 0; round < WARM_UP_DECODES; round++) {
                if (round % 100 == 0) {
                    tables = warmUpTables();
                }
                decode(coded, 0, coded.length, tableOf, tables);
            }
        } catch (AeicException e) {
            throw new IllegalStateException("the warm-up's own stream does not decode", e);
        }
    }

    /**
     * The warm-up's decodes and their length: past C1's threshold for a method's calls (200), so that the decoder's
     * loop runs compiled, and C2's for the symbol table's decode (5,000 calls), in less time than the eight decodes
     * of 4,096 symbols before: 2,500 decodes, to reach C2's threshold for the loop as well, made the warm-up of the
     * GEMM kernel start later, when C2's queue was longer, and then C2 compiled the kernel from profiles too thin
     * to know its accumulators' class in 3 of 100 one-shot decompresses (the kernel then ran the Vector API's
     * fallback, 15-20 s for kodim01; none in 150 with the shorter warm-up).
     */
    private static final int WARM_UP_DECODES = 300;
    private static final int WARM_UP_SYMBOLS = 32;

    private static SymbolTable[] warmUpTables() throws AeicException {
        return new SymbolTable[] {SymbolTable.of(-4, 12, 60, 240, 600, 1000, 1200, 600, 240, 100, 50, 6),
                SymbolTable.of(-1, 10, 200, 600, 200, 24)};
    }

    private static void checkShape(int channels, int planeSize, SymbolTable[] tables) {
        if (channels < 0 || planeSize < 0 || tables.length < channels) {
            throw new IllegalArgumentException("bad latent shape " + channels + " x " + planeSize
                    + " with " + tables.length + " tables");
        }
    }
}
