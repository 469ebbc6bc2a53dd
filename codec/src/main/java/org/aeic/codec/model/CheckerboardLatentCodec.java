package org.aeic.codec.model;

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
 *   ŷ of the anchors = (s + center) / gain, 0 elsewhere;  μ, σ = c_x(that)
 *   the others:  g = gain[c], table = index of |σ|·g in the scale table, s = round(y·g − μ·g);  ŷ = (s + μ·g) / g
 * </pre>
 *
 * The decoder computes the anchors' ŷ, then μ·g and the table index, with the same float operations in the same
 * order as the encoder, so both pick the same table on every JVM and CPU.
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
        int plane = h * w;
        int[] all = FactorizedLatentCodec.symbols(y, level.gain(), level.center());
        int[] anchorOf = anchorChannels(y.c, h, w);
        int[] anchorSymbols = new int[anchorOf.length];
        Tensor a = new Tensor(y.c, h, w);
        int k = 0;
        for (int c = 0; c < y.c; c++) {
            for (int r = 0; r < h; r++) {
                for (int x = r & 1; x < w; x += 2) {
                    int i = c * plane + r * w + x;
                    anchorSymbols[k++] = all[i];
                    a.data[i] = (all[i] + level.center()[c]) / level.gain()[c];
                }
            }
        }
        byte[] anchorBytes = LatentCoder.encode(anchorSymbols, anchorOf, level.tables());
        Tensor p = context.predict(a);
        int n = y.data.length - anchorOf.length;
        int[] symbols = new int[n];
        int[] tableOf = new int[n];
        k = 0;
        for (int c = 0; c < y.c; c++) {
            float g = level.gain()[c];
            for (int r = 0; r < h; r++) {
                for (int x = 1 - (r & 1); x < w; x += 2) {
                    int i = c * plane + r * w + x;
                    float mg = p.data[i] * g;
                    tableOf[k] = scales.index(Math.abs(p.data[i + y.c * plane]) * g);
                    symbols[k++] = Rounding.symbol(y.data[i] * g - mg);
                }
            }
        }
        return ScaleIndex.twoParts(anchorBytes, LatentCoder.encode(symbols, tableOf, tables));
    }

    @Override
    public Tensor decompress(byte[] data, int h, int w, CodecModel.Level level) throws AeicException {
        int[] part = ScaleIndex.firstPart(data);
        int m = context.m;
        int plane = h * w;
        int[] anchorOf = anchorChannels(m, h, w);
        int[] s = LatentCoder.decode(data, part[0], part[1], anchorOf, level.tables());
        Tensor y = new Tensor(m, h, w);
        int k = 0;
        for (int c = 0; c < m; c++) {
            for (int r = 0; r < h; r++) {
                for (int x = r & 1; x < w; x += 2) {
                    y.data[c * plane + r * w + x] = (s[k++] + level.center()[c]) / level.gain()[c];
                }
            }
        }
        Tensor p = context.predict(y);
        int n = m * plane - anchorOf.length;
        int[] tableOf = new int[n];
        k = 0;
        for (int c = 0; c < m; c++) {
            float g = level.gain()[c];
            for (int r = 0; r < h; r++) {
                for (int x = 1 - (r & 1); x < w; x += 2) {
                    tableOf[k++] = scales.index(Math.abs(p.data[(m + c) * plane + r * w + x]) * g);
                }
            }
        }
        int start = part[0] + part[1];
        int[] t = LatentCoder.decode(data, start, data.length - start, tableOf, tables);
        k = 0;
        for (int c = 0; c < m; c++) {
            float g = level.gain()[c];
            for (int r = 0; r < h; r++) {
                for (int x = 1 - (r & 1); x < w; x += 2) {
                    int i = c * plane + r * w + x;
                    float mg = p.data[i] * g;
                    y.data[i] = (t[k++] + mg) / g;
                }
            }
        }
        return y;
    }

    /** The channel of each anchor, in coding order (channel by channel, rows, columns). */
    private static int[] anchorChannels(int channels, int h, int w) {
        int perChannel = 0;
        for (int r = 0; r < h; r++) {
            perChannel += (w - (r & 1) + 1) / 2;
        }
        int[] out = new int[channels * perChannel];
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(out, c * perChannel, (c + 1) * perChannel, c);
        }
        return out;
    }
}
