package org.aeic.codec.tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled GEMM on the JDK Vector API (incubator in Java 17, so this class is only loaded
 * when the module is present). A micro-tile of C, MR rows by NV vectors, lives in registers across a
 * k-block; the k-block of B stays in L1/L2 while all rows of A sweep over it. The tile is chosen by
 * the vector width, for the register file that comes with it, and by the JIT that allocates it:
 * <ul>
 *   <li>512-bit vectors (AVX-512, 32 registers): 6 x 4 vectors, 24 accumulators + 4 of B + 1 broadcast;</li>
 *   <li>narrower (AVX2 and SSE, 16 registers), on Java 17: 4 x 3 vectors, 12 + 3 + 1 (the 4 x 4 tile that suits
 *       AVX-512 needs all 16 for its accumulators and ran at 42 % of AVX2's FMA peak);</li>
 *   <li>narrower, on later JDKs: 5 x 2 vectors, 10 + 2 and up to 5 broadcasts, with A packed too. The C2 of JDK 25
 *       loads two broadcasts of the 4 x 3 kernel ahead of their fmas, has no register left for two accumulators and
 *       keeps them on the stack: a GEMM of 128 x 960 x 3200 on one core ran at 28 GFLOPS instead of 86-89 on Java
 *       17, a Kodak encode took 681 ms instead of 258 (AVX-512 EPYC with {@code -XX:UseAVX=2}, FMA peak 115
 *       GFLOPS). The 5 x 2 tile has room for all five broadcasts at once: 87-88 GFLOPS on JDK 25, but 76-81 on Java
 *       17, whose C2 keeps range checks on A and B in its loop. {@code -Daeic.gemm.tile=4x3} or {@code 5x2} picks
 *       one (the tests run both).</li>
 * </ul>
 * Every tile, those at the edges included (through zero-padded copies), updates each element of C with one
 * fma chain in ascending k, so the tile shape never changes a bit.
 */
final class VectorGemm implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final boolean WIDE = L >= 16;
    /** The narrow 5 x 2 tile, A packed (else 4 x 3, A read in place). */
    private static final boolean FIVE_BY_TWO = !WIDE && System.getProperty("aeic.gemm.tile",
            Runtime.version().feature() <= 17 ? "4x3" : "5x2").equals("5x2");
    private static final int MR = WIDE ? 6 : FIVE_BY_TWO ? 5 : 4;
    private static final int NR = (WIDE ? 4 : FIVE_BY_TWO ? 2 : 3) * L;
    private static final int KC = 128;
    private static final int NC = WIDE ? 512 : 768; // a multiple of NR: 64; 24 or 16
    /**
     * Whether a k-block of B is packed, tile after tile, before the rows of A go over it (the narrow tile only): a
     * tile's rows of vectors then follow one another in memory, and the 4 x 3 kernel ran at 89-95 GFLOPS instead of
     * 72-87 on one core of an AVX-512 EPYC run with {@code -XX:UseAVX=2} (FMA peak 117 GFLOPS either way), in
     * products of 128-640 x 384-960 x 128, whose rows of B (1.5-3.8 KB) it read 96 bytes at a time. The 6 x 4 tile
     * reads 256 bytes of each row at a time, and packing made it 0-15 % slower.
     */
    private static final boolean PACK_B = !WIDE;
    /** Whether each row group's MR rows of a k-block of A are packed, k after k (the 5 x 2 tile): one index for all. */
    private static final boolean PACK_A = FIVE_BY_TWO;
    private static final int WARM_UP_CALLS = Integer.getInteger("aeic.gemm.warmUpCalls", 30_000);
    /**
     * The k of the warm-up's first calls, which C2 compiles the micro-kernel from: it places the kernel's registers by
     * the loop counts it profiled, and from calls of 2 k the AVX2 kernel's loop kept its array and strides on the
     * stack (bench/compare-builds.sh against the kernel before 7fe9f21, kodim01: calls of 2 k 1.02, of 128 k 0.93; the
     * new kernel with calls of 48 k 0.89-0.94 on three images). Below 57: the loop's back-edges of the first calls then
     * stay under the count at which an on-stack-replacement copy would be compiled first.
     * {@code -Daeic.gemm.warmUpK}: the launcher's one-image commands take 2, which compiled faster there (one-shot
     * compress 0.06 s and decompress 0.025 s less, medians of 12 and 16 ABBA pairs).
     */
    private static final int WARM_UP_K = Math.max(1, Math.min(KC, Integer.getInteger("aeic.gemm.warmUpK", 48)));

    /**
     * Open once a warm-up has had the micro-kernel compiled by C2 (the launcher makes that compile block the thread
     * that asked for it), or as soon as one fails. Until then a GEMM of the coder waits, if a warm-up has started:
     * before C2's code is in, every call ran the Vector API's fallback, about a hundred times slower, and its long
     * loops made C2 compile an on-stack-replacement copy of the kernel as well (0.1-0.15 s of C2's time).
     */
    private static final CountDownLatch MICRO_COMPILED = new CountDownLatch(1);
    private static volatile boolean warmingUp;

    private static final SparseRows WARM_UP_SPARSE = SparseRows.of(new float[] {1, 0, 2, 0, 3, 4}, 2, 3);

    /** The micro-tile, for reports: "6x4x16" is 6 rows by 4 vectors of 16 floats. */
    static String tile() {
        return MR + "x" + NR / L + "x" + L;
    }

    @Override
    public int columnTile() {
        return NR;
    }

    /**
     * Until C2 has compiled them, Vector API calls run a Java fallback that allocates on every operation, about
     * a hundred times slower: without this, a one-shot command spends seconds there (JFR: 40 % of a decode).
     */
    @Override
    public void warmUp() {
        // first the micro-kernel alone, WARM_UP_K per call: C2 compiles it before anything else of this class, and
        // (with the launcher's thresholds) before the loop count at which it would compile an on-stack-replacement copy
        // first (0.2-0.36 s of C2's time, spent while the decoder waited). Then, beside vector adds, shapes that take
        // every branch of the driver: a tail of rows or none, a tail of columns or none, and now and then more than
        // one k-block and column block. A branch that the warm-up never took is compiled as a trap: the codec's first
        // GEMM with n a multiple of the tile, or with k over KC in a product, threw the compiled code away (a
        // deoptimisation, 50-90 ms of C2 again)
        int[][] shapes = {{MR + 3, 2 * NR + L + 3, 4}, {MR, NR, 4}, {2 * MR + 1, NR + L, 4}, {MR + 4, NR + 1, 4}};
        int[] large = {1, NC + 1, KC + 1};
        float[] a = new float[(2 * MR + 4) * (KC + 1)];
        float[] b = new float[(KC + 1) * (NC + 1)];
        float[] c = new float[(2 * MR + 4) * (NC + 1)];
        float[] starts = new float[2 * MR + 6]; // as long as the most rows and offset: the end of a bias
        warmingUp = true;
        try {
            for (int i = 0; i < WARM_UP_CALLS / 10; i++) {
                // both modes: one never seen would compile as a trap
                micro(i % 2 == 0 ? ZERO_TILE : null, WARM_UP_K, a, 0, WARM_UP_K, b, 0, NR, c, 0, NR);
            }
        } finally {
            MICRO_COMPILED.countDown();
        }
        // GDN's element-wise operations next, each call a vector and a tail: the first GDN of a decode comes before
        // the warm-up's second phase has called them enough (it ran the Vector API's slow fallback, 15-20 ms more).
        // The transposed convolution's adds here too, not only in the third phase: JFR samples of the decoder's
        // threads in their fallback, 6 one-shot AVX2 decompresses, 66 -> 23 (the wall time the same within the noise)
        for (int i = 0; i < WARM_UP_CALLS / 2; i++) {
            square(b, 0, c, 0, L + i % 2);
            scaleBySqrt(c, 0, b, 0, L + i % 2, i % 4 < 2);
            add(c, 0, b, 0, L + i % 2);
        }
        // the packing of B on small panels (a tile and a tail), so that C2 compiles it before the shapes below pack
        // panels of 129 x 769 floats: in the Vector API's fallback those added 0.1 s of CPU to a one-shot compress
        if (PACK_B) {
            float[] panel = SCRATCH.get().panel;
            for (int i = 0; i < WARM_UP_CALLS / 10; i++) {
                packPanel(b, 0, NR + 1, 2, NR + 1, panel);
            }
        }
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            int[] s = i % 32 == 31 ? large : shapes[i % shapes.length];
            int mode = i / shapes.length % 3; // C +=, C = and C = rows +
            run(mode > 0, mode == 2 ? starts : null, i % 3, s[0], s[1], s[2], a, 0, s[2], b, 0, s[1], c, 0, s[1]);
            add(c, 0, b, 0, 2 * L + i % L); // the transposed convolution's adds, a tail or none
            if (i % 4 == 0 && Gemm.sparseFaster(0)) { // GDN's sparse product: strips, single vectors and a tail
                sparse(WARM_UP_SPARSE, i % 8 == 0 ? starts : null, 1, 9 * L + 1, b, 0, 9 * L + 1, c, 0, 9 * L + 1);
            }
        }
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        run(false, null, 0, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void product(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        run(true, null, 0, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void productFrom(float[] rowStart, int rOff, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                            int bOff, int ldb, float[] c, int cOff, int ldc) {
        run(true, rowStart, rOff, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * Strips of eight vectors of columns, outermost, so that the strip of B (a.cols x 8 vectors) stays in L1 while
     * every row of C goes through it: eight accumulators per row, one broadcast of a nonzero and eight loads of B per
     * eight fmas (four vectors per strip ran 20 % slower). Then single vectors, then one column at a time with scalar
     * fmas (the same IEEE operation). With row starts, each row's accumulators are loaded from a vector of its start
     * instead of from C (GDN filled those rows of C with beta in a pass of its own before); loaded either way, as in
     * {@link #micro}.
     */
    @Override
    public void sparse(SparseRows a, float[] rowStart, int rOff, int n, float[] b, int bOff, int ldb, float[] c,
                       int cOff, int ldc) {
        int[] start = a.rowStart();
        int[] columns = a.columns();
        float[] values = a.values();
        float[] startVector = rowStart != null ? SCRATCH.get().start : null; // not in use by run meanwhile
        float[] s = rowStart != null ? startVector : c;
        int step = rowStart != null ? 0 : L; // from one vector of the start to the next: the same one
        int j = 0;
        for (; j + 8 * L <= n; j += 8 * L) {
            for (int i = 0; i < a.rows(); i++) {
                int ci = cOff + i * ldc + j;
                int si = rowStart != null ? fillStart(startVector, rowStart[rOff + i]) : ci;
                FloatVector c0 = FloatVector.fromArray(S, s, si), c1 = FloatVector.fromArray(S, s, si + step);
                FloatVector c2 = FloatVector.fromArray(S, s, si + 2 * step);
                FloatVector c3 = FloatVector.fromArray(S, s, si + 3 * step);
                FloatVector c4 = FloatVector.fromArray(S, s, si + 4 * step);
                FloatVector c5 = FloatVector.fromArray(S, s, si + 5 * step);
                FloatVector c6 = FloatVector.fromArray(S, s, si + 6 * step);
                FloatVector c7 = FloatVector.fromArray(S, s, si + 7 * step);
                for (int t = start[i]; t < start[i + 1]; t++) {
                    FloatVector x = FloatVector.broadcast(S, values[t]);
                    int bj = bOff + columns[t] * ldb + j;
                    c0 = x.fma(FloatVector.fromArray(S, b, bj), c0);
                    c1 = x.fma(FloatVector.fromArray(S, b, bj + L), c1);
                    c2 = x.fma(FloatVector.fromArray(S, b, bj + 2 * L), c2);
                    c3 = x.fma(FloatVector.fromArray(S, b, bj + 3 * L), c3);
                    c4 = x.fma(FloatVector.fromArray(S, b, bj + 4 * L), c4);
                    c5 = x.fma(FloatVector.fromArray(S, b, bj + 5 * L), c5);
                    c6 = x.fma(FloatVector.fromArray(S, b, bj + 6 * L), c6);
                    c7 = x.fma(FloatVector.fromArray(S, b, bj + 7 * L), c7);
                }
                c0.intoArray(c, ci);
                c1.intoArray(c, ci + L);
                c2.intoArray(c, ci + 2 * L);
                c3.intoArray(c, ci + 3 * L);
                c4.intoArray(c, ci + 4 * L);
                c5.intoArray(c, ci + 5 * L);
                c6.intoArray(c, ci + 6 * L);
                c7.intoArray(c, ci + 7 * L);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < a.rows(); i++) {
                int ci = cOff + i * ldc + j;
                FloatVector c0 = FloatVector.fromArray(S, s, rowStart != null ? fillStart(startVector,
                        rowStart[rOff + i]) : ci);
                for (int t = start[i]; t < start[i + 1]; t++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + columns[t] * ldb + j);
                    c0 = FloatVector.broadcast(S, values[t]).fma(bv, c0);
                }
                c0.intoArray(c, ci);
            }
        }
        for (; j < n; j++) {
            for (int i = 0; i < a.rows(); i++) {
                float acc = rowStart != null ? rowStart[rOff + i] : c[cOff + i * ldc + j];
                for (int t = start[i]; t < start[i + 1]; t++) {
                    acc = Math.fma(values[t], b[bOff + columns[t] * ldb + j], acc);
                }
                c[cOff + i * ldc + j] = acc;
            }
        }
    }

    /** Fills the first vector of {@code v} with {@code value}; returns 0, where a load of it starts. */
    private static int fillStart(float[] v, float value) {
        java.util.Arrays.fill(v, 0, L, value);
        return 0;
    }

    /**
     * For a row of A with this share of nonzeros. 512-bit vectors: the dense kernel (6 x 4 tile) did a 128 x 128 x 512
     * product in 157 us, this one in 44, 85, 125 and 170 us at 10, 20, 30 and 40 % nonzeros (AVX-512 EPYC, FMA peak
     * 116 GFLOPS), so rows under 30 % only.
     */
    @Override
    public boolean sparseFaster(double density) {
        return density < (WIDE ? 0.3 : 0.6);
    }

    @Override
    public float square(float[] src, int sOff, float[] dst, int dOff, int n) {
        FloatVector most = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, src, sOff + i);
            FloatVector sq = v.mul(v);
            sq.intoArray(dst, dOff + i);
            most = most.max(sq); // Math.max per lane: a NaN stays
        }
        float largest = most.reduceLanes(jdk.incubator.vector.VectorOperators.MAX);
        for (; i < n; i++) {
            float sq = src[sOff + i] * src[sOff + i];
            dst[dOff + i] = sq;
            largest = Math.max(largest, sq);
        }
        return largest;
    }

    @Override
    public void scaleBySqrt(float[] x, int xOff, float[] s, int sOff, int n, boolean multiply) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector r = FloatVector.fromArray(S, s, sOff + i).sqrt();
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            (multiply ? v.mul(r) : v.div(r)).intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            float r = (float) Math.sqrt(s[sOff + i]);
            x[xOff + i] = multiply ? x[xOff + i] * r : x[xOff + i] / r;
        }
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
     * C += A B, or C = A B ({@code overwrite}), or C = r + A B ({@code overwrite} with {@code rowStart}: row i of C
     * from {@code rowStart[rOff + i]}, a bias). C = ... starts the first k-block's tiles from a tile of zeros or of the
     * row starts, and C is only written (zeroing each row group's block first, then reading it back, was a fifth of
     * the memory traffic of the largest transposed convolution, whose products have one k-block; filling C with the
     * bias and reading it back was 3 % of an encode's samples).
     * The tiles at the edges of C (the last rows when m is not a multiple of MR, the last columns when a column
     * block is not a multiple of NR) go through zero-padded copies in {@link Scratch}, so one micro-kernel computes
     * every tile: fewer methods for the JIT to compile before the first image, and every element of C still gets
     * one fma chain in ascending k (the padding's products land in the copy's unused rows and columns).
     */
    private static void run(boolean overwrite, float[] rowStart, int rOff, int m, int n, int k, float[] a, int aOff,
                            int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (warmingUp && MICRO_COMPILED.getCount() > 0) {
            awaitMicroKernel();
        }
        Scratch s = null;
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            boolean fresh = overwrite && k0 == 0;
            for (int j0 = 0; j0 < n; j0 += NC) {
                int jEnd = j0 + Math.min(NC, n - j0);
                int jFull = j0 + (jEnd - j0) / NR * NR;
                int cols = jEnd - jFull;
                // where the kernel reads the tiles of B: in place, or packed (then also the last, padded one)
                float[] tb = b;
                int tOff = bOff + k0 * ldb;
                int tStep = 1; // from tile j to tile j + NR: tStep * NR
                int tld = ldb;
                float[] eb = null; // the last tile's padded copy
                int eOff = 0;
                if (PACK_B || cols > 0 || fresh && rowStart != null) {
                    s = s != null ? s : SCRATCH.get();
                }
                if (PACK_B) {
                    packPanel(b, bOff + k0 * ldb + j0, ldb, kc, jEnd - j0, s.panel);
                    tb = s.panel;
                    tOff = -j0 * kc; // tile j at ((j - j0) / NR) * kc * NR
                    tStep = kc;
                    tld = NR;
                    eb = s.panel;
                    eOff = (jFull - j0) * kc;
                } else if (cols > 0) {
                    copyPadded(b, bOff + k0 * ldb + jFull, ldb, kc, cols, s.b, 0, NR);
                    eb = s.b;
                }
                for (int i = 0; i < m; i += MR) {
                    int rows = Math.min(MR, m - i);
                    int ci = cOff + i * ldc;
                    // what this row group's tiles start from: C itself (null), zeros, or the row starts
                    float[] from = !fresh ? null : rowStart == null ? ZERO_TILE : startTile(rowStart, rOff + i, rows, s);
                    float[] ta = a;
                    int ai = aOff + i * lda + k0;
                    int la = lda;
                    if (PACK_A) {
                        s = s != null ? s : SCRATCH.get();
                        packRows(a, ai, lda, rows, kc, s.a);
                        ta = s.a;
                        ai = 0;
                        la = MR;
                    } else if (rows < MR) {
                        s = s != null ? s : SCRATCH.get();
                        copyPadded(a, ai, lda, rows, kc, s.a, 0, kc);
                        java.util.Arrays.fill(s.a, rows * kc, MR * kc, 0f);
                        ta = s.a;
                        ai = 0;
                        la = kc;
                    }
                    if (rows < MR) {
                        for (int j = j0; j < jFull; j += NR) {
                            edgeTile(from, rows, NR, kc, ta, ai, la, tb, tOff + j * tStep, tld, c, ci + j, ldc, s.c);
                        }
                    } else {
                        for (int j = j0; j < jFull; j += NR) {
                            micro(from, kc, ta, ai, la, tb, tOff + j * tStep, tld, c, ci + j, ldc);
                        }
                    }
                    if (cols > 0) {
                        edgeTile(from, rows, cols, kc, ta, ai, la, eb, eOff, NR, c, ci + jFull, ldc, s.c);
                    }
                }
            }
        }
    }

    /**
     * Columns {@code [0, cols)} of {@code kc} rows of B (at {@code at}, rows {@code ldb} apart) as tiles of NR columns
     * one after the other, each {@code kc} rows of NR: the tile at column j (a multiple of NR) from
     * {@code panel[j * kc]}, the last one zero-padded to NR columns. A tile at a time, written in order, by vector
     * copies rather than row by row with an arraycopy of NR floats per tile: the last transposed convolution of a
     * decode, whose products have few rows (15: 3 channels x 5 taps) for the columns they pack, took 10-15 % less
     * time on AVX2 (paired runs in both orders); a whole analysis transform or decode 1-3 % less, within the noise.
     */
    private static void packPanel(float[] b, int at, int ldb, int kc, int cols, float[] panel) {
        int full = cols / NR * NR;
        for (int j = 0; j < full; j += NR) {
            for (int kk = 0, src = at + j, dst = j * kc; kk < kc; kk++, src += ldb, dst += NR) {
                for (int q = 0; q < NR; q += L) {
                    FloatVector.fromArray(S, b, src + q).intoArray(panel, dst + q);
                }
            }
        }
        if (full < cols) {
            copyPadded(b, at + full, ldb, kc, cols - full, panel, full * kc, NR);
        }
    }

    private static void awaitMicroKernel() {
        try {
            MICRO_COMPILED.await(1, TimeUnit.SECONDS); // a bound for a JVM whose compiler never comes to it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the GEMM goes on: its result does not depend on the wait
        }
    }

    /** {@code rows} row starts from {@code rowStart[at]}, each over a row of the scratch tile, zeros below them. */
    private static float[] startTile(float[] rowStart, int at, int rows, Scratch s) {
        // two loops, no read of rowStart under a condition: C2 hoisted that read's bounds check out of one loop and
        // threw the compiled code away at the first bias shorter than a whole row group past its last row
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(s.start, r * NR, (r + 1) * NR, rowStart[at + r]);
        }
        java.util.Arrays.fill(s.start, rows * NR, MR * NR, 0f);
        return s.start;
    }

    /** What a tile of C = A B starts from: MR rows of NR zeros, never written. */
    private static final float[] ZERO_TILE = new float[MR * NR];

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Zero-padded copies of the operands of an edge tile: the last rows of A, the last columns of B, the tile of C. */
    private static final class Scratch {
        final float[] a = new float[MR * KC];
        final float[] b = new float[KC * NR];
        final float[] c = new float[MR * NR];
        final float[] start = new float[MR * NR];
        final float[] panel = PACK_B ? new float[KC * NC] : null;
    }

    /** Rows {@code [0, rows)} of A by k, MR values per k ({@code packed[kk * MR + r]}), zeros for rows from {@code rows}. */
    private static void packRows(float[] a, int at, int lda, int rows, int kc, float[] packed) {
        for (int r = 0; r < rows; r++) {
            for (int kk = 0, src = at + r * lda; kk < kc; kk++) {
                packed[kk * MR + r] = a[src + kk];
            }
        }
        for (int r = rows; r < MR; r++) {
            for (int kk = 0; kk < kc; kk++) {
                packed[kk * MR + r] = 0f;
            }
        }
    }

    /**
     * {@code rows x cols} of {@code src} into {@code dst} from {@code to} (row stride {@code ldd}), zeros right of them
     * up to {@code ldd} columns.
     */
    private static void copyPadded(float[] src, int at, int lds, int rows, int cols, float[] dst, int to, int ldd) {
        for (int r = 0, d = to; r < rows; r++, d += ldd) {
            System.arraycopy(src, at + r * lds, dst, d, cols);
            java.util.Arrays.fill(dst, d + cols, d + ldd, 0f);
        }
    }

    /** The {@code rows x cols} tile of C at {@code ci}, below MR x NR, computed whole in the scratch tile {@code t}. */
    private static void edgeTile(float[] from, int rows, int cols, int kc, float[] a, int ai, int lda, float[] b, int bi,
                                 int ldb, float[] c, int ci, int ldc, float[] t) {
        if (from == null) {
            java.util.Arrays.fill(t, 0f);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(c, ci + r * ldc, t, r * NR, cols);
            }
        }
        micro(from, kc, a, ai, lda, b, bi, ldb, t, 0, NR);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t, r * NR, c, ci + r * ldc, cols);
        }
    }

    /**
     * The tile of C at {@code ci} plus A B over {@code kc} ({@code from} null), or a tile of MR x NR (row stride NR:
     * {@link #ZERO_TILE}, or row starts) plus A B, which C = ... then no longer writes and reads back. The kernels take
     * where the tile starts from as arguments, and load it either way: a merge of zero vectors with loaded ones at the
     * accumulators left C2 unsure of their class (6 of 40 one-shot decompresses ran the Vector API's fallback).
     */
    private static void micro(float[] from, int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c,
                              int ci, int ldc) {
        float[] s = from != null ? from : c;
        int si = from != null ? 0 : ci;
        int lds = from != null ? NR : ldc;
        if (WIDE) {
            micro6x4(kc, a, ai, lda, b, bi, ldb, s, si, lds, c, ci, ldc);
        } else if (FIVE_BY_TWO) {
            micro5x2(kc, a, ai, b, bi, s, si, lds, c, ci, ldc); // A and B packed
        } else {
            micro4x3(kc, a, ai, lda, b, bi, ldb, s, si, lds, c, ci, ldc);
        }
    }

    private static void micro6x4(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                                 float[] s, int si, int lds, float[] c, int ci, int ldc) {
        int c1=ci+ldc,c2=c1+ldc,c3=c2+ldc,c4=c3+ldc,c5=c4+ldc;
        int s0=si,s1=s0+lds,s2=s1+lds,s3=s2+lds,s4=s3+lds,s5=s4+lds;
        FloatVector c00=FloatVector.fromArray(S,s,s0), c01=FloatVector.fromArray(S,s,s0+L), c02=FloatVector.fromArray(S,s,s0+2*L), c03=FloatVector.fromArray(S,s,s0+3*L);
        FloatVector c10=FloatVector.fromArray(S,s,s1), c11=FloatVector.fromArray(S,s,s1+L), c12=FloatVector.fromArray(S,s,s1+2*L), c13=FloatVector.fromArray(S,s,s1+3*L);
        FloatVector c20=FloatVector.fromArray(S,s,s2), c21=FloatVector.fromArray(S,s,s2+L), c22=FloatVector.fromArray(S,s,s2+2*L), c23=FloatVector.fromArray(S,s,s2+3*L);
        FloatVector c30=FloatVector.fromArray(S,s,s3), c31=FloatVector.fromArray(S,s,s3+L), c32=FloatVector.fromArray(S,s,s3+2*L), c33=FloatVector.fromArray(S,s,s3+3*L);
        FloatVector c40=FloatVector.fromArray(S,s,s4), c41=FloatVector.fromArray(S,s,s4+L), c42=FloatVector.fromArray(S,s,s4+2*L), c43=FloatVector.fromArray(S,s,s4+3*L);
        FloatVector c50=FloatVector.fromArray(S,s,s5), c51=FloatVector.fromArray(S,s,s5+L), c52=FloatVector.fromArray(S,s,s5+2*L), c53=FloatVector.fromArray(S,s,s5+3*L);
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
    private static void micro5x2(int kc, float[] a, int ai, float[] b, int bi,
                                 float[] s, int si, int lds, float[] c, int ci, int ldc) {
        int c1=ci+ldc,c2=c1+ldc,c3=c2+ldc,c4=c3+ldc;
        int s0=si,s1=s0+lds,s2=s1+lds,s3=s2+lds,s4=s3+lds;
        FloatVector c00=FloatVector.fromArray(S,s,s0), c01=FloatVector.fromArray(S,s,s0+L);
        FloatVector c10=FloatVector.fromArray(S,s,s1), c11=FloatVector.fromArray(S,s,s1+L);
        FloatVector c20=FloatVector.fromArray(S,s,s2), c21=FloatVector.fromArray(S,s,s2+L);
        FloatVector c30=FloatVector.fromArray(S,s,s3), c31=FloatVector.fromArray(S,s,s3+L);
        FloatVector c40=FloatVector.fromArray(S,s,s4), c41=FloatVector.fromArray(S,s,s4+L);
        int ak=ai, bk=bi; // A packed, MR values per k; B packed, rows NR apart
        for (int kk=0;kk<kc;kk++,ak+=MR,bk+=NR){
          FloatVector b0=FloatVector.fromArray(S,b,bk), b1=FloatVector.fromArray(S,b,bk+L);
          FloatVector x=FloatVector.broadcast(S,a[ak]); c00=x.fma(b0,c00); c01=x.fma(b1,c01);
          x=FloatVector.broadcast(S,a[ak+1]); c10=x.fma(b0,c10); c11=x.fma(b1,c11);
          x=FloatVector.broadcast(S,a[ak+2]); c20=x.fma(b0,c20); c21=x.fma(b1,c21);
          x=FloatVector.broadcast(S,a[ak+3]); c30=x.fma(b0,c30); c31=x.fma(b1,c31);
          x=FloatVector.broadcast(S,a[ak+4]); c40=x.fma(b0,c40); c41=x.fma(b1,c41);
        }
        c00.intoArray(c,ci); c01.intoArray(c,ci+L); c10.intoArray(c,c1); c11.intoArray(c,c1+L);
        c20.intoArray(c,c2); c21.intoArray(c,c2+L); c30.intoArray(c,c3); c31.intoArray(c,c3+L);
        c40.intoArray(c,c4); c41.intoArray(c,c4+L);
    }
    private static void micro4x3(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                                 float[] s, int si, int lds, float[] c, int ci, int ldc) {
        int c1=ci+ldc,c2=c1+ldc,c3=c2+ldc;
        int s0=si,s1=s0+lds,s2=s1+lds,s3=s2+lds;
        FloatVector c00=FloatVector.fromArray(S,s,s0), c01=FloatVector.fromArray(S,s,s0+L), c02=FloatVector.fromArray(S,s,s0+2*L);
        FloatVector c10=FloatVector.fromArray(S,s,s1), c11=FloatVector.fromArray(S,s,s1+L), c12=FloatVector.fromArray(S,s,s1+2*L);
        FloatVector c20=FloatVector.fromArray(S,s,s2), c21=FloatVector.fromArray(S,s,s2+L), c22=FloatVector.fromArray(S,s,s2+2*L);
        FloatVector c30=FloatVector.fromArray(S,s,s3), c31=FloatVector.fromArray(S,s,s3+L), c32=FloatVector.fromArray(S,s,s3+2*L);
        // one running index for A's rows (the others at lda, 2 lda, 3 lda from it) and one for B's, not kk: C2 17 kept
        // fewer values on the stack, and multiplied B's index afresh each k as bi + kk * ldb (a kernel harness of the
        // second convolution's shape, one thread: 100-104 GFLOPS against 88-90; 117 is the FMA peak)
        int l2=2*lda,l3=3*lda;
        for (int end=ai+kc,bk=bi;ai<end;ai++,bk+=ldb){
          FloatVector b0=FloatVector.fromArray(S,b,bk), b1=FloatVector.fromArray(S,b,bk+L), b2=FloatVector.fromArray(S,b,bk+2*L);
          FloatVector x=FloatVector.broadcast(S,a[ai]); c00=x.fma(b0,c00); c01=x.fma(b1,c01); c02=x.fma(b2,c02);
          x=FloatVector.broadcast(S,a[ai+lda]); c10=x.fma(b0,c10); c11=x.fma(b1,c11); c12=x.fma(b2,c12);
          x=FloatVector.broadcast(S,a[ai+l2]); c20=x.fma(b0,c20); c21=x.fma(b1,c21); c22=x.fma(b2,c22);
          x=FloatVector.broadcast(S,a[ai+l3]); c30=x.fma(b0,c30); c31=x.fma(b1,c31); c32=x.fma(b2,c32);
        }
        c00.intoArray(c,ci); c01.intoArray(c,ci+L); c02.intoArray(c,ci+2*L); c10.intoArray(c,c1); c11.intoArray(c,c1+L); c12.intoArray(c,c1+2*L);
        c20.intoArray(c,c2); c21.intoArray(c,c2+L); c22.intoArray(c,c2+2*L); c30.intoArray(c,c3); c31.intoArray(c,c3+L); c32.intoArray(c,c3+2*L);
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
