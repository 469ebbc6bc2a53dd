package org.aeic.codec;

/** Told after each tile is coded; may stop the work (the coder then throws {@link AeicAbortedException}). */
@FunctionalInterface
public interface TileListener {
    TileListener NONE = (done, total) -> true;

    /** @return false to abort */
    boolean tileDone(int done, int total);
}
