package org.aeic.codec.container;

import java.util.List;
import java.util.Objects;
import org.aeic.proto.StreamHeader;

/**
 * A parsed {@code .aeic} container: the header and the raw bytes of every section, not yet decoded.
 * Tiles are in row-major order; {@code alpha}, {@code icc} and {@code exif} are {@code null} when absent.
 * The byte arrays are shared, not copied: callers must not modify them.
 */
public final class AeicStream {

    /** The pixel rectangle a tile covers; tiles in the last column or row may be smaller than the tile size. */
    public record TileRect(int x, int y, int width, int height) {
    }

    private final StreamHeader header;
    private final List<byte[]> tiles;
    private final byte[] alpha;
    private final byte[] icc;
    private final byte[] exif;

    /** Wraps the given parts; {@code tiles} is copied into an unmodifiable list (the arrays themselves are not). */
    public AeicStream(StreamHeader header, List<byte[]> tiles, byte[] alpha, byte[] icc, byte[] exif) {
        this.header = Objects.requireNonNull(header, "header");
        this.tiles = List.copyOf(tiles);
        this.alpha = alpha;
        this.icc = icc;
        this.exif = exif;
    }

    public StreamHeader header() {
        return header;
    }

    /** The tile payloads, row-major. */
    public List<byte[]> tiles() {
        return tiles;
    }

    /** The coded alpha plane (see {@link AlphaCodec}), or {@code null}. */
    public byte[] alpha() {
        return alpha;
    }

    /** The ICC profile carried through from the source, or {@code null}. */
    public byte[] icc() {
        return icc;
    }

    /** The EXIF block carried through from the source, or {@code null}. */
    public byte[] exif() {
        return exif;
    }

    public int width() {
        return header.getWidth();
    }

    public int height() {
        return header.getHeight();
    }

    public int tileSize() {
        return header.getTileSize();
    }

    /** Number of tile columns, ceil(width / tileSize). */
    public int tilesX() {
        return tilesAlong(width(), tileSize());
    }

    /** Number of tile rows, ceil(height / tileSize). */
    public int tilesY() {
        return tilesAlong(height(), tileSize());
    }

    /** The rectangle of tile {@code index} (row-major). */
    public TileRect tileRect(int index) {
        return tileRect(width(), height(), tileSize(), index);
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
}
