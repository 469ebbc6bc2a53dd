package org.aeic.codec.entropy;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.aeic.codec.AeicException;
import org.junit.jupiter.api.Test;

class SymbolTableTest {

    private static int[] roundTrip(SymbolTable t, int[] values) throws AeicException {
        RansEncoder enc = new RansEncoder();
        for (int v : values) t.encode(v, enc);
        byte[] buf = enc.finish();
        RansDecoder dec = new RansDecoder(buf, 0, buf.length);
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) out[i] = t.decode(dec);
        dec.checkEnd();
        return out;
    }

    @Test
    void inRangeAndEscapedValuesRoundTrip() throws AeicException {
        SymbolTable t = SymbolTable.of(-2, 12, 100, 600, 2000, 600, 100, 4096 - 3400);
        assertEquals(5, t.size());
        int max = Integer.MAX_VALUE, min = Integer.MIN_VALUE;
        int[] fixed = {-2, -1, 0, 1, 2, -3, 3, 4, -4, 1, -1, 1000, -1000, 1002, -1002, max / 2, -max / 2,
                max, min, max - 1, min + 1, 0};
        assertArrayEquals(fixed, roundTrip(t, fixed));
        Random r = new Random(3);
        int[] random = new int[5000];
        for (int i = 0; i < random.length; i++) {
            random[i] = switch (i % 3) {
                case 0 -> r.nextInt();
                case 1 -> r.nextInt(41) - 20;
                default -> r.nextInt(5) - 2;
            };
        }
        assertArrayEquals(random, roundTrip(t, random));
    }

    /**
     * The decoder finds a slot's symbol from a bucket of slots, then steps forward: every slot of tables whose
     * buckets hold many symbols (tiny frequencies in a row, 4,096 symbols, 1-bit and 16-bit precision) must decode
     * to the one symbol whose range holds it.
     */
    @Test
    void everySlotDecodesToTheSymbolThatHoldsIt() throws AeicException {
        Random r = new Random(11);
        int[][] shapes = {{16, 4096}, {16, 200}, {16, 10}, {12, 300}, {1, 1}, {2, 3}, {16, 1}};
        for (int[] shape : shapes) {
            int p = shape[0];
            int count = shape[1] + 1;
            int[] freq = new int[count];
            Arrays.fill(freq, 1);
            int left = (1 << p) - count; // the rest goes to a few symbols, so most buckets hold runs of 1s
            for (int i = 0; left > 0; i = (i + 7919) % count) {
                int f = Math.min(left, 1 + r.nextInt(1 + (1 << p) / 4));
                freq[i] += f;
                left -= f;
            }
            SymbolTable t = SymbolTable.of(-5, p, freq);
            int[] values = new int[count];
            for (int i = 0; i < values.length; i++) {
                values[i] = i < count - 1 ? i - 5 : 1_000_000; // the last one escapes
            }
            assertArrayEquals(values, roundTrip(t, values), "precision " + p + ", " + (count - 1) + " symbols");
            for (int slot = 0; slot < 1 << p; slot++) {
                int s = 0;
                for (int cum = freq[0]; cum <= slot; cum += freq[++s]) {
                }
                if (s < count - 1) { // the escape's slots go on to read escape bits
                    assertEquals(s - 5, decodeAt(t, slot), "precision " + p + ", slot " + slot);
                }
            }
        }
    }

    /** The symbol that a state with {@code slot} in its low bits decodes to (a regular symbol). */
    private static int decodeAt(SymbolTable t, int slot) throws AeicException {
        int x = RansEncoder.L | slot; // L = 2^23 > 2^16: the slot sits in the low bits of a valid state
        byte[] state = {(byte) (x >>> 24), (byte) (x >>> 16), (byte) (x >>> 8), (byte) x, 0, 0, 0, 0};
        return t.decode(new RansDecoder(state, 0, state.length));
    }

    @Test
    void tablesAtTheEdgesOfIntRoundTripEveryValue() throws AeicException {
        int max = Integer.MAX_VALUE, min = Integer.MIN_VALUE;
        int[] values = {min, min + 1, min + 2, -1, 0, 1, max - 2, max - 1, max};
        for (int lo : new int[] {min, max - 2, 0}) {
            SymbolTable t = SymbolTable.of(lo, 4, 5, 5, 5, 1);
            assertArrayEquals(values, roundTrip(t, values), "min_symbol " + lo);
        }
    }

    @Test
    void escapeCostGrowsLogarithmically() throws AeicException {
        SymbolTable t = SymbolTable.of(0, 8, 255, 1);
        int[] sizes = new int[3];
        int[] far = {1, 1000, 1 << 30};
        for (int k = 0; k < 3; k++) {
            RansEncoder enc = new RansEncoder();
            for (int i = 0; i < 100; i++) t.encode(far[k], enc);
            sizes[k] = enc.finish().length;
        }
        // 8 bits of escape + sign + 2*log2(d)+1 gamma bits per value
        assertTrue(sizes[0] < sizes[1] && sizes[1] < sizes[2], Arrays.toString(sizes));
        assertTrue(sizes[2] < 100 * (8 + 1 + 61) / 8 + 8, Arrays.toString(sizes));
    }

    @Test
    void bogusEscapesThrow() throws AeicException {
        SymbolTable t = SymbolTable.of(0, 4, 15, 1);
        // escape, sign, then 32 zero bits: a gamma length no encoder writes
        RansEncoder enc = new RansEncoder();
        enc.put(15, 1, 4);
        for (int i = 0; i < 34; i++) enc.putBits(0, 1);
        byte[] a = enc.finish();
        assertThrows(AeicException.class, () -> t.decode(new RansDecoder(a, 0, a.length)));

        // a 32-bit distance below min_symbol 0 leaves the int range
        enc = new RansEncoder();
        enc.put(15, 1, 4);
        enc.putBits(1, 1);
        for (int i = 0; i < 31; i++) enc.putBits(0, 1);
        enc.putBits(1, 1);
        enc.putBits(0xFFFF, 16);
        enc.putBits(0x7FFF, 15);
        byte[] b = enc.finish();
        assertThrows(AeicException.class, () -> t.decode(new RansDecoder(b, 0, b.length)));
    }

    @Test
    void ofRejectsBadTables() throws AeicException {
        assertBad(0, 4, 8, 7);                     // sums to 15
        assertBad(0, 4, 8, 9);                     // sums to 17
        assertBad(0, 4, 16, 0);                    // zero frequency
        assertBad(0, 4, 0, 16);
        assertBad(0, 0, 1, 0);                     // precision 0
        assertBad(0, 17, 1 << 16, 1 << 16);        // precision 17
        assertBad(0, -1, 1, 1);                    // uint32 0xFFFFFFFF
        assertBad(0, 4, 16);                       // only the escape
        assertBad(0, 4);                           // nothing
        assertBad(0, 4, -1, 17);                   // 2^32 - 1 wraps to 16 in 32 bits
        assertBad(Integer.MAX_VALUE, 4, 8, 4, 4);  // range runs past Integer.MAX_VALUE
        int[] many = new int[4098];
        Arrays.fill(many, 1);
        many[0] = 16384 - 4097;
        assertBad(0, 14, many);                    // 4097 symbols + escape
        int[] fits = Arrays.copyOf(many, 4097);
        fits[0] = 16384 - 4096;
        assertEquals(4096, SymbolTable.of(0, 14, fits).size());
        assertEquals(1, SymbolTable.of(Integer.MAX_VALUE, 1, 1, 1).size());
    }

    private static void assertBad(int min, int p, int... freq) {
        assertThrows(AeicException.class, () -> SymbolTable.of(min, p, freq), min + " " + p + " " + Arrays.toString(freq));
    }
}
