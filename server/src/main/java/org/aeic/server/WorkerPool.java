package org.aeic.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The codec workers and the admission count that bounds them. A request is admitted (before its body is read)
 * only while fewer than {@code workers + queueCapacity} requests are admitted; so the executor's queue, the
 * memory held by bodies and the wait are all bounded, and a refused request costs nothing but its headers.
 * An admission is a {@link Slot}: given back once, by whoever ends the request (see {@code AeicServer.Exchange}).
 */
final class WorkerPool {
    private final int workers;
    private final int queueCapacity;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final ThreadPoolExecutor executor;
    /** Smoothed time of one job, for Retry-After. */
    private volatile double meanJobSeconds = 1.0;

    WorkerPool(int workers, int queueCapacity) {
        this.workers = workers;
        this.queueCapacity = queueCapacity;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "aeic-worker-" + n.incrementAndGet());
                    t.setDaemon(true); // stop() waits for them; a forgotten pool must not keep the JVM alive
                    return t;
                });
    }

    /** One admitted request's place; {@link #close} gives it back, once, however often it is called. */
    final class Slot implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                admitted.decrementAndGet();
            }
        }
    }

    /** Takes a place for one request, or returns null when all are taken. */
    Slot tryAdmit() {
        int limit = workers + queueCapacity;
        for (;;) {
            int a = admitted.get();
            if (a >= limit) {
                return null;
            }
            if (admitted.compareAndSet(a, a + 1)) {
                return new Slot();
            }
        }
    }

    /** Runs {@code job} on a worker; the caller holds an admission, which bounds the executor's queue. */
    void execute(Runnable job) {
        executor.execute(() -> {
            busy.incrementAndGet();
            long t0 = System.nanoTime();
            try {
                job.run();
            } finally {
                busy.decrementAndGet();
                double s = (System.nanoTime() - t0) / 1e9;
                meanJobSeconds = 0.8 * meanJobSeconds + 0.2 * s;
            }
        });
    }

    /** Seconds a refused client should wait: about the time to work off what is admitted now. */
    long retryAfterSeconds() {
        double s = meanJobSeconds * Math.ceil((double) admitted.get() / workers);
        return Math.max(1, Math.min(120, (long) Math.ceil(s)));
    }

    int queued() {
        return Math.max(0, admitted.get() - busy.get());
    }

    int busy() {
        return busy.get();
    }

    int workers() {
        return workers;
    }

    int queueCapacity() {
        return queueCapacity;
    }

    int admitted() {
        return admitted.get();
    }

    void shutdown() {
        executor.shutdown();
    }

    boolean awaitTermination(long millis) throws InterruptedException {
        return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
