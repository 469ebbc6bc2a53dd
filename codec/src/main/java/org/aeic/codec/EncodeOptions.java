package org.aeic.codec;

import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.tiling.Tiling;

/**
 * Options of {@link AeicEncoder}; immutable, with "with" methods.
 *
 * @param quality  1 (smallest file) to 8: a level of the model, a quality between two levels of a variable-rate
 *                 model (coded as such), or else the nearest level
 * @param modelId  model to use, or null for the registry's default
 * @param threads  worker threads (the output does not depend on it)
 * @param limits   size limits applied to input images
 * @param tileSize tile edge in pixels, a multiple of 16 up to 1024, or 0 to choose (one tile up to 1024², else 512)
 */
public record EncodeOptions(double quality, String modelId, int threads, ContainerLimits limits, int tileSize) {
    /**
     * Quality 4: on the bundled default {@code aeic-cb3-n128m192}, Kodak 0.346 bpp at 30.27 dB (the factorized
     * {@code aeic-vr-n128m192} it was built on: 0.402 bpp at 30.25 dB); libjpeg-turbo needs about 0.58 bpp for that
     * quality.
     */
    public static final double DEFAULT_QUALITY = 4;

    public EncodeOptions {
        if (!(quality >= 1 && quality <= 8)) {
            throw new IllegalArgumentException("quality must be between 1 and 8, got " + quality);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        if (tileSize != 0 && !Tiling.validTileSize(tileSize)) {
            throw new IllegalArgumentException("tile size must be a multiple of 16 between 16 and 1024, got " + tileSize);
        }
    }

    public static EncodeOptions defaults() {
        return new EncodeOptions(DEFAULT_QUALITY, null, Runtime.getRuntime().availableProcessors(),
                ContainerLimits.defaults(), 0);
    }

    public EncodeOptions withQuality(double q) {
        return new EncodeOptions(q, modelId, threads, limits, tileSize);
    }

    public EncodeOptions withModelId(String id) {
        return new EncodeOptions(quality, id, threads, limits, tileSize);
    }

    public EncodeOptions withThreads(int t) {
        return new EncodeOptions(quality, modelId, t, limits, tileSize);
    }

    public EncodeOptions withLimits(ContainerLimits l) {
        return new EncodeOptions(quality, modelId, threads, l, tileSize);
    }

    public EncodeOptions withTileSize(int size) {
        return new EncodeOptions(quality, modelId, threads, limits, size);
    }
}
