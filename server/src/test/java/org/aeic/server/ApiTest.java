package org.aeic.server;

import static org.aeic.server.TestSupport.assertProblem;
import static org.aeic.server.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.container.ContainerWriter;
import org.aeic.proto.StreamHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every route and every refusal of one server with small limits. */
@ExtendWith(VertxExtension.class)
class ApiTest {
    static final long MAX_BYTES = 400_000;
    static final long MAX_PIXELS = 1_000_000;

    static AeicServer server;
    static WebClient client;
    static byte[] png;
    static byte[] aeic;

    @BeforeAll
    static void start(Vertx vertx) {
        server = TestSupport.start(TestSupport.config().withWorkers(2).withQueueLength(4)
                .withMaxUploadBytes(MAX_BYTES).withMaxPixels(MAX_PIXELS));
        client = TestSupport.client(vertx, server);
        png = TestSupport.png(70, 46, 1);
        aeic = await(client.post("/v1/compress").putHeader("Content-Type", "image/png")
                .sendBuffer(Buffer.buffer(png))).body().getBytes();
    }

    @AfterAll
    static void stop() throws Exception {
        TestSupport.stop(server);
    }

    private static HttpResponse<Buffer> post(String uri, String contentType, byte[] body) {
        var req = client.post(uri);
        if (contentType != null) {
            req.putHeader("Content-Type", contentType);
        }
        return await(req.sendBuffer(Buffer.buffer(body)));
    }

    private static HttpResponse<Buffer> get(String uri) {
        return await(client.get(uri).send());
    }

    // ------------------------------------------------------------------ successes

    @Test
    void health() {
        HttpResponse<Buffer> r = get("/health");
        assertEquals(200, r.statusCode());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        JsonObject h = r.bodyAsJsonObject();
        assertEquals("UP", h.getString("status"));
        assertEquals(2, h.getInteger("workers"));
        assertEquals(4, h.getInteger("queueCapacity"));
    }

    @Test
    void models() throws Exception {
        HttpResponse<Buffer> r = get("/v1/models");
        assertEquals(200, r.statusCode());
        JsonObject m = r.bodyAsJsonObject();
        String def = ModelRegistry.bundled().defaultId();
        assertEquals(def, m.getString("default"));
        assertEquals(ModelRegistry.bundled().ids().size(), m.getJsonArray("models").size());
        JsonObject first = m.getJsonArray("models").getJsonObject(0);
        assertEquals(def, first.getString("id"));
        assertEquals(64, first.getString("sha256").length());
        assertFalse(first.getJsonArray("qualities").isEmpty());
        assertEquals(ModelRegistry.bundled().list().get(0).fractionalQualities(), first.getBoolean("fractionalQualities"));
        assertTrue(first.getLong("parameters") > 0);
    }

    @Test
    void compressRawBody() throws Exception {
        // the fixture was compressed without a quality: the default is EncodeOptions.DEFAULT_QUALITY
        HttpResponse<Buffer> r = post("/v1/compress?quality=" + (int) EncodeOptions.DEFAULT_QUALITY, "image/png", png);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertEquals("image/x-aeic", r.getHeader("Content-Type"));
        byte[] stream = r.body().getBytes();
        assertTrue(Coding.startsWithMagic(stream));
        assertEquals("70", r.getHeader("X-AEIC-Width"));
        assertEquals("46", r.getHeader("X-AEIC-Height"));
        assertEquals(ModelRegistry.bundled().defaultId(), r.getHeader("X-AEIC-Model"));
        double bpp = Double.parseDouble(r.getHeader("X-AEIC-Bpp"));
        assertEquals(stream.length * 8.0 / (70 * 46), bpp, 1e-3);
        assertArrayEquals(aeic, stream, "coding is deterministic");
    }

    @Test
    void compressMultipartAndOtherFormats() throws Exception {
        HttpResponse<Buffer> r = await(client.post("/v1/compress").sendMultipartForm(MultipartForm.create()
                .attribute("note", "ignored")
                .binaryFileUpload("image", "a.png", Buffer.buffer(png), "image/png")));
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertArrayEquals(aeic, r.body().getBytes(), "multipart gives the same stream as a raw body");

        byte[] jpeg = TestSupport.encode(TestSupport.picture(40, 30, 2), "jpeg");
        r = post("/v1/compress?quality=2", "application/octet-stream", jpeg);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertEquals("40", r.getHeader("X-AEIC-Width"));
        // curl --data-binary's default type counts as a raw body
        r = post("/v1/compress", "application/x-www-form-urlencoded", png);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        r = post("/v1/compress", null, png);
        assertEquals(200, r.statusCode(), r::bodyAsString);
    }

    @Test
    void decompressPngAndJpeg() throws Exception {
        HttpResponse<Buffer> r = post("/v1/decompress", "image/x-aeic", aeic);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertEquals("image/png", r.getHeader("Content-Type"));
        BufferedImage img = TestSupport.read(r.body());
        assertEquals(70, img.getWidth());
        assertEquals(46, img.getHeight());
        assertEquals("70", r.getHeader("X-AEIC-Width"));

        r = post("/v1/decompress?format=jpeg", "application/octet-stream", aeic);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertEquals("image/jpeg", r.getHeader("Content-Type"));
        assertEquals(46, TestSupport.read(r.body()).getHeight());

        r = await(client.post("/v1/decompress?format=jpg").sendMultipartForm(MultipartForm.create()
                .binaryFileUpload("image", "a.aeic", Buffer.buffer(aeic), "image/x-aeic")));
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertEquals("image/jpeg", r.getHeader("Content-Type"));
    }

    // ------------------------------------------------------------------ 400

    @Test
    void badParameters() {
        assertProblem(post("/v1/compress?quality=abc", "image/png", png), 400, "malformed");
        assertProblem(post("/v1/compress?quality=9", "image/png", png), 400, "malformed");
        assertProblem(post("/v1/compress?quality=0.5", "image/png", png), 400, "malformed");
        assertProblem(post("/v1/decompress?format=gif", "image/x-aeic", aeic), 400, "malformed");
    }

    @Test
    void malformedBodies() {
        assertProblem(post("/v1/compress", "image/png", new byte[0]), 400, "malformed");
        assertProblem(post("/v1/decompress", "image/x-aeic", new byte[0]), 400, "malformed");
        assertProblem(post("/v1/compress", "image/png", Arrays.copyOf(png, png.length / 2)), 400, "malformed");
        // a multipart body without the 'image' file
        HttpResponse<Buffer> r = await(client.post("/v1/compress").sendMultipartForm(MultipartForm.create()
                .binaryFileUpload("file", "a.png", Buffer.buffer(png), "image/png")));
        JsonObject p = assertProblem(r, 400, "malformed");
        assertTrue(p.getString("detail").contains("image"), p::encode);
    }

    @Test
    void truncatedAeicAtEveryKindOfPlace() {
        // inside the header, at the end of the header, inside the payload, one byte short
        for (int cut : new int[] {10, 30, aeic.length / 2, aeic.length - 1}) {
            JsonObject p = assertProblem(post("/v1/decompress", "image/x-aeic", Arrays.copyOf(aeic, cut)), 400,
                    "malformed");
            assertTrue(p.getString("detail").toLowerCase(Locale.ROOT).contains("truncat")
                    || p.getString("detail").contains("corrupt"), p::encode);
        }
        byte[] flipped = aeic.clone();
        flipped[flipped.length - 10] ^= 0x55; // payload byte: CRC mismatch
        assertProblem(post("/v1/decompress", "image/x-aeic", flipped), 400, "malformed");
    }

    // ------------------------------------------------------------------ 413

    @Test
    void bodyOneByteOverTheLimit() {
        byte[] exact = Arrays.copyOf(png, (int) MAX_BYTES); // a PNG reader ignores what follows IEND
        assertEquals(200, post("/v1/compress", "image/png", exact).statusCode());
        HttpResponse<Buffer> r = post("/v1/compress", "image/png", Arrays.copyOf(png, (int) MAX_BYTES + 1));
        assertProblem(r, 413, "too-large");
        assertProblem(post("/v1/decompress", "image/x-aeic", Arrays.copyOf(aeic, (int) MAX_BYTES + 1)), 413,
                "too-large");
        // the server is fine afterwards
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void declaredLengthIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 10000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(s.getInputStream()); // the server answers and closes without any body sent
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("application/problem+json"), answer);
        }
    }

    @Test
    void chunkedBodyOverTheLimit() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[50_000];
            long sent = 0;
            try {
                while (sent <= MAX_BYTES) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server may close once it has answered
            }
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
    }

    private static String readAll(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the answer is fine: we have read what came before it
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void imageOverThePixelLimit() {
        // 1001 x 1000 pixels of one colour: a few kilobytes of PNG
        BufferedImage big = new BufferedImage(1001, 1000, BufferedImage.TYPE_BYTE_GRAY);
        byte[] bytes = TestSupport.encode(big, "png");
        assertTrue(bytes.length < MAX_BYTES);
        JsonObject p = assertProblem(post("/v1/compress", "image/png", bytes), 413, "too-large");
        assertTrue(p.getString("detail").contains("1001x1000"), p::encode);
    }

    // ------------------------------------------------------------------ 415

    @Test
    void wrongContentType() {
        assertProblem(post("/v1/compress", "text/plain", png), 415, "unsupported-media-type");
        assertProblem(post("/v1/compress", "application/json", "{}".getBytes()), 415, "unsupported-media-type");
        assertProblem(post("/v1/decompress", "image/png", aeic), 415, "unsupported-media-type");
        // declared as an image, but the bytes are not one
        assertProblem(post("/v1/compress", "image/png", "hello, not an image".getBytes()), 415,
                "unsupported-media-type");
        JsonObject p = assertProblem(post("/v1/compress", "application/octet-stream", aeic), 415,
                "unsupported-media-type");
        assertTrue(p.getString("detail").contains("/v1/decompress"), p::encode);
        assertProblem(post("/v1/decompress", "application/octet-stream", png), 415, "unsupported-media-type");
    }

    // ------------------------------------------------------------------ 422

    @Test
    void decompressionBomb() throws Exception {
        // 50,000 x 50,000 declared in a stream of a few hundred bytes
        int side = 50_000;
        int tile = 1024; // the largest tile the format allows
        int tiles = (side + tile - 1) / tile;
        StreamHeader.Builder h = StreamHeader.newBuilder().setWidth(side).setHeight(side).setChannels(3)
                .setBitDepth(8).setModelId(ModelRegistry.bundled().defaultId())
                .setModelSha256(ByteString.copyFrom(new byte[32])).setQuality(4).setTileSize(tile);
        List<byte[]> payload = new ArrayList<>();
        for (int i = 0; i < tiles * tiles; i++) {
            h.addTileBytes(1);
            payload.add(new byte[] {0});
        }
        byte[] bomb = ContainerWriter.toBytes(h.build(), payload, null, null, null);
        assertTrue(bomb.length < 32 << 10, "small file: " + bomb.length);
        JsonObject p = assertProblem(post("/v1/decompress", "image/x-aeic", bomb), 422, "invalid");
        // the header's size in the detail: refused from the header, before any tile (no wall-time bound: CI shares
        // the machine)
        assertTrue(p.getString("detail").contains("50000x50000"), p::encode);

        // the same just under our limit but over the container's own: 2^31 wide
        StreamHeader huge = StreamHeader.newBuilder().setWidth((int) (1L << 31)).setHeight(1).setChannels(3)
                .setBitDepth(8).setModelId(ModelRegistry.bundled().defaultId())
                .setModelSha256(ByteString.copyFrom(new byte[32])).setQuality(4).setTileSize(512).build();
        assertProblem(post("/v1/decompress", "image/x-aeic", ContainerWriter.toBytes(huge, List.of(), null, null,
                null)), 422, "invalid");
    }

    @Test
    void unknownModel() throws Exception {
        StreamHeader h = StreamHeader.newBuilder().setWidth(16).setHeight(16).setChannels(3).setBitDepth(8)
                .setModelId("no-such-model").setModelSha256(ByteString.copyFrom(new byte[32]))
                .setQuality(4).setTileSize(16).addTileBytes(3).build();
        byte[] other = ContainerWriter.toBytes(h, List.of(new byte[] {1, 2, 3}), null, null, null);
        JsonObject p = assertProblem(post("/v1/decompress", "image/x-aeic", other), 422, "invalid");
        assertTrue(p.getString("detail").contains("no-such-model"), p::encode);

        // a stream of another version of the model we have
        var s = ContainerReader.read(aeic, ContainerLimits.defaults());
        StreamHeader v2 = s.header().toBuilder().setModelSha256(ByteString.copyFrom(new byte[32])).build();
        assertProblem(post("/v1/decompress", "image/x-aeic",
                ContainerWriter.toBytes(v2, s.tiles(), s.alpha(), s.icc(), s.exif())), 422, "invalid");

        assertProblem(post("/v1/compress?model=no-such-model", "image/png", png), 422, "invalid");
    }

    // ------------------------------------------------------------------ other routes

    @Test
    void unknownRouteAndMethod() {
        assertProblem(get("/nope"), 404, "not-found");
        assertProblem(get("/v1/compress"), 405, "method-not-allowed");
    }

    @Test
    void metrics() {
        post("/v1/compress", "image/png", png);
        post("/v1/decompress", "image/x-aeic", aeic);
        post("/v1/compress", "text/plain", png);
        HttpResponse<Buffer> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.getHeader("Content-Type").startsWith("text/plain"));
        String m = r.bodyAsString();
        for (String want : new String[] {
            "vertx_http_server_requests_total{code=\"200\",method=\"POST\",route=\"/v1/compress\"}",
            "vertx_http_server_requests_total{code=\"415\",method=\"POST\",route=\"/v1/compress\"}",
            "vertx_http_server_response_time_seconds_bucket{code=\"200\",method=\"POST\",route=\"/v1/decompress\"",
            "aeic_images_total{operation=\"compress\"}",
            "aeic_images_total{operation=\"decompress\"}",
            "aeic_pixels_total{operation=\"compress\"}",
            "aeic_bytes_in_bytes_total{operation=\"compress\"}",
            "aeic_bytes_out_bytes_total{operation=\"decompress\"}",
            "aeic_codec_time_seconds_bucket{operation=\"compress\"",
            "aeic_queue_length ",
            "aeic_workers_busy ",
            "aeic_rejected_requests_total{reason=\"unsupported-media-type\",status=\"415\"}",
        }) {
            assertTrue(m.contains(want), "metrics lack " + want);
        }
    }

    @Test
    void everyDocumentedRouteAnswersAndEveryRouteIsDocumented() {
        HttpResponse<Buffer> r = get("/openapi.yaml");
        assertEquals(200, r.statusCode());
        String yaml = r.bodyAsString();
        assertTrue(yaml.startsWith("openapi: 3."), "an OpenAPI 3 document");
        List<String> ops = operations(yaml);
        List<String> served = List.of("POST /v1/compress", "POST /v1/decompress", "GET /v1/models", "GET /health",
                "GET /metrics", "GET /openapi.yaml", "GET /", "POST /v1/images", "GET /v1/images",
                "GET /v1/images/{id}", "DELETE /v1/images/{id}", "GET /v1/images/{id}/meta");
        assertEquals(served.stream().sorted().toList(), ops.stream().sorted().toList());
        for (String op : ops) {
            if (op.contains("/v1/images")) {
                continue; // this server has no store; ImagesApiTest answers every one of them
            }
            String[] mp = op.split(" ");
            HttpResponse<Buffer> a = mp[0].equals("GET") ? get(mp[1])
                    : post(mp[1] + (mp[1].contains("decompress") ? "" : "?quality=4"),
                            mp[1].contains("decompress") ? "image/x-aeic" : "image/png",
                            mp[1].contains("decompress") ? aeic : png);
            assertEquals(200, a.statusCode(), op + ": " + a.bodyAsString());
            String documented = documentedTypes(yaml, mp[1]);
            String type = a.getHeader("Content-Type").split(";")[0];
            assertTrue(documented.contains(type) || type.startsWith("text/plain") && documented.contains("text/plain"),
                    op + " answers " + type + ", documented: " + documented);
        }
    }

    /** "METHOD /path" for every operation under paths: (indentation 2 for paths, 4 for methods). */
    static List<String> operations(String yaml) {
        List<String> out = new ArrayList<>();
        boolean inPaths = false;
        String path = null;
        for (String line : yaml.split("\n")) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inPaths = line.startsWith("paths:");
                continue;
            }
            if (!inPaths) {
                continue;
            }
            if (line.matches("  /\\S*:\\s*")) {
                path = line.strip().replaceAll(":$", "");
            } else if (line.matches("    (get|post|put|delete|patch|head):\\s*") && path != null) {
                out.add(line.strip().replace(":", "").toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return out;
    }

    /** The text of a path's block, to look for the media types of its 200 answer. */
    private static String documentedTypes(String yaml, String path) {
        int i = yaml.indexOf("\n  " + path + ":\n");
        int j = yaml.indexOf("\n  /", i + 3);
        int k = yaml.indexOf("\ncomponents:", i);
        return yaml.substring(i, j > 0 && j < k ? j : k);
    }

    @Test
    void page() {
        HttpResponse<Buffer> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
        String html = r.bodyAsString();
        for (String asset : new String[] {"/app.js", "/style.css"}) {
            HttpResponse<Buffer> a = get(asset);
            assertEquals(200, a.statusCode(), asset);
            html += a.bodyAsString();
        }
        // offline machines: nothing may come from elsewhere
        assertFalse(html.matches("(?s).*(src|href)\\s*=\\s*[\"']?(https?:)?//.*"), "no external resources");
        assertNotNull(html);
    }
}
