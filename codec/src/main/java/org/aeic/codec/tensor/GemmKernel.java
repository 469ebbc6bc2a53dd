package org.aeic.codec.tensor;

/**
 * Single-threaded GEMM on row-major float arrays: {@code C[m x n] += A[m x k] * B[k x n]}.
 *
 * <p>Contract shared by every implementation, which is what makes results independent of the
 * kernel and of the thread count: each element of C is updated by one fused multiply-add chain
 * over k in ascending order, starting from the value C held on entry.
 */
interface GemmKernel {
    /**
     * The columns of C the kernel computes together: columns of a product beyond a multiple of this go through a
     * tile padded with zeros to it (the portable kernel: 1, none).
     */
    default int columnTile() {
        return 1;
    }

    void gemm(int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc);

    /**
     * {@code C[m x n] = A[m x k] * B[k x n]}: as {@link #gemm} on a C of zeros (each element one fma chain from
     * +0), whatever C held.
     */
    default void product(int m, int n, int k,
                         float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * {@code C[m x n] = r + A[m x k] * B[k x n]}, row i of C starting from {@code r = rowStart[rOff + i]} (a bias): as
     * {@link #gemm} on a C whose row i holds that value (each element one fma chain from it), whatever C held.
     */
    default void productFrom(float[] rowStart, int rOff, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, rowStart[rOff + i]);
        }
        gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * {@code C[a.rows x n] += A * B[a.cols x n]} for an A given by its nonzeros: each element of C is one fma chain
     * over its row's nonzeros in ascending column order. That is {@link #gemm}'s chain without the products of A's
     * zeros, which add ±0 and so change no sum (a zero sum aside, which may come out with the other sign), as long
     * as B is finite (0 times an infinity or NaN is NaN). With {@code rowStart}: {@code C = r + A * B} instead, row i's
     * chains starting at {@code r = rowStart[rOff + i]} (GDN's beta), C only written.
     */
    void sparse(SparseRows a, float[] rowStart, int rOff, int n, float[] b, int bOff, int ldb, float[] c, int cOff,
                int ldc);

    /** Whether {@link #sparse} beats {@link #gemm} on rows of A with this fraction of nonzeros. */
    default boolean sparseFaster(double density) {
        return density < 0.8;
    }

    /**
     * {@code C[m x n] += A[m x k] * B[n x k]^T}: dot products of rows, for weight gradients. Not bound by
     * the fma-chain contract (training only needs thread-count independence, which a single-threaded
     * call has).
     */
    void gemmNT(int m, int n, int k,
                float[] a, int aOff, int lda,
                float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc);

    /** {@code dst[dOff + i] += src[sOff + i]} for i below n (C2 does not vectorise it: the arrays might overlap). */
    default void add(float[] dst, int dOff, float[] src, int sOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /** {@code dst[dOff + i] = src[sOff + i]^2} for i below n, one IEEE product each; the largest (NaN if any is). */
    default float square(float[] src, int sOff, float[] dst, int dOff, int n) {
        float largest = 0f;
        for (int i = 0; i < n; i++) {
            float v = src[sOff + i];
            dst[dOff + i] = v * v;
            largest = Math.max(largest, v * v);
        }
        return largest;
    }

    /**
     * {@code x[xOff + i] = x[xOff + i] / sqrt(s[sOff + i])}, or times it ({@code multiply}), for i below n: an IEEE
     * square root (the float one: the double root of a float rounded to float is that) and one IEEE division or
     * product each.
     */
    default void scaleBySqrt(float[] x, int xOff, float[] s, int sOff, int n, boolean multiply) {
        // a loop per direction, without a branch inside: C2 vectorises these (float square roots)
        if (multiply) {
            for (int i = 0; i < n; i++) {
                x[xOff + i] = x[xOff + i] * (float) Math.sqrt(s[sOff + i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                x[xOff + i] = x[xOff + i] / (float) Math.sqrt(s[sOff + i]);
            }
        }
    }

    /**
     * Runs the kernel on small scratch matrices of every shape it handles (full tiles, edge tiles, tails), so
     * that the JIT has compiled all of it before the first large product. Results elsewhere are unaffected.
     */
    default void warmUp() {
    }
}
