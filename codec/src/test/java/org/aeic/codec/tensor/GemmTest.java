package org.aeic.codec.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {
    private static float[] random(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "4,64,128", "5,67,131", "3,17,300", "64,1024,75", "13,1000,257", "128,300,1600", "6,1100,140"})
    void kernelsAgreeBitForBitAndMatchReference(int m, int n, int k) throws Exception {
        Random r = new Random(m * 31L + n * 7L + k);
        float[] a = random(m * k, r);
        float[] b = random(k * n, r);
        float[] c0 = random(m * n, r);

        float[] fast = c0.clone();
        Gemm.gemm(m, n, k, a, 0, k, b, 0, n, fast, 0, n);
        float[] scalar = c0.clone();
        Gemm.gemmScalar(m, n, k, a, 0, k, b, 0, n, scalar, 0, n);
        assertArrayEquals(scalar, fast, "kernel " + Gemm.kernelName() + " vs portable kernel");

        for (int threads : new int[] {1, 2, 3}) {
            float[] par = c0.clone();
            new ForkJoinPool(threads).submit(() -> Gemm.gemmParallel(m, n, k, a, 0, k, b, 0, n, par, 0, n)).get();
            assertArrayEquals(fast, par, "parallel with " + threads + " threads");
        }

        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0[i * n + j];
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                }
                assertEquals(s, fast[i * n + j], 1e-4 * Math.sqrt(k) + 1e-5, "C[" + i + "," + j + "]");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"3,5,7", "16,40,33"})
    void respectsOffsetsAndLeadingDimensions(int m, int n, int k) {
        Random r = new Random(5);
        int lda = k + 3, ldb = n + 5, ldc = n + 2;
        float[] a = random(2 + m * lda, r);
        float[] b = random(1 + k * ldb, r);
        float[] c = new float[4 + m * ldc];
        Gemm.gemm(m, n, k, a, 2, lda, b, 1, ldb, c, 4, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[2 + i * lda + p] * b[1 + p * ldb + j];
                }
                assertEquals(s, c[4 + i * ldc + j], 1e-4);
            }
        }
        // untouched padding between rows of C
        assertEquals(0f, c[4 + n], 0f);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "2,4,16", "3,5,17", "64,75,4096", "7,9,100"})
    void transposedProductMatchesReference(int m, int n, int k) {
        Random r = new Random(m + 100L * n + k);
        float[] a = random(m * k, r);
        float[] b = random(n * k, r);
        float[] c = random(m * n, r);
        float[] c0 = c.clone();
        Gemm.gemmNT(m, n, k, a, 0, k, b, 0, k, c, 0, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0[i * n + j];
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[j * k + p];
                }
                assertEquals(s, c[i * n + j], 1e-4 * Math.sqrt(k) + 1e-5);
            }
        }
    }
}
