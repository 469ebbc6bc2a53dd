package org.aeic.server;

import static org.aeic.server.TestSupport.assertProblem;
import static org.aeic.server.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Queue, timeout and shutdown: each test runs its own server with its own limits. */
@ExtendWith(VertxExtension.class)
class LoadLimitsTest {
    /** Big enough that coding it takes a good fraction of a second here. */
    static final byte[] SLOW = TestSupport.png(512, 512, 7);

    @Test
    void requestsBeyondTheQueueGet503AndNoneIsLost(Vertx vertx, VertxTestContext test) throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(1));
        try {
            WebClient client = TestSupport.client(vertx, server);
            int n = 8;
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger busy = new AtomicInteger();
            var all = test.checkpoint(n);
            List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Future<HttpResponse<Buffer>> f = client.post("/v1/compress?quality=4")
                        .putHeader("Content-Type", "image/png").sendBuffer(Buffer.buffer(SLOW));
                answers.add(f);
                f.onComplete(test.succeeding(r -> test.verify(() -> {
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        assertEquals("image/x-aeic", r.getHeader("Content-Type"));
                    } else {
                        assertProblem(r, 503, "queue-full");
                        assertNotNull(r.getHeader("Retry-After"));
                        assertTrue(Integer.parseInt(r.getHeader("Retry-After")) >= 1);
                        busy.incrementAndGet();
                    }
                    all.flag();
                })));
            }
            assertTrue(test.awaitCompletion(60, TimeUnit.SECONDS), "every request answered");
            if (test.failed()) {
                throw new AssertionError(test.causeOfFailure());
            }
            assertEquals(n, ok.get() + busy.get());
            assertTrue(ok.get() >= 2, "the worker and the queue place were used: " + ok.get());
            assertTrue(busy.get() >= 1, "some were refused: " + busy.get());
            String metrics = await(client.get("/metrics").send()).bodyAsString();
            assertTrue(metrics.contains("aeic_rejected_requests_total{reason=\"queue-full\",status=\"503\"} "
                    + busy.get() + ".0"), metrics);
            // admission places are all given back
            assertEquals(0, queuedAfterIdle(client));
        } finally {
            TestSupport.stop(server);
        }
    }

    private static int queuedAfterIdle(WebClient client) {
        var h = await(client.get("/health").send()).bodyAsJsonObject();
        return h.getInteger("queued") + h.getInteger("busy");
    }

    @Test
    void slowRequestsTimeOutWith504(Vertx vertx) throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withRequestTimeoutMs(40, 0));
        try {
            WebClient client = TestSupport.client(vertx, server);
            HttpResponse<Buffer> r = await(client.post("/v1/compress").putHeader("Content-Type", "image/png")
                    .sendBuffer(Buffer.buffer(SLOW)));
            assertProblem(r, 504, "timeout");
            // the place is given back once the dropped work ends; fast routes answer meanwhile
            long deadline = System.currentTimeMillis() + 20_000;
            while (queuedAfterIdle(client) != 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, queuedAfterIdle(client));
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void shutdownFinishesRequestsInFlight(Vertx vertx) throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1));
        int port = server.port();
        WebClient client = TestSupport.client(vertx, server);
        Future<HttpResponse<Buffer>> inFlight = client.post("/v1/compress").putHeader("Content-Type", "image/png")
                .sendBuffer(Buffer.buffer(SLOW));
        long deadline = System.currentTimeMillis() + 20_000;
        while (await(client.get("/health").send()).bodyAsJsonObject().getInteger("busy") == 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        var stopped = server.stop();
        HttpResponse<Buffer> r = await(inFlight);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        assertTrue(Coding.startsWithMagic(r.body().getBytes()));
        stopped.get(30, TimeUnit.SECONDS);
        WebClient fresh = WebClient.create(vertx);
        assertThrows(Throwable.class, () -> await(fresh.get(port, "127.0.0.1", "/health").send()),
                "no longer accepting");
    }

    @Test
    void deadlinePerMegapixelGrowsWhereTheFmaIsEmulatedUnlessOneIsAskedFor() {
        assertEquals(20.0, Main.timeoutPerMegapixel(null, false));
        assertEquals(800.0, Main.timeoutPerMegapixel(null, true));
        assertEquals(5.0, Main.timeoutPerMegapixel(5.0, true));
        assertEquals(0.0, Main.timeoutPerMegapixel(0.0, false));
    }

    @Test
    void startLineShowsADeadlineInSecondsWithoutLosingItsFraction() {
        assertEquals("30", Main.seconds(30_000));
        assertEquals("0.25", Main.seconds(250));
        assertEquals("800", Main.seconds(800_000));
        assertEquals("1.5", Main.seconds(1_500));
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        String help = out.toString().replaceAll("\\s+", " ");
        for (String want : new String[] {"--port", "AEIC_PORT", "Default: 8080", "--max-upload-bytes",
            "Default: 67108864", "--max-pixels", "Default: 12582912", "--workers", "AEIC_WORKERS",
            "--queue-length", "Default: 16", "--request-timeout", "Default: 30", "--timeout-per-megapixel",
            "Default: 20, or 800 where the JVM has no fma instruction",
            "--body-timeout", "--body-min-rate", "--idle-timeout", "--memory-budget", "--shutdown-grace"}) {
            assertTrue(help.contains(want), "help lacks " + want + ":\n" + help);
        }
    }
}
