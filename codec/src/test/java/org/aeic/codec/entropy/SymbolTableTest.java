package org.aeic.codec.entropy;

import static org.aeic.codec.entropy.Tables.table;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.aeic.codec.AeicException;
import org.aeic.proto.ChannelTable;
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
        SymbolTable t = SymbolTable.of(table(-2, 12, 100, 600, 2000, 600, 100, 4096 - 3400));
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

    @Test
    void tablesAtTheEdgesOfIntRoundTripEveryValue() throws AeicException {
        int max = Integer.MAX_VALUE, min = Integer.MIN_VALUE;
        int[] values = {min, min + 1, min + 2, -1, 0, 1, max - 2, max - 1, max};
        for (int lo : new int[] {min, max - 2, 0}) {
            SymbolTable t = SymbolTable.of(table(lo, 4, 5, 5, 5, 1));
            assertArrayEquals(values, roundTrip(t, values), "min_symbol " + lo);
        }
    }

    @Test
    void escapeCostGrowsLogarithmically() throws AeicException {
        SymbolTable t = SymbolTable.of(table(0, 8, 255, 1));
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
        SymbolTable t = SymbolTable.of(table(0, 4, 15, 1));
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
        assertBad(table(0, 4, 8, 7));                     // sums to 15
        assertBad(table(0, 4, 8, 9));                     // sums to 17
        assertBad(table(0, 4, 16, 0));                    // zero frequency
        assertBad(table(0, 4, 0, 16));
        assertBad(table(0, 0, 1, 0));                     // precision 0
        assertBad(table(0, 17, 1 << 16, 1 << 16));        // precision 17
        assertBad(table(0, -1, 1, 1));                    // uint32 0xFFFFFFFF
        assertBad(table(0, 4, 16));                       // only the escape
        assertBad(table(0, 4));                           // nothing
        assertBad(table(0, 4, -1, 17));                   // 2^32 - 1 wraps to 16 in 32 bits
        assertBad(table(Integer.MAX_VALUE, 4, 8, 4, 4));  // range runs past Integer.MAX_VALUE
        assertBad(table(0, 4, 8, 8).toBuilder().setCenter(Float.NaN).build());
        int[] many = new int[4098];
        Arrays.fill(many, 1);
        many[0] = 16384 - 4097;
        assertBad(table(0, 14, many));                    // 4097 symbols + escape
        int[] fits = Arrays.copyOf(many, 4097);
        fits[0] = 16384 - 4096;
        assertEquals(4096, SymbolTable.of(table(0, 14, fits)).size());
        assertEquals(1, SymbolTable.of(table(Integer.MAX_VALUE, 1, 1, 1)).size());
    }

    private static void assertBad(ChannelTable t) {
        assertThrows(AeicException.class, () -> SymbolTable.of(t), t.toString());
    }

    @Test
    void quantizedFrequenciesSumExactlyAndStayPositive() {
        double[] pmf = new double[1000];
        Arrays.fill(pmf, 1e-12);
        pmf[500] = 1;
        for (int p : new int[] {10, 12, 16}) {
            int[] f = SymbolTable.quantizeFrequencies(pmf, 1e-12, p);
            assertEquals(1001, f.length);
            assertEquals(1 << p, Arrays.stream(f).sum());
            assertEquals(1, Arrays.stream(f).min().getAsInt());
            assertEquals((1 << p) - 1000, f[500]);
        }
        // exactly as many entries as slots: all ones
        int[] ones = SymbolTable.quantizeFrequencies(new double[255], 1, 8);
        assertTrue(Arrays.stream(ones).allMatch(v -> v == 1));
        assertThrows(IllegalArgumentException.class, () -> SymbolTable.quantizeFrequencies(new double[256], 1, 8));
        assertThrows(IllegalArgumentException.class, () -> SymbolTable.quantizeFrequencies(new double[] {Double.NaN}, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> SymbolTable.quantizeFrequencies(new double[] {-1}, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> SymbolTable.quantizeFrequencies(new double[2], 0, 8));
    }

    /** No single move of one count between two entries lowers the expected code length: the optimum. */
    @Test
    void quantizedFrequenciesAreOptimal() {
        Random r = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            int n = 2 + r.nextInt(300), p = 9 + r.nextInt(8);
            double[] pmf = new double[n];
            for (int i = 0; i < n; i++) pmf[i] = r.nextInt(3) == 0 ? 1e-12 : Math.exp(4 * r.nextGaussian());
            double tail = r.nextDouble() * 1e-3;
            int[] f = SymbolTable.quantizeFrequencies(pmf, tail, p);
            assertEquals(1 << p, Arrays.stream(f).sum());
            double[] q = Arrays.copyOf(pmf, n + 1);
            q[n] = tail;
            double best = cost(q, f);
            for (int i = 0; i <= n; i++) {
                if (f[i] == 1) continue;
                for (int j = 0; j <= n; j++) {
                    if (i == j) continue;
                    f[i]--;
                    f[j]++;
                    assertTrue(cost(q, f) >= best - 1e-9 * Math.abs(best), "move " + i + "->" + j + " helps");
                    f[i]++;
                    f[j]--;
                }
            }
        }
        // and close to the entropy for a smooth source at 16 bits
        // (over a wider range the many freq=1 far-tail entries alone would cost more, optimally or not)
        double[] lap = Tables.laplace(-60, 121, 5.0);
        double tail = Tables.laplaceTail(-60, 121, 5.0);
        int[] f = SymbolTable.quantizeFrequencies(lap, tail, 16);
        double[] q = Arrays.copyOf(lap, 122);
        q[121] = tail;
        double h = 0;
        for (double v : q) if (v > 0) h -= v * Math.log(v) / Math.log(2);
        double ce = cost(q, f) / Math.log(2) + 16; // cross-entropy in bits
        System.out.printf("quantizeFrequencies: Laplace(5) at P=16 costs %.5f bits/symbol over its entropy %.4f%n", ce - h, h);
        assertTrue(ce - h < 0.003, "excess " + (ce - h));
    }

    private static double cost(double[] q, int[] f) {
        double c = 0;
        for (int i = 0; i < f.length; i++) c -= q[i] * Math.log(f[i]);
        return c;
    }
}
