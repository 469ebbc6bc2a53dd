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
}
