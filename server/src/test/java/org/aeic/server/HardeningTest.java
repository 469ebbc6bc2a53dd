package org.aeic.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's reproductions, each against a server of its own with small limits: admission slots that must come
 * back on every path, slow and abandoned bodies, refusals that do not read the body, limits that agree, a busy port,
 * and HTTP edge cases. Waits are bounded by events (an answer, a closed connection), never by a measured duration.
 */
class HardeningTest {
    static final byte[] SMALL = TestSupport.png(64, 48, 3);

    /** What came back on a raw connection: the status line, headers, body, and whether the server closed. */
    record Raw(String status, String head, String body, boolean closed) {
        int code() {
            return Integer.parseInt(status.split(" ")[1]);
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            return null;
        }

        JsonObject problem() {
            assertEquals("application/problem+json", header("Content-Type"), head);
            JsonObject p = new JsonObject(body);
            assertEquals(code(), p.getInteger("status"));
            return p;
        }
    }

    /** Reads one answer (head and a Content-Length body), then whether the server closes within 5 s. */
    static Raw readAnswer(Socket s, boolean head) throws IOException {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int end;
        while ((end = b.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed before an answer: " + b.toString(StandardCharsets.ISO_8859_1));
            }
            b.write(c);
        }
        String h = b.toString(StandardCharsets.ISO_8859_1).substring(0, end);
        String status = h.split("\r\n", 2)[0];
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = head ? new byte[0] : in.readNBytes(length);
        boolean closed;
        s.setSoTimeout(5_000);
        try {
            closed = in.read() < 0;
        } catch (SocketTimeoutException open) {
            closed = false;
        } catch (java.net.SocketException reset) {
            closed = true;
        }
        return new Raw(status, h, new String(body, StandardCharsets.UTF_8), closed);
    }

    static Raw exchange(AeicServer server, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readAnswer(s, request.startsWith("HEAD "));
        }
    }

    /** Headers of a compress request; keep-alive, so that a close is the server's own decision. */
    static String compressRequest(int length) {
        return "POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: " + length
                + "\r\n\r\n";
    }

    static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    /** Admitted requests (queued or being coded), once every admission that should come back has. */
    static int admittedWhenSettled(AeicServer server) throws Exception {
        for (int i = 0; i < 400; i++) {
            JsonObject h = new JsonObject(exchange(server, HEALTH).body());
            int n = h.getInteger("queued") + h.getInteger("busy");
            if (n == 0) {
                return 0;
            }
            Thread.sleep(50);
        }
        JsonObject h = new JsonObject(exchange(server, HEALTH).body());
        return h.getInteger("queued") + h.getInteger("busy");
    }

    static Raw compress(AeicServer server, byte[] image) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(compressRequest(image.length).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(image);
            return readAnswer(s, false);
        }
    }

    // ------------------------------------------------------------ 1. admission slots that leaked

    @Test
    void anUnterminatedMultipartBodyIsRefusedAndItsSlotComesBack() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(0));
        try {
            String part = "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nxxxx";
            for (int i = 0; i < 3; i++) { // more than the one slot there is: each must come back
                Raw r = exchange(server, "POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data;"
                        + " boundary=B\r\nConnection: close\r\nContent-Length: " + part.length() + "\r\n\r\n" + part);
                assertEquals(400, r.code(), r.head());
                assertTrue(r.problem().getString("detail").contains("no closing boundary"), r.body());
            }
            assertEquals(0, admittedWhenSettled(server));
            assertEquals(200, compress(server, SMALL).code());
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void aClientThatLeavesMidBodyGivesItsSlotBack() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(0));
        try {
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.getOutputStream().write((compressRequest(100) + "xx").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    // the slot is taken once the server has the headers; /health shows it
                    for (int k = 0; k < 1200 && admittedWhenBusy(server) == 0; k++) { // up to 30 s on a loaded machine
                        Thread.sleep(25);
                    }
                }
                assertEquals(0, admittedWhenSettled(server), "slot back after the client left, round " + i);
            }
            assertEquals(200, compress(server, SMALL).code());
        } finally {
            TestSupport.stop(server);
        }
    }

    private static int admittedWhenBusy(AeicServer server) throws IOException {
        JsonObject h = new JsonObject(exchange(server, HEALTH).body());
        return h.getInteger("queued") + h.getInteger("busy");
    }

    // ------------------------------------------------------------ 2. slow clients

    @Test
    void anIncompleteBodyGets408AndItsSlotComesBack() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(0)
                .withBodyTimeoutMs(300, 1 << 20));
        try {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write((compressRequest(100) + "xx").getBytes(StandardCharsets.ISO_8859_1));
                Raw r = readAnswer(s, false); // no more bytes are sent: the body deadline answers
                assertEquals(408, r.code(), r.head());
                assertEquals("urn:aeic:problem:request-timeout", r.problem().getString("type"));
                assertTrue(r.closed(), "the connection is closed after a 408");
            }
            assertEquals(0, admittedWhenSettled(server));
            assertEquals(200, compress(server, SMALL).code());
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void aTricklingClientIsCutOffWhileOthersAreServed() throws Exception {
        // 1 s for the body plus 1 s per 100 bytes: a client at about 10 bytes/s falls behind within seconds
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(0)
                .withBodyTimeoutMs(1000, 100));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(compressRequest(100_000).getBytes(StandardCharsets.ISO_8859_1));
            Future<Integer> trickled = pool.submit(() -> {
                int sent = 0;
                try {
                    for (; sent < 100_000; sent++) { // bounded: the server cuts it off long before
                        out.write('x');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException cutOff) {
                    // expected
                }
                return sent;
            });
            Raw r = readAnswer(slow, false);
            assertEquals(408, r.code(), r.head());
            assertTrue(r.closed());
            slow.close();
            assertTrue(trickled.get(60, TimeUnit.SECONDS) < 100_000);
            assertEquals(0, admittedWhenSettled(server));
            assertEquals(200, compress(server, SMALL).code(), "the one slot serves again");
        } finally {
            pool.shutdownNow();
            TestSupport.stop(server);
        }
    }

    // ------------------------------------------------------------ 3. refusals do not read the body

    @Test
    void aRefusalAnswersAtOnceAndClosesWithoutReadingTheBody() throws Exception {
        // no slot at all for coding requests: every one is refused from its headers
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(0));
        try (Socket hold = new Socket("127.0.0.1", server.port())) {
            hold.getOutputStream().write((compressRequest(100) + "x").getBytes(StandardCharsets.ISO_8859_1));
            for (int k = 0; k < 1200 && admittedWhenBusy(server) == 0; k++) { // up to 30 s on a loaded machine
                Thread.sleep(25);
            }
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                // 50 MB declared, none sent: the answer must not wait for the body
                s.getOutputStream().write(compressRequest(50_000_000).getBytes(StandardCharsets.ISO_8859_1));
                Raw r = readAnswer(s, false);
                assertEquals(503, r.code(), r.head());
                assertEquals("close", r.header("Connection"));
                assertTrue(r.header("Retry-After") != null);
                assertEquals("urn:aeic:problem:queue-full", r.problem().getString("type"));
                assertTrue(r.closed(), "closed without reading a body that never came");
            }
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void aRequestThatFindsTheQueueFullWaitsForAPlace() throws Exception {
        // a long admission wait: the place held below is given back well within it
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(0)
                .withAdmissionWaitMs(60_000));
        try (Socket hold = new Socket("127.0.0.1", server.port())) {
            hold.getOutputStream().write((compressRequest(100) + "x").getBytes(StandardCharsets.ISO_8859_1));
            for (int k = 0; k < 1200 && admittedWhenBusy(server) == 0; k++) { // up to 30 s on a loaded machine
                Thread.sleep(25);
            }
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                OutputStream out = s.getOutputStream();
                out.write(compressRequest(SMALL.length).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(SMALL); // sent while waiting: kept, not dropped
                out.flush();
                hold.close(); // the place frees up
                Raw r = readAnswer(s, false);
                assertEquals(200, r.code(), r.body());
            }
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void overloadAnswersOnly200Or503AndEveryAdmissionComesBack() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withQueueLength(1));
        byte[] image = TestSupport.png(256, 256, 5);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<List<Integer>>> all = new ArrayList<>();
            for (int c = 0; c < 16; c++) { // 16x the worker count, 4 requests each
                all.add(clients.submit(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        codes.add(compress(server, image).code());
                    }
                    return codes;
                }));
            }
            int ok = 0;
            int refused = 0;
            for (Future<List<Integer>> f : all) {
                for (int code : f.get(300, TimeUnit.SECONDS)) {
                    assertTrue(code == 200 || code == 503, "only 200 or 503, got " + code);
                    ok += code == 200 ? 1 : 0;
                    refused += code == 503 ? 1 : 0;
                }
            }
            assertEquals(64, ok + refused);
            assertTrue(ok >= 2, "the worker and the queue place served: " + ok);
            assertEquals(0, admittedWhenSettled(server));
        } finally {
            clients.shutdownNow();
            TestSupport.stop(server);
        }
    }

    // ------------------------------------------------------------ 4. limits that agree

    @Test
    void defaultLimitsAgree() {
        ServerConfig d = ServerConfig.defaults();
        // the largest admitted image gets a deadline of at least 20 s per megapixel, about 7x what decoding one
        // megapixel on one thread took on the machine this was measured on (2.8 s, AVX-512)
        assertTrue(d.codingDeadlineMs(d.maxPixels()) >= d.maxPixels() / 1e6 * 20_000);
        // and decoding it fits the coding share of the memory budget of a 2 GiB heap
        assertTrue(d.maxPixels() * Coding.DECOMPRESS_BYTES_PER_PIXEL
                <= (long) ((2L << 30) * 0.6 * (1 - AeicServer.BODY_SHARE)));
        assertEquals(30_000 + 20_000, d.codingDeadlineMs(1_000_000));
    }

    @Test
    void anImageThatCannotFitTheMemoryBudgetIsRefusedAtOnce() throws Exception {
        // 8 MiB of budget: 6 MiB for coding, so at 40 bytes a pixel about 157,000 pixels compress
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withMemoryBudgetBytes(8L << 20));
        try {
            Raw r = compress(server, TestSupport.png(500, 400, 1));
            assertEquals(413, r.code(), r.body());
            assertTrue(r.problem().getString("detail").contains("memory budget"), r.body());
            assertEquals(200, compress(server, TestSupport.png(300, 200, 1)).code());
            assertEquals(0, admittedWhenSettled(server));
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void workPastItsDeadlineStopsAndIsAnswered504() throws Exception {
        // no time at all per megapixel and 1 ms of base: the deadline passes while the image is coded
        AeicServer server = TestSupport.start(TestSupport.config().withWorkers(1).withRequestTimeoutMs(1, 0));
        try {
            Raw r = compress(server, TestSupport.png(512, 512, 7));
            assertEquals(504, r.code(), r.body());
            assertTrue(r.problem().getString("detail").contains("deadline"), r.body());
            assertEquals(0, admittedWhenSettled(server));
        } finally {
            TestSupport.stop(server);
        }
    }

    // ------------------------------------------------------------ 5. a busy port

    @Test
    void aBusyPortIsOneLineAndExit1() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config());
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new String[] {"--host", "127.0.0.1", "--port", String.valueOf(server.port())},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertEquals(1, code);
            String e = err.toString().strip();
            assertFalse(e.contains("\n"), "one line: " + e);
            assertTrue(e.contains("port " + server.port()) && e.contains("already in use"), e);
        } finally {
            TestSupport.stop(server);
        }
    }

    // ------------------------------------------------------------ 6. HTTP

    @Test
    void overLongLinesAndHeadersAreProblemsAndCloseTheConnection() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config());
        try {
            Raw uri = exchange(server, "GET /" + "a".repeat(10_000) + " HTTP/1.0\r\n\r\n");
            assertEquals(414, uri.code());
            assertEquals("urn:aeic:problem:uri-too-long", uri.problem().getString("type"));
            assertTrue(uri.closed());
            Raw headers = exchange(server, "GET /health HTTP/1.0\r\nX-A: " + "a".repeat(20_000) + "\r\n\r\n");
            assertEquals(431, headers.code());
            assertEquals("urn:aeic:problem:headers-too-large", headers.problem().getString("type"));
            for (String cl : new String[] {"-5", "1e23"}) {
                Raw r = exchange(server, "POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Length: " + cl
                        + "\r\n\r\n");
                assertEquals(400, r.code(), cl);
                assertEquals("urn:aeic:problem:malformed", r.problem().getString("type"));
                assertTrue(r.closed(), cl);
            }
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void bothContentLengthAndTransferEncodingCloseTheConnection() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            Raw r = readAnswer(s, false);
            assertEquals(400, r.code(), r.head());
            r.problem();
            assertTrue(r.closed(), "the pipelined request behind it is not served: " + r.head() + r.body());
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void headWhereGetIsAndAllowOn405() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config());
        try {
            Raw head = exchange(server, "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(200, head.code(), head.head());
            assertEquals("application/json", head.header("Content-Type"));
            Raw del = exchange(server, "DELETE /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(405, del.code());
            assertEquals("GET, HEAD", del.header("Allow"));
            del.problem();
            Raw get = exchange(server, "GET /v1/compress HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(405, get.code());
            assertEquals("POST", get.header("Allow"));
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void qualityIsAPlainDecimal() throws Exception {
        AeicServer server = TestSupport.start(TestSupport.config());
        try {
            for (String q : new String[] {"0x1p2", "4d", "4f", "+4", "4e0", "NaN", "Infinity", " 4"}) {
                Raw r = exchange(server, "POST /v1/compress?quality=" + q.replace(" ", "%20")
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n");
                assertEquals(400, r.code(), q);
                assertTrue(r.problem().getString("detail").startsWith("quality must be"), q);
            }
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/compress?quality=3.5 HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                        + "Content-Length: " + SMALL.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(SMALL);
                Raw r = readAnswer(s, false);
                assertEquals(200, r.code());
                assertEquals("3.5", r.header("X-AEIC-Quality"));
            }
        } finally {
            TestSupport.stop(server);
        }
    }

    @Test
    void everyAnswerIsOneAccessLogLine() throws Exception {
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        AeicServer.ACCESS.addHandler(h);
        AeicServer server = TestSupport.start(TestSupport.config());
        try {
            exchange(server, HEALTH);
            exchange(server, "GET /nothing%1b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            for (int i = 0; i < 100 && lines.size() < 2; i++) {
                Thread.sleep(20);
            }
            assertEquals(2, lines.size(), lines::toString);
            assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - \\[.+\\] \"GET /health HTTP/1\\.1\" 200 [0-9]+ [0-9.]+"),
                    lines.get(0));
            assertTrue(lines.get(1).contains("\"GET /nothing%1b HTTP/1.1\" 404 "), lines.get(1));
        } finally {
            AeicServer.ACCESS.removeHandler(h);
            TestSupport.stop(server);
        }
    }

    @Test
    void problemDetailsEscapeControlCharacters() {
        assertEquals("a\\u001b[31mb", Problem.printable("a\u001b[31mb"));
        assertEquals("x\\u202ey", Problem.printable("x\u202ey"), "a bidi override, as the CLI escapes it");
        assertNotEquals(-1, Problem.printable("x".repeat(500)).indexOf("..."));
    }
}
