package org.aeic.codec;

import org.aeic.codec.container.ContainerLimits;

/**
 * Options of {@link AeicEncoder}; immutable, with "with" methods.
 *
 * @param quality  1 (smallest file) to 8; the nearest level the model has is used
 * @param modelId  model to use, or null for the registry's default
 * @param threads  worker threads (the output does not depend on it)
 * @param limits   size limits applied to input images
 */
public record EncodeOptions(double quality, String modelId, int threads, ContainerLimits limits) {
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
    }

    public static EncodeOptions defaults() {
        return new EncodeOptions(DEFAULT_QUALITY, null, Runtime.getRuntime().availableProcessors(),
                ContainerLimits.defaults());
    }

    public EncodeOptions withQuality(double q) {
        return new EncodeOptions(q, modelId, threads, limits);
    }

    public EncodeOptions withModelId(String id) {
        return new EncodeOptions(quality, id, threads, limits);
    }

    public EncodeOptions withThreads(int t) {
        return new EncodeOptions(quality, modelId, t, limits);
    }

    public EncodeOptions withLimits(ContainerLimits l) {
        return new EncodeOptions(quality, modelId, threads, l);
    }
}
