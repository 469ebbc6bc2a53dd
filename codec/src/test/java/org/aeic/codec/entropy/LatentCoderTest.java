package org.aeic.codec.entropy;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.aeic.codec.AeicException;
import org.aeic.codec.prior.Frequencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS) // a hanging decoder fails instead of blocking the build
class LatentCoderTest {
    private static final int CHANNELS = 6, PLANE = 20 * 15;

    /** Laplace tables of growing scale, and a latent drawn from them with occasional far outliers. */
    private static SymbolTable[] tables() throws AeicException {
        SymbolTable[] t = new SymbolTable[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            double scale = 0.3 + c * 1.5;
            int half = 4 + 3 * c, p = 10 + c;
            int[] f = Frequencies.quantize(Tables.laplace(-half, 2 * half + 1, scale),
                    Math.max(1e-6, Tables.laplaceTail(-half, 2 * half + 1, scale)), p);
            t[c] = SymbolTable.of(-half, p, f);
        }
        return t;
    }

    private static int[] latent(Random r) {
        int[] s = new int[CHANNELS * PLANE];
        for (int c = 0; c < CHANNELS; c++) {
            double scale = 0.3 + c * 1.5;
            for (int i = 0; i < PLANE; i++) {
                double u = r.nextDouble() - 0.5;
                int v = (int) Math.round(-scale * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
                s[c * PLANE + i] = r.nextInt(200) == 0 ? r.nextInt() : v;
            }
        }
        return s;
    }

    @Test
    void roundTripsInsideALargerBuffer() throws AeicException {
        SymbolTable[] t = tables();
        int[] s = latent(new Random(5));
        byte[] buf = LatentCoder.encode(s, CHANNELS, PLANE, t);
        byte[] padded = new byte[buf.length + 7];
        Arrays.fill(padded, (byte) 0xA5);
        System.arraycopy(buf, 0, padded, 3, buf.length);
        assertArrayEquals(s, LatentCoder.decode(padded, 3, buf.length, CHANNELS, PLANE, t));
        assertArrayEquals(new int[0], LatentCoder.decode(LatentCoder.encode(new int[0], 0, 0, t), 0, 4, 0, 0, t));
    }

    @Test
    void everyTruncationThrows() throws AeicException {
        SymbolTable[] t = tables();
        int[] s = latent(new Random(6));
        byte[] buf = LatentCoder.encode(s, CHANNELS, PLANE, t);
        for (int len = 0; len < buf.length; len++) {
            int l = len;
            assertThrows(AeicException.class, () -> LatentCoder.decode(buf, 0, l, CHANNELS, PLANE, t), "length " + len);
        }
        byte[] longer = Arrays.copyOf(buf, buf.length + 1);
        assertThrows(AeicException.class, () -> LatentCoder.decode(longer, 0, longer.length, CHANNELS, PLANE, t));
    }

    /**
     * Any other exception escapes and fails the test; a decode that returns must not claim the original.
     * Flips inside bypass bits (escape payloads) carry no redundancy, hence "most", not all, are caught.
     */
    @Test
    void bitFlipsAtEveryOffsetThrowOnlyAeicException() throws AeicException {
        SymbolTable[] t = tables();
        int[] s = latent(new Random(8));
        byte[] buf = LatentCoder.encode(s, CHANNELS, PLANE, t);
        int thrown = 0, tries = 0;
        for (int off = 0; off < buf.length; off++) {
            for (int mask : new int[] {0x01, 0x10, 0x80, 0xFF}) {
                byte[] bad = buf.clone();
                bad[off] ^= (byte) mask;
                tries++;
                try {
                    int[] out = LatentCoder.decode(bad, 0, bad.length, CHANNELS, PLANE, t);
                    assertFalse(Arrays.equals(s, out), "flip at " + off + " went unnoticed");
                } catch (AeicException e) {
                    thrown++;
                }
            }
        }
        System.out.printf("latent stream %d bytes: %d of %d bit flips detected by checkEnd%n", buf.length, thrown, tries);
        assertTrue(thrown > tries * 8 / 10, thrown + " of " + tries);
    }

    @Test
    void randomGarbageNeverThrowsUnchecked() throws AeicException {
        SymbolTable[] t = tables();
        Random r = new Random(9);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(600)];
            r.nextBytes(junk);
            if (i % 4 == 0) Arrays.fill(junk, (byte) (i % 3 == 0 ? 0 : 0xFF));
            assertThrows(AeicException.class, () -> LatentCoder.decode(junk, 0, junk.length, CHANNELS, PLANE, t));
        }
    }

    @Test
    void badShapes() throws AeicException {
        SymbolTable[] t = tables();
        byte[] buf = LatentCoder.encode(new int[PLANE], 1, PLANE, t);
        assertThrows(AeicException.class, () -> LatentCoder.decode(buf, 0, buf.length, -1, PLANE, t));
        assertThrows(AeicException.class, () -> LatentCoder.decode(buf, 0, buf.length, 1 << 16, 1 << 16, t));
        assertThrows(IllegalArgumentException.class, () -> LatentCoder.decode(buf, 0, buf.length, CHANNELS + 1, 1, t));
        assertThrows(IllegalArgumentException.class, () -> LatentCoder.encode(new int[5], 1, 4, t));
    }
}
