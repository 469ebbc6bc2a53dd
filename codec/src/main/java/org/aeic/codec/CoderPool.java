package org.aeic.codec;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.aeic.codec.AeicException.Kind;

/**
 * The thread pool the coders run in (tile geometry: {@link org.aeic.codec.tiling.Tiling}). Each calling
 * thread keeps its pool for the next call: its workers stay warm (they end after the pool's idle
 * timeout), and callers on different threads, such as a server's workers, never share or wait on one.
 */
final class CoderPool {
    private static final ThreadLocal<ForkJoinPool> POOL = new ThreadLocal<>();

    private CoderPool() {
    }

    /** Runs {@code work} in a pool of {@code threads} workers, which the engine's parallel loops then use. */
    static <T> T inPool(int threads, Callable<T> work) throws AeicException {
        ForkJoinPool pool = POOL.get();
        if (pool == null || pool.getParallelism() != threads) {
            if (pool != null) {
                pool.shutdown();
            }
            pool = new ForkJoinPool(threads);
            POOL.set(pool);
        }
        try {
            return pool.submit(work).get();
        } catch (InterruptedException e) {
            // the work may still be running: stop it, and give the next call a fresh pool
            POOL.remove();
            pool.shutdownNow();
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
        }
    }
}
