package org.aeic.codec;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.model.FactorizedModel;

/** Tile layout and the thread pool the coders run in. */
final class Tiling {
    /** Images up to this size are one tile (no seams); larger ones use {@link #LARGE_TILE}. */
    static final int SINGLE_TILE_MAX = 1024;
    static final int LARGE_TILE = 512;
    /**
     * Context around each tile when an image has several: more than the receptive field of either
     * transform (about ±30 pixels for the analysis, ±2 latent pixels for the synthesis), so tiles are
     * computed exactly as the whole image would be, and show no seams.
     */
    static final int OVERLAP = 64;
    static final int MAX_OVERLAP = 256;

    private Tiling() {
    }

    static int tileSizeFor(int width, int height) {
        int longest = Math.max(width, height);
        return longest <= SINGLE_TILE_MAX ? roundUp(longest) : LARGE_TILE;
    }

    /** Latent pixels for {@code pixels} image pixels (padded to the stride). */
    static int latentSize(int pixels) {
        return roundUp(pixels) / FactorizedModel.STRIDE;
    }

    static int roundUp(int v) {
        int s = FactorizedModel.STRIDE;
        return (v + s - 1) / s * s;
    }

    /** Runs {@code work} in a pool of {@code threads} workers, which the engine's parallel loops then use. */
    static <T> T inPool(int threads, Callable<T> work) throws AeicException {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AeicException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            // ForkJoinPool wraps checked exceptions of a Callable in RuntimeExceptions: look through them
            for (Throwable t = c; t != null; t = t.getCause()) {
                if (t instanceof AeicException a) {
                    throw a;
                }
            }
            if (c instanceof OutOfMemoryError) {
                throw new AeicException(Kind.TOO_LARGE,
                        "out of memory while coding (image too large for this heap)", c);
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new AeicException(String.valueOf(c.getMessage()), c);
        } finally {
            pool.shutdownNow();
        }
    }
}
