package org.aeic.server;

/**
 * A request the server refuses, answered as an RFC 9457 problem: {@code status}, a stable {@code kind}
 * (the last part of the problem type URI, also the {@code reason} label of the rejection metric) and a
 * one-line {@code detail} for the user.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String kind;

    ApiException(int status, String kind, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.kind = kind;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, "malformed", detail);
    }

    static ApiException tooLarge(String detail) {
        return new ApiException(413, "too-large", detail);
    }

    static ApiException unsupported(String detail) {
        return new ApiException(415, "unsupported-media-type", detail);
    }

    static ApiException invalid(String detail) {
        return new ApiException(422, "invalid", detail);
    }
}
