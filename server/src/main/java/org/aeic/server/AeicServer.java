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
import java.util.List;
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
import org.aeic.codec.io.OneLine;

/**
 * The AEIC HTTP server: routes, limits, the worker pool and the lifecycle. {@link #start} binds and returns once
 * the server accepts requests; {@link #stop} stops accepting, lets requests in flight finish (up to the grace
 * period), then stops the workers and Vert.x.
 */
public final class AeicServer {
    private static final Logger LOG = Logger.getLogger(AeicServer.class.getName());
    /**
     * The access log: one line per request at INFO. It has no handler of its own and does not pass lines on, so a
     * program that embeds the server (a test, say) prints none; {@code Main} sends it to standard output.
     */
    static final Logger ACCESS = Logger.getLogger("org.aeic.server.access");
    private static final java.time.format.DateTimeFormatter ACCESS_TIME =
            java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    static {
        ACCESS.setUseParentHandlers(false);
    }
    static final String AEIC_TYPE = "image/x-aeic";
    /** Quality as a plain decimal: no sign, exponent, hex float or type suffix ({@code 0x1p2}, {@code 4d}). */
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,6})?");
    /** Share of the memory budget that bodies may hold; images in coding get the rest. */
    static final double BODY_SHARE = 0.25;

    private final ServerConfig config;
    private final Vertx vertx;
    private final ServerMetrics metrics;
    private final WorkerPool pool;
    private final Coding coding;
    private final ModelRegistry registry;
    private final List<ModelInfo> modelInfos; // read once at start: every bundled model is loaded then
    private final WebAssets assets;
    /** The upload endpoint, or null without a store. */
    private final ImagesApi images;
    /** Bodies being read or waiting for a worker. */
    private final MemoryBudget bodyMemory;
    /** Images being coded. */
    private final MemoryBudget codingMemory;
    /** The methods each path answers, for {@code Allow} on 405; filled as the routes are made. */
    private final java.util.Map<String, String> allowed = new java.util.LinkedHashMap<>();
    /** Connections that close after the answer in progress; requests pipelined behind it are not served. */
    private final java.util.Set<io.vertx.core.http.HttpConnection> closing =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private HttpServer http;
    private volatile boolean draining;
    private CompletableFuture<Void> stopping;

    private AeicServer(ServerConfig config, Vertx vertx, ServerMetrics metrics, ModelRegistry registry,
                       List<ModelInfo> modelInfos, StoreSettings store) {
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
        this.registry = registry;
        this.modelInfos = modelInfos;
        this.pool = new WorkerPool(config.workers(), config.queueLength());
        this.coding = new Coding(config.maxPixels(), registry);
        this.assets = WebAssets.load();
        long budget = config.effectiveMemoryBudget();
        this.bodyMemory = new MemoryBudget((long) (budget * BODY_SHARE));
        this.codingMemory = new MemoryBudget(budget - bodyMemory.capacity());
        metrics.bindPool(pool);
        this.images = store == null ? null
                : new ImagesApi(this, vertx, coding, store.store(), store.uploadToken(), store.cacheBytes());
        if (images != null) {
            images.bindMetrics(metrics.registry);
            images.measureUsage();
        }
    }

    /** What the upload endpoint keeps its images in, who may write, and how much decoded output it caches. */
    public record StoreSettings(org.aeic.server.store.ImageStore store, String uploadToken, long cacheBytes) {
    }

    /** Starts a server with the bundled models and no image store (the /v1/images routes answer 404). */
    public static Future<AeicServer> start(ServerConfig config) {
        return start(config, null);
    }

    /** Starts a server with the bundled models; {@code store} may be null. */
    public static Future<AeicServer> start(ServerConfig config, StoreSettings store) {
        ModelRegistry registry;
        List<ModelInfo> modelInfos;
        try {
            registry = ModelRegistry.bundled();
            modelInfos = registry.list(); // a server loads all its models before it takes a request
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
        AeicServer server = new AeicServer(config, vertx, metrics, registry, modelInfos, store);
        // a failure is reported at once and Vert.x closed behind it: a callback bound to an event loop that is
        // being closed would never run, and the caller would wait for nothing
        java.util.concurrent.CompletableFuture<AeicServer> started = new java.util.concurrent.CompletableFuture<>();
        server.listen().onComplete(ar -> {
            if (ar.succeeded()) {
                started.complete(server);
            } else {
                started.completeExceptionally(startFailure(config, ar.cause()));
                vertx.close();
            }
        });
        return Future.fromCompletionStage(started);
    }

    /** A start-up failure in one line that names the cause: a busy port says so, with the address. */
    static Exception startFailure(ServerConfig config, Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.net.BindException || m.contains("Address already in use")) {
            return new IOException("port " + config.port() + " on " + config.host()
                    + " is already in use (another server is listening there); choose another with --port");
        }
        if (m.contains("Cannot assign requested address")) {
            return new IOException("cannot listen on " + config.host() + ":" + config.port()
                    + ": the address is not one of this machine's");
        }
        if (m.contains("Permission denied")) {
            return new IOException("no permission to listen on port " + config.port() + " (ports below 1024 need"
                    + " privileges)");
        }
        return new IOException("cannot listen on " + config.host() + ":" + config.port() + ": "
                + OneLine.of(t));
    }

    private Future<AeicServer> listen() {
        Router router = router();
        http = vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setCompressionSupported(false) // images do not shrink; gzip would cost event-loop time
                .setMaxFormAttributeSize(8192)
                .setIdleTimeout((int) Math.max(1, config.idleTimeoutMs() / 1000))
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
        return http.requestHandler(router).invalidRequestHandler(this::invalidRequest).listen().map(s -> this);
    }

    /** The upload endpoint, or null without a store; for tests. */
    ImagesApi images() {
        return images;
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
                .whenComplete((v, err) -> {
                    if (images != null) {
                        images.store().close();
                    }
                })
                .whenComplete((v, err) -> stopping.complete(null));
        return stopping;
    }

    // ---------------------------------------------------------------- routes

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(this::screen);
        post(r, "/v1/compress", ctx -> codecRoute(ctx, Operation.COMPRESS));
        post(r, "/v1/decompress", ctx -> codecRoute(ctx, Operation.DECOMPRESS));
        get(r, "/v1/models", this::models);
        if (images != null) {
            images.routes(r, allowed);
        }
        get(r, "/health", this::health);
        get(r, "/metrics", this::scrape);
        get(r, "/openapi.yaml", ctx -> assets.serve(ctx, "openapi.yaml"));
        get(r, "/", ctx -> assets.serve(ctx, "index.html"));
        get(r, "/app.js", ctx -> assets.serve(ctx, "app.js"));
        get(r, "/style.css", ctx -> assets.serve(ctx, "style.css"));
        r.errorHandler(404, ctx -> reject(ctx, new ApiException(404, "not-found",
                "no such resource: " + ctx.request().path() + " (the API is described at /openapi.yaml)")));
        r.errorHandler(405, ctx -> {
            String allow = allowed.get(ctx.request().path());
            if (allow == null && images != null) {
                allow = ImagesApi.allowedFor(ctx.request().path());
            }
            if (allow != null) {
                ctx.response().putHeader(HttpHeaders.ALLOW, allow);
            }
            reject(ctx, new ApiException(405, "method-not-allowed", ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + (allow == null ? "" : " (allowed: " + allow + ")")));
        });
        r.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                LOG.log(Level.SEVERE, "request failed: " + ctx.request().path(), ctx.failure());
            }
            reject(ctx, new ApiException(500, "internal", "internal server error"));
        });
        return r;
    }

    /** A GET route, which answers HEAD too (Vert.x sends the headers of the GET answer without its body). */
    private void get(Router r, String path, io.vertx.core.Handler<RoutingContext> handler) {
        r.route(path).method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
                .handler(handler);
        allowed.put(path, "GET, HEAD");
    }

    private void post(Router r, String path, io.vertx.core.Handler<RoutingContext> handler) {
        r.post(path).handler(handler);
        allowed.put(path, "POST");
    }

    /**
     * Before any route: the connection of a request with a Transfer-Encoding is closed after its answer. RFC 9112
     * 6.3 asks that for a request that frames its body both ways (Content-Length and Transfer-Encoding), a
     * request-smuggling attempt; Netty drops the Content-Length of such a request before we see it, so every
     * Transfer-Encoding gets this (ordinary uploads declare a Content-Length and keep their connection).
     */
    private void screen(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (ACCESS.isLoggable(Level.INFO)) {
            long t0 = System.nanoTime();
            ctx.addEndHandler(v -> logAccess(ctx, t0));
        }
        if (req.headers().contains(HttpHeaders.CONTENT_LENGTH) && req.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            reject(ctx, ApiException.badRequest("the request has both Content-Length and Transfer-Encoding"), true);
            return;
        }
        io.vertx.core.http.HttpConnection conn = req.connection();
        if (closing.contains(conn)) {
            return; // pipelined behind a request whose connection closes after its answer: never served
        }
        if (req.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            closing.add(conn);
            conn.closeHandler(v -> closing.remove(conn));
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            // the socket itself: HttpConnection.close() is a graceful shutdown that still serves pipelined requests
            io.netty.channel.Channel channel = ((io.vertx.core.net.impl.ConnectionBase) req.connection()).channel();
            ctx.addBodyEndHandler(v -> channel.close());
        }
        ctx.next();
    }

    /**
     * One line per answered request, as in the Common Log Format plus the time taken:
     * {@code 127.0.0.1 - - [30/Nov/2026:06:40:00 +0000] "POST /v1/compress HTTP/1.1" 200 81233 0.412}.
     */
    private static void logAccess(RoutingContext ctx, long t0) {
        HttpServerRequest req = ctx.request();
        String client = req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
        String uri = Problem.printable(req.uri());
        ACCESS.info(String.format(Locale.ROOT, "%s - - [%s] \"%s %s %s\" %d %d %.3f", client,
                ACCESS_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)), req.method(), uri,
                req.version() == io.vertx.core.http.HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1",
                ctx.response().getStatusCode(), ctx.response().bytesWritten(), (System.nanoTime() - t0) / 1e9));
    }

    /**
     * A request the HTTP decoder refused (a line or header block over its limit, a malformed Content-Length, ...):
     * a problem answer, then the connection is closed, since what follows on it cannot be framed.
     */
    private void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        ApiException e;
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            e = new ApiException(414, "uri-too-long", "the request line is longer than "
                    + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes");
        } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            e = new ApiException(431, "headers-too-large", "the request headers are larger than "
                    + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
        } else {
            e = ApiException.badRequest("malformed HTTP request: "
                    + (cause == null ? "cannot be parsed" : OneLine.of(cause)));
        }
        metrics.rejected(e.kind, e.status);
        HttpServerResponse resp = req.response();
        resp.putHeader(HttpHeaders.CONNECTION, "close");
        Problem.send(resp, e.status, e.kind, e.getMessage(), null).onComplete(ar -> req.connection().close());
    }

    private void models(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        for (ModelInfo m : modelInfos) {
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
    record Params(double quality, String model, String format) {
    }

    /** The work of one admitted request, run on a worker with the request's body; returns its answer. */
    interface Job {
        Answer run(byte[] body, Coding.Control control) throws AeicAbortedException;
    }

    /** How a successful job answers ({@code send} runs on the event loop) and the bytes of its body. */
    record Answer(long bytes, java.util.function.Consumer<HttpServerResponse> send) {
    }

    /**
     * What a coding job is: its metric label, and whether its input is an image (an image too large for memory is
     * 413) or a stream (422).
     */
    record Kind(String label, boolean imageInput) {
    }

    private void codecRoute(RoutingContext ctx, Operation op) {
        HttpServerRequest req = ctx.request();
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
        Job job = op == Operation.COMPRESS
                ? (body, control) -> {
                    Coding.Compressed c = coding.compress(body, params.quality(), params.model(), control);
                    return new Answer(c.stream().length, resp -> sendCompressed(resp, c));
                }
                : (body, control) -> {
                    Coding.Decompressed d = coding.decompress(body, params.format(), control);
                    return new Answer(d.image().length, resp -> sendDecompressed(resp, d));
                };
        run(ctx, field, length, new Kind(op.label, op == Operation.COMPRESS), job);
    }

    /**
     * Admits a coding request (or has it wait for a place, or refuses it), reads its body ({@code field} of a
     * multipart body, or the raw body; a request without one has an empty body) and runs {@code job} on a worker.
     */
    void run(RoutingContext ctx, String field, long length, Kind kind, Job job) {
        if (draining) {
            reject(ctx, new ApiException(503, "shutting-down", "the server is shutting down"));
            return;
        }
        WorkerPool.Slot slot = pool.tryAdmit();
        if (slot != null) {
            admitted(ctx, field, length, slot, kind, job);
        } else {
            awaitPlace(ctx, field, length, kind, job);
        }
    }

    /**
     * Every place is taken: the request waits up to the admission wait, its body unread (paused, so nothing is
     * lost or buffered beyond the socket's), for one to free up; then it is refused. Waiting requests look for a
     * place every 25 ms (no order among them or against new arrivals); a client that retries at once is slowed to
     * one try per wait, and its body is never read when it is refused.
     */
    private void awaitPlace(RoutingContext ctx, String field, long length, Kind kind, Job job) {
        HttpServerRequest req = ctx.request();
        long waitMs = config.admissionWaitMs();
        if (waitMs == 0) {
            refuseBusy(ctx);
            return;
        }
        req.pause();
        long until = System.nanoTime() + waitMs * 1_000_000;
        boolean[] gone = {false};
        ctx.response().closeHandler(v -> gone[0] = true);
        vertx.setPeriodic(Math.min(25, waitMs), id -> {
            if (gone[0]) {
                vertx.cancelTimer(id);
                return;
            }
            WorkerPool.Slot slot = draining ? null : pool.tryAdmit();
            if (slot != null) {
                vertx.cancelTimer(id);
                admitted(ctx, field, length, slot, kind, job);
                req.resume();
            } else if (draining || System.nanoTime() - until >= 0) {
                vertx.cancelTimer(id);
                refuseBusy(ctx);
            }
        });
    }

    private void refuseBusy(RoutingContext ctx) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(pool.retryAfterSeconds()));
        reject(ctx, new ApiException(503, "queue-full", "the server is busy ("
                + pool.admitted() + " requests admitted); retry later"));
    }

    /** Holding a place: reserves the body's memory and reads it. */
    private void admitted(RoutingContext ctx, String field, long length, WorkerPool.Slot slot, Kind kind, Job job) {
        HttpServerRequest req = ctx.request();
        long reserve = Math.max(length, 0);
        if (reserve > bodyMemory.capacity()) {
            slot.close();
            reject(ctx, ApiException.tooLarge("the body of " + reserve + " bytes is more than this server may hold"
                    + " for request bodies (" + (bodyMemory.capacity() >> 20) + " MiB of its memory budget)"));
            return;
        }
        if (!bodyMemory.tryReserve(reserve)) {
            slot.close();
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(pool.retryAfterSeconds()));
            reject(ctx, new ApiException(503, "insufficient-memory", "the server holds as many request bodies as"
                    + " its memory allows (" + bodyMemory.capacity() / (1 << 20) + " MiB); retry later"));
            return;
        }
        Exchange ex = new Exchange(ctx, slot, reserve, kind, job);
        if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
            ctx.response().writeContinue(); // only now: an early refusal above is the final answer instead
        }
        ex.readBody(field, length);
    }

    Params compressParams(HttpServerRequest req) {
        double q = EncodeOptions.DEFAULT_QUALITY;
        String qs = req.getParam("quality");
        if (qs != null) {
            if (!DECIMAL.matcher(qs).matches()) {
                throw ApiException.badRequest("quality must be a decimal number from 1 to 8 (such as 4 or 3.5), got '"
                        + Problem.printable(qs) + "'");
            }
            q = Double.parseDouble(qs);
            if (!(q >= 1 && q <= 8)) {
                throw ApiException.badRequest("quality must be from 1 to 8, got " + qs);
            }
        }
        String model = req.getParam("model");
        if (model != null && !registry.ids().contains(model)) {
            throw ApiException.invalid("unknown model id '" + Problem.printable(model) + "' (available: "
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
            throw ApiException.badRequest("format must be png or jpeg, got '" + Problem.printable(f) + "'");
        }
        return new Params(0, null, format);
    }

    /** Checks the Content-Type; returns the multipart field to read, or null for a raw body. */
    static String bodyField(HttpServerRequest req, Operation op) {
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
            throw ApiException.unsupported("Content-Type " + Problem.printable(ct) + " is not accepted here: send "
                    + (op == Operation.COMPRESS ? "an image (image/*)" : "an AEIC stream (" + AEIC_TYPE + ")")
                    + ", application/octet-stream, or multipart/form-data with a file field 'image'");
        }
        return null;
    }

    /** The declared body size (refused at once when over the limit), or -1. */
    long contentLength(HttpServerRequest req) {
        String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (cl == null) {
            return -1;
        }
        if (!cl.matches("[0-9]{1,18}")) {
            throw ApiException.badRequest("malformed Content-Length: " + Problem.printable(cl));
        }
        long n = Long.parseLong(cl);
        if (n > config.maxUploadBytes()) {
            throw ApiException.tooLarge("the body of " + n + " bytes exceeds the limit of "
                    + config.maxUploadBytes() + " bytes");
        }
        return n;
    }

    /**
     * Answers with a problem. When the body has not been read to its end (an early refusal, a body that failed or
     * timed out), the connection is closed after the answer and what is left of the body is never read: a refusal
     * costs the server nothing but the headers.
     */
    void reject(RoutingContext ctx, ApiException e) {
        reject(ctx, e, false);
    }

    /** As above; {@code close}: close the connection after the answer even when the request was read whole. */
    private void reject(RoutingContext ctx, ApiException e, boolean close) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        metrics.rejected(e.kind, e.status);
        boolean unread = close || !req.isEnded();
        if (unread) {
            resp.putHeader(HttpHeaders.CONNECTION, "close");
        }
        Future<Void> sent = Problem.send(resp, e.status, e.kind, e.getMessage(), req.path());
        if (unread) {
            try {
                req.handler(null).endHandler(null); // later bytes are dropped as they come, never buffered
                req.resume();
            } catch (IllegalStateException alreadyEnded) {
                // nothing left to drop
            }
            sent.onComplete(ar -> closeAfterDrain(req));
        }
    }

    /** How long a refused request's remaining body is dropped before its connection closes anyway. */
    static final long LINGER_MS = 2_000;

    /**
     * Closes the connection once the client has sent the rest of its body (dropped as it comes) or after
     * {@link #LINGER_MS}: a socket closed with unread bytes makes the kernel answer with RST, which can destroy the
     * answer before the client has read it (nginx's lingering close, for the same reason). Seen: a client refused
     * with 503 while still sending got "connection was closed" instead.
     */
    private void closeAfterDrain(HttpServerRequest req) {
        if (req.isEnded()) {
            req.connection().close();
            return;
        }
        long timer = vertx.setTimer(LINGER_MS, t -> req.connection().close());
        try {
            req.endHandler(v -> {
                vertx.cancelTimer(timer);
                req.connection().close();
            });
        } catch (IllegalStateException ended) {
            vertx.cancelTimer(timer);
            req.connection().close();
        }
    }

    /**
     * One coding request from admission to answer. It owns the admission slot and the memory reserved for it, and
     * gives them back in {@link #finish}, exactly once: on the event loop while the body is read (body complete
     * or not, client gone, body too slow), and on the worker once the work is handed over (whatever the work's
     * end: done, refused, failed, stopped by its deadline or by the client leaving). Work handed to the pool always
     * runs, if only to see that it should stop; so every path ends in {@link #finish}.
     */
    private final class Exchange implements Coding.Control {
        final RoutingContext ctx;
        final Kind kind;
        final Job job;
        final Context context;
        private final WorkerPool.Slot slot;
        /** Body bytes reserved in {@link #bodyMemory}; on the event loop only. */
        private long bodyReserved;
        /** Image bytes reserved in {@link #codingMemory}; on the worker only. */
        private long codingReserved;
        private BodyReader body;
        private long bodyStart;
        private long timer = -1;
        /** The body is read and the work is the pool's: from then on only the worker calls {@link #finish}. */
        private boolean handedOver;
        /** Set on the event loop when the answer is decided or the client left; read by the worker to stop. */
        volatile boolean over;
        /** System.nanoTime() by which the work must end; set when the body is complete and when the size is known. */
        private volatile long deadline;
        private long bodyEnd;
        private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

        Exchange(RoutingContext ctx, WorkerPool.Slot slot, long bodyReserved, Kind kind, Job job) {
            this.ctx = ctx;
            this.kind = kind;
            this.job = job;
            this.slot = slot;
            this.bodyReserved = bodyReserved;
            this.context = vertx.getOrCreateContext();
            ctx.response().closeHandler(v -> clientGone());
        }

        void readBody(String field, long length) {
            bodyStart = System.nanoTime();
            body = BodyReader.read(ctx.request(), config.maxUploadBytes(), field, length, new BodyReader.Listener() {
                @Override
                public ApiException received(long total) {
                    return grow(total);
                }

                @Override
                public void body(byte[] bytes) {
                    bodyRead(bytes);
                }

                @Override
                public void failed(ApiException e) {
                    bodyFailed(e);
                }
            });
            if (!handedOver && !finished.get()) {
                armBodyTimer();
            }
        }

        /** A chunked body past what was reserved for it takes more of the body memory, or is refused. */
        private ApiException grow(long total) {
            if (total <= bodyReserved) {
                return null;
            }
            long more = Math.max(total - bodyReserved, 64 << 10); // in steps, not per chunk
            if (!bodyMemory.tryReserve(more)) {
                return new ApiException(503, "insufficient-memory", "the server holds as many request bodies as its"
                        + " memory allows; retry later");
            }
            bodyReserved += more;
            return null;
        }

        /**
         * The body deadline, as Apache's mod_reqtimeout counts it: {@code bodyTimeout} for the start, one second
         * more for each {@code bodyMinRate} bytes received. A client slower than that gets 408 and is cut off.
         */
        private void armBodyTimer() {
            long allowedMs = config.bodyTimeoutMs() + body.received() * 1000 / config.bodyMinRate();
            long leftMs = allowedMs - (System.nanoTime() - bodyStart) / 1_000_000;
            if (leftMs <= 0) {
                bodyTooSlow();
                return;
            }
            timer = vertx.setTimer(leftMs, id -> {
                timer = -1;
                if (!handedOver && !finished.get()) {
                    armBodyTimer();
                }
            });
        }

        private void bodyTooSlow() {
            answer(new ApiException(408, "request-timeout", "the request body arrived too slowly: "
                    + body.received() + " bytes in " + (System.nanoTime() - bodyStart) / 1_000_000 + " ms (the server"
                    + " allows " + config.bodyTimeoutMs() + " ms, plus 1 s for every " + config.bodyMinRate()
                    + " bytes)"));
            finish();
        }

        private void bodyFailed(ApiException e) {
            answer(e);
            finish();
        }

        private void bodyRead(byte[] bytes) {
            cancelTimer();
            if (over) { // the client left while the last bytes came in
                finish();
                return;
            }
            handedOver = true;
            bodyEnd = System.nanoTime();
            deadline = bodyEnd + config.codingDeadlineMs(0) * 1_000_000;
            // waiting for a worker past the base deadline is answered from here; the worker then sees 'over'
            timer = vertx.setTimer(config.requestTimeoutMs(), id -> {
                timer = -1;
                if (!started) {
                    answer(timedOut(0));
                }
            });
            pool.execute(() -> work(bytes));
        }

        private volatile boolean started;

        private void clientGone() {
            if (over) {
                return;
            }
            over = true; // the worker drops the work
            cancelTimer();
            if (!handedOver) {
                finish();
            }
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        @Override
        public void admit(long pixels, long bytesPerPixel) throws AeicAbortedException {
            deadline = bodyEnd + config.codingDeadlineMs(pixels) * 1_000_000;
            long need = pixels * bytesPerPixel;
            if (need > codingMemory.capacity()) {
                String detail = "coding this " + pixels + "-pixel image needs about " + (need >> 20) + " MiB, more"
                        + " than this server's memory budget for coding (" + (codingMemory.capacity() >> 20) + " MiB)";
                throw kind.imageInput() ? ApiException.tooLarge(detail) : ApiException.invalid(detail);
            }
            try {
                if (!codingMemory.reserve(need, this::keepGoing)) {
                    throw new AeicAbortedException();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AeicAbortedException();
            }
            codingReserved = need;
            this.pixels = pixels;
        }

        /** The image's pixels, once {@link #admit} knows them; on the worker only. */
        private long pixels;

        @Override
        public boolean keepGoing() {
            return !over && System.nanoTime() - deadline < 0;
        }

        /** On a worker. */
        private void work(byte[] bytes) {
            started = true;
            try {
                if (!keepGoing()) {
                    if (!over) {
                        context.runOnContext(v -> answer(timedOut(0)));
                    }
                    return;
                }
                long t0 = System.nanoTime();
                Answer answer = job.run(bytes, this);
                metrics.coded(kind.label(), pixels, bytes.length, answer.bytes(), System.nanoTime() - t0);
                context.runOnContext(v -> {
                    if (claim()) {
                        answer.send().accept(ctx.response());
                    }
                });
            } catch (ApiException e) {
                context.runOnContext(v -> answer(e));
            } catch (AeicAbortedException e) {
                if (!over) { // stopped by the deadline, not by an answer already given or a client gone
                    long p = pixels;
                    context.runOnContext(v -> answer(timedOut(p)));
                }
            } catch (OutOfMemoryError e) {
                context.runOnContext(v -> answer(new ApiException(503, "insufficient-memory",
                        "not enough memory to code this image now; try again later or send a smaller image")));
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, kind.label() + " failed", e);
                context.runOnContext(v -> answer(new ApiException(500, "internal", "internal error while coding")));
            } finally {
                finish();
            }
        }

        private ApiException timedOut(long pixels) {
            return new ApiException(504, "timeout", "the request took longer than its deadline of "
                    + config.codingDeadlineMs(pixels) + " ms (" + config.requestTimeoutMs() + " ms, plus "
                    + config.timeoutPerMegapixelMs() + " ms per megapixel)");
        }

        /** Takes the right to answer: true once, for the first answer; on the event loop. */
        private boolean claim() {
            if (over) {
                return false;
            }
            over = true;
            cancelTimer();
            return true;
        }


        /** A problem answer, unless the request has one already or its client left; on the event loop. */
        private void answer(ApiException e) {
            if (claim()) {
                reject(ctx, e);
            }
        }

        /** Gives back the slot and the memory; the first call does it, later ones do nothing. */
        private void finish() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            if (codingReserved > 0) {
                codingMemory.release(codingReserved);
            }
            // bodyReserved is written on the event loop only; the hand-over to the pool orders it before this read
            bodyMemory.release(bodyReserved);
            slot.close();
        }
    }

    private static void sendCompressed(HttpServerResponse response, Coding.Compressed c) {
        var info = c.info();
        response
                .putHeader("Content-Type", AEIC_TYPE)
                .putHeader("X-AEIC-Width", String.valueOf(info.width()))
                .putHeader("X-AEIC-Height", String.valueOf(info.height()))
                .putHeader("X-AEIC-Bpp", String.format(Locale.ROOT, "%.4f", info.bpp()))
                .putHeader("X-AEIC-Model", info.modelId())
                .putHeader("X-AEIC-Quality", String.format(Locale.ROOT, "%s", trim(info.quality())))
                .putHeader("Content-Disposition", "attachment; filename=\"image.aeic\"")
                .end(Buffer.buffer(c.stream()));
    }

    private static void sendDecompressed(HttpServerResponse response, Coding.Decompressed d) {
        var info = d.info();
        response
                .putHeader("Content-Type", d.contentType())
                .putHeader("X-AEIC-Width", String.valueOf(info.width()))
                .putHeader("X-AEIC-Height", String.valueOf(info.height()))
                .putHeader("X-AEIC-Bpp", String.format(Locale.ROOT, "%.4f", info.bpp()))
                .putHeader("X-AEIC-Model", Problem.printable(info.modelId()))
                .end(Buffer.buffer(d.image()));
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
