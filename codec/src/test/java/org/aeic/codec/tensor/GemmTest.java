package org.aeic.codec.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        new ScalarGemm().gemm(m, n, k, a, 0, k, b, 0, n, scalar, 0, n);
        assertArrayEquals(scalar, fast, "kernel " + Gemm.kernelName() + " vs portable kernel");
        for (int pass : new int[] {2, 4}) { // both loops of the portable kernel, whichever this JDK gets
            float[] portable = c0.clone();
            new ScalarGemm(pass).gemm(m, n, k, a, 0, k, b, 0, n, portable, 0, n);
            assertArrayEquals(fast, portable, "portable kernel, " + pass + " k per pass");
        }

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

    /**
     * A sparse product is one fma chain per element of C over its row's nonzeros in ascending order, in the kernel
     * in use and in the portable one (strips of 8 vectors, single vectors and a scalar tail; more than a k-block of
     * columns of A; more columns than the portable kernel's block), with offsets and row strides; and with a C that
     * starts nonzero and a finite B, it is the dense product's bits; C = r + A B (row starts, GDN's beta) is the same
     * product on a C whose rows hold the starts.
     */
    @ParameterizedTest
    @CsvSource({"1,1,5", "3,7,4", "5,73,128", "4,148,140", "9,300,33", "2,1100,20"})
    void sparseProductIsTheChainOverNonzerosAndTheDenseBits(int m, int n, int k) {
        Random r = new Random(m * 131L + n * 17L + k);
        float[] a = random(m * k, r);
        for (int i = 0; i < a.length; i++) {
            if (r.nextInt(10) < 6) {
                a[i] = i % 3 == 0 ? -0f : 0f;
            }
        }
        int ldb = n + 5;
        int ldc = n + 3;
        float[] b = random(2 + k * ldb, r);
        float[] c0 = random(1 + m * ldc, r);
        SparseRows sparse = SparseRows.of(a, m, k);

        float[] expected = c0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = expected[1 + i * ldc + j];
                for (int p = 0; p < k; p++) {
                    if (a[i * k + p] != 0f) {
                        acc = Math.fma(a[i * k + p], b[2 + p * ldb + j], acc);
                    }
                }
                expected[1 + i * ldc + j] = acc;
            }
        }
        float[] fast = c0.clone();
        Gemm.sparse(sparse, n, b, 2, ldb, fast, 1, ldc);
        assertArrayEquals(expected, fast, "kernel " + Gemm.kernelName());
        float[] portable = c0.clone();
        new ScalarGemm().sparse(sparse, null, 0, n, b, 2, ldb, portable, 1, ldc);
        assertArrayEquals(expected, portable, "portable kernel");
        float[] dense = c0.clone();
        Gemm.gemm(m, n, k, a, 0, k, b, 2, ldb, dense, 1, ldc);
        assertArrayEquals(dense, fast, "dense product");

        // C = r + A B (row i from rowStart[2 + i], GDN's beta): the bits of C += A B on a C whose rows hold those
        // values, whatever C held before (NaN here), the padding between rows of C left alone
        float[] rowStart = random(m + 3, r);
        float[] filled = new float[1 + m * ldc];
        java.util.Arrays.fill(filled, Float.NaN);
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(filled, 1 + i * ldc, 1 + i * ldc + n, rowStart[2 + i]);
        }
        float[] expectedFrom = filled.clone();
        new ScalarGemm().sparse(sparse, null, 0, n, b, 2, ldb, expectedFrom, 1, ldc);
        float[] nan = new float[filled.length];
        java.util.Arrays.fill(nan, Float.NaN);
        fast = nan.clone();
        Gemm.sparseFrom(rowStart, 2, sparse, n, b, 2, ldb, fast, 1, ldc);
        assertArrayEquals(expectedFrom, fast, "kernel " + Gemm.kernelName() + " from row starts");
        portable = nan.clone();
        new ScalarGemm().sparse(sparse, rowStart, 2, n, b, 2, ldb, portable, 1, ldc);
        assertArrayEquals(expectedFrom, portable, "portable kernel from row starts");
    }

    /**
     * C = r + A B (row i from rowStart[rOff + i], a bias): the same bits as C += A B on a C whose rows hold those
     * values, whatever C held before (NaN here), in every kernel: several k-blocks, row tails (the row starts of a
     * partial row group), column tails, and the padding between rows of C left alone.
     */
    @ParameterizedTest
    @CsvSource({"1,1,1", "6,64,128", "8,67,131", "128,200,75", "13,1000,257", "7,24,300"})
    void productFromRowStartsIsGemmOnThoseRows(int m, int n, int k) {
        Random r = new Random(m * 31L + n + k);
        int ldc = n + 3;
        int rOff = 2;
        float[] a = random(m * k, r);
        float[] b = random(k * n, r);
        float[] rowStart = random(m + rOff, r);
        float[] filled = new float[m * ldc];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(filled, i * ldc, i * ldc + n, rowStart[rOff + i]);
        }
        Gemm.gemm(m, n, k, a, 0, k, b, 0, n, filled, 0, ldc);
        float[] fast = new float[m * ldc];
        java.util.Arrays.fill(fast, Float.NaN);
        Gemm.productFrom(rowStart, rOff, m, n, k, a, 0, k, b, 0, n, fast, 0, ldc);
        float[] scalar = new float[m * ldc];
        java.util.Arrays.fill(scalar, Float.NaN);
        new ScalarGemm().productFrom(rowStart, rOff, m, n, k, a, 0, k, b, 0, n, scalar, 0, ldc);
        assertSameBitsPaddingLeft(filled, fast, scalar, m, n, ldc);
    }

    /**
     * C = A B: the same bits as C += A B on a C of zeros, whatever C held before (NaN here), in every kernel, with
     * several k-blocks (only the first starts from zero), row and column tails, and the padding between rows of C
     * left alone.
     */
    @ParameterizedTest
    @CsvSource({"1,1,1", "6,64,128", "8,67,131", "640,200,128", "13,1000,257", "7,24,300"})
    void productIsGemmOnZerosInEveryKernel(int m, int n, int k) {
        Random r = new Random(m * 17L + n + k);
        int ldc = n + 3;
        float[] a = random(m * k, r);
        float[] b = random(k * n, r);
        float[] zeros = new float[m * ldc];
        Gemm.gemm(m, n, k, a, 0, k, b, 0, n, zeros, 0, ldc);
        float[] fast = new float[m * ldc];
        java.util.Arrays.fill(fast, Float.NaN);
        Gemm.product(m, n, k, a, 0, k, b, 0, n, fast, 0, ldc);
        float[] scalar = new float[m * ldc];
        java.util.Arrays.fill(scalar, Float.NaN);
        new ScalarGemm().product(m, n, k, a, 0, k, b, 0, n, scalar, 0, ldc);
        assertSameBitsPaddingLeft(zeros, fast, scalar, m, n, ldc);
    }

    /** The kernels' C against the wanted one bit for bit, and the padding right of n (NaN) left alone. */
    private static void assertSameBitsPaddingLeft(float[] want, float[] fast, float[] scalar, int m, int n, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int at = i * ldc + j;
                if (j < n) {
                    assertEquals(Float.floatToRawIntBits(want[at]), Float.floatToRawIntBits(fast[at]), "C[" + i + "," + j + "]");
                    assertEquals(Float.floatToRawIntBits(want[at]), Float.floatToRawIntBits(scalar[at]), "portable C[" + i + "," + j + "]");
                } else {
                    assertTrue(Float.isNaN(fast[at]) && Float.isNaN(scalar[at]), "padding C[" + i + "," + j + "]");
                }
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
