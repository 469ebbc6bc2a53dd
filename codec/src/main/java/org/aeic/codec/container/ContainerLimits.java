package org.aeic.codec.container;

/**
 * Upper bounds a {@link ContainerReader} enforces on a stream's header before it allocates anything.
 * Every size and count in an {@code .aeic} header is checked against these, so a hostile or corrupt file
 * cannot make the reader allocate more than the limits (or the bytes actually present) allow.
 *
 * @param maxWidth       largest accepted image width in pixels
 * @param maxHeight      largest accepted image height in pixels
 * @param maxPixels      largest accepted width × height
 * @param maxTiles       largest accepted number of tiles
 * @param maxTileBytes   largest accepted payload of one tile
 * @param maxHeaderBytes largest accepted encoded {@code StreamHeader}
 * @param maxIccBytes    largest accepted ICC profile
 * @param maxExifBytes   largest accepted EXIF block
 * @param maxAlphaBytes  largest accepted coded alpha plane
 */
public record ContainerLimits(int maxWidth, int maxHeight, long maxPixels, int maxTiles, int maxTileBytes,
                              int maxHeaderBytes, int maxIccBytes, int maxExifBytes, int maxAlphaBytes) {

    /** The largest array the JVM reliably allocates; a byte limit above it could never be honoured. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final ContainerLimits DEFAULTS = new ContainerLimits(100_000, 100_000, 400_000_000L, 65_536,
            64 << 20, 1 << 20, 4 << 20, 1 << 20, 512 << 20);

    /** Checks that every limit is positive and that byte limits fit in a Java array. */
    public ContainerLimits {
        if (maxWidth < 1 || maxHeight < 1 || maxPixels < 1 || maxTiles < 1) {
            throw new IllegalArgumentException("image and tile limits must be positive");
        }
        for (int b : new int[] {maxTileBytes, maxHeaderBytes, maxIccBytes, maxExifBytes, maxAlphaBytes}) {
            if (b < 1 || b > MAX_ARRAY) {
                throw new IllegalArgumentException("byte limits must be in 1.." + MAX_ARRAY + ", got " + b);
            }
        }
    }

    /**
     * The default limits: 100,000 × 100,000 pixels but at most 400 million, 65,536 tiles of at most 64 MiB,
     * a 1 MiB header, a 4 MiB ICC profile, 1 MiB of EXIF and a 512 MiB alpha plane.
     */
    public static ContainerLimits defaults() {
        return DEFAULTS;
    }

    /** A copy of these limits with another maximum width. */
    public ContainerLimits withMaxWidth(int width) {
        return new ContainerLimits(width, maxHeight, maxPixels, maxTiles, maxTileBytes, maxHeaderBytes,
                maxIccBytes, maxExifBytes, maxAlphaBytes);
    }

    /** A copy of these limits with another maximum height. */
    public ContainerLimits withMaxHeight(int height) {
        return new ContainerLimits(maxWidth, height, maxPixels, maxTiles, maxTileBytes, maxHeaderBytes,
                maxIccBytes, maxExifBytes, maxAlphaBytes);
    }

    /** A copy of these limits with another maximum pixel count (width × height). */
    public ContainerLimits withMaxPixels(long pixels) {
        return new ContainerLimits(maxWidth, maxHeight, pixels, maxTiles, maxTileBytes, maxHeaderBytes,
                maxIccBytes, maxExifBytes, maxAlphaBytes);
    }
}
