package org.aeic.codec.prior;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.aeic.codec.entropy.Tables;
import org.junit.jupiter.api.Test;

class FrequenciesTest {

    @Test
    void quantizedFrequenciesSumExactlyAndStayPositive() {
        double[] pmf = new double[1000];
        Arrays.fill(pmf, 1e-12);
        pmf[500] = 1;
        for (int p : new int[] {10, 12, 16}) {
            int[] f = Frequencies.quantize(pmf, 1e-12, p);
            assertEquals(1001, f.length);
            assertEquals(1 << p, Arrays.stream(f).sum());
            assertEquals(1, Arrays.stream(f).min().getAsInt());
            assertEquals((1 << p) - 1000, f[500]);
        }
        // exactly as many entries as slots: all ones
        int[] ones = Frequencies.quantize(new double[255], 1, 8);
        assertTrue(Arrays.stream(ones).allMatch(v -> v == 1));
        assertThrows(IllegalArgumentException.class, () -> Frequencies.quantize(new double[256], 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Frequencies.quantize(new double[] {Double.NaN}, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Frequencies.quantize(new double[] {-1}, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Frequencies.quantize(new double[2], 0, 8));
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
            int[] f = Frequencies.quantize(pmf, tail, p);
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
        int[] f = Frequencies.quantize(lap, tail, 16);
        double[] q = Arrays.copyOf(lap, 122);
        q[121] = tail;
        double h = 0;
        for (double v : q) if (v > 0) h -= v * Math.log(v) / Math.log(2);
        double ce = cost(q, f) / Math.log(2) + 16; // cross-entropy in bits
        System.out.printf("Frequencies.quantize: Laplace(5) at P=16 costs %.5f bits/symbol over its entropy %.4f%n", ce - h, h);
        assertTrue(ce - h < 0.003, "excess " + (ce - h));
    }

    private static double cost(double[] q, int[] f) {
        double c = 0;
        for (int i = 0; i < f.length; i++) c -= q[i] * Math.log(f[i]);
        return c;
    }
}
