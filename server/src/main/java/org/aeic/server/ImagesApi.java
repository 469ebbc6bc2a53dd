package org.aeic.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.StreamInfo;
import org.aeic.server.store.ImageStore;

/**
 * The upload endpoint: {@code POST /v1/images} compresses an upload and keeps the stream in the {@link ImageStore}
 * under an id derived from it; {@code GET|HEAD /v1/images/{id}} serves it as the stream, PNG or JPEG (from
 * {@code ?format=} or {@code Accept}), scaled to fit {@code ?w=}/{@code ?h=}; {@code DELETE} removes it;
 * {@code GET /v1/images} lists ids. Ids are immutable, so answers carry a strong ETag and a year of caching, and
 * decoded renditions are kept in memory up to a byte bound. Coding runs through the server's admission and workers
 * like every other coding request; store calls run on Vert.x's worker threads.
 */
final class ImagesApi {
    private static final Logger LOG = Logger.getLogger(ImagesApi.class.getName());
    static final String CACHE_CONTROL = "public, max-age=31536000, immutable";
    /** The attribute holding the size of the upload an object was made from. */
    static final String INPUT_BYTES = "input-bytes";
    static final int MAX_SIDE = 8192;
    static final int MAX_LIST = 1000;

    private final AeicServer server;
    private final Vertx vertx;
    private final Coding coding;
    private final ImageStore store;
    private final byte[] token;
    private final Cache<String, Rendition> renditions;
    final AtomicLong bytesUploaded = new AtomicLong();
    final AtomicLong bytesStored = new AtomicLong();

    /** A decoded image as sent: its bytes and media type. */
    record Rendition(byte[] bytes, String contentType) {
    }

    ImagesApi(AeicServer server, Vertx vertx, Coding coding, ImageStore store, String uploadToken, long cacheBytes) {
        this.server = server;
        this.vertx = vertx;
        this.coding = coding;
        this.store = store;
        this.token = uploadToken == null || uploadToken.isEmpty() ? null
                : uploadToken.getBytes(StandardCharsets.UTF_8);
        this.renditions = Caffeine.newBuilder()
                .maximumWeight(cacheBytes)
                .weigher((String k, Rendition r) -> r.bytes().length + k.length())
                .recordStats()
                .build();
    }

    Cache<String, Rendition> renditions() {
        return renditions;
    }

    ImageStore store() {
        return store;
    }

    boolean tokenRequired() {
        return token != null;
    }

    void routes(Router r, java.util.Map<String, String> allowed) {
        r.route("/v1/images").method(HttpMethod.POST).handler(this::upload);
        r.route("/v1/images").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::list);
        allowed.put("/v1/images", "GET, HEAD, POST");
        r.routeWithRegex("/v1/images/([^/]+)").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::fetch);
        r.routeWithRegex("/v1/images/([^/]+)").method(HttpMethod.DELETE).handler(this::delete);
        r.routeWithRegex("/v1/images/([^/]+)/meta").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(this::meta);
    }

    /** For 405's Allow: the methods a path under /v1/images answers, or null. */
    static String allowedFor(String path) {
        if (path.matches("/v1/images/[^/]+")) {
            return "DELETE, GET, HEAD";
        }
        if (path.matches("/v1/images/[^/]+/meta")) {
            return "GET, HEAD";
        }
        return null;
    }

    /**
     * Meters: objects and bytes in the store (measured every 30 s), bytes uploaded against bytes stored by
     * this process (the saving), and the rendition cache's hits and misses.
     */
    void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge.builder("aeic.store.objects", this, a -> a.usage().objects())
                .description("Objects in the image store").register(registry);
        io.micrometer.core.instrument.Gauge.builder("aeic.store.bytes", this, a -> a.usage().bytes())
                .description("Bytes in the image store").baseUnit("bytes").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("aeic.store.uploaded.bytes", bytesUploaded,
                AtomicLong::get).description("Bytes of uploads stored by this process").baseUnit("bytes")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("aeic.store.stored.bytes", bytesStored,
                AtomicLong::get).description("Bytes of the streams those uploads were stored as").baseUnit("bytes")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("aeic.rendition.cache.hits", renditions,
                c -> c.stats().hitCount()).description("Renditions served from memory").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("aeic.rendition.cache.misses", renditions,
                c -> c.stats().missCount()).description("Renditions decoded").register(registry);
        io.micrometer.core.instrument.Gauge.builder("aeic.rendition.cache.bytes", renditions,
                c -> c.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L))
                .description("Bytes of renditions held in memory").baseUnit("bytes").register(registry);
    }

    private volatile ImageStore.Usage usage = new ImageStore.Usage(0, 0);

    /** The store's size as last measured; a listing runs off the event loop every 30 s, never in a scrape. */
    private ImageStore.Usage usage() {
        return usage;
    }

    /** Measures the store now and every 30 s on a Vert.x worker thread (a listing of a big bucket takes a while). */
    void measureUsage() {
        Runnable measure = () -> vertx.executeBlocking(() -> {
            try {
                usage = store.usage();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot measure the store: " + e.getMessage());
            }
            return null;
        }, false);
        measure.run();
        vertx.setPeriodic(30_000, id -> measure.run());
    }

    // ---------------------------------------------------------------- writes

    /** A write needs the bearer token when one is configured; compared in constant time. */
    private boolean authorized(RoutingContext ctx) {
        if (token == null) {
            return true;
        }
        String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        byte[] given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)
                ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (MessageDigest.isEqual(given, token)) {
            return true;
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"aeic\"");
        server.reject(ctx, new ApiException(401, "unauthorized", h == null
                ? "uploads and deletions need 'Authorization: Bearer <token>' (the server's --upload-token)"
                : "the bearer token is not the server's upload token"));
        return false;
    }

    private void upload(RoutingContext ctx) {
        if (!authorized(ctx)) {
            return;
        }
        HttpServerRequest req = ctx.request();
        AeicServer.Params params;
        String field;
        long length;
        try {
            params = server.compressParams(req);
            field = AeicServer.bodyField(req, AeicServer.Operation.COMPRESS);
            length = server.contentLength(req);
        } catch (ApiException e) {
            server.reject(ctx, e);
            return;
        }
        server.run(ctx, field, length, new AeicServer.Kind("store", true), (body, control) -> {
            Coding.Compressed c = coding.compress(body, params.quality(), params.model(), control);
            String id = idOf(c.stream());
            boolean created;
            try {
                created = store.put(id, c.stream(), Map.of(INPUT_BYTES, String.valueOf(body.length)));
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "cannot store " + id, e);
                throw new ApiException(503, "store-unavailable", "the image store cannot be written now; retry later");
            }
            if (created) {
                bytesUploaded.addAndGet(body.length);
                bytesStored.addAndGet(c.stream().length);
            }
            JsonObject json = describe(id, c.info(), c.stream().length, body.length);
            return new AeicServer.Answer(0, resp -> resp.setStatusCode(created ? 201 : 200)
                    .putHeader(HttpHeaders.LOCATION, "/v1/images/" + id)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(json.encodePrettily()));
        });
    }

    /** The id of a stream: the first 128 bits of its SHA-256, in hex. The same stream is always the same object. */
    static String idOf(byte[] stream) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(stream);
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject describe(String id, StreamInfo info, long bytes, long inputBytes) {
        JsonObject o = new JsonObject()
                .put("id", id)
                .put("url", "/v1/images/" + id)
                .put("width", info.width())
                .put("height", info.height())
                .put("bytes", bytes)
                .put("bpp", Math.round(bytes * 8.0 / ((long) info.width() * info.height()) * 1e4) / 1e4)
                .put("quality", (double) info.quality())
                .put("model", Problem.printable(info.modelId()));
        if (inputBytes > 0) {
            o.put("inputBytes", inputBytes)
                    .put("saving", Math.round((1 - (double) bytes / inputBytes) * 1e4) / 1e4);
        }
        return o;
    }

    private void delete(RoutingContext ctx) {
        if (!authorized(ctx)) {
            return;
        }
        String id = idParam(ctx);
        if (id == null) {
            return;
        }
        blocking(ctx, () -> store.delete(id), existed -> {
            if (existed) {
                renditions.asMap().keySet().removeIf(k -> k.startsWith(id + "."));
                ctx.response().setStatusCode(204).end();
            } else {
                notFound(ctx, id);
            }
        });
    }

    // ---------------------------------------------------------------- reads

    private void list(RoutingContext ctx) {
        String after = ctx.request().getParam("after");
        String limitParam = ctx.request().getParam("limit");
        int limit;
        if (after != null && !ImageStore.isId(after)) {
            server.reject(ctx, ApiException.badRequest("after must be an image id (32 hex digits)"));
            return;
        }
        if (limitParam == null) {
            limit = 50;
        } else if (limitParam.matches("[0-9]{1,4}") && Integer.parseInt(limitParam) >= 1
                && Integer.parseInt(limitParam) <= MAX_LIST) {
            limit = Integer.parseInt(limitParam);
        } else {
            server.reject(ctx, ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIST));
            return;
        }
        blocking(ctx, () -> store.list(after, limit + 1), ids -> {
            boolean more = ids.size() > limit;
            List<String> page = more ? ids.subList(0, limit) : ids;
            JsonArray images = new JsonArray();
            page.forEach(id -> images.add(new JsonObject().put("id", id).put("url", "/v1/images/" + id)));
            JsonObject body = new JsonObject().put("images", images).put("uploadTokenRequired", token != null);
            if (more) {
                String next = page.get(page.size() - 1);
                body.put("next", "/v1/images?after=" + next + "&limit=" + limit);
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .end(body.encodePrettily());
        });
    }

    private void meta(RoutingContext ctx) {
        String id = idParam(ctx);
        if (id == null) {
            return;
        }
        blocking(ctx, () -> store.get(id), found -> {
            if (found.isEmpty()) {
                notFound(ctx, id);
                return;
            }
            ImageStore.StoredImage img = found.get();
            StreamInfo info;
            try {
                info = AeicDecoder.info(img.bytes(), DecodeOptions.defaults());
            } catch (AeicException e) {
                server.reject(ctx, new ApiException(500, "internal", "stored object " + id + " is damaged"));
                return;
            }
            long input = parseLong(img.attributes().get(INPUT_BYTES));
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                    .end(describe(id, info, img.bytes().length, input).encodePrettily());
        });
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The rendition a GET asks for: a format (aeic, png, jpeg) and a box to fit (0: unbounded). */
    record Want(String format, int width, int height) {
        String etag(String id) {
            return "\"" + id + "." + format + (width > 0 ? ".w" + width : "") + (height > 0 ? ".h" + height : "")
                    + "\"";
        }

        String contentType() {
            return switch (format) {
                case "aeic" -> AeicServer.AEIC_TYPE;
                case "png" -> "image/png";
                default -> "image/jpeg";
            };
        }
    }

    private void fetch(RoutingContext ctx) {
        String id = idParam(ctx);
        if (id == null) {
            return;
        }
        Want want;
        try {
            want = want(ctx.request());
        } catch (ApiException e) {
            server.reject(ctx, e);
            return;
        }
        HttpServerResponse resp = ctx.response();
        String etag = want.etag(id);
        resp.putHeader(HttpHeaders.ETAG, etag)
                .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                .putHeader(HttpHeaders.VARY, "Accept");
        if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            blocking(ctx, () -> store.exists(id), exists -> {
                if (exists) {
                    resp.setStatusCode(304).end();
                } else {
                    notFound(ctx, id);
                }
            });
            return;
        }
        if (want.format().equals("aeic")) {
            blocking(ctx, () -> store.get(id), found -> {
                if (found.isEmpty()) {
                    notFound(ctx, id);
                } else {
                    resp.putHeader(HttpHeaders.CONTENT_TYPE, AeicServer.AEIC_TYPE)
                            .end(Buffer.buffer(found.get().bytes()));
                }
            });
            return;
        }
        String key = etag.substring(1, etag.length() - 1);
        Rendition cached = renditions.getIfPresent(key);
        if (cached != null) {
            resp.putHeader(HttpHeaders.CONTENT_TYPE, cached.contentType()).end(Buffer.buffer(cached.bytes()));
            return;
        }
        server.run(ctx, null, -1, new AeicServer.Kind("render", false), (body, control) -> {
            ImageStore.StoredImage stored;
            try {
                stored = store.get(id).orElseThrow(() -> notFoundProblem(id));
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "cannot read " + id, e);
                throw new ApiException(503, "store-unavailable", "the image store cannot be read now; retry later");
            }
            Coding.Decompressed d = coding.render(stored.bytes(), want.format(), want.width(), want.height(),
                    control);
            Rendition r = new Rendition(d.image(), d.contentType());
            renditions.put(key, r);
            return new AeicServer.Answer(r.bytes().length, out -> out
                    .putHeader(HttpHeaders.CONTENT_TYPE, r.contentType()).end(Buffer.buffer(r.bytes())));
        });
    }

    /** The format from {@code ?format=}, else from Accept (JPEG for a browser's default or any image). */
    static Want want(HttpServerRequest req) {
        String f = req.getParam("format");
        String format;
        if (f != null) {
            format = f.strip().toLowerCase(Locale.ROOT);
            if (format.equals("jpg")) {
                format = "jpeg";
            }
            if (!List.of("aeic", "png", "jpeg").contains(format)) {
                throw ApiException.badRequest("format must be aeic, png or jpeg, got '" + Problem.printable(f) + "'");
            }
        } else {
            format = negotiate(req.getHeader(HttpHeaders.ACCEPT));
        }
        int w = side(req.getParam("w"), "w");
        int h = side(req.getParam("h"), "h");
        if (format.equals("aeic") && (w > 0 || h > 0)) {
            throw ApiException.badRequest("w and h scale PNG and JPEG renditions; the stored stream has one size");
        }
        return new Want(format, w, h);
    }

    private static int side(String s, String name) {
        if (s == null) {
            return 0;
        }
        if (!s.matches("[0-9]{1,5}") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > MAX_SIDE) {
            throw ApiException.badRequest(name + " must be a whole number of pixels from 1 to " + MAX_SIDE + ", got '"
                    + Problem.printable(s) + "'");
        }
        return Integer.parseInt(s);
    }

    /**
     * The best of image/x-aeic, image/png and image/jpeg for an Accept header, by q-value (ties: the order above,
     * the client named the type); {@code *}{@code /*}, {@code image/*} and no header get JPEG, what every browser
     * shows. Nothing acceptable is 406.
     */
    static String negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return "jpeg";
        }
        double aeic = -1;
        double png = -1;
        double jpeg = -1;
        double any = -1;
        for (String part : accept.split(",")) {
            String[] bits = part.strip().split(";");
            String type = bits[0].strip().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < bits.length; i++) {
                String b = bits[i].strip();
                if (b.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(b.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            switch (type) {
                case AeicServer.AEIC_TYPE -> aeic = Math.max(aeic, q);
                case "image/png" -> png = Math.max(png, q);
                case "image/jpeg", "image/jpg" -> jpeg = Math.max(jpeg, q);
                case "image/*", "*/*" -> any = Math.max(any, q);
                default -> { }
            }
        }
        if (jpeg < 0 && any > 0) {
            jpeg = any; // the wildcard stands for JPEG, the format every client shows
        }
        double best = Math.max(aeic, Math.max(png, jpeg));
        if (best <= 0) {
            throw new ApiException(406, "not-acceptable", "this resource is served as " + AeicServer.AEIC_TYPE
                    + ", image/png or image/jpeg; the Accept header allows none of them");
        }
        return aeic == best ? "aeic" : png == best ? "png" : "jpeg";
    }

    /** Whether an If-None-Match header names {@code etag} (or is {@code *}); weak tags compare weakly. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String t : ifNoneMatch.split(",")) {
            String tag = t.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private String idParam(RoutingContext ctx) {
        String id = ctx.pathParam("param0");
        if (!ImageStore.isId(id)) {
            server.reject(ctx, new ApiException(404, "not-found", "no image '" + Problem.printable(id)
                    + "': ids are 32 hex digits"));
            return null;
        }
        return id;
    }

    private static ApiException notFoundProblem(String id) {
        return new ApiException(404, "not-found", "no image " + id + " (deleted, or never stored)");
    }

    private void notFound(RoutingContext ctx, String id) {
        // the 404 of a GET must not be cached as the image
        ctx.response().headers().remove(HttpHeaders.ETAG).remove(HttpHeaders.CACHE_CONTROL);
        server.reject(ctx, notFoundProblem(id));
    }

    /** Runs a store call on a Vert.x worker thread and continues on the event loop; a store failure is 503. */
    private <T> void blocking(RoutingContext ctx, Callable<T> call, java.util.function.Consumer<T> then) {
        vertx.<T>executeBlocking(call, false).onComplete(ar -> {
            if (ar.succeeded()) {
                then.accept(ar.result());
            } else {
                LOG.log(Level.SEVERE, "store call failed", ar.cause());
                ctx.response().headers().remove(HttpHeaders.ETAG).remove(HttpHeaders.CACHE_CONTROL);
                server.reject(ctx, new ApiException(503, "store-unavailable", "the image store cannot be reached"
                        + " now; retry later"));
            }
        });
    }
}
