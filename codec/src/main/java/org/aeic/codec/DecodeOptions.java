package org.aeic.codec;

import org.aeic.codec.container.ContainerLimits;

/**
 * Options of {@link AeicDecoder}.
 *
 * @param threads worker threads (the output does not depend on it)
 * @param limits  limits checked against the stream header before anything is allocated
 */
public record DecodeOptions(int threads, ContainerLimits limits) {
    /** Decoded pixels allowed by default (like imgproxy's 50 MP guard). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    public DecodeOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
    }

    public static DecodeOptions defaults() {
        return new DecodeOptions(Runtime.getRuntime().availableProcessors(),
                ContainerLimits.defaults().withMaxPixels(DEFAULT_MAX_PIXELS));
    }

    public DecodeOptions withThreads(int t) {
        return new DecodeOptions(t, limits);
    }

    public DecodeOptions withLimits(ContainerLimits l) {
        return new DecodeOptions(threads, l);
    }

    public DecodeOptions withMaxPixels(long pixels) {
        return new DecodeOptions(threads, limits.withMaxPixels(pixels));
    }
}
