package org.aeic.codec.nn;

import java.util.stream.IntStream;
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
    public ConvTranspose2d(String name, int cin, int cout, int k, int stride) {
        super(name, cin, cout, k, stride, cin, cout, k, k);
    }

    @Override
    public int[] outputShape(int c, int h, int w) {
        return new int[] {cout, h * stride, w * stride};
    }

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        checkInput(x);
        ConvGeometry g = ConvGeometry.forDeconv(cout, x.h, x.w, k, stride);
        int kk = g.patch();
        Tensor out = new Tensor(cout, g.bigH(), g.bigW());
        Ops.fillRows(out.data, 0, out.plane(), cout, out.plane(), bias.data);
        float[] wt = Ops.transpose(weight.data, cin, kk);
        int nIn = x.plane();
        if (tape != null) {
            float[] cols = new float[kk * nIn];
            Gemm.gemm(kk, nIn, cin, wt, 0, cin, x.data, 0, nIn, cols, 0, nIn);
            g.col2im(cols, 0, x.h, out.data, 0, 0, cout);
            tape.push(x);
            return out;
        }
        // inference: bands of output rows, each computed from all the input rows that touch it, so every output pixel
        // sums its contributions in the same order as an unbanded pass: the result depends neither on the band size
        // nor on the thread count, nor, with enough margin, on how an image is cut into tiles. Neighbouring bands
        // share an input row or two: their columns are copied from the previous band, not computed again (that was
        // up to 30 % more GEMM in the largest layers), and two buffers serve all bands
        int inRows = Math.max(1, Conv2d.MAX_COLS / (kk * x.w) - 3);
        int outRows = Math.max(stride, inRows * stride);
        float[] cols = null;
        float[] prev = null;
        int py0 = 0;
        int py1 = 0;
        for (int o0 = 0; o0 < g.bigH(); o0 += outRows) {
            int o1 = Math.min(g.bigH(), o0 + outRows);
            int y0 = g.firstSmallRow(o0);
            int y1 = g.endSmallRow(o1);
            if (y1 <= y0) {
                continue;
            }
            int nb = (y1 - y0) * x.w;
            if (cols == null || cols.length < kk * nb) {
                cols = new float[kk * Math.max(nb, (inRows + 3) * x.w)];
            }
            int reuse = prev == null ? y0 : Math.max(y0, Math.min(py1, y1)); // rows [y0, reuse) come from prev
            if (reuse > y0) {
                int pnb = (py1 - py0) * x.w;
                int from = (y0 - py0) * x.w;
                int len = (reuse - y0) * x.w;
                for (int r = 0; r < kk; r++) {
                    System.arraycopy(prev, r * pnb + from, cols, r * nb, len);
                }
            }
            int fresh = (y1 - reuse) * x.w;
            int at = (reuse - y0) * x.w;
            for (int r = 0; r < kk; r++) {
                java.util.Arrays.fill(cols, r * nb + at, r * nb + at + fresh, 0f);
            }
            Gemm.gemmParallel(kk, fresh, cin, wt, 0, cin, x.data, reuse * x.w, nIn, cols, at, nb);
            int b0 = o0;
            int b1 = o1;
            float[] band = cols;
            IntStream.range(0, cout).parallel().forEach(c -> g.col2im(band, y0, y1, out.data, 0, c, c + 1, b0, b1));
            float[] t = prev;
            prev = cols;
            cols = t;
            py0 = y0;
            py1 = y1;
        }
        return out;
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
