package org.aeic.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.aeic.codec.io.OneLine;

/**
 * Reads a request body into memory, never more than a limit: the raw body, or one file part of a
 * {@code multipart/form-data} body (other parts are dropped as they arrive). Nothing touches the disk.
 * Must be started from the route handler itself, before anything asynchronous, so no data is missed.
 */
final class BodyReader {
    interface Listener {
        /**
         * {@code total} bytes of body have arrived so far; returns a refusal to stop reading (say, no memory left
         * for them), or null to go on.
         */
        ApiException received(long total);

        void body(byte[] bytes);

        void failed(ApiException e);
    }

    private final HttpServerRequest request;
    private final long limit;
    private final String field;
    private final Listener listener;
    private final Buffer buffer;
    private long received;
    private boolean fieldSeen;
    private boolean fieldEnded;
    private boolean requestEnded;
    private boolean done;

    private BodyReader(HttpServerRequest request, long limit, String field, Listener listener, long expected) {
        this.request = request;
        this.limit = limit;
        this.field = field;
        this.listener = listener;
        this.buffer = Buffer.buffer((int) Math.min(Math.max(expected, 1024), Math.min(limit, 16 << 20)));
    }

    /**
     * @param field the multipart field holding the data, or null for a raw body
     * @param expected the Content-Length, or -1
     */
    static BodyReader read(HttpServerRequest request, long limit, String field, long expected, Listener listener) {
        BodyReader r = new BodyReader(request, limit, field, listener, expected);
        r.start();
        return r;
    }

    /** Bytes of body received so far (the whole body, multipart framing included). */
    long received() {
        return received;
    }

    private void start() {
        if (field != null) {
            try {
                request.setExpectMultipart(true);
            } catch (IllegalStateException e) {
                fail(ApiException.badRequest("malformed multipart request: " + e.getMessage()));
                return;
            }
            request.uploadHandler(upload -> {
                if (!field.equals(upload.name()) || fieldSeen) {
                    upload.handler(b -> { });
                    return;
                }
                fieldSeen = true;
                upload.handler(b -> {
                    if (!done) {
                        buffer.appendBuffer(b);
                    }
                });
                upload.exceptionHandler(t -> fail(ApiException.badRequest("malformed multipart request: "
                        + OneLine.of(t))));
                upload.endHandler(v -> {
                    fieldEnded = true;
                    finish();
                });
            });
        }
        request.handler(b -> {
            received += b.length();
            if (done) {
                return;
            }
            ApiException refusal = received > limit
                    ? ApiException.tooLarge("request body exceeds the limit of " + limit + " bytes")
                    : listener.received(received);
            if (refusal != null) {
                fail(refusal);
            } else if (field == null) {
                buffer.appendBuffer(b);
            }
        });
        request.exceptionHandler(t -> fail(ApiException.badRequest("cannot read the request body: " + OneLine.of(t))));
        request.endHandler(v -> {
            requestEnded = true;
            if (!done && field != null && !fieldSeen) {
                String attr = request.getFormAttribute(field);
                fail(ApiException.badRequest(attr != null
                        ? "multipart field '" + field + "' must be a file part (with a filename)"
                        : "multipart body has no file field '" + field + "'"));
                return;
            }
            if (!done && field != null && !fieldEnded) {
                // the decoder hands over a part only at its closing boundary: a body that ends first is truncated
                fail(ApiException.badRequest("multipart body ends inside the file field '" + field
                        + "' (no closing boundary)"));
                return;
            }
            finish();
        });
    }

    /** Hands the body over once the request has ended and, for multipart, the part too. */
    private void finish() {
        if (done || !requestEnded || (field != null && !fieldEnded)) {
            return;
        }
        done = true;
        listener.body(buffer.getBytes());
    }

    private void fail(ApiException e) {
        if (!done) {
            done = true;
            listener.failed(e);
        }
    }
}
