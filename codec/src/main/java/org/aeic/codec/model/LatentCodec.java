package org.aeic.codec.model;

import org.aeic.codec.AeicException;
import org.aeic.codec.tensor.Tensor;

/**
 * Latent y ⇄ the bytes of one tile at one quality level, under a model's entropy model. The decoder side is
 * bit-exact on every JVM: it depends only on integers and on floats computed in a fixed order.
 */
public interface LatentCodec {
    byte[] compress(Tensor y, CodecModel.Level level);

    /** ŷ of an h × w latent from what {@link #compress} wrote; corrupt input throws, never hangs. */
    Tensor decompress(byte[] data, int h, int w, CodecModel.Level level) throws AeicException;

    /** Trained parameters of the entropy model beyond the transforms and the levels (hyperprior, context). */
    default long parameterCount() {
        return 0;
    }
}
