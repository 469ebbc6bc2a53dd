package org.aeic.server;

/**
 * What the server is allowed to do; every limit is checked before the work it bounds. The defaults agree with one
 * another: the largest image the pixel limit admits fits the memory budget and is coded well inside its deadline
 * (see {@link #codingDeadlineMs}).
 *
 * @param host                  address to bind
 * @param port                  TCP port (0: any free port, for tests)
 * @param maxUploadBytes        largest request body; a larger Content-Length is refused before the body is read
 * @param maxPixels             largest image (width × height) accepted for compression or declared by a stream
 * @param workers               codec threads; each request is coded on one of them with one thread
 * @param queueLength           requests admitted beyond those being coded (reading their body or waiting for a
 *                              worker); more are refused with 503 before their body is read
 * @param admissionWaitMs       how long a request that finds every place taken waits, its body unread, for one to
 *                              free up before it is refused (0: refused at once)
 * @param requestTimeoutMs      time from the end of the body to the answer for an image of no pixels; the
 *                              deadline grows by {@code timeoutPerMegapixelMs} for each million pixels
 * @param timeoutPerMegapixelMs how much longer the deadline of an image is for each million pixels
 * @param bodyTimeoutMs         time allowed for a body before its first {@code bodyMinRate} bytes; each
 *                              {@code bodyMinRate} bytes received add a second (a client slower than that gets 408)
 * @param bodyMinRate           bytes per second a client must keep up, past the body timeout
 * @param idleTimeoutMs         a connection with no traffic for this long is closed
 * @param memoryBudgetBytes     heap that bodies and images in coding may hold together; 0: 60 % of the JVM's
 *                              maximum heap
 * @param shutdownGraceMs       how long a shutdown waits for requests in flight
 */
public record ServerConfig(String host, int port, long maxUploadBytes, long maxPixels, int workers, int queueLength,
                           long admissionWaitMs, long requestTimeoutMs, long timeoutPerMegapixelMs,
                           long bodyTimeoutMs, long bodyMinRate, long idleTimeoutMs, long memoryBudgetBytes,
                           long shutdownGraceMs) {
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L << 20;
    /**
     * 4096 × 3072: a 12 MP phone photo (4032 × 3024) fits; decoding the largest needs about 0.8 GB of the memory
     * budget, which the default budget of a 2 GiB heap holds.
     */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 3072;
    public static final int DEFAULT_QUEUE_LENGTH = 16;
    public static final long DEFAULT_ADMISSION_WAIT_MS = 1_000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    /** About 7× the single-thread decode time per megapixel measured on AVX-512 (2.8 s), 2× on AVX2. */
    public static final long DEFAULT_TIMEOUT_PER_MEGAPIXEL_MS = 20_000;
    public static final long DEFAULT_BODY_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_BODY_MIN_RATE = 32 << 10;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 60_000;

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxUploadBytes < 1 || maxUploadBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max upload bytes must be in 1.." + (Integer.MAX_VALUE - 8));
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        if (queueLength < 0) {
            throw new IllegalArgumentException("queue length must not be negative");
        }
        if (admissionWaitMs < 0) {
            throw new IllegalArgumentException("the admission wait must not be negative");
        }
        if (requestTimeoutMs < 1 || timeoutPerMegapixelMs < 0 || bodyTimeoutMs < 1 || idleTimeoutMs < 1000
                || shutdownGraceMs < 0) {
            throw new IllegalArgumentException("timeouts must be positive (the idle timeout at least 1 s)");
        }
        if (bodyMinRate < 1) {
            throw new IllegalArgumentException("the body rate must be at least 1 byte per second");
        }
        if (memoryBudgetBytes < 0) {
            throw new IllegalArgumentException("the memory budget must not be negative (0: automatic)");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MAX_PIXELS,
                Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE_LENGTH, DEFAULT_ADMISSION_WAIT_MS,
                DEFAULT_REQUEST_TIMEOUT_MS,
                DEFAULT_TIMEOUT_PER_MEGAPIXEL_MS, DEFAULT_BODY_TIMEOUT_MS, DEFAULT_BODY_MIN_RATE,
                DEFAULT_IDLE_TIMEOUT_MS, 0, DEFAULT_SHUTDOWN_GRACE_MS);
    }

    /** The deadline of coding an image of {@code pixels}, counted from the end of its body. */
    public long codingDeadlineMs(long pixels) {
        return requestTimeoutMs + (long) Math.ceil(pixels / 1e6 * timeoutPerMegapixelMs);
    }

    /** The memory budget in bytes: the configured one, or 60 % of the JVM's maximum heap. */
    public long effectiveMemoryBudget() {
        return memoryBudgetBytes > 0 ? memoryBudgetBytes : (long) (Runtime.getRuntime().maxMemory() * 0.6);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes,
                shutdownGraceMs);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes,
                shutdownGraceMs);
    }

    public ServerConfig withMaxUploadBytes(long b) {
        return new ServerConfig(host, port, b, maxPixels, workers, queueLength, admissionWaitMs, requestTimeoutMs,
                timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes, shutdownGraceMs);
    }

    public ServerConfig withMaxPixels(long p) {
        return new ServerConfig(host, port, maxUploadBytes, p, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes,
                shutdownGraceMs);
    }

    public ServerConfig withWorkers(int w) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, w, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes,
                shutdownGraceMs);
    }

    public ServerConfig withQueueLength(int q) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, q, admissionWaitMs, requestTimeoutMs,
                timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes, shutdownGraceMs);
    }

    public ServerConfig withAdmissionWaitMs(long w) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, w, requestTimeoutMs,
                timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes, shutdownGraceMs);
    }

    /** The base coding deadline and the time each megapixel adds. */
    public ServerConfig withRequestTimeoutMs(long base, long perMegapixel) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs, base,
                perMegapixel, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes, shutdownGraceMs);
    }

    /** The body timeout and the rate a client must keep up past it. */
    public ServerConfig withBodyTimeoutMs(long t, long minRate) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, t, minRate, idleTimeoutMs, memoryBudgetBytes,
                shutdownGraceMs);
    }

    public ServerConfig withIdleTimeoutMs(long t) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, t, memoryBudgetBytes,
                shutdownGraceMs);
    }

    public ServerConfig withMemoryBudgetBytes(long b) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, b,
                shutdownGraceMs);
    }

    public ServerConfig withShutdownGraceMs(long t) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, admissionWaitMs,
                requestTimeoutMs, timeoutPerMegapixelMs, bodyTimeoutMs, bodyMinRate, idleTimeoutMs, memoryBudgetBytes,
                t);
    }
}
