package org.aeic.codec.tensor;

import java.util.stream.IntStream;

/**
 * The index map shared by strided convolution and its transpose: a "big" map of
 * {@code channels x bigH x bigW} and a "small" map of {@code smallH x smallW}, where
 * {@code small[y][x]} sees {@code big[y*stride + ky - pad][x*stride + kx - pad]} for a k x k kernel.
 * A convolution reads big and writes small; a transposed convolution does the reverse.
 */
public record ConvGeometry(int channels, int bigH, int bigW, int smallH, int smallW, int k, int stride, int pad) {
    /** Maps of at least this many floats are split by column phase with the channels in parallel. */
    private static final int PARALLEL_SPLIT = 1 << 18;

    /** Geometry of a convolution over a {@code channels x h x w} input ("same" padding: out = ceil(in/stride)). */
    public static ConvGeometry forConv(int channels, int h, int w, int k, int stride) {
        return new ConvGeometry(channels, h, w, (h + stride - 1) / stride, (w + stride - 1) / stride, k, stride, k / 2);
    }

    /** Geometry of a transposed convolution whose input is {@code h x w}: output is {@code h*stride x w*stride}. */
    public static ConvGeometry forDeconv(int channels, int h, int w, int k, int stride) {
        return new ConvGeometry(channels, h * stride, w * stride, h, w, k, stride, k / 2);
    }

    /** First small row y with {@code y*stride + ky - pad >= by}: small rows reaching big rows from {@code by} via ky. */
    public int firstSmallRowFor(int ky, int by) {
        return Math.max(0, Math.min(smallH, Math.floorDiv(by + pad - ky + stride - 1, stride)));
    }

    /**
     * Adds the taps of kernel row {@code ky} for small rows {@code [y0, y1)} onto the big map: tap {@code (c, kx)}
     * is the row of {@code (y1-y0)*smallW} floats at {@code from + c*channelStride + kx*tapStride}. Each big pixel
     * gets its taps in kx order, so kernel rows added in ky order sum in (ky, kx) order, the one order of
     * {@link #col2im} and of the transposed convolution's inference.
     */
    public void addKernelRow(float[] taps, int from, int channelStride, int tapStride, int ky, int y0, int y1,
                             float[] big) {
        for (int c = 0; c < channels; c++) {
            int cBase = c * bigH * bigW;
            for (int kx = 0; kx < k; kx++) {
                int src = from + c * channelStride + kx * tapStride;
                int xLo = firstInside(kx - pad);
                int xHi = endInside(kx - pad);
                for (int y = y0; y < y1; y++, src += smallW) {
                    int iy = y * stride + ky - pad;
                    if (iy < 0 || iy >= bigH) {
                        continue;
                    }
                    int dst = cBase + iy * bigW + kx - pad;
                    for (int x = xLo; x < xHi; x++) {
                        big[dst + x * stride] += taps[src + x];
                    }
                }
            }
        }
    }

    /** Floats of a band of {@code rows} big rows in {@link #addKernelRowToBand}'s layout. */
    public int bandSize(int rows) {
        return channels * rows * stride * splitWidth();
    }

    /** Big rows {@code [b0, b1)} of a band set to each channel's {@code value[c]}. */
    public void fillBand(float[] band, int b0, int b1, float[] value) {
        int per = (b1 - b0) * stride * splitWidth();
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(band, c * per, (c + 1) * per, value[c]);
        }
    }

    /**
     * As {@link #addKernelRow}, onto big rows {@code [b0, b1)} held in a band split by column phase, so that every
     * tap row is one contiguous (vector) add instead of a stride-2 scatter: big {@code [c][iy][j*stride + p]} is
     * {@code band[((c*(b1-b0) + iy-b0)*stride + p)*splitWidth() + j]}. Per big pixel the taps still add in kx
     * order, one IEEE addition each, so {@link #unsplitBand} gives addKernelRow's bits.
     */
    public void addKernelRowToBand(float[] taps, int from, int channelStride, int tapStride, int ky, int y0, int y1,
                                   float[] band, int b0, int b1) {
        int hw = splitWidth();
        int rows = b1 - b0;
        for (int c = 0; c < channels; c++) {
            for (int kx = 0; kx < k; kx++) {
                int off = kx - pad;
                int p = Math.floorMod(off, stride);
                int shift = Math.floorDiv(off, stride);
                int xLo = firstInside(off);
                int xHi = endInside(off);
                if (xLo >= xHi) {
                    continue;
                }
                int src = from + c * channelStride + kx * tapStride;
                for (int y = y0; y < y1; y++, src += smallW) {
                    int iy = y * stride + ky - pad;
                    if (iy < b0 || iy >= b1) {
                        continue;
                    }
                    int dst = ((c * rows + iy - b0) * stride + p) * hw + shift;
                    Gemm.add(band, dst + xLo, taps, src + xLo, xHi - xLo);
                }
            }
        }
    }

    /**
     * Big rows {@code [b0, b1)} from a band into the big map, columns interleaved again: for stride 2 each big row in
     * one pass, in order (two passes that each wrote every other float took 10 % of the largest transposed
     * convolution's time).
     */
    public void unsplitBand(float[] band, int b0, int b1, float[] big) {
        int hw = splitWidth();
        int rows = b1 - b0;
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < rows; r++) {
                int dst = (c * bigH + b0 + r) * bigW;
                if (stride == 2) {
                    interleave(band, ((c * rows + r) * 2) * hw, ((c * rows + r) * 2 + 1) * hw, big, dst, bigW);
                    continue;
                }
                for (int p = 0; p < stride; p++) {
                    int src = ((c * rows + r) * stride + p) * hw;
                    for (int j = 0; j * stride + p < bigW; j++) {
                        big[dst + j * stride + p] = band[src + j];
                    }
                }
            }
        }
    }

    /** {@code out[at + 2j] = even[e + j]} and {@code out[at + 2j + 1] = odd[o + j]}, n floats of out in all. */
    private static void interleave(float[] src, int e, int o, float[] out, int at, int n) {
        int j = 0;
        for (; 2 * j + 1 < n; j++) {
            out[at + 2 * j] = src[e + j];
            out[at + 2 * j + 1] = src[o + j];
        }
        if (2 * j < n) {
            out[at + 2 * j] = src[e + j];
        }
    }

    public int kernelArea() {
        return k * k;
    }

    /** Rows of the column matrix: channels * k * k. */
    public int patch() {
        return channels * k * k;
    }

    /**
     * Column matrix {@code cols[(c*k+ky)*k+kx][y*smallW+x]} for small rows {@code [y0, y1)}; cols has
     * row length {@code (y1-y0)*smallW}. Out-of-range big pixels read as zero.
     */
    public void im2col(float[] big, int bigOff, int y0, int y1, float[] cols) {
        im2colSplit(splitColumns(big, bigOff), y0, y1, 0, patch(), cols, (y1 - y0) * smallW);
    }

    /**
     * The big map with each row's columns split by phase ({@code ix mod stride}), for {@link #im2colSplit}: plane
     * {@code (c, p)} row {@code iy} holds {@code big[c][iy][j*stride + p]} at j, {@code splitWidth()} wide. Then
     * every row of the column matrix is a contiguous copy, even at stride 2.
     */
    public float[] splitColumns(float[] big, int bigOff) {
        int hw = splitWidth();
        float[] split = new float[channels * stride * bigH * hw];
        // channels in parallel on a large map: a conv's own bands wait for this (24 ms on one core for 128 x 256 x 384)
        IntStream channelRange = IntStream.range(0, channels);
        (channels * bigH * bigW >= PARALLEL_SPLIT ? channelRange.parallel() : channelRange)
                .forEach(c -> splitChannel(big, bigOff, c, split, hw));
        return split;
    }

    /** Whether {@link #splitInPlace} can split this map: its split takes no more room (the width a multiple of the stride). */
    public boolean splitsInPlace() {
        return bigW % stride == 0;
    }

    /**
     * {@link #splitColumns} into the map's own array (the map is lost), one channel at a time through a copy of it:
     * a channel's split rows take exactly the room of its rows when {@link #splitsInPlace}.
     */
    public float[] splitInPlace(float[] big) {
        if (!splitsInPlace()) {
            throw new IllegalStateException("a width of " + bigW + " does not split in place at stride " + stride);
        }
        int hw = splitWidth();
        int size = bigH * bigW;
        ClaimedTasks.run(channels, () -> new float[size], (c, copy) -> {
            System.arraycopy(big, c * size, copy, 0, size);
            splitChannel(copy, -c * size, c, big, hw); // reads channel c of the copy at offset 0
        });
        return big;
    }

    /**
     * Rows {@code [y0, y1)} of every channel of the big map, held in {@code band} (channel c's row y0 at
     * {@code c * ldBand}, its rows {@code bigW} apart), into {@link #splitColumns}'s layout in {@code split}: what a
     * layer's band writes for the convolution that reads its output.
     */
    public void splitBand(float[] band, int ldBand, int y0, int y1, float[] split) {
        int hw = splitWidth();
        for (int c = 0; c < channels; c++) {
            for (int iy = y0; iy < y1; iy++) {
                splitRow(band, c * ldBand + (iy - y0) * bigW, split, (c * stride * bigH + iy) * hw, hw);
            }
        }
    }

    /** One channel of {@link #splitColumns}: each big row read once, in order (stride 2: both phases per pair). */
    private void splitChannel(float[] big, int bigOff, int c, float[] split, int hw) {
        for (int iy = 0; iy < bigH; iy++) {
            splitRow(big, bigOff + (c * bigH + iy) * bigW, split, (c * stride * bigH + iy) * hw, hw);
        }
    }

    /** One big row from {@code src} into its phases, phase 0 at {@code dst}, phase p {@code p * bigH * hw} further. */
    private void splitRow(float[] big, int src, float[] split, int dst, int hw) {
        if (stride == 1) {
            System.arraycopy(big, src, split, dst, bigW);
        } else if (stride == 2) {
            // one pass per phase: each writes its row in order, and the second reads the big row again from cache
            // (one row alone, Java 17: 0.82 -> 0.46 ns per float with 256-bit vectors, 0.83 -> 0.53 with 512; the first
            // convolution's 128 x 256 x 384 output, band by band, 1.2-1.4 -> 0.7-1.1)
            int odd = dst + bigH * hw;
            int pairs = bigW / 2;
            for (int j = 0; j < pairs; j++) {
                split[dst + j] = big[src + 2 * j];
            }
            for (int j = 0; j < pairs; j++) {
                split[odd + j] = big[src + 2 * j + 1];
            }
            if (bigW % 2 != 0) {
                split[dst + pairs] = big[src + bigW - 1];
            }
        } else {
            for (int x = 0; x < bigW; x++) {
                split[dst + (x % stride) * bigH * hw + x / stride] = big[src + x];
            }
        }
    }

    private int splitWidth() {
        return (bigW + stride - 1) / stride;
    }

    /**
     * Rows {@code [r0, r1)} of {@link #im2col}'s column matrix, from {@link #splitColumns}'s map, into cols from its
     * row 0, rows {@code ld} floats apart.
     */
    public void im2colSplit(float[] split, int y0, int y1, int r0, int r1, float[] cols, int ld) {
        int hw = splitWidth();
        for (int row = r0; row < r1; row++) {
            int c = row / (k * k);
            int ky = row / k % k;
            int off = row % k - pad;
            int p = Math.floorMod(off, stride);
            int shift = Math.floorDiv(off, stride);
            int xLo = firstInside(off);
            int xHi = endInside(off);
            int dst = (row - r0) * ld;
            for (int y = y0; y < y1; y++, dst += smallW) {
                int iy = y * stride + ky - pad;
                if (iy < 0 || iy >= bigH || xLo >= xHi) {
                    java.util.Arrays.fill(cols, dst, dst + smallW, 0f);
                    continue;
                }
                java.util.Arrays.fill(cols, dst, dst + xLo, 0f);
                System.arraycopy(split, ((c * stride + p) * bigH + iy) * hw + shift + xLo, cols, dst + xLo, xHi - xLo);
                java.util.Arrays.fill(cols, dst + xHi, dst + smallW, 0f);
            }
        }
    }

    /**
     * The taps of a stride-1 kernel whose row + column offset is odd, {@code ky*k + kx} ascending: the only taps that
     * read a position of the other checkerboard colour (row + column of another parity than the output's).
     */
    public int[] oddTaps() {
        int[] taps = new int[(k * k) / 2];
        int t = 0;
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                if (((ky + kx) & 1) == 1) {
                    taps[t++] = ky * k + kx;
                }
            }
        }
        return taps;
    }

    /** Positions with row + column odd in rows {@code [0, y)} of a stride-1 output (the odd positions before row y). */
    public int oddPositionsBefore(int y) {
        return y * bigW / 2; // w per two rows; an odd y ends on an even row, which has floor(w / 2)
    }

    /**
     * As {@link #im2colSplit} for a stride-1 kernel restricted to the positions with row + column odd and to the
     * {@link #oddTaps}: row {@code c*taps + t} of the column matrix holds tap t of channel c at each such position of
     * rows {@code [y0, y1)}, in row-major order. {@code split} is the input's {@link #splitColumns} as a stride-2 map
     * would split it, so that every step-2 run of input columns is one contiguous copy.
     */
    public void im2colOddPositions(float[] split, int[] taps, int y0, int y1, int r0, int r1, float[] cols, int ld) {
        int hw = (bigW + 1) / 2;
        for (int row = r0; row < r1; row++) {
            int c = row / taps.length;
            int dy = taps[row % taps.length] / k - pad;
            int dx = taps[row % taps.length] % k - pad;
            int dst = (row - r0) * ld;
            for (int y = y0; y < y1; y++) {
                int count = oddPositionsBefore(y + 1) - oddPositionsBefore(y);
                int iy = y + dy;
                int sx = ((y + 1) & 1) + dx; // input column of the row's first position
                int p = sx & 1;
                int j0 = sx >> 1; // floor: its index among the input columns of phase p
                int lo = Math.max(0, Math.min(count, -j0));
                int hi = Math.max(lo, Math.min(count, (bigW - p + 1) / 2 - j0));
                if (iy < 0 || iy >= bigH || lo == hi) {
                    java.util.Arrays.fill(cols, dst, dst + count, 0f);
                    dst += count;
                    continue;
                }
                java.util.Arrays.fill(cols, dst, dst + lo, 0f);
                System.arraycopy(split, ((c * 2 + p) * bigH + iy) * hw + j0 + lo, cols, dst + lo, hi - lo);
                java.util.Arrays.fill(cols, dst + hi, dst + count, 0f);
                dst += count;
            }
        }
    }

    /** First small column x with {@code x*stride + off >= 0} (clamped to the map). */
    private int firstInside(int off) {
        return off >= 0 ? 0 : Math.min(smallW, (-off + stride - 1) / stride);
    }

    /** One past the last small column x with {@code x*stride + off < bigW} (clamped to the map). */
    private int endInside(int off) {
        return Math.max(0, Math.min(smallW, Math.floorDiv(bigW - 1 - off, stride) + 1));
    }

    /**
     * Adds a column matrix of the whole small map back onto the big map (the adjoint of {@link #im2col}), kernel row
     * by kernel row: each big pixel accumulates in (ky, kx) order, which keeps results reproducible.
     */
    public void col2im(float[] cols, float[] big) {
        int n = smallH * smallW;
        for (int ky = 0; ky < k; ky++) {
            addKernelRow(cols, ky * k * n, k * k * n, n, ky, 0, smallH, big);
        }
    }
}
