package org.aeic.codec.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.aeic.codec.AeicException;
import org.junit.jupiter.api.Test;

class AlphaCodecTest {

    private static final int[][] SIZES = {{1, 1}, {1, 7}, {7, 1}, {13, 5}, {64, 33}, {3, 200}};

    private static int[] noise(int n, int bitDepth, Random rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt(1 << bitDepth);
        }
        return a;
    }

    /** Opaque with a soft diagonal edge, the usual shape of a real alpha plane. */
    private static int[] edge(int w, int h, int bitDepth) {
        int max = (1 << bitDepth) - 1;
        int[] a = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                a[y * w + x] = Math.max(0, Math.min(max, (x - y) * (max / 8) + max / 2));
            }
        }
        return a;
    }

    @Test
    void roundTrip8And16Bit() throws AeicException {
        Random rnd = new Random(11);
        for (int depth : new int[] {8, 16}) {
            for (int[] s : SIZES) {
                for (int[] plane : new int[][] {noise(s[0] * s[1], depth, rnd), edge(s[0], s[1], depth)}) {
                    byte[] coded = AlphaCodec.encode(plane, s[0], s[1], depth);
                    assertArrayEquals(plane, AlphaCodec.decode(coded, s[0], s[1], depth),
                            depth + " bit " + s[0] + "x" + s[1]);
                }
            }
            int[] extremes = {0, (1 << depth) - 1, 0, (1 << depth) - 1, 1, (1 << depth) - 2};
            assertArrayEquals(extremes, AlphaCodec.decode(AlphaCodec.encode(extremes, 3, 2, depth), 3, 2, depth));
        }
    }

    @Test
    void smoothPlanesCompressWell() throws AeicException {
        int[] opaque = new int[512 * 512];
        Arrays.fill(opaque, 255);
        assertTrue(AlphaCodec.encode(opaque, 512, 512, 8).length < 1000);
        byte[] e = AlphaCodec.encode(edge(512, 512, 16), 512, 512, 16);
        assertTrue(e.length < 20_000, "edge plane took " + e.length + " bytes");
    }

    @Test
    void everyCorruptionIsRefused() throws AeicException {
        int[] plane = edge(13, 5, 8);
        byte[] coded = AlphaCodec.encode(plane, 13, 5, 8);
        int padding = 0;
        for (int i = 0; i < coded.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = coded.clone();
                bad[i] ^= (byte) (1 << bit);
                // a flip in the unused padding bits of the last deflate byte changes nothing; any other is caught
                try {
                    assertArrayEquals(plane, AlphaCodec.decode(bad, 13, 5, 8), "byte " + i + " bit " + bit);
                    padding++;
                } catch (AeicException expected) {
                    assertTrue(expected.getMessage().startsWith("corrupt alpha plane"));
                }
            }
        }
        assertTrue(padding < 8, padding + " flips went unnoticed");
        for (int n = 0; n < coded.length; n++) {
            byte[] cut = Arrays.copyOf(coded, n);
            assertThrows(AeicException.class, () -> AlphaCodec.decode(cut, 13, 5, 8), "length " + n);
        }
        assertThrows(AeicException.class, () -> AlphaCodec.decode(Arrays.copyOf(coded, coded.length + 1), 13, 5, 8));
        assertThrows(AeicException.class, () -> AlphaCodec.decode(new byte[0], 1, 1, 8));
        assertThrows(AeicException.class, () -> AlphaCodec.decode(coded, 13, 5, 12));
        assertThrows(AeicException.class, () -> AlphaCodec.decode(coded, 0, 5, 8));
        assertThrows(AeicException.class, () -> AlphaCodec.decode(coded, 1 << 20, 1 << 20, 8));
    }

    @Test
    void wrongDimensionsAreRefused() {
        byte[] coded = AlphaCodec.encode(edge(10, 10, 8), 10, 10, 8);
        assertTrue(assertThrows(AeicException.class, () -> AlphaCodec.decode(coded, 10, 9, 8)).getMessage()
                .contains("more data"));
        assertThrows(AeicException.class, () -> AlphaCodec.decode(coded, 10, 11, 8));
        assertThrows(AeicException.class, () -> AlphaCodec.decode(coded, 10, 10, 16));
    }

    @Test
    void zipBombStopsAtTheExpectedSize() {
        // 256 MiB of zeros deflate to about 256 KiB; decoding as 4x4 must stop after one row
        Deflater d = new Deflater(9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        for (int i = 0; i < 256; i++) {
            d.setInput(zeros);
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        byte[] bomb = out.toByteArray();
        assertTrue(assertThrows(AeicException.class, () -> AlphaCodec.decode(bomb, 4, 4, 8)).getMessage()
                .contains("more data"));
    }

    @Test
    void encoderRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> AlphaCodec.encode(new int[] {256}, 1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> AlphaCodec.encode(new int[] {-1}, 1, 1, 16));
        assertThrows(IllegalArgumentException.class, () -> AlphaCodec.encode(new int[3], 2, 2, 8));
        assertThrows(IllegalArgumentException.class, () -> AlphaCodec.encode(new int[4], 2, 2, 4));
    }
}
