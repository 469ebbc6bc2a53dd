package org.aeic.codec.model;

import org.aeic.codec.AeicException;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.tensor.Tensor;

/**
 * Latent y ⇄ bytes under the factorized prior at one quality level:
 * {@code s = round(y * gain - center)} ({@link Rounding}), coded with the level's integer tables;
 * {@code ŷ = (s + center) / gain}. The decoder side is integer-only up to ŷ.
 */
public final class FactorizedLatentCodec implements LatentCodec {
    private final int channels;

    public FactorizedLatentCodec(int channels) {
        this.channels = channels;
    }

    @Override
    public byte[] compress(Tensor y, CodecModel.Level level) {
        return LatentCoder.encode(symbols(y, level.gain(), level.center()), y.c, y.plane(), level.tables());
    }

    @Override
    public Tensor decompress(byte[] data, int h, int w, CodecModel.Level level) throws AeicException {
        return decompress(data, 0, data.length, channels, h, w, level.gain(), level.center(), level.tables());
    }

    /** {@code round(y·gain − center)} per element, channel by channel. */
    static int[] symbols(Tensor y, float[] gain, float[] center) {
        int plane = y.plane();
        int[] symbols = new int[y.data.length];
        for (int c = 0; c < y.c; c++) {
            float g = gain[c];
            float ctr = center[c];
            for (int p = 0; p < plane; p++) {
                float v = y.data[c * plane + p] * g - ctr;
                symbols[c * plane + p] = Rounding.symbol(v);
            }
        }
        return symbols;
    }

    /** ŷ = (s + center) / gain of {@code buf[off, off + len)}. */
    static Tensor decompress(byte[] buf, int off, int len, int channels, int h, int w, float[] gain, float[] center,
                             org.aeic.codec.entropy.SymbolTable[] tables) throws AeicException {
        return dequantize(LatentCoder.decode(buf, off, len, channels, h * w, tables), channels, h, w, gain, center);
    }

    /** ŷ = (s + center) / gain per element, channel by channel. */
    static Tensor dequantize(int[] s, int channels, int h, int w, float[] gain, float[] center) {
        int plane = h * w;
        Tensor y = new Tensor(channels, h, w);
        for (int c = 0; c < channels; c++) {
            float g = gain[c];
            float ctr = center[c];
            for (int p = 0; p < plane; p++) {
                y.data[c * plane + p] = (s[c * plane + p] + ctr) / g;
            }
        }
        return y;
    }
}
