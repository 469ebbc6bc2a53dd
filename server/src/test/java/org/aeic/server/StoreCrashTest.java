package org.aeic.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a server process in the middle of uploads: after a restart on the same store directory every upload
 * that was acknowledged (201) is there and whole, every object listed is whole, and no temporary file is left.
 */
class StoreCrashTest {
    static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

    record Child(Process process, int port) {
    }

    static Child startServer(Path store) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.aeic.server.Main", "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--store",
                store.toString(), "--no-access-log").redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(l -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // the process is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new Child(p, Integer.parseInt(m.group(1)));
            }
        }
        throw new AssertionError("the server did not start:\n" + seen);
    }

    @Test
    void acknowledgedUploadsSurviveKill9AndNoPartialObjectIsVisible(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("store");
        Child first = startServer(store);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                byte[] png = TestSupport.png(160 + i, 120, 500 + i);
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.port() + "/v1/images"))
                        .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png))
                        .timeout(Duration.ofSeconds(60)).build();
                uploads.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
                    if (r.statusCode() == 201) {
                        acknowledged.add(new JsonObject(r.body()).getString("id"));
                    }
                }));
            }
            for (int k = 0; k < 6000 && acknowledged.isEmpty(); k++) {
                Thread.sleep(5);
            }
            assertFalse(acknowledged.isEmpty(), "no upload was acknowledged");
        } finally {
            first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no finally blocks in the server
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
        }
        for (CompletableFuture<?> f : uploads) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (Exception cutOff) {
                // the server died under it: not acknowledged
            }
        }
        Set<String> acked = Set.copyOf(acknowledged);

        Child second = startServer(store);
        try {
            JsonArray listed = new JsonObject(get(http, second, "/v1/images?limit=1000").body())
                    .getJsonArray("images");
            List<String> ids = new ArrayList<>();
            listed.forEach(o -> ids.add(((JsonObject) o).getString("id")));
            assertTrue(ids.containsAll(acked), "acknowledged " + acked + ", listed " + ids);
            System.out.printf("kill -9 with 12 uploads in flight: %d acknowledged before the kill, %d objects after"
                    + " the restart, all whole%n", acked.size(), ids.size());
            for (String id : ids) { // every visible object is whole: its bytes still hash to its id
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + second.port() + "/v1/images/" + id + "?format=aeic")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                assertEquals(id, ImagesApi.idOf(r.body()));
            }
            try (Stream<Path> files = Files.walk(store)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList(),
                        "temporary files are removed when the store opens");
            }
        } finally {
            second.process().destroy();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> get(HttpClient http, Child c, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
