package org.aeic.server;

/**
 * What the server is allowed to do; every limit is checked before the work it bounds.
 *
 * @param host             address to bind
 * @param port             TCP port (0: any free port, for tests)
 * @param maxUploadBytes   largest request body; a larger Content-Length is refused before the body is read
 * @param maxPixels        largest image (width × height) accepted for compression or declared by a stream
 * @param workers          codec threads; each request is coded on one of them with one thread
 * @param queueLength      requests admitted beyond those being coded (reading their body or waiting for a worker);
 *                         more are refused with 503 before their body is read
 * @param requestTimeoutMs time from arrival to the end of coding; past it the answer is 504 and the work is dropped
 * @param shutdownGraceMs  how long a shutdown waits for requests in flight
 */
public record ServerConfig(String host, int port, long maxUploadBytes, long maxPixels, int workers, int queueLength,
                           long requestTimeoutMs, long shutdownGraceMs) {
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    public static final int DEFAULT_QUEUE_LENGTH = 16;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
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
        if (requestTimeoutMs < 1 || shutdownGraceMs < 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MAX_PIXELS,
                Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE_LENGTH, DEFAULT_REQUEST_TIMEOUT_MS,
                DEFAULT_SHUTDOWN_GRACE_MS);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, maxUploadBytes, maxPixels, workers, queueLength, requestTimeoutMs,
                shutdownGraceMs);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, maxUploadBytes, maxPixels, workers, queueLength, requestTimeoutMs,
                shutdownGraceMs);
    }

    public ServerConfig withMaxUploadBytes(long b) {
        return new ServerConfig(host, port, b, maxPixels, workers, queueLength, requestTimeoutMs, shutdownGraceMs);
    }

    public ServerConfig withMaxPixels(long p) {
        return new ServerConfig(host, port, maxUploadBytes, p, workers, queueLength, requestTimeoutMs,
                shutdownGraceMs);
    }

    public ServerConfig withWorkers(int w) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, w, queueLength, requestTimeoutMs,
                shutdownGraceMs);
    }

    public ServerConfig withQueueLength(int q) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, q, requestTimeoutMs, shutdownGraceMs);
    }

    public ServerConfig withRequestTimeoutMs(long t) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, t, shutdownGraceMs);
    }

    public ServerConfig withShutdownGraceMs(long t) {
        return new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength, requestTimeoutMs, t);
    }
}
