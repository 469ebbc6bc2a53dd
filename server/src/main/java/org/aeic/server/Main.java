package org.aeic.server;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.aeic.codec.CodingKernel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar aeic-server.jar}: starts the server with the bundled models. Every option can also be given by
 * an environment variable; a flag wins over the variable. SIGTERM (or Ctrl-C) stops it gracefully.
 */
@Command(name = "aeic-server", mixinStandardHelpOptions = true, version = "aeic-server " + org.aeic.codec.AeicVersion.VERSION,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"AEIC image compression server (HTTP API, web page at /, API description at /openapi.yaml).",
            "Run with 'java --add-modules jdk.incubator.vector -jar aeic-server.jar' for the fast coding kernel."},
        footer = {"", "Each option may also be set by the environment variable named in brackets.",
            "SIGTERM stops accepting connections and lets requests in flight finish (up to the shutdown grace)."})
public final class Main implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "${env:AEIC_PORT:-8080}", paramLabel = "PORT",
            description = "TCP port [AEIC_PORT]. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", defaultValue = "${env:AEIC_HOST:-0.0.0.0}", paramLabel = "ADDR",
            description = "address to bind [AEIC_HOST]. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--max-upload-bytes", defaultValue = "${env:AEIC_MAX_UPLOAD_BYTES:-67108864}", paramLabel = "N",
            description = "largest request body; larger ones get 413, before the body is read when Content-Length"
                    + " says so [AEIC_MAX_UPLOAD_BYTES]. Default: ${DEFAULT-VALUE} (64 MiB)")
    long maxUploadBytes;

    @Option(names = "--max-pixels", defaultValue = "${env:AEIC_MAX_PIXELS:-12582912}", paramLabel = "N",
            description = "largest image (width x height) to compress (413 above) or that a stream may declare"
                    + " (422 above) [AEIC_MAX_PIXELS]. Default: ${DEFAULT-VALUE} (4096 x 3072)")
    long maxPixels;

    @Option(names = "--workers", defaultValue = "${env:AEIC_WORKERS:-${sys:aeic.cores}}", paramLabel = "N",
            description = "codec worker threads, one image each [AEIC_WORKERS]."
                    + " Default: ${DEFAULT-VALUE} (the number of CPU cores)")
    int workers;

    @Option(names = "--queue-length", defaultValue = "${env:AEIC_QUEUE_LENGTH:-16}", paramLabel = "N",
            description = "requests that may wait beyond those being coded; more get 503 with Retry-After"
                    + " [AEIC_QUEUE_LENGTH]. Default: ${DEFAULT-VALUE}")
    int queueLength;

    @Option(names = "--admission-wait", defaultValue = "${env:AEIC_ADMISSION_WAIT:-1}", paramLabel = "SECONDS",
            description = "how long a request that finds the queue full waits, its body unread, for a place before"
                    + " it gets 503 [AEIC_ADMISSION_WAIT]. Default: ${DEFAULT-VALUE}")
    double admissionWait;

    @Option(names = "--request-timeout", defaultValue = "${env:AEIC_REQUEST_TIMEOUT:-30}", paramLabel = "SECONDS",
            description = "deadline from the end of the body to the answer, plus --timeout-per-megapixel for each"
                    + " million pixels of the image; past it 504 and the work stops [AEIC_REQUEST_TIMEOUT]."
                    + " Default: ${DEFAULT-VALUE}")
    double requestTimeout;

    @Option(names = "--timeout-per-megapixel", defaultValue = "${env:AEIC_TIMEOUT_PER_MEGAPIXEL}",
            paramLabel = "SECONDS", description = "what each million pixels add to the deadline"
                    + " [AEIC_TIMEOUT_PER_MEGAPIXEL]. Default: " + TIMEOUT_PER_MEGAPIXEL + ", or "
                    + TIMEOUT_PER_MEGAPIXEL_EMULATED_FMA + " where the JVM has no fma instruction")
    Double timeoutPerMegapixel;

    /** Seconds per million pixels by default: some 20 times what an upload takes with the Vector API on 2 cores. */
    static final int TIMEOUT_PER_MEGAPIXEL = 20;
    /**
     * By default where the fma is emulated (an x86 CPU without FMA3, or -XX:-UseFMA): a warm encode of kodim01 took
     * 70-90 times as long there, and its upload 36.9 s on 2 cores, against the 37.9 s that the default above gives
     * it (one such upload got 504).
     */
    static final int TIMEOUT_PER_MEGAPIXEL_EMULATED_FMA = 40 * TIMEOUT_PER_MEGAPIXEL;

    /** The deadline's seconds per million pixels: the one asked for, else the default for this JVM's kernel. */
    static double timeoutPerMegapixel(Double asked, boolean fmaEmulated) {
        return asked != null ? asked : fmaEmulated ? TIMEOUT_PER_MEGAPIXEL_EMULATED_FMA : TIMEOUT_PER_MEGAPIXEL;
    }

    /** Milliseconds as seconds for the start line: "30", "0.25" (whole seconds would show a 250 ms deadline as 0). */
    static String seconds(long ms) {
        return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    @Option(names = "--body-timeout", defaultValue = "${env:AEIC_BODY_TIMEOUT:-10}", paramLabel = "SECONDS",
            description = "time for a request body, plus 1 s for every --body-min-rate bytes received; a slower"
                    + " client gets 408 and is disconnected [AEIC_BODY_TIMEOUT]. Default: ${DEFAULT-VALUE}")
    double bodyTimeout;

    @Option(names = "--body-min-rate", defaultValue = "${env:AEIC_BODY_MIN_RATE:-32768}", paramLabel = "BYTES",
            description = "bytes per second a client must keep up while sending a body [AEIC_BODY_MIN_RATE]."
                    + " Default: ${DEFAULT-VALUE}")
    long bodyMinRate;

    @Option(names = "--idle-timeout", defaultValue = "${env:AEIC_IDLE_TIMEOUT:-60}", paramLabel = "SECONDS",
            description = "a connection with no traffic this long is closed [AEIC_IDLE_TIMEOUT]."
                    + " Default: ${DEFAULT-VALUE}")
    double idleTimeout;

    @Option(names = "--memory-budget", defaultValue = "${env:AEIC_MEMORY_BUDGET:-0}", paramLabel = "MIB",
            description = "heap that request bodies (a quarter) and images being coded (the rest) may hold; work"
                    + " waits for it, and an image that can never fit is refused [AEIC_MEMORY_BUDGET]."
                    + " Default: ${DEFAULT-VALUE} (60% of the maximum heap, -Xmx)")
    long memoryBudget;

    @Option(names = "--shutdown-grace", defaultValue = "${env:AEIC_SHUTDOWN_GRACE:-60}", paramLabel = "SECONDS",
            description = "how long a shutdown waits for requests in flight [AEIC_SHUTDOWN_GRACE]."
                    + " Default: ${DEFAULT-VALUE}")
    double shutdownGrace;

    @Option(names = "--store", defaultValue = "${env:AEIC_STORE:-aeic-store}", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "where uploads to /v1/images are kept: a directory (created if missing) or an"
                    + " S3-compatible bucket [AEIC_STORE]. Default: ${DEFAULT-VALUE} (in the working directory)")
    String store;

    @Option(names = "--upload-token", defaultValue = "${env:AEIC_UPLOAD_TOKEN}", paramLabel = "TOKEN",
            description = "when set, POST and DELETE on /v1/images need 'Authorization: Bearer TOKEN'"
                    + " [AEIC_UPLOAD_TOKEN]. Default: none (anyone may upload)")
    String uploadToken;

    @Option(names = "--s3-endpoint", defaultValue = "${env:AEIC_S3_ENDPOINT}", paramLabel = "URL",
            description = "the S3-compatible server (MinIO, Ceph, ...; path-style addressing); without it, AWS"
                    + " [AEIC_S3_ENDPOINT]")
    String s3Endpoint;

    @Option(names = "--s3-region", defaultValue = "${env:AEIC_S3_REGION}", paramLabel = "REGION",
            description = "the bucket's region [AEIC_S3_REGION]. Default: AWS_REGION, else us-east-1")
    String s3Region;

    @Option(names = "--s3-access-key", defaultValue = "${env:AEIC_S3_ACCESS_KEY}", paramLabel = "KEY",
            description = "with --s3-secret-key: the credentials [AEIC_S3_ACCESS_KEY]. Default: the AWS SDK's"
                    + " (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, ...)")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", defaultValue = "${env:AEIC_S3_SECRET_KEY}", paramLabel = "SECRET",
            description = "[AEIC_S3_SECRET_KEY]")
    String s3SecretKey;

    @Option(names = "--cache-size", defaultValue = "${env:AEIC_CACHE_SIZE:-64}", paramLabel = "MIB",
            description = "memory for decoded renditions of stored images (PNG, JPEG, thumbnails) [AEIC_CACHE_SIZE]."
                    + " Default: ${DEFAULT-VALUE}")
    long cacheSize;

    @Option(names = "--access-log", negatable = true, defaultValue = "${env:AEIC_ACCESS_LOG:-true}",
            fallbackValue = "true", description = "print one line per request on standard output (Common Log Format"
                    + " plus seconds taken); --no-access-log turns it off [AEIC_ACCESS_LOG]. Default: ${DEFAULT-VALUE}")
    boolean accessLog;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength,
                    Math.round(admissionWait * 1000), Math.round(requestTimeout * 1000),
                    Math.round(timeoutPerMegapixel(timeoutPerMegapixel, CodingKernel.fmaEmulated()) * 1000),
                    Math.round(bodyTimeout * 1000), bodyMinRate, Math.round(idleTimeout * 1000),
                    memoryBudget << 20, Math.round(shutdownGrace * 1000));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        if (accessLog) {
            java.util.logging.Handler out = new java.util.logging.StreamHandler(System.out,
                    new java.util.logging.Formatter() {
                        @Override
                        public String format(java.util.logging.LogRecord r) {
                            return r.getMessage() + System.lineSeparator();
                        }
                    }) {
                @Override
                public synchronized void publish(java.util.logging.LogRecord r) {
                    super.publish(r);
                    flush(); // a line as it happens, also when piped
                }
            };
            AeicServer.ACCESS.addHandler(out);
            AeicServer.ACCESS.setLevel(java.util.logging.Level.INFO);
        } else {
            AeicServer.ACCESS.setLevel(java.util.logging.Level.OFF);
        }
        org.aeic.server.store.ImageStore imageStore;
        try {
            imageStore = store.startsWith("s3://")
                    ? new org.aeic.server.store.S3Store(store, new org.aeic.server.store.S3Store.Settings(s3Endpoint,
                            s3Region, s3AccessKey, s3SecretKey))
                    : new org.aeic.server.store.DirectoryStore(java.nio.file.Path.of(store));
        } catch (java.io.IOException | RuntimeException e) {
            spec.commandLine().getErr().println("aeic-server: cannot open the store " + store + ": "
                    + e.getMessage());
            return 1;
        }
        if (cacheSize < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cache-size must not be negative");
        }
        AeicServer server;
        try {
            server = AeicServer.start(config, new AeicServer.StoreSettings(imageStore, uploadToken, cacheSize << 20))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            spec.commandLine().getErr().println("aeic-server: cannot start: " + e.getCause().getMessage());
            return 1;
        } catch (java.util.concurrent.TimeoutException e) {
            spec.commandLine().getErr().println("aeic-server: cannot start: not listening after 60 s");
            return 1;
        }
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.printf("aeic-server listening on http://%s:%d/ (%d workers, queue %d, max %d pixels, %d bytes"
                        + " per upload, memory budget %d MiB; GEMM: %s%s)%n", config.host(), server.port(),
                config.workers(), config.queueLength(), config.maxPixels(), config.maxUploadBytes(),
                config.effectiveMemoryBudget() >> 20, CodingKernel.description(), CodingKernel.fmaEmulated()
                        ? ": this JVM has no fma instruction (an x86 CPU without FMA3, or -XX:UseAVX=0 or -XX:-UseFMA),"
                        + " coding takes about 80 times as long; deadline " + seconds(config.requestTimeoutMs())
                        + " s + " + seconds(config.timeoutPerMegapixelMs()) + " s per megapixel"
                        : vector ? "" : ": start java with --add-modules jdk.incubator.vector for faster coding");
        System.out.printf("aeic-server: images are kept in %s; uploads %s%n", imageStore.describe(),
                uploadToken == null || uploadToken.isEmpty() ? "need no token (set --upload-token to require one)"
                        : "need the upload token");
        long codable = (long) ((config.effectiveMemoryBudget() * (1 - AeicServer.BODY_SHARE))
                / Coding.DECOMPRESS_BYTES_PER_PIXEL);
        if (codable < config.maxPixels()) {
            System.out.printf("aeic-server: warning: the memory budget (%d MiB) decodes images of up to %d pixels,"
                    + " fewer than --max-pixels %d; give java more heap (-Xmx) or lower --max-pixels%n",
                    config.effectiveMemoryBudget() >> 20, codable, config.maxPixels());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Thread> hook = new AtomicReference<>(new Thread(() -> {
            System.out.println("aeic-server: shutting down, finishing requests in flight");
            try {
                server.stop().get(config.shutdownGraceMs() + 10_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                System.err.println("aeic-server: shutdown: " + e);
            }
            System.out.println("aeic-server: stopped");
            stopped.countDown();
        }, "aeic-shutdown"));
        Runtime.getRuntime().addShutdownHook(hook.get());
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.setProperty("aeic.cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        CommandLine cl = new CommandLine(new Main());
        int code = cl.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** For tests: parses and prints usage into {@code out}. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("aeic.cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }
}
