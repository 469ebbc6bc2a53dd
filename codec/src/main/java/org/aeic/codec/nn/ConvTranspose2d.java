package org.aeic.codec.nn;

import org.aeic.codec.tensor.ClaimedTasks;
import org.aeic.codec.tensor.ConvGeometry;
import org.aeic.codec.tensor.Gemm;
import org.aeic.codec.tensor.Ops;
import org.aeic.codec.tensor.Tensor;

/**
 * Transposed k x k convolution (deconvolution) with stride s: output is exactly s times the input
 * (PyTorch's ConvTranspose2d with padding k/2 and output_padding s-1). Weight layout
 * {@code [cin][cout][k][k]}, as in PyTorch. As GEMMs: {@code cols = W^T * x}, then col2im.
 */
public final class ConvTranspose2d extends ConvLayer {
    /** Input columns per GEMM of the inference path (times cout x k rows: about 1 MB for 128 channels). */
    private static final int BAND_COLUMNS = 384;

    public ConvTranspose2d(String name, int cin, int cout, int k, int stride) {
        super(name, cin, cout, k, stride, cin, cout, k, k);
    }

    @Override
    public int[] outputShape(int c, int h, int w) {
        return new int[] {cout, h * stride, w * stride};
    }

    @Override
    public int[] inputSpan(int first, int last) {
        int pad = k / 2; // input y adds into outputs y * stride - pad + (0 .. k-1), as ConvGeometry.forDeconv
        return new int[] {Math.floorDiv(first + pad - k + 1 + stride - 1, stride), Math.floorDiv(last + pad, stride)};
    }

    @Override
    Tensor train(Tensor x, Tape tape) {
        ConvGeometry g = ConvGeometry.forDeconv(cout, x.h, x.w, k, stride);
        int kk = g.patch();
        Tensor out = new Tensor(cout, g.bigH(), g.bigW());
        int nIn = x.plane();
        Ops.fillRows(out.data, 0, out.plane(), cout, out.plane(), bias.data);
        float[] wt = Ops.transpose(weight.data, cin, kk);
        float[] cols = new float[kk * nIn];
        Gemm.gemm(kk, nIn, cin, wt, 0, cin, x.data, 0, nIn, cols, 0, nIn);
        g.col2im(cols, out.data);
        tape.push(x);
        return out;
    }

    @Override
    Tensor inferThen(Tensor x, ColumnStep then, boolean consumeInput) {
        checkInput(x);
        ConvGeometry g = ConvGeometry.forDeconv(cout, x.h, x.w, k, stride);
        Tensor out = new Tensor(cout, g.bigH(), g.bigW());
        int nIn = x.plane();
        // inference: bands of output rows, one per task, each kernel row ky at a time: a GEMM gives the taps
        // (c, kx) of row ky for just the input rows that reach the band through ky, into a buffer of about 1 MB
        // (1.5 MB in the largest layer, over L2: splitting it by channels to fit was measured and gained nothing),
        // and those taps are added at once, into the band kept split by column phase (a contiguous vector add
        // per tap row instead of a stride-2 scatter: 11-12 % off the largest layer), which goes into the output when
        // its kernel rows are done. Each output pixel still starts from the bias and adds its taps
        // in (ky, kx) order, each tap one fma chain over the input channels, as the training path's col2im does:
        // the bits depend neither on the band size nor on the thread count. Each (tap, input row) pair is computed
        // once, and no plane of columns (kk x pixels: 315 MB at half resolution) is written and read back
        float[] wk = byKernelRow(weight.data);
        int inRows = bandRows(x.w, Gemm.columnTile());
        int outRows = inRows * stride;
        int bands = (g.bigH() + outRows - 1) / outRows;
        int rowsPerKy = cout * k;
        // each band copies the input rows its kernel rows reach into a window whose planes are a padded stride
        // apart: planes of 192 x 128 are 96 KiB apart, and the GEMM reads one row of B from each of them (see
        // Gemm.paddedStride). A padded copy of the whole input cost the largest layers 50 MB of fresh memory
        int windowRows = 0;
        for (int band = 0; band < bands; band++) {
            int[] rows = inputRows(g, band * outRows, Math.min(g.bigH(), (band + 1) * outRows));
            windowRows = Math.max(windowRows, rows[1] - rows[0]);
        }
        int ldw = Gemm.paddedStride(windowRows * x.w);
        int ldBuf = Gemm.paddedStride((inRows + 1) * x.w);
        // bands claimed as threads come free; each thread's window, tap buffer and band accumulator made once
        ClaimedTasks.run(bands, () -> new float[][] {new float[cin * ldw], new float[rowsPerKy * ldBuf],
                new float[g.bandSize(outRows)]}, (band, scratch) -> {
            float[] window = scratch[0];
            float[] buf = scratch[1];
            float[] acc = scratch[2];
            int o0 = band * outRows;
            int o1 = Math.min(g.bigH(), o0 + outRows);
            int[] rows = inputRows(g, o0, o1);
            int ya = rows[0];
            int yb = rows[1];
            for (int c = 0; c < cin; c++) {
                System.arraycopy(x.data, c * nIn + ya * x.w, window, c * ldw, (yb - ya) * x.w);
            }
            g.fillBand(acc, o0, o1, bias.data);
            for (int ky = 0; ky < k; ky++) {
                int y0 = g.firstSmallRowFor(ky, o0);
                int y1 = g.firstSmallRowFor(ky, o1);
                if (y1 <= y0) {
                    continue;
                }
                int n = (y1 - y0) * x.w;
                // C = A B, not a zeroed buffer then C += A B: that fill wrote as much as the GEMM (40 ms of 135
                // in the largest layer) and the GEMM read it back
                Gemm.product(rowsPerKy, n, cin, wk, ky * rowsPerKy * cin, cin, window, (y0 - ya) * x.w, ldw, buf, 0,
                        ldBuf);
                g.addKernelRowToBand(buf, 0, k * ldBuf, ldBuf, ky, y0, y1, acc, o0, o1);
            }
            g.unsplitBand(acc, o0, o1, out.data);
            if (then != null) {
                then.apply(out.data, out.plane(), o0 * g.bigW(), o1 * g.bigW());
            }
        });
        return out;
    }

    /**
     * Input rows per band: about {@link #BAND_COLUMNS} columns (rows times width), or of the row counts from half to
     * one and a half times that, the one whose columns leave the least of the GEMM's last column tile to padding. A
     * tile of a tiled image is synthesised from a window 35 latents wide: 10 rows of 35 left 34 of the last tile's 64
     * columns empty with AVX-512 (edge tiles had 16 % of the 12 MP photo's decoding samples). The bits do not depend
     * on it.
     */
    static int bandRows(int w, int tile) {
        int target = Math.max(1, BAND_COLUMNS / w);
        int best = target;
        for (int r = Math.max(1, target / 2); r <= Math.max(2, target * 3 / 2); r++) {
            if (padding(r * w, tile) < padding(best * w, tile)) {
                best = r;
            }
        }
        return best;
    }

    /** The share of {@code cols} columns that the last column tile adds as padding. */
    private static double padding(int cols, int tile) {
        return (double) Math.floorMod(-cols, tile) / cols;
    }

    /** The input rows {@code {first, end}} that output rows {@code [o0, o1)} take taps from, over all kernel rows. */
    private int[] inputRows(ConvGeometry g, int o0, int o1) {
        int first = Integer.MAX_VALUE;
        int end = 0;
        for (int ky = 0; ky < k; ky++) {
            int y0 = g.firstSmallRowFor(ky, o0);
            int y1 = g.firstSmallRowFor(ky, o1);
            if (y1 > y0) {
                first = Math.min(first, y0);
                end = Math.max(end, y1);
            }
        }
        return first < end ? new int[] {first, end} : new int[] {0, 0};
    }

    /**
     * The weights {@code [cin][cout][ky][kx]} as {@code [ky][cout][kx][cin]}: for one kernel row, the rows of A of
     * all its taps are contiguous, so one GEMM computes them. Each row of the result is gathered by a call of its own:
     * a one-shot decode repacks every layer once, and the JIT compiles a small method after enough calls, where a
     * loop nest over all the weights ran in the interpreter and then had C2 compile on-stack-replacement copies of it
     * (two per decode, 15 ms of C2's time).
     */
    private float[] byKernelRow(float[] w) {
        float[] out = new float[w.length];
        int perInput = cout * k * k;
        for (int ky = 0, o = 0; ky < k; ky++) {
            for (int co = 0; co < cout; co++) {
                for (int kx = 0; kx < k; kx++, o += cin) {
                    gather(w, (co * k + ky) * k + kx, perInput, out, o, cin);
                }
            }
        }
        return out;
    }

    /** {@code dst[d + i] = src[s + i * stride]} for i below n. */
    private static void gather(float[] src, int s, int stride, float[] dst, int d, int n) {
        for (int i = 0; i < n; i++, s += stride) {
            dst[d + i] = src[s];
        }
    }

    @Override
    public Tensor backward(Tensor dy, Tape tape, Grads grads, boolean needInputGrad) {
        Tensor x = tape.pop();
        ConvGeometry g = ConvGeometry.forDeconv(cout, x.h, x.w, k, stride);
        int kk = g.patch();
        int nIn = x.plane();
        Ops.addRowSums(dy.data, cout, dy.plane(), grads.of(bias));
        float[] cols = new float[kk * nIn];
        g.im2col(dy.data, 0, 0, x.h, cols);
        // dW += x * im2col(dy)^T
        Gemm.gemmNT(cin, kk, nIn, x.data, 0, nIn, cols, 0, nIn, grads.of(weight), 0, kk);
        if (!needInputGrad) {
            return null;
        }
        // dx = W * im2col(dy)
        Tensor dx = new Tensor(cin, x.h, x.w);
        Gemm.gemm(cin, nIn, kk, weight.data, 0, kk, cols, 0, nIn, dx.data, 0, nIn);
        return dx;
    }
}
