package org.aeic.codec.nn;

import java.util.List;
import org.aeic.codec.tensor.ClaimedTasks;
import org.aeic.codec.tensor.Gemm;
import org.aeic.codec.tensor.Ops;
import org.aeic.codec.tensor.SparseRows;
import org.aeic.codec.tensor.Tensor;

/**
 * Generalized divisive normalization (Ballé et al. 2016) and its inverse:
 * {@code y_i = x_i / sqrt(beta_i + sum_j gamma_ij x_j^2)} (GDN) or {@code x_i * sqrt(...)} (IGDN).
 *
 * <p>Trained through a reparametrisation that keeps the denominator positive whatever Adam does:
 * {@code beta = betaRaw^2 + BETA_MIN}, {@code gamma = gammaRaw^2}. The model file stores the raw values.
 */
public final class Gdn implements Layer {
    static final float BETA_MIN = 1e-6f;
    /** Columns per block of the fused inference pass: 2 x channels x BLOCK floats of scratch per thread. */
    private static final int BLOCK = 512;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private final int channels;
    private final boolean inverse;
    public final Param beta;
    public final Param gamma;

    public Gdn(String name, int channels, boolean inverse) {
        this.channels = channels;
        this.inverse = inverse;
        this.beta = new Param(name + ".beta", channels);
        this.gamma = new Param(name + ".gamma", channels, channels);
    }

    /** CompressAI's initialisation: beta = 1, gamma = 0.1 I (off-diagonals tiny, so Adam can move them). */
    public void initDefault() {
        java.util.Arrays.fill(beta.data, (float) Math.sqrt(1.0 - BETA_MIN));
        float off = (float) Math.pow(2, -9);
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) {
                gamma.data[i * channels + j] = i == j ? (float) Math.sqrt(0.1) : off;
            }
        }
    }

    @Override
    public List<Param> params() {
        return List.of(beta, gamma);
    }

    @Override
    public int[] inputSpan(int first, int last) {
        return new int[] {first, last}; // per position
    }

    @Override
    public int[] outputShape(int c, int h, int w) {
        return new int[] {c, h, w};
    }

    private float[] effectiveBeta() {
        float[] b = new float[channels];
        for (int i = 0; i < channels; i++) {
            b[i] = beta.data[i] * beta.data[i] + BETA_MIN;
        }
        return b;
    }

    private float[] effectiveGamma() {
        float[] g = new float[channels * channels];
        for (int i = 0; i < g.length; i++) {
            g[i] = gamma.data[i] * gamma.data[i];
        }
        return g;
    }

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (tape == null) {
            return infer(x);
        }
        int c = channels;
        int n = x.plane();
        float[] x2 = new float[c * n];
        for (int i = 0; i < x2.length; i++) {
            x2[i] = x.data[i] * x.data[i];
        }
        float[] s = new float[c * n];
        Ops.fillRows(s, 0, n, c, n, effectiveBeta());
        Gemm.gemm(c, n, c, effectiveGamma(), 0, c, x2, 0, n, s, 0, n);
        Tensor y = new Tensor(c, x.h, x.w, x2); // reuse x2's storage for the output
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sqrt(s[i]);
            y.data[i] = inverse ? x.data[i] * s[i] : x.data[i] / s[i];
        }
        tape.push(x);
        tape.push(s);
        return y;
    }

    /**
     * Inference in one pass over blocks of columns: square, normalise and scale a block while it is in cache, with
     * two block-sized scratch arrays per thread instead of two more planes of the whole map. Each element is
     * computed as in {@link #forward} with a tape (the same fma chain from beta over the channels in ascending
     * order, less the products of gamma's zeros, which add +0; then the same sqrt and product), so the bits are
     * the same. In place: the input, a convolution's
     * output that nothing else holds, becomes the output (at full resolution that saves a 50 MB plane per layer).
     */
    private Tensor infer(Tensor x) {
        int n = x.plane();
        ColumnStep step = inference();
        int blocks = (n + BLOCK - 1) / BLOCK;
        // blocks claimed as threads come free
        ClaimedTasks.run(blocks, blk -> step.apply(x.data, n, blk * BLOCK, Math.min(n, (blk + 1) * BLOCK)));
        return x;
    }

    /** This layer's inference on columns of a map in place, its parameters prepared once for the map. */
    ColumnStep inference() {
        int c = channels;
        float[] beta = effectiveBeta();
        // gamma is mostly exact zeros after training (56-62 % in the bundled models, unevenly: rows from 0 to 100 %),
        // and the sum starts at beta > 0 and adds x^2 >= 0 times gamma >= 0: where every x^2 is finite, leaving the
        // zeros' products out changes no bit of it. So the rows (output channels) whose share of nonzeros makes the
        // sparse product faster on this machine go last, into a sparse matrix, and the others take the dense product
        RowSplit split = RowSplit.of(effectiveGamma(), c);
        int[] channelOf = split.channelOf();
        float[] rowBeta = new float[c];
        for (int r = 0; r < c; r++) {
            rowBeta[r] = beta[channelOf[r]];
        }
        int dense = split.dense();
        int ld = Gemm.paddedStride(BLOCK);
        return (data, n, p0, p1) -> {
            float[][] scratch = scratch(c * ld);
            float[] x2 = scratch[0];
            float[] s = scratch[1];
            for (int j0 = p0; j0 < p1; j0 += BLOCK) {
                int nb = Math.min(BLOCK, p1 - j0);
                float largest = 0f;
                for (int ch = 0; ch < c; ch++) {
                    largest = Math.max(largest, Gemm.square(data, ch * n + j0, x2, ch * ld, nb));
                }
                // each sum's fma chain starts at beta
                if (dense > 0) {
                    Gemm.productFrom(rowBeta, 0, dense, nb, c, split.denseRows(), 0, c, x2, 0, ld, s, 0, ld);
                }
                // an infinite or NaN square times a zero of gamma is NaN in the dense product: such a block (only a
                // hostile stream's can have one) takes the dense product, so that every machine gives the same bits
                if (split.sparse() != null && largest <= Float.MAX_VALUE) {
                    Gemm.sparseFrom(rowBeta, dense, split.sparse(), nb, x2, 0, ld, s, dense * ld, ld);
                } else if (dense < c) {
                    Gemm.productFrom(rowBeta, dense, c - dense, nb, c, split.sparseRows(), 0, c, x2, 0, ld, s,
                            dense * ld, ld);
                }
                for (int r = 0; r < c; r++) {
                    Gemm.scaleBySqrt(data, channelOf[r] * n + j0, s, r * ld, nb, inverse);
                }
            }
        };
    }

    /**
     * This thread's two block-sized arrays (the squares and the sums) of at least {@code size} floats: made once per
     * thread, not per layer or band.
     */
    private static float[][] scratch(int size) {
        float[][] s = SCRATCH.get();
        if (s[0].length < size) {
            s = new float[][] {new float[size], new float[size]};
            SCRATCH.set(s);
        }
        return s;
    }

    /**
     * Gamma's rows (the sums' output channels) split for the product: {@code channelOf[r]} is the channel of row r of
     * the sums, the {@code dense} rows that take the dense product first ({@code denseRows}), then those that take the
     * sparse one ({@code sparseRows}, and {@code sparse}, null when there are none).
     */
    private record RowSplit(int[] channelOf, int dense, float[] denseRows, float[] sparseRows, SparseRows sparse) {
        static RowSplit of(float[] gamma, int c) {
            int[] order = new int[c];
            boolean[] skip = new boolean[c];
            int sparseCount = 0;
            if (Gemm.sparseFaster(0)) { // not for a one-image command (dense only): this ran in the interpreter there
                for (int i = 0; i < c; i++) {
                    int nonzeros = 0;
                    for (int j = i * c; j < i * c + c; j++) {
                        nonzeros += gamma[j] != 0f ? 1 : 0;
                    }
                    skip[i] = Gemm.sparseFaster(nonzeros / (double) c);
                    sparseCount += skip[i] ? 1 : 0;
                }
            }
            int dense = 0;
            for (int i = 0, s = c - sparseCount; i < c; i++) {
                order[skip[i] ? s++ : dense++] = i;
            }
            if (sparseCount == 0) {
                return new RowSplit(order, c, gamma, null, null);
            }
            float[] sparseRows = rows(gamma, c, order, dense, c);
            return new RowSplit(order, dense, rows(gamma, c, order, 0, dense), sparseRows,
                    SparseRows.of(sparseRows, c - dense, c));
        }

        /** Rows {@code order[from, to)} of the c x c matrix {@code m}, one after the other. */
        private static float[] rows(float[] m, int c, int[] order, int from, int to) {
            float[] out = new float[(to - from) * c];
            for (int r = from; r < to; r++) {
                System.arraycopy(m, order[r] * c, out, (r - from) * c, c);
            }
            return out;
        }
    }

    @Override
    public Tensor backward(Tensor dy, Tape tape, Grads grads, boolean needInputGrad) {
        float[] s = tape.pop();
        Tensor x = tape.pop();
        int c = channels;
        int n = x.plane();
        // GDN:  t = dy*x/s^3, dx = dy/s - x*(gamma^T t), dgamma = -1/2 t x2^T, dbeta = -1/2 sum t
        // IGDN: t = dy*x/s,   dx = dy*s + x*(gamma^T t), dgamma = +1/2 t x2^T, dbeta = +1/2 sum t
        float[] t = new float[c * n];
        for (int i = 0; i < t.length; i++) {
            float si = s[i];
            t[i] = inverse ? dy.data[i] * x.data[i] / si : dy.data[i] * x.data[i] / (si * si * si);
        }
        float sign = inverse ? 0.5f : -0.5f;
        float[] x2t = new float[n * c];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < n; p++) {
                float v = x.data[ch * n + p];
                x2t[p * c + ch] = v * v;
            }
        }
        float[] dGammaEff = new float[c * c];
        Gemm.gemm(c, c, n, t, 0, n, x2t, 0, c, dGammaEff, 0, c);
        float[] dBetaEff = new float[c];
        Ops.addRowSums(t, c, n, dBetaEff);
        float[] gb = grads.of(beta);
        float[] gg = grads.of(gamma);
        for (int i = 0; i < c; i++) {
            gb[i] += sign * dBetaEff[i] * 2 * beta.data[i];
        }
        for (int i = 0; i < c * c; i++) {
            gg[i] += sign * dGammaEff[i] * 2 * gamma.data[i];
        }
        if (!needInputGrad) {
            return null;
        }
        float[] gt = Ops.transpose(effectiveGamma(), c, c);
        float[] u = new float[c * n];
        Gemm.gemm(c, n, c, gt, 0, c, t, 0, n, u, 0, n);
        Tensor dx = new Tensor(c, x.h, x.w);
        for (int i = 0; i < u.length; i++) {
            dx.data[i] = inverse ? dy.data[i] * s[i] + x.data[i] * u[i] : dy.data[i] / s[i] - x.data[i] * u[i];
        }
        return dx;
    }
}
