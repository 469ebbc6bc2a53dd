package org.aeic.codec.tensor;

/**
 * Portable GEMM for JVMs without the Vector API. The inner loop is a contiguous fused
 * multiply-add that C2 can vectorise; blocking over k keeps the B panel in cache.
 */
final class ScalarGemm implements GemmKernel {
    private static final int KC = 128;
    private static final int NC = 1024;

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kEnd = Math.min(k, k0 + KC);
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nc = Math.min(NC, n - j0);
                for (int i = 0; i < m; i++) {
                    int cRow = cOff + i * ldc + j0;
                    int aRow = aOff + i * lda;
                    for (int kk = k0; kk < kEnd; kk++) {
                        float av = a[aRow + kk];
                        int bRow = bOff + kk * ldb + j0;
                        for (int j = 0; j < nc; j++) {
                            c[cRow + j] = Math.fma(av, b[bRow + j], c[cRow + j]);
                        }
                    }
                }
            }
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
