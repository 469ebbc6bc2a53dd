package org.aeic.codec.tiling;

import java.awt.Rectangle;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.nn.Layer;

/**
 * Tile geometry, the one home for it: how an image is cut into tiles, the rectangle of each, the overlap around
 * them and their latent sizes. The encoder, the decoder and the container's stream all ask here.
 */
public final class Tiling {
    /** Tiles are at most this wide and high: bigger ones would need too much memory to decode. */
    public static final int MAX_TILE_SIZE = 1024;
    /** Images up to this size are one tile (no seams); larger ones use {@link #LARGE_TILE}. */
    public static final int SINGLE_TILE_MAX = 1024;
    public static final int LARGE_TILE = 512;
    /**
     * Context around each tile when an image has several, written in the stream: more than the receptive field of
     * either transform (30 pixels for the analysis, 1 latent pixel before and 2 after for the synthesis of the
     * bundled models), so tiles are computed exactly as the whole image would be, and show no seams. The windows
     * themselves are only as wide as the receptive field within it ({@link #analysisWindow}).
     */
    public static final int OVERLAP = 64;
    /** The largest overlap a stream may ask for (more would only cost the decoder time and memory). */
    public static final int MAX_OVERLAP = 256;

    /** The pixel rectangle a tile covers; tiles in the last column or row may be smaller than the tile size. */
    public record TileRect(int x, int y, int width, int height) {
    }

    private Tiling() {
    }

    /** The tile-size rule, for streams and for encoder options: a multiple of the stride (16) in 16..1024. */
    public static boolean validTileSize(long ts) {
        return ts >= FactorizedModel.STRIDE && ts <= MAX_TILE_SIZE && ts % FactorizedModel.STRIDE == 0;
    }

    /** The tile size the encoder picks when the options leave it open. */
    public static int tileSizeFor(int width, int height) {
        int longest = Math.max(width, height);
        return longest <= SINGLE_TILE_MAX ? roundUp(longest) : LARGE_TILE;
    }

    /** The overlap an image of {@code tiles} tiles is coded with: none for one tile. */
    public static int overlapFor(int tiles) {
        return tiles > 1 ? OVERLAP : 0;
    }

    /** Whether a stream's overlap is one this decoder computes: a multiple of the stride up to {@link #MAX_OVERLAP}. */
    public static boolean validOverlap(int overlap) {
        // a uint32 in the header: values of 2^31 and more arrive as negative ints
        return overlap >= 0 && overlap % FactorizedModel.STRIDE == 0 && overlap <= MAX_OVERLAP;
    }

    /** Latent pixels for {@code pixels} image pixels (padded to the stride). */
    public static int latentSize(int pixels) {
        return roundUp(pixels) / FactorizedModel.STRIDE;
    }

    /** {@code v} rounded up to a multiple of the model's stride. */
    public static int roundUp(int v) {
        int s = FactorizedModel.STRIDE;
        return (v + s - 1) / s * s;
    }

    /** Number of tiles of {@code tileSize} needed to cover {@code extent} pixels (both positive). */
    public static int tilesAlong(int extent, int tileSize) {
        return (int) ((Integer.toUnsignedLong(extent) + tileSize - 1) / tileSize);
    }

    /** The rectangle of tile {@code index} (row-major) in a width × height image cut into tileSize tiles. */
    public static TileRect tileRect(int width, int height, int tileSize, int index) {
        int tx = tilesAlong(width, tileSize);
        int count = tx * tilesAlong(height, tileSize);
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("tile " + index + " of " + count);
        }
        int x = (index % tx) * tileSize;
        int y = (index / tx) * tileSize;
        return new TileRect(x, y, Math.min(tileSize, width - x), Math.min(tileSize, height - y));
    }

    /**
     * The pixels the analysis of tile {@code r} reads: the tile plus what the receptive field of its latent reaches
     * around it (widened to the stride), no more than {@code overlap}, within the image as it is padded to the stride
     * (all edges multiples of the stride). Reading further would give the same latent bit for bit, at more cost: the
     * 64-pixel overlap made an interior 512-pixel tile's analysis 1.56 times its own area, the field 1.20 times.
     */
    public static Rectangle analysisWindow(int width, int height, TileRect r, int overlap, Layer analysis) {
        int s = FactorizedModel.STRIDE;
        int[] sx = analysis.inputSpan(r.x() / s, (r.x() + roundUp(r.width())) / s - 1);
        int[] sy = analysis.inputSpan(r.y() / s, (r.y() + roundUp(r.height())) / s - 1);
        int x0 = Math.max(0, Math.max(r.x() - overlap, Math.floorDiv(sx[0], s) * s));
        int y0 = Math.max(0, Math.max(r.y() - overlap, Math.floorDiv(sy[0], s) * s));
        int x1 = Math.min(roundUp(width), Math.min(r.x() + roundUp(r.width()) + overlap, roundUp(sx[1] + 1)));
        int y1 = Math.min(roundUp(height), Math.min(r.y() + roundUp(r.height()) + overlap, roundUp(sy[1] + 1)));
        return new Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    /**
     * The latent pixels the synthesis of tile {@code r} reads: its own plus those of its neighbours that the receptive
     * field of its pixels reaches, no more than {@code overlap} / stride of them on each side.
     */
    public static Rectangle synthesisWindow(int width, int height, TileRect r, int overlap, Layer synthesis) {
        int st = FactorizedModel.STRIDE;
        int m = overlap / st;
        int[] sx = synthesis.inputSpan(r.x(), r.x() + r.width() - 1);
        int[] sy = synthesis.inputSpan(r.y(), r.y() + r.height() - 1);
        int x0 = Math.max(r.x() / st - m, sx[0]);
        int y0 = Math.max(r.y() / st - m, sy[0]);
        int x1 = Math.min(r.x() / st + latentSize(r.width()) + m, sx[1] + 1);
        int y1 = Math.min(r.y() / st + latentSize(r.height()) + m, sy[1] + 1);
        return new Rectangle(x0, y0, x1 - x0, y1 - y0)
                .intersection(new Rectangle(0, 0, latentSize(width), latentSize(height)));
    }
}
