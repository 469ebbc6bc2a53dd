package org.aeic.server;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.aeic.codec.AeicAbortedException;
import org.aeic.codec.AeicException;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;

/**
 * The AEIC HTTP server: routes, limits, the worker pool and the lifecycle. {@link #start} binds and returns once
 * the server accepts requests; {@link #stop} stops accepting, lets requests in flight finish (up to the grace
 * period), then stops the workers and Vert.x.
 */
public final class AeicServer {
    private static final Logger LOG = Logger.getLogger(AeicServer.class.getName());
    static final String AEIC_TYPE = "image/x-aeic";
    /** Bytes of an unwanted body we read and drop after answering early, so the client sees our answer. */
    private static final long DRAIN_LIMIT = 8L << 20;
    private static final long DRAIN_MILLIS = 5_000;

    private final ServerConfig config;
    private final Vertx vertx;
    private final ServerMetrics metrics;
    private final WorkerPool pool;
    private final Coding coding;
    private final ModelRegistry registry;
    private final WebAssets assets;
    private HttpServer http;
    private volatile boolean draining;
    private CompletableFuture<Void> stopping;

    private AeicServer(ServerConfig config, Vertx vertx, ServerMetrics metrics, ModelRegistry registry) {
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
        this.registry = registry;
        this.pool = new WorkerPool(config.workers(), config.queueLength());
        this.coding = new Coding(config.maxPixels(), registry);
        this.assets = WebAssets.load();
        metrics.bindPool(pool);
    }

    /** Starts a server with the bundled models. */
    public static Future<AeicServer> start(ServerConfig config) {
        ModelRegistry registry;
        try {
            registry = ModelRegistry.bundled();
        } catch (AeicException e) {
            return Future.failedFuture(e);
        }
        if (registry.defaultId() == null) {
            return Future.failedFuture(new IllegalStateException("this build bundles no model"));
        }
        ImageIO.setUseCache(false); // ImageIO's streams must not spill to temporary files
        ServerMetrics metrics = new ServerMetrics();
        MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
                        Label.POOL_NAME));
        VertxOptions options = new VertxOptions()
                .setMetricsOptions(metricsOptions)
                // no classpath extraction to a cache directory: nothing is written to disk
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false));
        Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(metrics.registry))
                .build();
        AeicServer server = new AeicServer(config, vertx, metrics, registry);
        return server.listen().recover(err -> vertx.close().transform(v -> Future.failedFuture(err)));
    }

    private Future<AeicServer> listen() {
        Router router = router();
        http = vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setCompressionSupported(false) // images do not shrink; gzip would cost event-loop time
                .setMaxFormAttributeSize(8192));
        return http.requestHandler(router).listen().map(s -> this);
    }

    public int port() {
        return http.actualPort();
    }

    public ServerConfig config() {
        return config;
    }

    Vertx vertx() {
        return vertx;
    }

    /**
     * Graceful stop: refuse new connections, let requests in flight finish (at most the grace period), then stop
     * the workers and Vert.x. Idempotent.
     */
    public synchronized CompletableFuture<Void> stop() {
        if (stopping != null) {
            return stopping;
        }
        draining = true;
        long grace = config.shutdownGraceMs();
        stopping = new CompletableFuture<>();
        // plain CompletableFutures from here: callbacks bound to an event loop could not run once Vert.x is closed
        http.shutdown(grace, TimeUnit.MILLISECONDS).toCompletionStage()
                .handle((v, err) -> {
                    pool.shutdown();
                    try {
                        if (!pool.awaitTermination(Math.max(1000, grace))) {
                            LOG.warning("codec workers still busy at shutdown");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                })
                .thenCompose(v -> vertx.close().toCompletionStage())
                .whenComplete((v, err) -> stopping.complete(null));
        return stopping;
    }

    // ---------------------------------------------------------------- routes

    private Router router() {
        Router r = Router.router(vertx);
        r.post("/v1/compress").handler(ctx -> codecRoute(ctx, Operation.COMPRESS));
        r.post("/v1/decompress").handler(ctx -> codecRoute(ctx, Operation.DECOMPRESS));
        r.get("/v1/models").handler(this::models);
        r.get("/health").handler(this::health);
        r.get("/metrics").handler(this::scrape);
        r.get("/openapi.yaml").handler(ctx -> assets.serve(ctx, "openapi.yaml"));
        r.get("/").handler(ctx -> assets.serve(ctx, "index.html"));
        r.get("/app.js").handler(ctx -> assets.serve(ctx, "app.js"));
        r.get("/style.css").handler(ctx -> assets.serve(ctx, "style.css"));
        r.errorHandler(404, ctx -> reject(ctx, new ApiException(404, "not-found",
                "no such resource: " + ctx.request().path() + " (the API is described at /openapi.yaml)")));
        r.errorHandler(405, ctx -> reject(ctx, new ApiException(405, "method-not-allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path())));
        r.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                LOG.log(Level.SEVERE, "request failed: " + ctx.request().path(), ctx.failure());
            }
            reject(ctx, new ApiException(500, "internal", "internal server error"));
        });
        return r;
    }

    private void models(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        for (ModelInfo m : registry.list()) {
            list.add(new JsonObject()
                    .put("id", m.id())
                    .put("default", m.id().equals(registry.defaultId()))
                    .put("sha256", m.sha256())
                    .put("description", m.description())
                    .put("qualities", new JsonArray(m.qualities().stream().map(Float::doubleValue).toList()))
                    .put("fractionalQualities", m.fractionalQualities())
                    .put("parameters", m.parameters())
                    .put("trainingSteps", m.trainingSteps())
                    .put("trainingData", m.trainingData()));
        }
        json(ctx.response(), 200, new JsonObject()
                .put("default", registry.defaultId())
                .put("qualityRange", new JsonObject().put("min", 1).put("max", 8))
                .put("models", list));
    }

    private void health(RoutingContext ctx) {
        JsonObject body = new JsonObject()
                .put("status", draining ? "DRAINING" : "UP")
                .put("models", registry.ids().size())
                .put("workers", pool.workers())
                .put("busy", pool.busy())
                .put("queued", pool.queued())
                .put("queueCapacity", pool.queueCapacity());
        ctx.response().putHeader("Cache-Control", "no-store");
        json(ctx.response(), draining ? 503 : 200, body);
    }

    private void scrape(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(metrics.scrape());
    }

    private static void json(HttpServerResponse response, int status, JsonObject body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encodePrettily());
    }

    // ---------------------------------------------------------------- coding routes

    enum Operation {
        COMPRESS("compress"), DECOMPRESS("decompress");

        final String label;

        Operation(String label) {
            this.label = label;
        }
    }

    /** Parameters of a coding request, parsed before anything else. */
    private record Params(double quality, String model, String format) {
    }

    private void codecRoute(RoutingContext ctx, Operation op) {
        HttpServerRequest req = ctx.request();
        long arrival = System.nanoTime();
        Params params;
        String field;
        long length;
        try {
            params = op == Operation.COMPRESS ? compressParams(req) : decompressParams(req);
            field = bodyField(req, op);
            length = contentLength(req);
        } catch (ApiException e) {
            reject(ctx, e);
            return;
        }
        if (draining) {
            reject(ctx, new ApiException(503, "shutting-down", "the server is shutting down"));
            return;
        }
        if (!pool.tryAdmit()) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(pool.retryAfterSeconds()));
            reject(ctx, new ApiException(503, "queue-full", "the server is busy ("
                    + pool.admitted() + " requests admitted); retry later"));
            return;
        }
        Exchange ex = new Exchange(ctx, op, params, arrival);
        if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
            ctx.response().writeContinue(); // only now: an early refusal above is the final answer instead
        }
        BodyReader.read(req, config.maxUploadBytes(), field, length, new BodyReader.Listener() {
            @Override
            public void body(byte[] bytes) {
                ex.bodyRead(bytes);
            }

            @Override
            public void failed(ApiException e) {
                ex.failEarly(e);
            }
        });
    }

    private Params compressParams(HttpServerRequest req) {
        double q = EncodeOptions.DEFAULT_QUALITY;
        String qs = req.getParam("quality");
        if (qs != null) {
            try {
                q = Double.parseDouble(qs.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("quality must be a number from 1 to 8, got '" + qs + "'");
            }
            if (!(q >= 1 && q <= 8)) {
                throw ApiException.badRequest("quality must be from 1 to 8, got " + qs);
            }
        }
        String model = req.getParam("model");
        if (model != null && !registry.ids().contains(model)) {
            throw ApiException.invalid("unknown model id '" + model + "' (available: "
                    + String.join(", ", registry.ids()) + ")");
        }
        return new Params(q, model, null);
    }

    private static Params decompressParams(HttpServerRequest req) {
        String f = req.getParam("format");
        String format = f == null ? "png" : f.strip().toLowerCase(Locale.ROOT);
        if (format.equals("jpg")) {
            format = "jpeg";
        }
        if (!format.equals("png") && !format.equals("jpeg")) {
            throw ApiException.badRequest("format must be png or jpeg, got '" + f + "'");
        }
        return new Params(0, null, format);
    }

    /** Checks the Content-Type; returns the multipart field to read, or null for a raw body. */
    private static String bodyField(HttpServerRequest req, Operation op) {
        String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
        String type = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("multipart/form-data")) {
            return "image";
        }
        // curl --data-binary sends application/x-www-form-urlencoded unless told otherwise: a raw body here too
        boolean ok = type.isEmpty() || type.equals("application/octet-stream")
                || type.equals("application/x-www-form-urlencoded")
                || (op == Operation.COMPRESS ? type.startsWith("image/") && !type.equals(AEIC_TYPE)
                        : type.equals(AEIC_TYPE));
        if (!ok) {
            throw ApiException.unsupported("Content-Type " + ct + " is not accepted here: send "
                    + (op == Operation.COMPRESS ? "an image (image/*)" : "an AEIC stream (" + AEIC_TYPE + ")")
                    + ", application/octet-stream, or multipart/form-data with a file field 'image'");
        }
        return null;
    }

    /** The declared body size (refused at once when over the limit), or -1. */
    private long contentLength(HttpServerRequest req) {
        String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (cl == null) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(cl.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("malformed Content-Length: " + cl);
        }
        if (n > config.maxUploadBytes()) {
            throw ApiException.tooLarge("the body of " + n + " bytes exceeds the limit of "
                    + config.maxUploadBytes() + " bytes");
        }
        return n;
    }

    /**
     * Answers with a problem. When the body has not been read (an early refusal), the connection is closed after
     * the answer; a small body is read and dropped first, so that the client is not reset while still sending.
     */
    private void reject(RoutingContext ctx, ApiException e) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        metrics.rejected(e.kind, e.status);
        boolean unread = !req.isEnded();
        if (unread) {
            resp.putHeader(HttpHeaders.CONNECTION, "close");
        }
        Future<Void> sent = Problem.send(resp, e.status, e.kind, e.getMessage(), req.path());
        if (unread) {
            drainAndClose(req, sent);
        }
    }

    /**
     * After an early answer: reads and drops the rest of a body of up to {@link #DRAIN_LIMIT} bytes (for at most
     * {@link #DRAIN_MILLIS}) and closes the connection; a larger declared body is not read at all.
     */
    private void drainAndClose(HttpServerRequest req, Future<Void> sent) {
        long declared;
        try {
            String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            declared = cl == null ? -1 : Long.parseLong(cl.strip());
        } catch (NumberFormatException e) {
            declared = Long.MAX_VALUE;
        }
        if (declared > DRAIN_LIMIT) {
            sent.onComplete(ar -> req.connection().close());
            return;
        }
        long[] seen = {0};
        long timer = vertx.setTimer(DRAIN_MILLIS, id -> req.connection().close());
        try {
            req.handler(b -> {
                seen[0] += b.length();
                if (seen[0] > DRAIN_LIMIT) {
                    vertx.cancelTimer(timer);
                    req.connection().close();
                }
            });
            req.endHandler(v -> {
                vertx.cancelTimer(timer);
                sent.onComplete(ar -> req.connection().close());
            });
            req.resume();
        } catch (IllegalStateException alreadyEnded) {
            vertx.cancelTimer(timer);
            sent.onComplete(ar -> req.connection().close());
        }
    }

    /** One coding request from admission to answer; its admission is released exactly once. */
    private final class Exchange {
        final RoutingContext ctx;
        final Operation op;
        final Params params;
        final long arrival;
        final Context context;
        final long timer;
        /** Set on the event loop when the answer is decided; read by the worker to stop early. */
        volatile boolean over;
        private boolean released;

        Exchange(RoutingContext ctx, Operation op, Params params, long arrival) {
            this.ctx = ctx;
            this.op = op;
            this.params = params;
            this.arrival = arrival;
            this.context = vertx.getOrCreateContext();
            this.timer = vertx.setTimer(config.requestTimeoutMs(), id -> timedOut());
            ctx.response().closeHandler(v -> {
                if (!over) {
                    over = true; // the client left: drop the work
                    vertx.cancelTimer(timer);
                }
            });
        }

        void bodyRead(byte[] body) {
            if (over) {
                release();
                return;
            }
            pool.execute(() -> work(body));
        }

        /** On a worker. */
        private void work(byte[] body) {
            try {
                if (over) {
                    return;
                }
                long t0 = System.nanoTime();
                if (op == Operation.COMPRESS) {
                    Coding.Compressed c = coding.compress(body, params.quality(), params.model(), () -> !over);
                    metrics.coded(op.label, (long) c.info().width() * c.info().height(), body.length,
                            c.stream().length, System.nanoTime() - t0);
                    context.runOnContext(v -> sendCompressed(c));
                } else {
                    Coding.Decompressed d = coding.decompress(body, params.format(), () -> !over);
                    metrics.coded(op.label, (long) d.info().width() * d.info().height(), body.length,
                            d.image().length, System.nanoTime() - t0);
                    context.runOnContext(v -> sendDecompressed(d));
                }
            } catch (ApiException e) {
                context.runOnContext(v -> fail(e));
            } catch (AeicAbortedException e) {
                // answered already (timeout) or nobody is listening
            } catch (OutOfMemoryError e) {
                context.runOnContext(v -> fail(new ApiException(503, "insufficient-memory",
                        "not enough memory to code this image now; try again later or send a smaller image")));
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, op.label + " failed", e);
                context.runOnContext(v -> fail(new ApiException(500, "internal", "internal error while coding")));
            } finally {
                release();
            }
        }

        private boolean claim() {
            if (over) {
                return false;
            }
            over = true;
            vertx.cancelTimer(timer);
            return true;
        }

        private void sendCompressed(Coding.Compressed c) {
            if (!claim()) {
                return;
            }
            var info = c.info();
            ctx.response()
                    .putHeader("Content-Type", AEIC_TYPE)
                    .putHeader("X-AEIC-Width", String.valueOf(info.width()))
                    .putHeader("X-AEIC-Height", String.valueOf(info.height()))
                    .putHeader("X-AEIC-Bpp", String.format(Locale.ROOT, "%.4f", info.bpp()))
                    .putHeader("X-AEIC-Model", info.modelId())
                    .putHeader("X-AEIC-Quality", String.format(Locale.ROOT, "%s", trim(info.quality())))
                    .putHeader("Content-Disposition", "attachment; filename=\"image.aeic\"")
                    .end(Buffer.buffer(c.stream()));
        }

        private void sendDecompressed(Coding.Decompressed d) {
            if (!claim()) {
                return;
            }
            var info = d.info();
            ctx.response()
                    .putHeader("Content-Type", d.contentType())
                    .putHeader("X-AEIC-Width", String.valueOf(info.width()))
                    .putHeader("X-AEIC-Height", String.valueOf(info.height()))
                    .putHeader("X-AEIC-Bpp", String.format(Locale.ROOT, "%.4f", info.bpp()))
                    .putHeader("X-AEIC-Model", info.modelId())
                    .end(Buffer.buffer(d.image()));
        }

        private void fail(ApiException e) {
            if (claim()) {
                reject(ctx, e);
            }
        }

        /** A refusal while the body is being read (too large, malformed multipart). */
        void failEarly(ApiException e) {
            fail(e);
            release();
        }

        private void timedOut() {
            if (claim()) {
                reject(ctx, new ApiException(504, "timeout", "the request took longer than "
                        + config.requestTimeoutMs() + " ms"));
            }
        }

        private synchronized void release() {
            if (!released) {
                released = true;
                pool.release();
            }
        }
    }

    private static String trim(float q) {
        return q == Math.rint(q) ? String.valueOf((int) q) : String.valueOf(q);
    }

    /** The page, its script and style, and the OpenAPI file, read once from the jar. */
    static final class WebAssets {
        private final java.util.Map<String, Buffer> files = new java.util.HashMap<>();

        static WebAssets load() {
            WebAssets a = new WebAssets();
            for (String name : new String[] {"index.html", "app.js", "style.css", "openapi.yaml"}) {
                try (InputStream in = AeicServer.class.getResourceAsStream("web/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("resource missing from the jar: web/" + name);
                    }
                    a.files.put(name, Buffer.buffer(in.readAllBytes()));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read web/" + name, e);
                }
            }
            return a;
        }

        void serve(RoutingContext ctx, String name) {
            String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : name.endsWith(".css") ? "text/css; charset=utf-8"
                    : "application/yaml; charset=utf-8";
            ctx.response().putHeader("Content-Type", type)
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .end(files.get(name));
        }
    }
}
