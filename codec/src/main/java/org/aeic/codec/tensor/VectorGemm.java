package org.aeic.codec.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled GEMM on the JDK Vector API (incubator in Java 17, so this class is only loaded
 * when the module is present). A micro-tile of C, MR rows by NV vectors, lives in registers across a
 * k-block; the k-block of B stays in L1/L2 while all rows of A sweep over it. The tile is chosen by
 * the vector width, for the register file that comes with it:
 * <ul>
 *   <li>512-bit vectors (AVX-512, 32 registers): 6 x 4 vectors, 24 accumulators + 4 of B + 1 broadcast;</li>
 *   <li>narrower (AVX2 and SSE, 16 registers): 4 x 3 vectors, 12 + 3 + 1, so nothing spills (the 4 x 4
 *       tile that suits AVX-512 needs all 16 for its accumulators and ran at 42 % of AVX2's FMA peak).</li>
 * </ul>
 * Every path, tails included, updates each element of C with one fma chain in ascending k, so the
 * tile shape never changes a bit.
 */
final class VectorGemm implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final boolean WIDE = L >= 16;
    private static final int MR = WIDE ? 6 : 4;
    private static final boolean FOUR = WIDE; // vectors per tile row: 4, else 3
    private static final int NR = (FOUR ? 4 : 3) * L;
    private static final int KC = 128;
    private static final int NC = WIDE ? 512 : 768; // a multiple of NR
    private static final int WARM_UP_CALLS = Integer.getInteger("aeic.gemm.warmUpCalls", 30_000);

    /** The micro-tile, for reports: "6x4x16" is 6 rows by 4 vectors of 16 floats. */
    static String tile() {
        return MR + "x" + NR / L + "x" + L;
    }

    /**
     * Until C2 has compiled them, Vector API calls run a Java fallback that allocates on every operation, about
     * a hundred times slower: without this, a one-shot command spends seconds there (JFR: 40 % of a decode).
     */
    @Override
    public void warmUp() {
        // shapes that take every branch: tails of rows (pairs, a single row, none) and of columns (one vector, a
        // scalar tail, none), and now and then more than one k-block and column block. A branch that the warm-up
        // never took is compiled as a trap: the codec's first GEMM with n a multiple of the tile, or with k over
        // KC in a product, threw the compiled code away (a deoptimisation, 50-90 ms of C2 again)
        int[][] shapes = {{MR + 3, 2 * NR + L + 3, 4}, {MR, NR, 4}, {2 * MR + 1, NR + L, 4}, {MR + 4, NR + 1, 4}};
        int[] large = {1, NC + 1, KC + 1};
        float[] a = new float[(2 * MR + 4) * (KC + 1)];
        float[] b = new float[(KC + 1) * (NC + 1)];
        float[] c = new float[(2 * MR + 4) * (NC + 1)];
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            int[] s = i % 32 == 31 ? large : shapes[i % shapes.length];
            run(i / shapes.length % 2 == 1, s[0], s[1], s[2], a, 0, s[2], b, 0, s[1], c, 0, s[1]);
        }
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        run(false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void product(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        run(true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void add(float[] dst, int dOff, float[] src, int sOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /**
     * C += A B, or C = A B ({@code overwrite}): then each row group's block of C is zeroed just before its first
     * k-block, while it is in L1, instead of the caller zeroing all of C beforehand (a second pass over it).
     */
    private static void run(boolean overwrite, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                            int ldb, float[] c, int cOff, int ldc) {
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            boolean zero = overwrite && k0 == 0;
            for (int j0 = 0; j0 < n; j0 += NC) {
                int jEnd = j0 + Math.min(NC, n - j0);
                int i = 0;
                for (; i + MR <= m; i += MR) {
                    if (zero) {
                        zeroRows(c, cOff + i * ldc + j0, ldc, MR, jEnd - j0);
                    }
                    int ai = aOff + i * lda + k0;
                    int j = j0;
                    for (; j + NR <= jEnd; j += NR) {
                        int bi = bOff + k0 * ldb + j;
                        int ci = cOff + i * ldc + j;
                        if (WIDE) {
                            micro6x4(kc, a, ai, lda, b, bi, ldb, c, ci, ldc);
                        } else {
                            micro4x3(kc, a, ai, lda, b, bi, ldb, c, ci, ldc);
                        }
                    }
                    edge(i, MR, j, jEnd, kc, k0, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                }
                for (; i < m; i += 2) { // the last rows (m % MR: 3200 and 128 leave 2 rows of 6), in pairs
                    int rows = Math.min(2, m - i);
                    if (zero) {
                        zeroRows(c, cOff + i * ldc + j0, ldc, rows, jEnd - j0);
                    }
                    int ai = aOff + i * lda + k0;
                    int j = j0;
                    for (; j + NR <= jEnd; j += NR) {
                        microRows(rows, kc, a, ai, lda, b, bOff + k0 * ldb + j, ldb, c, cOff + i * ldc + j, ldc);
                    }
                    edge(i, rows, j, jEnd, kc, k0, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                }
            }
        }
    }

    private static void zeroRows(float[] c, int at, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(c, at + r * ldc, at + r * ldc + cols, 0f);
        }
    }

    /** Rows {@code [i0, i0+rows)} by columns {@code [j0, jEnd)}: groups of 4 rows, then single rows; vectors, then scalars. */
    private static void edge(int i0, int rows, int j0, int jEnd, int kc, int k0, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (j0 >= jEnd || rows <= 0) {
            return;
        }
        int i = i0;
        for (; i + 4 <= i0 + rows; i += 4) {
            int j = j0;
            for (; j + L <= jEnd; j += L) {
                micro4x1(kc, a, aOff + i * lda + k0, lda, b, bOff + k0 * ldb + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            if (j < jEnd) {
                scalar(4, jEnd - j, kc, a, aOff + i * lda + k0, lda, b, bOff + k0 * ldb + j, ldb, c, cOff + i * ldc + j, ldc);
            }
        }
        for (; i < i0 + rows; i++) {
            int j = j0;
            for (; j + L <= jEnd; j += L) {
                micro1x1(kc, a, aOff + i * lda + k0, b, bOff + k0 * ldb + j, ldb, c, cOff + i * ldc + j);
            }
            if (j < jEnd) {
                scalar(1, jEnd - j, kc, a, aOff + i * lda + k0, lda, b, bOff + k0 * ldb + j, ldb, c, cOff + i * ldc + j, ldc);
            }
        }
    }

    private static void micro6x4(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        int c1=ci+ldc,c2=c1+ldc,c3=c2+ldc,c4=c3+ldc,c5=c4+ldc;
        FloatVector c00=FloatVector.fromArray(S,c,ci), c01=FloatVector.fromArray(S,c,ci+L), c02=FloatVector.fromArray(S,c,ci+2*L), c03=FloatVector.fromArray(S,c,ci+3*L);
        FloatVector c10=FloatVector.fromArray(S,c,c1), c11=FloatVector.fromArray(S,c,c1+L), c12=FloatVector.fromArray(S,c,c1+2*L), c13=FloatVector.fromArray(S,c,c1+3*L);
        FloatVector c20=FloatVector.fromArray(S,c,c2), c21=FloatVector.fromArray(S,c,c2+L), c22=FloatVector.fromArray(S,c,c2+2*L), c23=FloatVector.fromArray(S,c,c2+3*L);
        FloatVector c30=FloatVector.fromArray(S,c,c3), c31=FloatVector.fromArray(S,c,c3+L), c32=FloatVector.fromArray(S,c,c3+2*L), c33=FloatVector.fromArray(S,c,c3+3*L);
        FloatVector c40=FloatVector.fromArray(S,c,c4), c41=FloatVector.fromArray(S,c,c4+L), c42=FloatVector.fromArray(S,c,c4+2*L), c43=FloatVector.fromArray(S,c,c4+3*L);
        FloatVector c50=FloatVector.fromArray(S,c,c5), c51=FloatVector.fromArray(S,c,c5+L), c52=FloatVector.fromArray(S,c,c5+2*L), c53=FloatVector.fromArray(S,c,c5+3*L);
        int a1=ai+lda,a2=a1+lda,a3=a2+lda,a4=a3+lda,a5=a4+lda;
        for (int kk=0;kk<kc;kk++){ int bk=bi+kk*ldb;
          FloatVector b0=FloatVector.fromArray(S,b,bk), b1=FloatVector.fromArray(S,b,bk+L), b2=FloatVector.fromArray(S,b,bk+2*L), b3=FloatVector.fromArray(S,b,bk+3*L);
          FloatVector x=FloatVector.broadcast(S,a[ai+kk]); c00=x.fma(b0,c00); c01=x.fma(b1,c01); c02=x.fma(b2,c02); c03=x.fma(b3,c03);
          x=FloatVector.broadcast(S,a[a1+kk]); c10=x.fma(b0,c10); c11=x.fma(b1,c11); c12=x.fma(b2,c12); c13=x.fma(b3,c13);
          x=FloatVector.broadcast(S,a[a2+kk]); c20=x.fma(b0,c20); c21=x.fma(b1,c21); c22=x.fma(b2,c22); c23=x.fma(b3,c23);
          x=FloatVector.broadcast(S,a[a3+kk]); c30=x.fma(b0,c30); c31=x.fma(b1,c31); c32=x.fma(b2,c32); c33=x.fma(b3,c33);
          x=FloatVector.broadcast(S,a[a4+kk]); c40=x.fma(b0,c40); c41=x.fma(b1,c41); c42=x.fma(b2,c42); c43=x.fma(b3,c43);
          x=FloatVector.broadcast(S,a[a5+kk]); c50=x.fma(b0,c50); c51=x.fma(b1,c51); c52=x.fma(b2,c52); c53=x.fma(b3,c53);
        }
        c00.intoArray(c,ci); c01.intoArray(c,ci+L); c02.intoArray(c,ci+2*L); c03.intoArray(c,ci+3*L);
        c10.intoArray(c,c1); c11.intoArray(c,c1+L); c12.intoArray(c,c1+2*L); c13.intoArray(c,c1+3*L);
        c20.intoArray(c,c2); c21.intoArray(c,c2+L); c22.intoArray(c,c2+2*L); c23.intoArray(c,c2+3*L);
        c30.intoArray(c,c3); c31.intoArray(c,c3+L); c32.intoArray(c,c3+2*L); c33.intoArray(c,c3+3*L);
        c40.intoArray(c,c4); c41.intoArray(c,c4+L); c42.intoArray(c,c4+2*L); c43.intoArray(c,c4+3*L);
        c50.intoArray(c,c5); c51.intoArray(c,c5+L); c52.intoArray(c,c5+2*L); c53.intoArray(c,c5+3*L);
    }
    private static void micro4x3(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        int c1=ci+ldc,c2=c1+ldc,c3=c2+ldc;
        FloatVector c00=FloatVector.fromArray(S,c,ci), c01=FloatVector.fromArray(S,c,ci+L), c02=FloatVector.fromArray(S,c,ci+2*L);
        FloatVector c10=FloatVector.fromArray(S,c,c1), c11=FloatVector.fromArray(S,c,c1+L), c12=FloatVector.fromArray(S,c,c1+2*L);
        FloatVector c20=FloatVector.fromArray(S,c,c2), c21=FloatVector.fromArray(S,c,c2+L), c22=FloatVector.fromArray(S,c,c2+2*L);
        FloatVector c30=FloatVector.fromArray(S,c,c3), c31=FloatVector.fromArray(S,c,c3+L), c32=FloatVector.fromArray(S,c,c3+2*L);
        int a1=ai+lda,a2=a1+lda,a3=a2+lda;
        for (int kk=0;kk<kc;kk++){ int bk=bi+kk*ldb;
          FloatVector b0=FloatVector.fromArray(S,b,bk), b1=FloatVector.fromArray(S,b,bk+L), b2=FloatVector.fromArray(S,b,bk+2*L);
          FloatVector x=FloatVector.broadcast(S,a[ai+kk]); c00=x.fma(b0,c00); c01=x.fma(b1,c01); c02=x.fma(b2,c02);
          x=FloatVector.broadcast(S,a[a1+kk]); c10=x.fma(b0,c10); c11=x.fma(b1,c11); c12=x.fma(b2,c12);
          x=FloatVector.broadcast(S,a[a2+kk]); c20=x.fma(b0,c20); c21=x.fma(b1,c21); c22=x.fma(b2,c22);
          x=FloatVector.broadcast(S,a[a3+kk]); c30=x.fma(b0,c30); c31=x.fma(b1,c31); c32=x.fma(b2,c32);
        }
        c00.intoArray(c,ci); c01.intoArray(c,ci+L); c02.intoArray(c,ci+2*L); c10.intoArray(c,c1); c11.intoArray(c,c1+L); c12.intoArray(c,c1+2*L);
        c20.intoArray(c,c2); c21.intoArray(c,c2+L); c22.intoArray(c,c2+2*L); c30.intoArray(c,c3); c31.intoArray(c,c3+L); c32.intoArray(c,c3+2*L);
    }
    /**
     * One or two rows by a full tile's width (NR / L vectors: 4 on AVX-512, 3 on AVX2), for the rows below the
     * last MR-row tile: each loaded vector of B serves both rows, which the one-vector kernels did not. Two
     * straight-line kernels, not one with a row-count test: a vector that is loaded on one branch only is boxed
     * by C2 (a JFR run had 43 % of a decode in such a kernel, for 2 rows of 3,200).
     */
    private static void microRows(int rows, int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                                  float[] c, int ci, int ldc) {
        if (rows == 2) {
            micro2xN(kc, a, ai, lda, b, bi, ldb, c, ci, ldc);
        } else {
            micro1xN(kc, a, ai, b, bi, ldb, c, ci);
        }
    }

    private static void micro2xN(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,
                                 int ldc) {
        int c1 = ci + ldc;
        int a1 = ai + lda;
        int last = FOUR ? 3 * L : 2 * L; // the fourth vector only on AVX-512 (FOUR is a constant: C2 folds it)
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + L),
                c02 = FloatVector.fromArray(S, c, ci + 2 * L), c03 = FloatVector.fromArray(S, c, ci + last);
        FloatVector c10 = FloatVector.fromArray(S, c, c1), c11 = FloatVector.fromArray(S, c, c1 + L),
                c12 = FloatVector.fromArray(S, c, c1 + 2 * L), c13 = FloatVector.fromArray(S, c, c1 + last);
        for (int kk = 0; kk < kc; kk++) {
            int bk = bi + kk * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L),
                    b2 = FloatVector.fromArray(S, b, bk + 2 * L), b3 = FloatVector.fromArray(S, b, bk + last);
            FloatVector x = FloatVector.broadcast(S, a[ai + kk]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            if (FOUR) {
                c03 = x.fma(b3, c03);
            }
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            if (FOUR) {
                c13 = x.fma(b3, c13);
            }
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, c1); c11.intoArray(c, c1 + L); c12.intoArray(c, c1 + 2 * L);
        if (FOUR) {
            c03.intoArray(c, ci + last);
            c13.intoArray(c, c1 + last);
        }
    }

    private static void micro1xN(int kc, float[] a, int ai, float[] b, int bi, int ldb, float[] c, int ci) {
        int last = FOUR ? 3 * L : 2 * L;
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + L),
                c02 = FloatVector.fromArray(S, c, ci + 2 * L), c03 = FloatVector.fromArray(S, c, ci + last);
        for (int kk = 0; kk < kc; kk++) {
            int bk = bi + kk * ldb;
            FloatVector x = FloatVector.broadcast(S, a[ai + kk]);
            c00 = x.fma(FloatVector.fromArray(S, b, bk), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, bk + L), c01);
            c02 = x.fma(FloatVector.fromArray(S, b, bk + 2 * L), c02);
            if (FOUR) {
                c03 = x.fma(FloatVector.fromArray(S, b, bk + last), c03);
            }
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L);
        if (FOUR) {
            c03.intoArray(c, ci + last);
        }
    }

    private static void micro4x1(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector c0v = FloatVector.fromArray(S, c, ci), c1v = FloatVector.fromArray(S, c, c1),
                c2v = FloatVector.fromArray(S, c, c2), c3v = FloatVector.fromArray(S, c, c3);
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int kk = 0; kk < kc; kk++) {
            FloatVector bv = FloatVector.fromArray(S, b, bi + kk * ldb);
            c0v = FloatVector.broadcast(S, a[ai + kk]).fma(bv, c0v);
            c1v = FloatVector.broadcast(S, a[a1 + kk]).fma(bv, c1v);
            c2v = FloatVector.broadcast(S, a[a2 + kk]).fma(bv, c2v);
            c3v = FloatVector.broadcast(S, a[a3 + kk]).fma(bv, c3v);
        }
        c0v.intoArray(c, ci); c1v.intoArray(c, c1); c2v.intoArray(c, c2); c3v.intoArray(c, c3);
    }

    private static void micro1x1(int kc, float[] a, int ai, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector cv = FloatVector.fromArray(S, c, ci);
        for (int kk = 0; kk < kc; kk++) {
            cv = FloatVector.broadcast(S, a[ai + kk]).fma(FloatVector.fromArray(S, b, bi + kk * ldb), cv);
        }
        cv.intoArray(c, ci);
    }

    private static void scalar(int rows, int cols, int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                               float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float acc = c[ci + r * ldc + j];
                for (int kk = 0; kk < kc; kk++) {
                    acc = Math.fma(a[ai + r * lda + kk], b[bi + kk * ldb + j], acc);
                }
                c[ci + r * ldc + j] = acc;
            }
        }
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        int kv = k - k % L;
        // B rows outermost: a block of 4 rows of B stays in L1 while all of A (small in training) streams from L2
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                dot2x4(kv, k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                for (int q = 0; q < 4; q++) {
                    c[cOff + i * ldc + j + q] += dot(kv, k, a, aOff + i * lda, b, bOff + (j + q) * ldb);
                }
            }
        }
        for (; j < n; j++) {
            for (int i = 0; i < m; i++) {
                c[cOff + i * ldc + j] += dot(kv, k, a, aOff + i * lda, b, bOff + j * ldb);
            }
        }
    }

    private static void dot2x4(int kv, int k, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                               float[] c, int ci, int ldc) {
        int a1 = a0 + lda;
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y1 = FloatVector.fromArray(S, b, b1 + p),
                    y2 = FloatVector.fromArray(S, b, b2 + p), y3 = FloatVector.fromArray(S, b, b3 + p);
            s00 = x0.fma(y0, s00); s01 = x0.fma(y1, s01); s02 = x0.fma(y2, s02); s03 = x0.fma(y3, s03);
            s10 = x1.fma(y0, s10); s11 = x1.fma(y1, s11); s12 = x1.fma(y2, s12); s13 = x1.fma(y3, s13);
        }
        float[] r = {s00.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), s01.reduceLanes(jdk.incubator.vector.VectorOperators.ADD),
                s02.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), s03.reduceLanes(jdk.incubator.vector.VectorOperators.ADD),
                s10.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), s11.reduceLanes(jdk.incubator.vector.VectorOperators.ADD),
                s12.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), s13.reduceLanes(jdk.incubator.vector.VectorOperators.ADD)};
        for (int p = kv; p < k; p++) {
            float u0 = a[a0 + p], u1 = a[a1 + p];
            r[0] += u0 * b[b0 + p]; r[1] += u0 * b[b1 + p]; r[2] += u0 * b[b2 + p]; r[3] += u0 * b[b3 + p];
            r[4] += u1 * b[b0 + p]; r[5] += u1 * b[b1 + p]; r[6] += u1 * b[b2 + p]; r[7] += u1 * b[b3 + p];
        }
        for (int q = 0; q < 4; q++) {
            c[ci + q] += r[q];
            c[ci + ldc + q] += r[4 + q];
        }
    }

    private static float dot(int kv, int k, float[] a, int ai, float[] b, int bj) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        float r = s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (int p = kv; p < k; p++) {
            r += a[ai + p] * b[bj + p];
        }
        return r;
    }
}
