package org.aeic.codec.tensor;

/**
 * Portable GEMM for JVMs without the Vector API, or without an fma instruction (then with {@link FusedMultiplyAdd}'s
 * emulation, the same bits). The inner loop is an element-wise fused
 * multiply-add over two arrays indexed alike ({@code ct[j] = fma(av, br[j], ct[j])}): C2 vectorises
 * that form, but not one whose two arrays sit at different offsets (they might overlap), which made
 * the straightforward loop about 10 times slower. So each k-block of B is packed into row arrays and
 * each row of C is worked on in a copy. Blocking over k keeps the packed panel in cache.
 */
final class ScalarGemm implements GemmKernel {
    private static final int KC = 128;
    private static final int NC = 1024;
    private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(() -> new float[KC][NC]);
    private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[4][NC]);

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        float[][] panel = PANEL.get();
        float[][] rows = ROWS.get();
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nc = Math.min(NC, n - j0);
                for (int kk = 0; kk < kc; kk++) {
                    System.arraycopy(b, bOff + (k0 + kk) * ldb + j0, panel[kk], 0, nc);
                }
                int i = 0;
                for (; i + 4 <= m; i += 4) { // four rows of C share each load of B
                    for (int r = 0; r < 4; r++) {
                        System.arraycopy(c, cOff + (i + r) * ldc + j0, rows[r], 0, nc);
                    }
                    int a0 = aOff + i * lda + k0;
                    for (int kk = 0; kk < kc; kk++) {
                        fmaRows(a[a0 + kk], a[a0 + lda + kk], a[a0 + 2 * lda + kk], a[a0 + 3 * lda + kk], panel[kk],
                                rows[0], rows[1], rows[2], rows[3], nc);
                    }
                    for (int r = 0; r < 4; r++) {
                        System.arraycopy(rows[r], 0, c, cOff + (i + r) * ldc + j0, nc);
                    }
                }
                for (; i < m; i++) {
                    float[] ct = rows[0];
                    System.arraycopy(c, cOff + i * ldc + j0, ct, 0, nc);
                    int aRow = aOff + i * lda + k0;
                    for (int kk = 0; kk < kc; kk++) {
                        fmaRow(a[aRow + kk], panel[kk], ct, nc);
                    }
                    System.arraycopy(ct, 0, c, cOff + i * ldc + j0, nc);
                }
            }
        }
    }

    @Override
    public void sparse(SparseRows a, float[] rowStart, int rOff, int n, float[] b, int bOff, int ldb, float[] c,
                       int cOff, int ldc) {
        float[] ct = ROWS.get()[0];
        float[][] panel = a.cols() <= KC ? PANEL.get() : new float[a.cols()][NC];
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int kk = 0; kk < a.cols(); kk++) {
                System.arraycopy(b, bOff + kk * ldb + j0, panel[kk], 0, nc);
            }
            for (int i = 0; i < a.rows(); i++) {
                if (rowStart == null) {
                    System.arraycopy(c, cOff + i * ldc + j0, ct, 0, nc);
                } else {
                    java.util.Arrays.fill(ct, 0, nc, rowStart[rOff + i]);
                }
                for (int t = a.rowStart()[i]; t < a.rowStart()[i + 1]; t++) {
                    fmaRow(a.values()[t], panel[a.columns()[t]], ct, nc);
                }
                System.arraycopy(ct, 0, c, cOff + i * ldc + j0, nc);
            }
        }
    }

    /** {@code ct[j] += av * br[j]} (fused), the loop C2 turns into vector FMAs. */
    private static void fmaRow(float av, float[] br, float[] ct, int nc) {
        for (int j = 0; j < nc; j++) {
            ct[j] = fma(av, br[j], ct[j]);
        }
    }

    /** {@code Math.fma}, or its emulation where the JVM has no instruction for it (the same bits). */
    private static float fma(float a, float b, float c) {
        return FusedMultiplyAdd.IN_HARDWARE ? Math.fma(a, b, c) : FusedMultiplyAdd.of(a, b, c);
    }

    private static void fmaRows(float a0, float a1, float a2, float a3, float[] br, float[] c0, float[] c1,
                                float[] c2, float[] c3, int nc) {
        for (int j = 0; j < nc; j++) {
            float bj = br[j];
            c0[j] = fma(a0, bj, c0[j]);
            c1[j] = fma(a1, bj, c1[j]);
            c2[j] = fma(a2, bj, c2[j]);
            c3[j] = fma(a3, bj, c3[j]);
        }
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ai = aOff + i * lda;
                int bj = bOff + j * ldb;
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int p = 0;
                for (; p + 4 <= k; p += 4) {
                    s0 += a[ai + p] * b[bj + p];
                    s1 += a[ai + p + 1] * b[bj + p + 1];
                    s2 += a[ai + p + 2] * b[bj + p + 2];
                    s3 += a[ai + p + 3] * b[bj + p + 3];
                }
                for (; p < k; p++) {
                    s0 += a[ai + p] * b[bj + p];
                }
                c[cOff + i * ldc + j] += (s0 + s1) + (s2 + s3);
            }
        }
    }
}
