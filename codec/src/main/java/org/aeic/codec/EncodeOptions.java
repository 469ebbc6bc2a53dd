package org.aeic.codec;

import org.aeic.codec.container.ContainerLimits;

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
     * Quality 6: on the bundled family that is the size and quality of the first release's default (Kodak about
     * 0.35 bpp, 29.4 dB), so upgrading does not change what an unconfigured user gets.
     */
    public static final double DEFAULT_QUALITY = 6;

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
        if (tileSize != 0 && (tileSize < 16 || tileSize > 1024 || tileSize % 16 != 0)) {
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
