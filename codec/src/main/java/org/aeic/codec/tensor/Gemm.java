package org.aeic.codec.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;

/**
 * Row-major float GEMM, {@code C += A * B}, the hot path of every convolution.
 *
 * <p>Uses the Vector API kernel when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, and a portable kernel otherwise
 * ({@code -Daeic.gemm=scalar} forces it). Both produce identical bits: each element of C is
 * one fused multiply-add chain over k in ascending order. Parallel calls split only the columns
 * of C, so the result does not depend on the number of threads either. Parallel work runs in the
 * caller's {@link ForkJoinPool} when there is one (so a pool of N threads bounds it), else in the
 * common pool.
 */
public final class Gemm {
    /** Whether the JVM was started with the Vector API module ({@code --add-modules jdk.incubator.vector}). */
    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";
    private static final GemmKernel KERNEL = select();
    private static final int MIN_PARALLEL_COLUMNS = 256;
    /** {@code -Daeic.gemm.sparse=false}: GDN's product always dense (see {@link #sparseFaster}). */
    private static final boolean SPARSE = Boolean.parseBoolean(System.getProperty("aeic.gemm.sparse", "true"));

    private Gemm() {
    }

    private static GemmKernel select() {
        String forced = System.getProperty("aeic.gemm", "");
        // without an fma instruction the Vector API's fma runs a Java fallback, hundreds of times slower
        if (!forced.equals("scalar") && FusedMultiplyAdd.IN_HARDWARE && VECTOR_MODULE) {
            try {
                return (GemmKernel) Class.forName("org.aeic.codec.tensor.VectorGemm")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarGemm();
            }
        }
        return new ScalarGemm();
    }

    /**
     * Runs the kernel on small matrices of every shape it handles, on this thread, so that the JIT compiles it
     * before the first large product (see {@link org.aeic.codec.WarmUp}). Nothing for the portable kernel: plain
     * Java reaches C1 quickly; only the Vector API runs an allocating fallback until C2 has compiled it.
     */
    public static void warmUp() {
        if (!(KERNEL instanceof ScalarGemm)) {
            KERNEL.warmUp();
        }
    }

    /** Name of the kernel in use, "vector" or "scalar". */
    public static String kernelName() {
        return KERNEL instanceof ScalarGemm ? "scalar" : "vector";
    }

    /**
     * The kernel and its register tile, e.g. "vector, 6x4x16 tile" (rows x vectors x floats), for reports; the
     * portable one says why where the user can change it: "scalar, fma emulated", or "scalar, without --add-modules
     * jdk.incubator.vector" (a plain {@code java -jar}, or an application using the ImageIO plugin, 2-2.6 times slower
     * per image), else "scalar" ({@code -Daeic.gemm=scalar}).
     */
    public static String kernelDescription() {
        if (!(KERNEL instanceof ScalarGemm)) {
            return "vector, " + VectorGemm.tile() + " tile";
        }
        return fmaEmulated() ? "scalar, fma emulated" : !VECTOR_MODULE ? "scalar, without " + VECTOR_FLAG : "scalar";
    }

    /** Whether the JVM has no fma instruction to use, so the portable kernel emulates it ({@link FusedMultiplyAdd}). */
    public static boolean fmaEmulated() {
        return !FusedMultiplyAdd.IN_HARDWARE;
    }

    /** {@code C[m x n] += A[m x k] * B[k x n]}, on the calling thread only. */
    public static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc) {
        KERNEL.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /** {@code C[m x n] = A[m x k] * B[k x n]}, on the calling thread: {@link #gemm} on a C of zeros. */
    public static void product(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc) {
        KERNEL.product(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * {@code C[m x n] = r + A[m x k] * B[k x n]} with {@code r = rowStart[rOff + i]} for row i (a bias), on the calling
     * thread: {@link #gemm} on a C whose rows hold those values.
     */
    public static void productFrom(float[] rowStart, int rOff, int m, int n, int k, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        KERNEL.productFrom(rowStart, rOff, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * Whether {@link #sparse} is faster than {@link #gemm} for rows of A with this fraction of nonzeros, here; never
     * with {@code -Daeic.gemm.sparse=false}, which the launcher gives a one-image command: compiling the sparse
     * kernel cost C2 about 0.1 s of the second core, more than it saves on one image.
     */
    public static boolean sparseFaster(double density) {
        return SPARSE && KERNEL.sparseFaster(density);
    }

    /**
     * {@code dst[dOff + i] = src[sOff + i]^2} for i below n: one IEEE product each, in vectors where they run. Returns
     * the largest square, NaN if any is.
     */
    public static float square(float[] src, int sOff, float[] dst, int dOff, int n) {
        return KERNEL.square(src, sOff, dst, dOff, n);
    }

    /**
     * {@code x[xOff + i]} divided by {@code sqrt(s[sOff + i])}, or multiplied ({@code multiply}), for i below n: IEEE
     * square roots, divisions and products, in vectors where they run.
     */
    public static void scaleBySqrt(float[] x, int xOff, float[] s, int sOff, int n, boolean multiply) {
        KERNEL.scaleBySqrt(x, xOff, s, sOff, n, multiply);
    }

    /**
     * {@code C[a.rows x n] += A * B} for a sparse A, on the calling thread (see {@link GemmKernel#sparse}): the
     * kernel's contract, which the tests pin down; the codec itself uses {@link #sparseFrom}.
     */
    static void sparse(SparseRows a, int n, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        KERNEL.sparse(a, null, 0, n, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * {@code C[a.rows x n] = r + A * B} for a sparse A, {@code r = rowStart[rOff + i]} for row i, on the calling thread:
     * {@link #sparse} on a C whose rows hold those values.
     */
    public static void sparseFrom(float[] rowStart, int rOff, SparseRows a, int n, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc) {
        KERNEL.sparse(a, rowStart, rOff, n, b, bOff, ldb, c, cOff, ldc);
    }

    /** {@code dst[dOff + i] += src[sOff + i]} for i below n: one IEEE addition each, in vectors where they run. */
    public static void add(float[] dst, int dOff, float[] src, int sOff, int n) {
        KERNEL.add(dst, dOff, src, sOff, n);
    }

    /** {@code C[m x n] += A[m x k] * B[n x k]^T}, on the calling thread (weight gradients in training). */
    public static void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        KERNEL.gemmNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /** As {@link #gemm}, with the columns of C split across the current fork-join pool. */
    public static void gemmParallel(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c, int cOff, int ldc) {
        int threads = parallelism();
        int chunks = Math.min(threads, n / MIN_PARALLEL_COLUMNS);
        if (chunks <= 1) {
            KERNEL.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        // columns per chunk rounded to 64 so vector tiles stay aligned to the chunk start
        int per = ((n + chunks - 1) / chunks + 63) & ~63;
        IntStream.range(0, (n + per - 1) / per).parallel().forEach(t -> {
            int j0 = t * per;
            int nc = Math.min(per, n - j0);
            KERNEL.gemm(m, nc, k, a, aOff, lda, b, bOff + j0, ldb, c, cOff + j0, ldc);
        });
    }

    /**
     * A row stride of at least {@code n} floats for a matrix that a GEMM reads as B (or C): whole cache lines, and an
     * odd number of them modulo 4 KiB. Rows exactly 2 or 4 KiB apart (a block of 512 columns, a plane of 192 x 128)
     * all fall in one or two L1 sets, and the kernel's k-block of B no longer fits: on AVX2 the GEMM ran at two
     * thirds of its speed with such a stride (57 against 87-90 GFLOPS).
     */
    public static int paddedStride(int n) {
        int ld = (n + 15) & ~15;
        return (ld / 16) % 2 == 0 ? ld + 16 : ld;
    }

    /** The columns of C that the kernel computes as one tile (see {@link GemmKernel#columnTile}). */
    public static int columnTile() {
        return KERNEL.columnTile();
    }

    /** Threads available to parallel work started from the current thread. */
    public static int parallelism() {
        return ForkJoinTask.inForkJoinPool() ? ForkJoinTask.getPool().getParallelism()
                : ForkJoinPool.getCommonPoolParallelism() + 1;
    }
}
