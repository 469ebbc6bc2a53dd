package org.aeic.imageio;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.aeic.codec.TileListener;

/**
 * Reports the coder's tiles to an ImageIO reader's or writer's progress listeners (up to 95 %, the rest
 * is turning pixels into an image) and stops the coder on abort. A listener that throws stops the coder
 * too; {@link #rethrowListenerFailure()} then passes its exception on as it is.
 */
final class TileProgress implements TileListener {
    static final float TILE_PROGRESS = 95f;

    private final Consumer<Float> report;
    private final BooleanSupplier abortRequested;
    private final int tiles;
    private RuntimeException listenerFailure;

    /** @param tiles tiles the work codes, or 0 to use the coder's own count */
    TileProgress(Consumer<Float> report, BooleanSupplier abortRequested, int tiles) {
        this.report = report;
        this.abortRequested = abortRequested;
        this.tiles = tiles;
    }

    @Override
    public boolean tileDone(int done, int total) {
        try {
            report.accept(Math.min(TILE_PROGRESS, TILE_PROGRESS * done / (tiles > 0 ? tiles : total)));
        } catch (RuntimeException e) {
            listenerFailure = e;
            return false;
        }
        return !abortRequested.getAsBoolean();
    }

    /** After the coder stopped: the listener's own exception, if that is why. */
    void rethrowListenerFailure() {
        if (listenerFailure != null) {
            throw listenerFailure;
        }
    }
}
