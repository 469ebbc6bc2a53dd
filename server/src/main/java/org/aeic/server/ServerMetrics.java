package org.aeic.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's meters, on the Prometheus registry that Vert.x also reports its HTTP server metrics to
 * ({@code vertx_http_server_requests_total} and {@code vertx_http_server_response_time_seconds} per route, method
 * and status code). Ours: images and pixels coded, bytes in and out, coding time, queue length, busy workers and
 * rejected requests by reason.
 */
final class ServerMetrics {
    /** Latency buckets, from a health check to a 50 MP image. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(120)
    };

    /**
     * Vert.x registers its HTTP connection gauge again on later connections (with the same value behind it); the
     * registry ignores the repeat but warns once, on the console of every server. That one warning is dropped here;
     * the registry's other messages pass. Held in a field: JUL keeps its loggers (and their filters) weakly.
     */
    private static final Logger MICROMETER_LOG = quietVertxGaugeRepeats();

    final PrometheusMeterRegistry registry;

    ServerMetrics() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // histogram buckets (for p50/p99 in PromQL) on the HTTP latency Vert.x records and on our coding time;
        // must be in place before any meter is registered
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                String n = id.getName();
                if (n.equals("vertx.http.server.response.time") || n.equals("aeic.codec.time")) {
                    return DistributionStatisticConfig.builder()
                            .serviceLevelObjectives(toNanos(BUCKETS))
                            .build()
                            .merge(config);
                }
                return config;
            }
        });
    }

    private static Logger quietVertxGaugeRepeats() {
        Logger log = Logger.getLogger(MeterRegistry.class.getName());
        log.setFilter(r -> !(r.getLevel() == Level.WARNING && String.valueOf(r.getMessage())
                .startsWith("This Gauge has been already registered (MeterId{name='vertx.")));
        return log;
    }

    private static double[] toNanos(Duration[] ds) {
        double[] out = new double[ds.length];
        for (int i = 0; i < ds.length; i++) {
            out[i] = ds[i].toNanos();
        }
        return out;
    }

    void bindPool(WorkerPool pool) {
        Gauge.builder("aeic.queue.length", pool, WorkerPool::queued)
                .description("Requests admitted and not yet being coded (reading their body or waiting for a worker)")
                .register(registry);
        Gauge.builder("aeic.queue.capacity", pool, WorkerPool::queueCapacity)
                .description("Requests that may wait beyond those being coded")
                .register(registry);
        Gauge.builder("aeic.workers.busy", pool, WorkerPool::busy)
                .description("Workers coding an image now")
                .register(registry);
        Gauge.builder("aeic.workers", pool, WorkerPool::workers)
                .description("Codec worker threads")
                .register(registry);
    }

    /** One image coded by {@code operation} (compress or decompress). */
    void coded(String operation, long pixels, long bytesIn, long bytesOut, long nanos) {
        Counter.builder("aeic.images").tag("operation", operation).description("Images coded")
                .register(registry).increment();
        Counter.builder("aeic.pixels").tag("operation", operation).description("Pixels coded")
                .register(registry).increment(pixels);
        Counter.builder("aeic.bytes.in").tag("operation", operation).baseUnit("bytes")
                .description("Bytes received in the bodies of coded requests").register(registry).increment(bytesIn);
        Counter.builder("aeic.bytes.out").tag("operation", operation).baseUnit("bytes")
                .description("Bytes sent in the bodies of coded responses").register(registry).increment(bytesOut);
        Timer.builder("aeic.codec.time").tag("operation", operation)
                .description("Time on a worker: image or stream parsing, coding and output encoding")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request refused with a problem answer; {@code reason} is the problem kind. */
    void rejected(String reason, int status) {
        Counter.builder("aeic.rejected.requests").tag("reason", reason).tag("status", String.valueOf(status))
                .description("Requests refused with a problem answer, by reason")
                .register(registry).increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
