package org.aeic.server;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

    @Option(names = "--max-pixels", defaultValue = "${env:AEIC_MAX_PIXELS:-50000000}", paramLabel = "N",
            description = "largest image (width x height) to compress (413 above) or that a stream may declare"
                    + " (422 above) [AEIC_MAX_PIXELS]. Default: ${DEFAULT-VALUE}")
    long maxPixels;

    @Option(names = "--workers", defaultValue = "${env:AEIC_WORKERS:-${sys:aeic.cores}}", paramLabel = "N",
            description = "codec worker threads, one image each [AEIC_WORKERS]."
                    + " Default: ${DEFAULT-VALUE} (the number of CPU cores)")
    int workers;

    @Option(names = "--queue-length", defaultValue = "${env:AEIC_QUEUE_LENGTH:-16}", paramLabel = "N",
            description = "requests that may wait beyond those being coded; more get 503 with Retry-After"
                    + " [AEIC_QUEUE_LENGTH]. Default: ${DEFAULT-VALUE}")
    int queueLength;

    @Option(names = "--request-timeout", defaultValue = "${env:AEIC_REQUEST_TIMEOUT:-120}", paramLabel = "SECONDS",
            description = "time from arrival to answer; past it 504 and the work is dropped [AEIC_REQUEST_TIMEOUT]."
                    + " Default: ${DEFAULT-VALUE}")
    double requestTimeout;

    @Option(names = "--shutdown-grace", defaultValue = "${env:AEIC_SHUTDOWN_GRACE:-60}", paramLabel = "SECONDS",
            description = "how long a shutdown waits for requests in flight [AEIC_SHUTDOWN_GRACE]."
                    + " Default: ${DEFAULT-VALUE}")
    double shutdownGrace;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = new ServerConfig(host, port, maxUploadBytes, maxPixels, workers, queueLength,
                    Math.round(requestTimeout * 1000), Math.round(shutdownGrace * 1000));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        AeicServer server;
        try {
            server = AeicServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("aeic-server: cannot start: " + e.getCause().getMessage());
            return 1;
        }
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.printf("aeic-server listening on http://%s:%d/ (%d workers, queue %d, max %d pixels, %d bytes"
                        + " per upload; %s kernel%s)%n", config.host(), server.port(), config.workers(),
                config.queueLength(), config.maxPixels(), config.maxUploadBytes(), vector ? "Vector API" : "portable",
                vector ? "" : ": start java with --add-modules jdk.incubator.vector for faster coding");
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
