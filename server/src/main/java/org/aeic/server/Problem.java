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
