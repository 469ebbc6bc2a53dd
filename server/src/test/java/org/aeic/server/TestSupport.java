package org.aeic.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;

/** Servers on a free loopback port, clients, and images made on the spot. */
final class TestSupport {
    private TestSupport() {
    }

    static ServerConfig config() {
        // no admission wait: a full queue refuses at once, so that tests of refusals do not depend on timing
        return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withShutdownGraceMs(10_000)
                .withAdmissionWaitMs(0);
    }

    static AeicServer start(ServerConfig config) {
        return await(AeicServer.start(config));
    }

    static AeicServer start(ServerConfig config, AeicServer.StoreSettings store) {
        return await(AeicServer.start(config, store));
    }

    static void stop(AeicServer server) throws Exception {
        if (server != null) {
            server.stop().get(30, TimeUnit.SECONDS);
        }
    }

    static WebClient client(Vertx vertx, AeicServer server) {
        return WebClient.create(vertx, new WebClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(server.port())
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(32));
    }

    static <T> T await(Future<T> f) {
        try {
            return f.await(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 60 s", e);
        }
    }

    /** A smooth picture with some texture: cheap to code, not trivial. */
    static BufferedImage picture(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1));
                int g = (y * 255 / Math.max(1, h - 1));
                int b = ((x / 8 + y / 8) % 2) * 160 + rnd.nextInt(40);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static byte[] png(int w, int h, long seed) {
        return encode(picture(w, h, seed), "png");
    }

    static BufferedImage read(Buffer body) throws IOException {
        return ImageIO.read(new java.io.ByteArrayInputStream(body.getBytes()));
    }

    /** Checks an RFC 9457 answer: status, media type, members, and the kind in the type URI. */
    static JsonObject assertProblem(HttpResponse<Buffer> r, int status, String kind) {
        assertEquals(status, r.statusCode(), () -> "body: " + r.bodyAsString());
        assertEquals("application/problem+json", r.getHeader("Content-Type"));
        JsonObject p = r.bodyAsJsonObject();
        assertEquals(status, p.getInteger("status"));
        assertEquals("urn:aeic:problem:" + kind, p.getString("type"), p::encode);
        assertTrue(p.getString("title") != null && !p.getString("title").isEmpty(), p::encode);
        assertTrue(p.getString("detail") != null && !p.getString("detail").isEmpty(), p::encode);
        assertTrue(!p.getString("detail").contains("\n"), "one-line detail");
        return p;
    }
}
