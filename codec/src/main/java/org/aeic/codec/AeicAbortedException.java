package org.aeic.codec;

/** The caller's {@link TileListener} asked to stop. */
public final class AeicAbortedException extends AeicException {
    private static final long serialVersionUID = 1L;

    public AeicAbortedException() {
        super("aborted");
    }
}
