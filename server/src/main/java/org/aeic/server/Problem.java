package org.aeic.server;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** RFC 9457 problem details ({@code application/problem+json}). */
final class Problem {
    static final String CONTENT_TYPE = "application/problem+json";
    /** Problem type URIs are {@code urn:aeic:problem:KIND}; the OpenAPI file lists the kinds. */
    static final String TYPE_PREFIX = "urn:aeic:problem:";

    private Problem() {
    }

    /**
     * A client's or a stream's string as it may appear in an answer: the characters {@code OneLine.unsafe} names as
     * {@code \\uXXXX} (JSON's form, as in the answers' bodies), at most 200 characters.
     */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            if (org.aeic.codec.io.OneLine.unsafe(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() < 200 ? b.toString() : b + "...";
    }

    static JsonObject json(int status, String kind, String detail, String instance) {
        JsonObject o = new JsonObject()
                .put("type", TYPE_PREFIX + kind)
                .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
                .put("status", status)
                .put("detail", detail);
        if (instance != null) {
            o.put("instance", instance);
        }
        return o;
    }

    /** Ends {@code response} with the problem unless it has already been written. */
    static Future<Void> send(HttpServerResponse response, int status, String kind, String detail,
                             String instance) {
        if (response.ended() || response.headWritten() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(json(status, kind, detail, instance).encode());
    }
}
