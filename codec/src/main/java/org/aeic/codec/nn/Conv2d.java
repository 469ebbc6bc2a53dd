package org.aeic.codec.nn;

import java.util.stream.IntStream;
import org.aeic.codec.tensor.ClaimedTasks;
import org.aeic.codec.tensor.ConvGeometry;
import org.aeic.codec.tensor.Gemm;
import org.aeic.codec.tensor.Ops;
import org.aeic.codec.tensor.Tensor;

/**
 * k x k convolution with stride and "same" padding (out = ceil(in / stride)), as a GEMM:
 * {@code out[cout x pixels] = W[cout x cin*k*k] * im2col(x) + b}.
 */
public final class Conv2d extends ConvLayer {
    /** A band of output rows in inference covers at most this many floats of the column matrix (kk x columns). */
    static final int MAX_COLS = 1 << 22;
    /** Rows of the column matrix made at a time in inference (the GEMM's own k-block). */
    private static final int K_BLOCK = 128;
    /** A band's block of the column matrix (K_BLOCK rows, or all of a smaller kernel's) is at most this many floats. */
    private static final int MAX_BLOCK = 1 << 17;

    public Conv2d(String name, int cin, int cout, int k, int stride) {
        super(name, cin, cout, k, stride, cout, cin, k, k);
    }

    @Override
    public int[] inputSpan(int first, int last) {
        int pad = k / 2; // output o reads inputs o * stride - pad + (0 .. k-1), as ConvGeometry.forConv
        return new int[] {first * stride - pad, last * stride - pad + k - 1};
    }

    @Override
    public int[] outputShape(int c, int h, int w) {
        return new int[] {cout, (h + stride - 1) / stride, (w + stride - 1) / stride};
    }

    @Override
    Tensor train(Tensor x, Tape tape) {
        ConvGeometry g = ConvGeometry.forConv(cin, x.h, x.w, k, stride);
        Tensor out = new Tensor(cout, g.smallH(), g.smallW());
        int kk = g.patch();
        int n = out.plane();
        Ops.fillRows(out.data, 0, n, cout, n, bias.data);
        float[] cols = new float[kk * n];
        g.im2col(x.data, 0, 0, g.smallH(), cols);
        Gemm.gemm(cout, n, kk, weight.data, 0, kk, cols, 0, n, out.data, 0, n);
        tape.push(x);
        tape.push(cols); // reused by backward for the weight gradient
        return out;
    }

    @Override
    Tensor inferThen(Tensor x, ColumnStep then, boolean consumeInput) {
        return inferThen(x, then, consumeInput, false, 0);
    }

    /**
     * {@link #inferThen(Tensor, ColumnStep, boolean)} for a convolution between two others in {@code Sequential}.
     *
     * @param inputSplit x is already split by column phase for this convolution's stride (the previous layer wrote it
     *     with {@code splitFor} this stride)
     * @param splitFor above 0: the output is written split by column phase for a convolution of this stride that
     *     reads it (each band as soon as it is done; the width a multiple of it), not row by row
     */
    Tensor inferThen(Tensor x, ColumnStep then, boolean consumeInput, boolean inputSplit, int splitFor) {
        checkInput(x);
        ConvGeometry g = ConvGeometry.forConv(cin, x.h, x.w, k, stride);
        Tensor out = new Tensor(cout, g.smallH(), g.smallW());
        int kk = g.patch();
        int n = out.plane();
        // inference: bands of output rows in parallel; within a band, the column matrix is made K_BLOCK rows at a
        // time into a buffer that stays in cache, and the GEMM goes on from where the previous block left C. Every
        // output element is still one fma chain over the column rows in ascending order, so neither the banding nor
        // the blocking changes a bit, and no band's whole column matrix (up to 16 MB) goes through memory. The
        // bands are a multiple of the threads, of equal rows give or take one (5 bands on 2 threads left a core
        // idle for a fifth of the third convolution); bands are claimed as threads come free, each thread's block of
        // the column matrix made once
        int h = g.smallH();
        int w = g.smallW();
        int maxRows = Math.max(1, Math.min(MAX_COLS / (kk * w), MAX_BLOCK / (Math.min(K_BLOCK, kk) * w)));
        int threads = Gemm.parallelism();
        int bands = Math.min(h, ((h + maxRows - 1) / maxRows + threads - 1) / threads * threads);
        // the input's rows split by column phase (one pass, then contiguous copies for all k x k taps): at stride 1
        // that is the input itself, and an input no one else holds is split in its own place (no second 50 MB map)
        float[] split = inputSplit || stride == 1 ? x.data : consumeInput && g.splitsInPlace()
                ? g.splitInPlace(x.data) : g.splitColumns(x.data, 0);
        // for a split output, each band is made (and normalised) in a buffer of the thread's, then split into place:
        // the next convolution's split costs no pass over the map
        ConvGeometry next = splitFor > 0 ? ConvGeometry.forConv(cout, h, w, 1, splitFor) : null;
        if (next != null && !next.splitsInPlace()) {
            throw new IllegalArgumentException("a width of " + w + " does not split at stride " + splitFor);
        }
        int bandColumns = Gemm.paddedStride((h + bands - 1) / bands * w);
        int blockSize = Math.min(K_BLOCK, kk) * bandColumns;
        ClaimedTasks.run(bands, () -> new float[][] {new float[blockSize], next == null ? null
                : new float[cout * bandColumns]}, (t, scratch) -> {
            int y0 = (int) ((long) h * t / bands);
            int y1 = (int) ((long) h * (t + 1) / bands);
            int nb = (y1 - y0) * w;
            ColumnBlock columns = (r0, r1, cols, ld) -> g.im2colSplit(split, y0, y1, r0, r1, cols, ld);
            if (next == null) {
                gemmByBlocks(weight.data, kk, nb, columns, scratch[0], out.data, y0 * w, n);
                if (then != null) {
                    then.apply(out.data, n, y0 * w, y1 * w);
                }
            } else {
                float[] band = scratch[1];
                gemmByBlocks(weight.data, kk, nb, columns, scratch[0], band, 0, bandColumns);
                if (then != null) {
                    then.apply(band, bandColumns, 0, nb);
                }
                next.splitBand(band, bandColumns, y0, y1, out.data);
            }
        });
        return out;
    }

    /**
     * Inference at the positions whose row + column is odd only, for an input that is 0 at every such position (the
     * checkerboard context model's: the anchors' ŷ, 0 elsewhere). Of a stride-1 kernel only the taps with an odd row
     * + column offset reach a nonzero input there ({@link ConvGeometry#oddTaps}: 12 of 5 x 5), so this does a quarter
     * of {@link #forward}'s arithmetic. The products left out are all ±0, and adding ±0 leaves an fma chain's value
     * as it was, so every output equals forward's at its position (a zero may come out with the other sign).
     *
     * @param x an input of at least two positions (a 1 x 1 one has no odd position)
     * @return {@code cout x 1 x count}: the outputs at those positions, in row-major order
     */
    public Tensor forwardAtOddPositions(Tensor x) {
        checkInput(x);
        if (stride != 1 || k % 2 == 0) {
            throw new IllegalStateException("odd positions need a stride-1 convolution with an odd kernel");
        }
        ConvGeometry g = ConvGeometry.forConv(cin, x.h, x.w, k, 1);
        int[] taps = g.oddTaps();
        int kk = cin * taps.length;
        float[] a = new float[cout * kk]; // the weight's columns of those taps, in the order of forward's chain
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int t = 0; t < taps.length; t++) {
                    a[co * kk + ci * taps.length + t] = weight.data[(co * cin + ci) * k * k + taps[t]];
                }
            }
        }
        int n = g.oddPositionsBefore(x.h);
        Tensor out = new Tensor(cout, 1, n);
        // the input's columns split by parity (as a stride-2 map splits them): each row's positions step by 2
        float[] split = ConvGeometry.forConv(cin, x.h, x.w, k, 2).splitColumns(x.data, 0);
        int bands = Math.min(x.h, Gemm.parallelism());
        IntStream.range(0, bands).parallel().forEach(t -> {
            int y0 = x.h * t / bands;
            int y1 = x.h * (t + 1) / bands;
            int p0 = g.oddPositionsBefore(y0);
            int nb = g.oddPositionsBefore(y1) - p0;
            gemmByBlocks(a, kk, nb, (r0, r1, cols, ld) -> g.im2colOddPositions(split, taps, y0, y1, r0, r1, cols, ld),
                    new float[Math.min(K_BLOCK, kk) * Gemm.paddedStride(nb)], out.data, p0, n);
        });
        return out;
    }

    /** Rows {@code [r0, r1)} of a band's column matrix, into {@code cols} from its row 0, rows {@code ld} apart. */
    private interface ColumnBlock {
        void fill(int r0, int r1, float[] cols, int ld);
    }

    /**
     * {@code out[cout x nb] = bias + a[cout x kk] * columns} for a band of {@code nb} output positions at
     * {@code outOff} (rows {@code ldOut} apart), the column matrix made K_BLOCK rows at a time into a buffer that stays
     * in cache ({@code cols}: at least min(K_BLOCK, kk) rows of a padded stride for nb). Each output's fma chain starts
     * at its channel's bias, as in training's path.
     */
    private void gemmByBlocks(float[] a, int kk, int nb, ColumnBlock columns, float[] cols, float[] out, int outOff,
                              int ldOut) {
        int ld = Gemm.paddedStride(nb);
        for (int r0 = 0; r0 < kk; r0 += K_BLOCK) {
            int r1 = Math.min(kk, r0 + K_BLOCK);
            columns.fill(r0, r1, cols, ld);
            if (r0 == 0) {
                Gemm.productFrom(bias.data, 0, cout, nb, r1, a, 0, kk, cols, 0, ld, out, outOff, ldOut);
            } else {
                Gemm.gemm(cout, nb, r1 - r0, a, r0, kk, cols, 0, ld, out, outOff, ldOut);
            }
        }
    }

    @Override
    public Tensor backward(Tensor dy, Tape tape, Grads grads, boolean needInputGrad) {
        float[] xcols = tape.pop();
        Tensor x = tape.pop();
        ConvGeometry g = ConvGeometry.forConv(cin, x.h, x.w, k, stride);
        int kk = g.patch();
        int n = dy.plane();
        Ops.addRowSums(dy.data, cout, n, grads.of(bias));
        // dW += dy * im2col(x)^T
        Gemm.gemmNT(cout, kk, n, dy.data, 0, n, xcols, 0, n, grads.of(weight), 0, kk);
        if (!needInputGrad) {
            return null;
        }
        // dx = col2im(W^T * dy)
        float[] wt = Ops.transpose(weight.data, cout, kk);
        float[] cols = xcols; // same size: reuse as the buffer of the input gradient's columns
        java.util.Arrays.fill(cols, 0f);
        Gemm.gemm(kk, n, cout, wt, 0, cout, dy.data, 0, n, cols, 0, n);
        Tensor dx = new Tensor(cin, x.h, x.w);
        g.col2im(cols, dx.data);
        return dx;
    }
}
