package org.aeic.codec;

/** The caller's {@link TileListener} asked to stop: catch it by type, its {@link #kind()} is only the default. */
public final class AeicAbortedException extends AeicException {
    private static final long serialVersionUID = 1L;

    public AeicAbortedException() {
        super("aborted");
    }
}
