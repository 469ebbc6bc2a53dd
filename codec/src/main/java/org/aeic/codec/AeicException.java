package org.aeic.codec;

import java.util.Objects;

/**
 * The one checked exception of the AEIC API: the input is not something the codec can work with
 * (not an image, a corrupt or truncated stream, a stream for an unknown model, a size over a limit).
 * The message is one line meant for the end user; {@link #kind()} is what a caller branches on.
 */
public class AeicException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of refusal this is, so that callers can react without reading the message. */
    public enum Kind {
        /**
         * The input is broken: not an image or not an AEIC stream, corrupt, truncated or inconsistent data,
         * an invalid model file, an unreadable file. Sending the same input again will fail the same way.
         */
        MALFORMED,
        /**
         * The input is valid but cannot be used here: an unknown model id, a stream made with another version
         * of a model or format we have, a quality the model lacks, an unsupported model architecture.
         * Another model, build or option may succeed.
         */
        UNSUPPORTED,
        /**
         * The input is over a configured size limit (pixels, width, height, tiles, section or file bytes) or
         * larger than the memory at hand allows. A smaller input or a higher limit may succeed.
         */
        TOO_LARGE
    }

    private final Kind kind;

    /** A {@link Kind#MALFORMED} refusal. */
    public AeicException(String message) {
        this(Kind.MALFORMED, message);
    }

    /** A {@link Kind#MALFORMED} refusal. */
    public AeicException(String message, Throwable cause) {
        this(Kind.MALFORMED, message, cause);
    }

    public AeicException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public AeicException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
