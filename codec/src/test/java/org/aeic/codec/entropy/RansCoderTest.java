package org.aeic.codec.entropy;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.aeic.codec.AeicException;
import org.aeic.codec.prior.Frequencies;
import org.junit.jupiter.api.Test;

class RansCoderTest {

    @Test
    void randomCdfsWithInterleavedBypassBitsRoundTrip() throws AeicException {
        Random r = new Random(42);
        for (int p : new int[] {1, 2, 5, 8, 11, 12, 15, 16}) {
            for (int trial = 0; trial < 4; trial++) {
                int m = 1 + r.nextInt(Math.min(1 << p, 400));
                int[] cum = Tables.cumulative(Tables.randomFreqs(r, m, p));
                int count = 4000;
                int[] kind = new int[count], val = new int[count]; // kind 0: symbol, else bypass of kind bits
                RansEncoder enc = new RansEncoder();
                for (int i = 0; i < count; i++) {
                    if (r.nextInt(5) == 0) {
                        kind[i] = 1 + r.nextInt(16);
                        val[i] = r.nextInt(1 << kind[i]);
                        enc.putBits(val[i], kind[i]);
                    } else {
                        // also pick symbols uniformly so the freq=1 ones really occur
                        val[i] = r.nextBoolean() ? Tables.sample(r, cum) : r.nextInt(m);
                        enc.put(cum[val[i]], cum[val[i] + 1] - cum[val[i]], p);
                    }
                }
                byte[] buf = enc.finish();
                RansDecoder dec = new RansDecoder(buf, 0, buf.length);
                for (int i = 0; i < count; i++) {
                    if (kind[i] > 0) {
                        assertEquals(val[i], dec.getBits(kind[i]), "bits at " + i);
                    } else {
                        int slot = dec.peek(p);
                        int s = 0;
                        while (cum[s + 1] <= slot) s++;
                        assertEquals(val[i], s, "p=" + p + " symbol " + i);
                        dec.consume(cum[s], cum[s + 1] - cum[s], p);
                    }
                }
                assertFalse(dec.isCorrupt());
                dec.checkEnd();
            }
        }
    }

    /** Coded size vs the ideal -sum log2(f/2^P) of the coded symbols, both for a flat-ish and a very skewed source. */
    @Test
    void codedSizeIsWithinOnePercentOfIdeal() throws AeicException {
        Random r = new Random(7);
        double[][] cases = {{2048, 40.0, 16}, {2048, 0.15, 16}, {1024, 6.0, 12}};
        for (double[] c : cases) {
            int n = (int) c[0], p = (int) c[2];
            int[] f = Frequencies.quantize(Tables.laplace(-n / 2, n, c[1]), 1e-9, p);
            int[] cum = Tables.cumulative(Arrays.copyOf(f, n)); // regular symbols only
            int count = 100_000;
            int[] sym = new int[count];
            double ideal = 0;
            RansEncoder enc = new RansEncoder();
            for (int i = 0; i < count; i++) {
                int s = sym[i] = Tables.sample(r, cum);
                ideal -= Math.log(f[s] / (double) (1 << p)) / Math.log(2);
                enc.put(cum[s], f[s], p);
            }
            byte[] buf = enc.finish();
            double overhead = buf.length * 8.0 / ideal - 1;
            System.out.printf("rANS n=%d scale=%.2f P=%d: %d symbols, ideal %.1f bytes (%.4f bits/sym), coded %d bytes, overhead %+.4f%%%n",
                    n, c[1], p, count, ideal / 8, ideal / count, buf.length, overhead * 100);
            assertTrue(Math.abs(overhead) < 0.01, "overhead " + overhead);
            RansDecoder dec = new RansDecoder(buf, 0, buf.length);
            for (int i = 0; i < count; i++) {
                int s = sym[i];
                assertTrue(dec.peek(p) >= cum[s] && dec.peek(p) < cum[s + 1]);
                dec.consume(cum[s], f[s], p);
            }
            dec.checkEnd();
        }
    }

    @Test
    void emptyStreamIsJustTheState() throws AeicException {
        byte[] buf = new RansEncoder().finish();
        assertEquals(4, buf.length);
        new RansDecoder(buf, 0, buf.length).checkEnd();
    }

    @Test
    void decoderReadsAtAnOffsetAndDetectsTruncationAndTrailingBytes() throws AeicException {
        RansEncoder enc = new RansEncoder();
        for (int i = 0; i < 1000; i++) enc.putBits(i & 0xFFF, 12);
        byte[] buf = enc.finish();
        byte[] padded = new byte[buf.length + 10];
        System.arraycopy(buf, 0, padded, 5, buf.length);
        RansDecoder ok = new RansDecoder(padded, 5, buf.length);
        for (int i = 0; i < 1000; i++) assertEquals(i & 0xFFF, ok.getBits(12));
        ok.checkEnd();

        RansDecoder trailing = new RansDecoder(padded, 5, buf.length + 1);
        for (int i = 0; i < 1000; i++) trailing.getBits(12);
        assertThrows(AeicException.class, trailing::checkEnd);

        RansDecoder cut = new RansDecoder(buf, 0, buf.length - 1);
        for (int i = 0; i < 1000; i++) cut.getBits(12);
        assertTrue(cut.isCorrupt());
        assertThrows(AeicException.class, cut::checkEnd);

        for (int len = 0; len < 4; len++) {
            RansDecoder tiny = new RansDecoder(buf, 0, len);
            assertTrue(tiny.isCorrupt());
            assertThrows(AeicException.class, tiny::checkEnd);
        }
        // an initial state of 2^31 or more is impossible
        RansDecoder high = new RansDecoder(new byte[] {(byte) 0x80, 0, 0, 0}, 0, 4);
        assertTrue(high.isCorrupt());
    }

    @Test
    void inconsistentConsumeIsFlaggedNotThrown() {
        RansEncoder enc = new RansEncoder();
        enc.put(10, 5, 8);
        byte[] buf = enc.finish();
        RansDecoder dec = new RansDecoder(buf, 0, buf.length);
        int slot = dec.peek(8);
        assertTrue(slot >= 10 && slot < 15);
        dec.consume(0, 5, 8); // slot is not in [0, 5)
        assertTrue(dec.isCorrupt());
        assertThrows(AeicException.class, dec::checkEnd);
    }

    @Test
    void encoderRejectsBadArguments() {
        RansEncoder enc = new RansEncoder();
        assertThrows(IllegalArgumentException.class, () -> enc.put(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> enc.put(0, 1, 17));
        assertThrows(IllegalArgumentException.class, () -> enc.put(0, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> enc.put(-1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> enc.put(200, 57, 8));
        assertThrows(IllegalArgumentException.class, () -> enc.putBits(4, 2));
        assertThrows(IllegalArgumentException.class, () -> enc.putBits(-1, 16));
        assertThrows(IllegalArgumentException.class, () -> enc.putBits(0, 17));
        enc.put(0, 1 << 16, 16); // a certain symbol is legal and costs nothing
        assertEquals(4, enc.finish().length);
        assertThrows(IllegalStateException.class, enc::finish);
    }
}
