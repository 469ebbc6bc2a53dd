package org.aeic.server;

import static org.aeic.server.TestSupport.assertProblem;
import static org.aeic.server.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aeic.server.store.DirectoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload endpoint against a directory store, with an upload token. */
class ImagesApiTest {
    static final String TOKEN = "s3cret-token";
    @TempDir
    static Path dir;
    static Vertx vertx;
    static AeicServer server;
    static WebClient client;
    static byte[] png = TestSupport.png(200, 120, 11);

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = TestSupport.start(TestSupport.config(), new AeicServer.StoreSettings(
                new DirectoryStore(dir.resolve("store")), TOKEN, 16L << 20));
        client = TestSupport.client(vertx, server);
    }

    @AfterAll
    static void stop() throws Exception {
        TestSupport.stop(server);
        vertx.close();
    }

    static HttpResponse<Buffer> upload(byte[] body, String token) {
        var req = client.post("/v1/images?quality=3").putHeader("Content-Type", "image/png");
        if (token != null) {
            req.putHeader("Authorization", "Bearer " + token);
        }
        return await(req.sendBuffer(Buffer.buffer(body)));
    }

    static String uploaded(byte[] body) {
        HttpResponse<Buffer> r = upload(body, TOKEN);
        assertTrue(r.statusCode() == 201 || r.statusCode() == 200, r::bodyAsString);
        return r.bodyAsJsonObject().getString("id");
    }

    @Test
    void writesNeedTheTokenReadsDoNot() {
        assertProblem(upload(png, null), 401, "unauthorized");
        HttpResponse<Buffer> wrong = upload(png, "nope");
        assertProblem(wrong, 401, "unauthorized");
        assertEquals("Bearer realm=\"aeic\"", wrong.getHeader("WWW-Authenticate"));
        String id = uploaded(png);
        assertProblem(await(client.delete("/v1/images/" + id).send()), 401, "unauthorized");
        assertEquals(200, await(client.get("/v1/images/" + id).send()).statusCode());
    }

    @Test
    void uploadIsCreatedOnceAndDescribed() {
        byte[] img = TestSupport.png(96, 64, 12);
        HttpResponse<Buffer> first = upload(img, TOKEN);
        assertEquals(201, first.statusCode(), first::bodyAsString);
        JsonObject j = first.bodyAsJsonObject();
        String id = j.getString("id");
        assertEquals("/v1/images/" + id, first.getHeader("Location"));
        assertEquals(96, j.getInteger("width"));
        assertEquals(64, j.getInteger("height"));
        assertEquals(3.0, j.getDouble("quality"));
        assertEquals(img.length, j.getLong("inputBytes"));
        assertTrue(j.getLong("bytes") > 0 && j.getDouble("bpp") > 0, j::encode);
        assertNotNull(j.getString("model"));
        HttpResponse<Buffer> again = upload(img, TOKEN);
        assertEquals(200, again.statusCode(), "the same upload twice is one object");
        assertEquals(id, again.bodyAsJsonObject().getString("id"));
        JsonObject meta = await(client.get("/v1/images/" + id + "/meta").send()).bodyAsJsonObject();
        assertEquals(img.length, meta.getLong("inputBytes"));
        assertEquals(j.getLong("bytes"), meta.getLong("bytes"));
    }

    @Test
    void formatsFromAcceptOrQueryWithCachingHeaders() throws Exception {
        String id = uploaded(png);
        HttpResponse<Buffer> aeic = await(client.get("/v1/images/" + id).putHeader("Accept", "image/x-aeic").send());
        assertEquals(200, aeic.statusCode());
        assertEquals("image/x-aeic", aeic.getHeader("Content-Type"));
        assertEquals(id, ImagesApi.idOf(aeic.body().getBytes()), "the id is derived from the stored stream");
        assertEquals("Accept", aeic.getHeader("Vary"));
        assertTrue(aeic.getHeader("Cache-Control").contains("immutable"));

        HttpResponse<Buffer> browser = await(client.get("/v1/images/" + id)
                .putHeader("Accept", "image/avif,image/webp,image/apng,image/*,*/*;q=0.8").send());
        assertEquals("image/jpeg", browser.getHeader("Content-Type"));
        BufferedImage jpeg = TestSupport.read(browser.body());
        assertEquals(200, jpeg.getWidth());

        HttpResponse<Buffer> pngAnswer = await(client.get("/v1/images/" + id + "?format=png")
                .putHeader("Accept", "image/jpeg").send());
        assertEquals("image/png", pngAnswer.getHeader("Content-Type"), "?format wins over Accept");
        assertEquals(120, TestSupport.read(pngAnswer.body()).getHeight());

        assertProblem(await(client.get("/v1/images/" + id).putHeader("Accept", "text/html").send()), 406,
                "not-acceptable");
    }

    @Test
    void thumbnailsFitTheBoxAndAreCached() throws Exception {
        String id = uploaded(TestSupport.png(160, 100, 13));
        var hits = server.images().renditions().stats().hitCount();
        HttpResponse<Buffer> t = await(client.get("/v1/images/" + id + "?w=40").send());
        assertEquals(200, t.statusCode(), t::bodyAsString);
        BufferedImage thumb = TestSupport.read(t.body());
        assertEquals(40, thumb.getWidth());
        assertEquals(25, thumb.getHeight());
        HttpResponse<Buffer> again = await(client.get("/v1/images/" + id + "?w=40").send());
        assertArrayEquals(t.body().getBytes(), again.body().getBytes());
        assertEquals(hits + 1, server.images().renditions().stats().hitCount(), "second GET from the cache");
        BufferedImage box = TestSupport.read(await(client.get("/v1/images/" + id + "?w=100&h=20&format=png").send())
                .body());
        assertEquals(20, box.getHeight());
        assertEquals(32, box.getWidth());
        assertProblem(await(client.get("/v1/images/" + id + "?w=0").send()), 400, "malformed");
        assertProblem(await(client.get("/v1/images/" + id + "?w=10&format=aeic").send()), 400, "malformed");
    }

    @Test
    void conditionalGetAndHead() {
        String id = uploaded(png);
        HttpResponse<Buffer> r = await(client.get("/v1/images/" + id + "?format=png").send());
        String etag = r.getHeader("ETag");
        assertNotNull(etag);
        HttpResponse<Buffer> notModified = await(client.get("/v1/images/" + id + "?format=png")
                .putHeader("If-None-Match", etag).send());
        assertEquals(304, notModified.statusCode());
        assertNull(notModified.body());
        assertEquals(etag, notModified.getHeader("ETag"));
        HttpResponse<Buffer> head = await(client.head("/v1/images/" + id).putHeader("Accept", "image/x-aeic").send());
        assertEquals(200, head.statusCode());
        assertEquals("image/x-aeic", head.getHeader("Content-Type"));
        assertNull(head.body());
    }

    @Test
    void deleteThenGone() {
        String id = uploaded(TestSupport.png(50, 40, 14));
        var del = client.delete("/v1/images/" + id).putHeader("Authorization", "Bearer " + TOKEN);
        assertEquals(204, await(del.send()).statusCode());
        assertProblem(await(client.get("/v1/images/" + id).send()), 404, "not-found");
        assertProblem(await(client.delete("/v1/images/" + id).putHeader("Authorization", "Bearer " + TOKEN)
                .send()), 404, "not-found");
        assertProblem(await(client.get("/v1/images/not-an-id").send()), 404, "not-found");
        HttpResponse<Buffer> put = await(client.put("/v1/images/" + id).send());
        assertProblem(put, 405, "method-not-allowed");
        assertEquals("DELETE, GET, HEAD", put.getHeader("Allow"));
    }

    @Test
    void listPagesWithACursor() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(uploaded(TestSupport.png(24 + i, 24, 100 + i)));
        }
        List<String> seen = new ArrayList<>();
        String url = "/v1/images?limit=2";
        for (int page = 0; page < 50 && url != null; page++) {
            JsonObject body = await(client.get(url).send()).bodyAsJsonObject();
            JsonArray images = body.getJsonArray("images");
            assertTrue(images.size() <= 2);
            images.forEach(o -> seen.add(((JsonObject) o).getString("id")));
            url = body.getString("next");
        }
        assertTrue(seen.containsAll(ids), seen + " lacks some of " + ids);
        assertEquals(seen.stream().sorted().toList(), seen, "ascending ids");
        assertProblem(await(client.get("/v1/images?limit=0").send()), 400, "malformed");
    }

    @Test
    void metricsShowTheStoreAndTheCache() {
        uploaded(TestSupport.png(30, 30, 15));
        String m = await(client.get("/metrics").send()).bodyAsString();
        for (String meter : new String[] {"aeic_store_objects", "aeic_store_bytes", "aeic_store_uploaded_bytes_total",
            "aeic_store_stored_bytes_total", "aeic_rendition_cache_hits_total", "aeic_rendition_cache_misses_total"}) {
            assertTrue(m.contains(meter), meter);
        }
    }
}
