package org.aeic.codec.model;

import java.util.stream.IntStream;
import org.aeic.codec.AeicException;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.codec.tensor.Tensor;

/**
 * Latent y ⇄ bytes under the checkerboard context model ({@link CheckerboardModel}) at one quality level. A tile's
 * bytes are {@code varint(length of the anchors' part) | the anchors' rANS stream | the others' rANS stream}:
 *
 * <pre>
 *   anchors (row + column even), channel by channel:  s = round(y·gain − center) under the channel's table
 *   ŷ of the anchors = (s + center) / gain, 0 elsewhere;  μ, σ = c_x(that) at the others' positions
 *   the others:  g = gain[c], table = index of |σ|·g in the scale table, s = round(y·g − μ·g);  ŷ = (s + μ·g) / g
 * </pre>
 *
 * A three-pass model splits the anchors' part in two, {@code varint | pass 1 | varint | pass 2 | pass 3}: pass 1
 * (row and column even) as the anchors above, pass 2 (row and column odd) as the others but under c_1's μ, σ from
 * pass 1, pass 3 as the others above from the ŷ of passes 1 and 2.
 *
 * <p>The decoder computes the ŷ of each pass, then μ·g and the table index, with the same float operations in the
 * same order as the encoder, so both pick the same table on every JVM and CPU.
 */
public final class CheckerboardLatentCodec implements LatentCodec {
    private final CheckerboardModel context;
    private final ScaleIndex scales;
    private final SymbolTable[] tables;

    public CheckerboardLatentCodec(CheckerboardModel context, float[] scales, SymbolTable[] tables) {
        this.context = context;
        this.scales = new ScaleIndex(scales);
        this.tables = tables.clone();
    }

    @Override
    public long parameterCount() {
        return context.parameterCount();
    }

    @Override
    public byte[] compress(Tensor y, CodecModel.Level level) {
        int h = y.h;
        int w = y.w;
        int[] all = FactorizedLatentCodec.symbols(y, level.gain(), level.center());
        boolean three = context.threePass();
        Tensor known = new Tensor(y.c, h, w); // ŷ of the anchors (both passes), 0 elsewhere
        Tensor quarter = three ? new Tensor(y.c, (h + 1) / 2, (w + 1) / 2) : null;
        int[] first = factorizedPass(all, null, known, quarter, level);
        byte[] firstBytes = LatentCoder.encode(first, channels(y.c, first.length / y.c), level.tables());
        try {
            if (!three) {
                return ScaleIndex.twoParts(firstBytes, predictedPass(y, null, 0, 0, known, others(known),
                        level, false));
            }
            byte[] second = predictedPass(y, null, 0, 0, known, context.predictPass2(quarter), level, true);
            byte[] third = predictedPass(y, null, 0, 0, known, others(known), level, false);
            return ScaleIndex.twoParts(firstBytes, ScaleIndex.twoParts(second, third));
        } catch (AeicException e) {
            throw new IllegalStateException("encoding decodes nothing", e);
        }
    }

    @Override
    public Tensor decompress(byte[] data, int h, int w, CodecModel.Level level) throws AeicException {
        int m = context.m;
        boolean three = context.threePass();
        int[] part = ScaleIndex.firstPart(data);
        int perChannel = three ? ((h + 1) / 2) * ((w + 1) / 2) : anchorsPerChannel(h, w);
        int[] s = LatentCoder.decode(data, part[0], part[1], channels(m, perChannel), level.tables());
        Tensor y = new Tensor(m, h, w);
        Tensor quarter = three ? new Tensor(m, (h + 1) / 2, (w + 1) / 2) : null;
        factorizedPass(null, s, y, quarter, level);
        int start = part[0] + part[1];
        if (three) {
            int[] second = ScaleIndex.firstPart(data, start);
            predictedPass(null, data, second[0], second[1], y, context.predictPass2(quarter), level, true);
            start = second[0] + second[1];
        }
        predictedPass(null, data, start, data.length - start, y, others(y), level, false);
        return y;
    }

    /**
     * The factorized pass, channel by channel: the anchors (row + column even), or pass 1 (row and column even) of a
     * three-pass model, whose ŷ also go to {@code quarter}. Encoding takes each symbol from {@code all} (every
     * position's) and returns the pass's; decoding takes them from {@code decoded} (the pass's) and returns it. Either
     * way their ŷ = (s + center) / gain go to {@code known}.
     */
    private static int[] factorizedPass(int[] all, int[] decoded, Tensor known, Tensor quarter,
                                        CodecModel.Level level) {
        int h = known.h;
        int w = known.w;
        int plane = h * w;
        int[] out = all != null
                ? new int[known.c * (quarter != null ? quarter.plane() : anchorsPerChannel(h, w))] : decoded;
        // the invariants in locals, not an accessor call per element: a one-shot decode runs most of this loop in the
        // interpreter (no change that a whole decompress on this VM could show, though)
        float[] y = known.data;
        float[] q = quarter != null ? quarter.data : null;
        int qPlane = quarter != null ? quarter.plane() : 0;
        int qw = quarter != null ? quarter.w : 0;
        int step = quarter != null ? 2 : 1;
        float[] center = level.center();
        float[] gain = level.gain();
        int k = 0;
        for (int c = 0; c < known.c; c++) {
            float cc = center[c];
            float g = gain[c];
            for (int r = 0; r < h; r += step) {
                for (int x = q != null ? 0 : r & 1, i = c * plane + r * w + x; x < w; x += 2, i += 2) {
                    if (all != null) {
                        out[k] = all[i];
                    }
                    float v = (out[k++] + cc) / g;
                    y[i] = v;
                    if (q != null) {
                        q[c * qPlane + (r / 2) * qw + x / 2] = v;
                    }
                }
            }
        }
        return out;
    }

    /**
     * A pass under predicted μ, σ ({@code p}: μ in channels 0..M-1, raw σ in M..2M-1): pass 2 of a three-pass model
     * ({@code second}: row and column odd, {@code p} on the half-resolution grid) or the others (row + column odd,
     * {@code p} at those positions only, {@link CheckerboardModel#predictOthers}). Encoding ({@code y} given):
     * returns the bytes; decoding ({@code bytes[off, off + len)} given): returns null. Either way the pass's
     * ŷ = (s + μ·g) / g go to {@code known}.
     */
    private byte[] predictedPass(Tensor y, byte[] bytes, int off, int len, Tensor known, Tensor p,
                                 CodecModel.Level level, boolean second) throws AeicException {
        int m = known.c;
        int plane = known.plane();
        // the pass's positions in a channel, in coding order: where they are in the latent and in p
        int per = 0;
        int[] at = new int[plane];
        int[] inP = new int[plane];
        for (int r = second ? 1 : 0; r < known.h; r += second ? 2 : 1) {
            for (int x = second ? 1 : 1 - (r & 1); x < known.w; x += 2, per++) {
                at[per] = r * known.w + x;
                inP[per] = second ? (r / 2) * p.w + x / 2 : per; // the others' p holds their positions only
            }
        }
        int n = m * per;
        int[] tableOf = new int[n];
        int[] symbols = new int[n];
        float[] mg = new float[n];
        int count = per;
        float[] gain = level.gain();
        float[] pd = p != null ? p.data : null; // null: a 1 x 1 latent, whose pass has no positions
        int pPlane = p != null ? p.plane() : 0;
        float[] yd = y != null ? y.data : null;
        float[] kd = known.data;
        // channels in parallel (each element on its own: the same bits on any number of threads); only the rANS
        // coding itself is sequential. Invariants in locals, as in factorizedPass
        IntStream.range(0, m).parallel().forEach(c -> {
            float g = gain[c];
            int pc = c * pPlane;
            int sigma = pc + m * pPlane;
            for (int i = 0, k = c * count; i < count; i++, k++) {
                float mu = pd[pc + inP[i]] * g;
                mg[k] = mu;
                tableOf[k] = scales.index(Math.abs(pd[sigma + inP[i]]) * g);
                if (yd != null) {
                    symbols[k] = Rounding.symbol(yd[c * plane + at[i]] * g - mu);
                }
            }
        });
        int[] s = y != null ? symbols : LatentCoder.decode(bytes, off, len, tableOf, tables);
        IntStream.range(0, m).parallel().forEach(c -> {
            float g = gain[c];
            for (int i = 0, k = c * count, base = c * plane; i < count; i++, k++) {
                kd[base + at[i]] = (s[k] + mg[k]) / g;
            }
        });
        return y == null ? null : LatentCoder.encode(symbols, tableOf, tables);
    }

    /** μ, σ of the others (row + column odd), none in a 1 x 1 latent. */
    private Tensor others(Tensor known) {
        return known.plane() > 1 ? context.predictOthers(known) : null;
    }

    private static int anchorsPerChannel(int h, int w) {
        int perChannel = 0;
        for (int r = 0; r < h; r++) {
            perChannel += (w - (r & 1) + 1) / 2;
        }
        return perChannel;
    }

    /** The channel of each symbol of a factorized pass, in coding order (channel by channel, rows, columns). */
    private static int[] channels(int channels, int perChannel) {
        int[] out = new int[channels * perChannel];
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(out, c * perChannel, (c + 1) * perChannel, c);
        }
        return out;
    }
}
