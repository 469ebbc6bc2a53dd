package org.aeic.codec.model;

import org.aeic.codec.AeicException;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.codec.tensor.Tensor;

/**
 * Latent y ⇄ bytes under the mean-scale hyperprior ({@link HyperpriorModel}) at one quality level. A tile's
 * bytes are {@code varint(length of z's part) | z's rANS stream | y's rANS stream}:
 *
 * <pre>
 *   z = h_a(y);  z symbols = round(z·zGain − zCenter)  under the level's z tables (as the factorized prior)
 *   ẑ = (z symbols + zCenter) / zGain;  μ, σ = h_s(ẑ)
 *   per element: g = gain[c], table = index of |σ|·g in the scale table, symbol = round(y·g − μ·g)
 *   ŷ = (symbol + μ·g) / g
 * </pre>
 *
 * The decoder computes μ·g and the table index from the same ẑ with the same float operations in the same order
 * as the encoder, so both pick the same table on every JVM and CPU.
 */
public final class MeanScaleLatentCodec implements LatentCodec {
    private final HyperpriorModel hyper;
    private final ScaleIndex scales;
    private final SymbolTable[] tables;

    public MeanScaleLatentCodec(HyperpriorModel hyper, float[] scales, SymbolTable[] tables) {
        this.hyper = hyper;
        this.scales = new ScaleIndex(scales);
        this.tables = tables.clone();
    }

    @Override
    public long parameterCount() {
        return hyper.parameterCount();
    }

    @Override
    public byte[] compress(Tensor y, CodecModel.Level level) {
        Tensor z = hyper.hyperAnalysis(y);
        int[] zs = FactorizedLatentCodec.symbols(z, level.zGain(), level.zCenter());
        byte[] zBytes = LatentCoder.encode(zs, z.c, z.plane(), level.zTables());
        Tensor zHat = FactorizedLatentCodec.dequantize(zs, z.c, z.h, z.w, level.zGain(), level.zCenter());
        Tensor p = hyper.predict(zHat, y.h, y.w);
        int plane = y.plane();
        int[] symbols = new int[y.data.length];
        int[] tableOf = new int[y.data.length];
        for (int c = 0; c < y.c; c++) {
            float g = level.gain()[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                float mg = p.data[i] * g;
                tableOf[i] = scales.index(Math.abs(p.data[i + y.c * plane]) * g);
                symbols[i] = Rounding.symbol(y.data[i] * g - mg);
            }
        }
        return ScaleIndex.twoParts(zBytes, LatentCoder.encode(symbols, tableOf, tables));
    }

    @Override
    public Tensor decompress(byte[] data, int h, int w, CodecModel.Level level) throws AeicException {
        int[] part = ScaleIndex.firstPart(data);
        int o = part[0];
        int zLen = part[1];
        int zh = HyperpriorModel.hyperSize(h);
        int zw = HyperpriorModel.hyperSize(w);
        Tensor zHat = FactorizedLatentCodec.decompress(data, o, zLen, hyper.n, zh, zw, level.zGain(),
                level.zCenter(), level.zTables());
        Tensor p = hyper.predict(zHat, h, w);
        int m = hyper.m;
        int plane = h * w;
        int[] tableOf = new int[m * plane];
        for (int c = 0; c < m; c++) {
            float g = level.gain()[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                tableOf[i] = scales.index(Math.abs(p.data[i + m * plane]) * g);
            }
        }
        int start = o + zLen;
        int[] s = LatentCoder.decode(data, start, data.length - start, tableOf, tables);
        Tensor y = new Tensor(m, h, w);
        for (int c = 0; c < m; c++) {
            float g = level.gain()[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                float mg = p.data[i] * g;
                y.data[i] = (s[i] + mg) / g;
            }
        }
        return y;
    }
}
