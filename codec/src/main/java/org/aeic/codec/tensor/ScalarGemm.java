package org.aeic.codec.tensor;

/**
 * Portable GEMM for JVMs without the Vector API, or without an fma instruction (then with {@link FusedMultiplyAdd}'s
 * emulation, the same bits). The inner loop is an element-wise fused
 * multiply-add over two arrays indexed alike ({@code ct[j] = fma(av, br[j], ct[j])}): C2 vectorises
 * that form, but not one whose two arrays sit at different offsets (they might overlap), which made
 * the straightforward loop about 10 times slower. So each k-block of B is packed into row arrays and
 * each row of C is worked on in a copy, four rows and two or four k at a time ({@link #kPerPass}). Blocking over k
 * keeps the packed panel in cache.
 */
final class ScalarGemm implements GemmKernel {
    private static final int KC = 128;
    private static final int NC = 1024;
    private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(() -> new float[KC][NC]);
    private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[4][NC]);
    /**
     * k per pass over four rows of C, 2 or 4. Java 17's C2 vectorises the loop of two k and not the one of four (which
     * then ran 2.4-2.7 times slower per Kodak coding); JDK 25's vectorises both, and four took 0.68 of two's time to
     * encode kodim01 and 0.82 to decode it ({@code bench/compare-builds.sh} with {@code -Daeic.gemm=scalar}, 20 rounds
     * per order; {@code aeic eval} of kodim01-06, two runs each: encode 0.56-0.79 -> 0.43-0.49 s, decode 0.68-0.94 ->
     * 0.50-0.51 s). JDKs in between are unmeasured and get two. {@code -Daeic.gemm.portableK=2} or {@code 4} picks
     * one (GemmTest runs both); the bits are the same.
     */
    private final int kPerPass;

    ScalarGemm() {
        this(defaultKPerPass());
    }

    ScalarGemm(int kPerPass) {
        if (kPerPass != 2 && kPerPass != 4) {
            throw new IllegalArgumentException("k per pass: 2 or 4, not " + kPerPass);
        }
        this.kPerPass = kPerPass;
    }

    private static int defaultKPerPass() {
        String forced = System.getProperty("aeic.gemm.portableK", "");
        if (forced.equals("2") || forced.equals("4")) {
            return Integer.parseInt(forced);
        }
        return Runtime.version().feature() >= 25 ? 4 : 2;
    }

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
                    int kk = 0;
                    if (kPerPass == 4) {
                        for (; kk + 4 <= kc; kk += 4) {
                            int p = a0 + kk;
                            int q = p + lda;
                            int u = q + lda;
                            int v = u + lda;
                            fmaRowsFourTimes(a[p], a[p + 1], a[p + 2], a[p + 3], a[q], a[q + 1], a[q + 2], a[q + 3],
                                    a[u], a[u + 1], a[u + 2], a[u + 3], a[v], a[v + 1], a[v + 2], a[v + 3], panel[kk],
                                    panel[kk + 1], panel[kk + 2], panel[kk + 3], rows[0], rows[1], rows[2], rows[3], nc);
                        }
                    }
                    for (; kk + 2 <= kc; kk += 2) {
                        int p = a0 + kk;
                        fmaRowsTwice(a[p], a[p + 1], a[p + lda], a[p + lda + 1], a[p + 2 * lda], a[p + 2 * lda + 1],
                                a[p + 3 * lda], a[p + 3 * lda + 1], panel[kk], panel[kk + 1], rows[0], rows[1], rows[2],
                                rows[3], nc);
                    }
                    if (kk < kc) {
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

    /**
     * {@link #fmaRows} for k and k + 1 in one pass: each element of the four rows of C is loaded and stored once for
     * its two fmas, in ascending k as ever (the inner fma is k's), so the bits are those of two passes. One pass per
     * k loaded and stored C for every fma, and the loop ran at the speed of those loads and stores: a product of
     * 128 x 960 x 3200 on one thread of an AVX-512 EPYC, medians of two runs, 12 and 22 GFLOPS on Java 17, 32 and 37
     * this way; with {@code -XX:UseAVX=2} 25 and 31 against 47 and 46; on JDK 25 27-29 against 33. A Kodak encode
     * with the portable kernel took 0.55 times as long (decode 0.57; AVX2 0.68 and 0.67). Bodies of three or four k
     * with two rows or more were not vectorised by Java 17's C2 (9-11 GFLOPS).
     */
    private static void fmaRowsTwice(float a00, float a01, float a10, float a11, float a20, float a21, float a30,
                                     float a31, float[] b0, float[] b1, float[] c0, float[] c1, float[] c2, float[] c3,
                                     int nc) {
        for (int j = 0; j < nc; j++) {
            float x0 = b0[j];
            float x1 = b1[j];
            c0[j] = fma(a01, x1, fma(a00, x0, c0[j]));
            c1[j] = fma(a11, x1, fma(a10, x0, c1[j]));
            c2[j] = fma(a21, x1, fma(a20, x0, c2[j]));
            c3[j] = fma(a31, x1, fma(a30, x0, c3[j]));
        }
    }

    /** {@link #fmaRowsTwice} for k to k + 3: four fmas per element of C per load and store, in ascending k. */
    private static void fmaRowsFourTimes(float a00, float a01, float a02, float a03, float a10, float a11, float a12,
                                         float a13, float a20, float a21, float a22, float a23, float a30, float a31,
                                         float a32, float a33, float[] b0, float[] b1, float[] b2, float[] b3,
                                         float[] c0, float[] c1, float[] c2, float[] c3, int nc) {
        for (int j = 0; j < nc; j++) {
            float x0 = b0[j];
            float x1 = b1[j];
            float x2 = b2[j];
            float x3 = b3[j];
            c0[j] = fma(a03, x3, fma(a02, x2, fma(a01, x1, fma(a00, x0, c0[j]))));
            c1[j] = fma(a13, x3, fma(a12, x2, fma(a11, x1, fma(a10, x0, c1[j]))));
            c2[j] = fma(a23, x3, fma(a22, x2, fma(a21, x1, fma(a20, x0, c2[j]))));
            c3[j] = fma(a33, x3, fma(a32, x2, fma(a31, x1, fma(a30, x0, c3[j]))));
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
