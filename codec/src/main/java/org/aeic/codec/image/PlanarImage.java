package org.aeic.codec.image;

import java.awt.image.BufferedImage;

/**
 * A decoded source image in the form the codec works on: three float planes in [0,1] plus the
 * facts about the source that the encoder keeps (alpha, channel count, bit depth, palette, ICC
 * profile, EXIF).
 *
 * <p>{@code rgb} is planar and plane-major: {@code rgb[c * width * height + y * width + x]} for
 * c = 0 (R), 1 (G), 2 (B). Grey sources are expanded to R = G = B. The values are the source's
 * encoded values scaled to [0,1]; they are not colour-converted, so when {@code icc} is non-null
 * they are relative to that profile, otherwise sRGB (or the source's own grey encoding).
 *
 * <p>{@code alpha} holds the untouched source alpha samples (0 .. 2^bitDepth - 1, row-major),
 * so that alpha can be coded losslessly; it is non-null exactly when {@code channels} is 2 or 4.
 * The arrays are shared, not copied: treat them as read-only.
 */
public final class PlanarImage {
    public final int width;
    public final int height;
    /** R, G and B planes of {@code width * height} values each, in [0,1]. */
    public final float[] rgb;
    /** Source alpha samples, or null when the source has no alpha. */
    public final int[] alpha;
    /** Channels of the source: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
    public final int channels;
    /** Bits per sample of the source, 8 or 16. */
    public final int bitDepth;
    /** Whether the source was a palette (indexed colour) image. */
    public final boolean palette;
    /** ICC profile the pixel values are encoded in, or null for sRGB / default grey. */
    public final byte[] icc;
    /** EXIF data as a raw TIFF structure (no "Exif\0\0" prefix), or null. */
    public final byte[] exif;

    public PlanarImage(int width, int height, float[] rgb, int[] alpha, int channels, int bitDepth,
                       boolean palette, byte[] icc, byte[] exif) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad size " + width + "x" + height);
        }
        long n = (long) width * height;
        if (rgb == null || rgb.length != 3 * n) {
            throw new IllegalArgumentException("rgb must hold 3 planes of " + n + " values");
        }
        if (channels < 1 || channels > 4) {
            throw new IllegalArgumentException("channels must be 1..4, not " + channels);
        }
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("bitDepth must be 8 or 16, not " + bitDepth);
        }
        boolean wantAlpha = channels == 2 || channels == 4;
        if (wantAlpha != (alpha != null) || (alpha != null && alpha.length != n)) {
            throw new IllegalArgumentException("alpha must be " + (wantAlpha ? n + " samples" : "null")
                    + " for " + channels + " channels");
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.alpha = alpha;
        this.channels = channels;
        this.bitDepth = bitDepth;
        this.palette = palette;
        this.icc = icc;
        this.exif = exif;
    }

    /** An image already in memory, see {@link ImageLoader#fromBufferedImage(BufferedImage)}. */
    public static PlanarImage fromBufferedImage(BufferedImage img) {
        return ImageLoader.fromBufferedImage(img);
    }

    /** Whether the source has an alpha channel. */
    public boolean hasAlpha() {
        return alpha != null;
    }

    /** Whether the source is greyscale (1 or 2 channels). */
    public boolean isGrey() {
        return channels <= 2;
    }

    /** The same pixels with other ICC / EXIF metadata. */
    public PlanarImage withMetadata(byte[] icc, byte[] exif) {
        return new PlanarImage(width, height, rgb, alpha, channels, bitDepth, palette, icc, exif);
    }
}
