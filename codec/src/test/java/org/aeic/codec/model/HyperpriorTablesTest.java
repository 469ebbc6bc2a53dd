package org.aeic.codec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.aeic.codec.AeicException;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.codec.prior.ScaleTables;
import org.aeic.proto.ChannelTable;
import org.aeic.proto.ModelFile;
import org.junit.jupiter.api.Test;

/** The scale tables of the mean-scale hyperprior, the choice of a table per element, and what a file may hold. */
class HyperpriorTablesTest {
    private static final float[] SCALES = ScaleTables.defaultScales();

    @Test
    void scalesAreLogSpaced() {
        assertEquals(72, SCALES.length);
        assertEquals(0.02f, SCALES[0], 1e-8f);
        assertEquals(256f, SCALES[71], 1e-4f);
        for (int i = 1; i < SCALES.length; i++) {
            assertTrue(SCALES[i] > SCALES[i - 1]);
        }
    }

    /** Each table holds a centred distribution: symmetric, peaked at 0, and costing about its entropy. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ScaleTables.Family.class)
    void tablesModelTheirFamilyAtTheirScale(ScaleTables.Family family) throws AeicException {
        for (int i = 0; i < 66; i += 7) { // up to scale 100: beyond, a Laplacian spills over 2,047 symbols
            int[] t = ScaleTables.table(family, SCALES[i], 16, 2048);
            SymbolTable table = SymbolTable.of(t[0], 16, java.util.Arrays.copyOfRange(t, 1, t.length));
            int r = -t[0];
            assertEquals(2 * r + 1, table.size());
            for (int k = 1; k <= r; k++) {
                assertTrue(Math.abs(t[1 + r - k] - t[1 + r + k]) <= 1, "asymmetric at scale " + SCALES[i]);
                assertTrue(t[1 + r + k] <= t[1 + r + k - 1], "not peaked at 0 at scale " + SCALES[i]);
            }
            // coding rounded samples costs about their empirical entropy per symbol
            Random rnd = new Random(i);
            int n = 20000;
            int[] s = new int[n];
            java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
            for (int j = 0; j < n; j++) {
                double u = rnd.nextDouble() - 0.5; // Laplace by inversion
                double x = family == ScaleTables.Family.GAUSSIAN ? rnd.nextGaussian()
                        : -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
                s[j] = (int) Math.floor(x * SCALES[i] + 0.5);
                counts.merge(s[j], 1, Integer::sum);
            }
            double entropy = 0;
            for (int c : counts.values()) {
                entropy -= (double) c / n * Math.log((double) c / n) / Math.log(2);
            }
            double bits = 8.0 * LatentCoder.encode(s, new int[n], new SymbolTable[] {table}).length / n;
            assertTrue(bits < entropy * 1.01 + 0.01, "scale " + SCALES[i] + ": " + bits + " bits per symbol, entropy "
                    + entropy);
        }
    }

    /** The smallest scale at or above σ·g, the last when there is none (NaN and ∞ too): comparisons only. */
    @Test
    void indexPicksTheSmallestScaleNotBelow() {
        ScaleIndex codec = new ScaleIndex(SCALES);
        assertEquals(0, codec.index(0f));
        assertEquals(0, codec.index(0.02f));
        assertEquals(1, codec.index(Math.nextUp(SCALES[0])));
        for (int i = 0; i < SCALES.length; i++) {
            assertEquals(i, codec.index(SCALES[i]));
            assertEquals(Math.min(i + 1, 71), codec.index(Math.nextUp(SCALES[i])));
        }
        assertEquals(71, codec.index(1e9f));
        assertEquals(71, codec.index(Float.POSITIVE_INFINITY));
        assertEquals(71, codec.index(Float.NaN));
    }

    /** The branch-free search answers as a plain binary search does, for tables of any length and any float. */
    @Test
    void indexIsTheBinarySearchForEveryTableLength() {
        Random rnd = new Random(11);
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 64, 65, 72}) {
            float[] scales = java.util.Arrays.copyOf(SCALES, n);
            ScaleIndex codec = new ScaleIndex(scales);
            for (int t = 0; t < 20000; t++) {
                float v = switch (t % 4) {
                    case 0 -> Float.intBitsToFloat(rnd.nextInt());
                    case 1 -> scales[rnd.nextInt(n)];
                    default -> rnd.nextFloat() * 300;
                };
                int lo = 0;
                int hi = n - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (scales[mid] >= v) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                assertEquals(lo, codec.index(v), n + " scales, " + v);
            }
        }
    }

    @Test
    void indexedLatentCoderRoundTrips() throws AeicException {
        SymbolTable[] tables = new SymbolTable[3];
        for (int i = 0; i < 3; i++) {
            int[] t = ScaleTables.table(ScaleTables.Family.LAPLACE, SCALES[20 * i], 16, 2048);
            tables[i] = SymbolTable.of(t[0], 16, java.util.Arrays.copyOfRange(t, 1, t.length));
        }
        Random rnd = new Random(3);
        int[] s = new int[5000];
        int[] idx = new int[s.length];
        for (int j = 0; j < s.length; j++) {
            idx[j] = rnd.nextInt(3);
            s[j] = (int) Math.round(rnd.nextGaussian() * SCALES[20 * idx[j]] * 1.5); // some beyond the range: escapes
        }
        byte[] coded = LatentCoder.encode(s, idx, tables);
        assertArrayEquals(s, LatentCoder.decode(coded, 0, coded.length, idx, tables));
    }

    @Test
    void filesWithBadScalesAreRefused() throws Exception {
        byte[] good = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("..", "testdata", "golden",
                "hyper-model.aeicm"));
        ModelFile f = ModelFiles.parse(good);
        ModelFiles.load(good);
        ModelFile descending = f.toBuilder().setScaleTables(f.getScaleTables().toBuilder().setScales(5, 0.01f)).build();
        assertThrows(AeicException.class, () -> ModelFiles.load(descending.toByteArray()));
        ModelFile nan = f.toBuilder().setScaleTables(f.getScaleTables().toBuilder().setScales(0, Float.NaN)).build();
        assertThrows(AeicException.class, () -> ModelFiles.load(nan.toByteArray()));
        ModelFile fewer = f.toBuilder().setScaleTables(f.getScaleTables().toBuilder().clearTables()
                .addTables(ChannelTable.newBuilder().setPrecisionBits(16).addFreq(1 << 15).addFreq(1 << 15))).build();
        assertThrows(AeicException.class, () -> ModelFiles.load(fewer.toByteArray()));
        ModelFile noZ = f.toBuilder().setQualities(0, f.getQualities(0).toBuilder().clearZTables()).build();
        assertThrows(AeicException.class, () -> ModelFiles.load(noZ.toByteArray()));
    }
}
