package org.aeic.codec;

/**
 * The one checked exception of the AEIC API: the input is not something the codec can work with
 * (not an image, a corrupt or truncated stream, a stream for an unknown model, a size over a limit).
 * The message is one line meant for the end user.
 */
public class AeicException extends Exception {
    private static final long serialVersionUID = 1L;

    public AeicException(String message) {
        super(message);
    }

    public AeicException(String message, Throwable cause) {
        super(message, cause);
    }
}
