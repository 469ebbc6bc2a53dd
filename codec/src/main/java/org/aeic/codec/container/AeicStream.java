package org.aeic.codec.container;

import java.util.List;
import java.util.Objects;
import org.aeic.codec.tiling.Tiling;
import org.aeic.proto.StreamHeader;

/**
 * A parsed {@code .aeic} container: the header and the raw bytes of every section, not yet decoded.
 * Tiles are in row-major order; {@code alpha}, {@code icc} and {@code exif} are {@code null} when absent.
 * The byte arrays are shared, not copied: callers must not modify them.
 */
public final class AeicStream {

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
        return Tiling.tilesAlong(width(), tileSize());
    }

    /** Number of tile rows, ceil(height / tileSize). */
    public int tilesY() {
        return Tiling.tilesAlong(height(), tileSize());
    }

    /** The rectangle of tile {@code index} (row-major). */
    public Tiling.TileRect tileRect(int index) {
        return Tiling.tileRect(width(), height(), tileSize(), index);
    }
}
