package org.aeic.codec.model;

import org.aeic.codec.AeicException;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.tensor.Tensor;

/**
 * Latent y ⇄ bytes under the factorized prior at one quality level:
 * {@code s = round(y * gain - center)} ({@link Rounding}), coded with the level's integer tables;
 * {@code ŷ = (s + center) / gain}. The decoder side is integer-only up to ŷ.
 */
public final class FactorizedLatentCodec {
    private FactorizedLatentCodec() {
    }

    public static byte[] compress(Tensor y, CodecModel.Level level) {
        int plane = y.plane();
        int[] symbols = new int[y.data.length];
        for (int c = 0; c < y.c; c++) {
            float g = level.gain()[c];
            float center = level.center()[c];
            for (int p = 0; p < plane; p++) {
                float v = y.data[c * plane + p] * g - center;
                symbols[c * plane + p] = Rounding.symbol(v);
            }
        }
        return LatentCoder.encode(symbols, y.c, plane, level.tables());
    }

    public static Tensor decompress(byte[] data, int channels, int h, int w, CodecModel.Level level)
            throws AeicException {
        int plane = h * w;
        int[] s = LatentCoder.decode(data, 0, data.length, channels, plane, level.tables());
        Tensor y = new Tensor(channels, h, w);
        for (int c = 0; c < channels; c++) {
            float g = level.gain()[c];
            float center = level.center()[c];
            for (int p = 0; p < plane; p++) {
                y.data[c * plane + p] = (s[c * plane + p] + center) / g;
            }
        }
        return y;
    }
}
