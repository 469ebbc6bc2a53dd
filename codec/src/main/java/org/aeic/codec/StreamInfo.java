package org.aeic.codec;

import java.util.Arrays;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.container.Framing;
import org.aeic.proto.StreamHeader;

/**
 * What the header of a stream says, read without decoding the payload.
 *
 * @param channels   of the source: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
 * @param bytes      size of the whole stream
 * @param bpp        bits per pixel of the whole stream
 */
public record StreamInfo(int width, int height, int channels, int bitDepth, String modelId, float quality,
                         int tileSize, int tiles, boolean alpha, boolean palette, int iccBytes, int exifBytes,
                         long bytes, double bpp) {
    /** The length of the magic that opens every stream: {@link #isAeic} needs that many bytes. */
    public static final int MAGIC_BYTES = 8;

    /** Whether {@code first} (the first {@link #MAGIC_BYTES} bytes of a file or more) opens an AEIC stream. */
    public static boolean isAeic(byte[] first) {
        return ContainerReader.hasMagic(first);
    }

    /**
     * Where the ICC section starts in the stream, -1 when there is no profile. The section is the profile and its
     * CRC32C, {@code iccBytes() + 4} bytes; it sits before the EXIF block near the end, so a reader can fetch the
     * profile alone and pass it to {@link #iccProfile(byte[])}.
     */
    public long iccSectionOffset() {
        if (iccBytes == 0) {
            return -1;
        }
        long end = bytes - (exifBytes == 0 ? 0 : Integer.toUnsignedLong(exifBytes) + 4);
        return end - 4 - Integer.toUnsignedLong(iccBytes);
    }

    /** The profile in an ICC section read at {@link #iccSectionOffset()}, or null when it fails its CRC. */
    public byte[] iccProfile(byte[] section) {
        int size = iccBytes;
        if (size <= 0 || section == null || section.length != size + 4 || !Framing.sectionIntact(section, 0, size)) {
            return null;
        }
        return Arrays.copyOf(section, size);
    }

    /** From a header alone: the stream's size follows from the section sizes it declares. */
    static StreamInfo of(StreamHeader h) {
        long bytes = 8 + 2 + 4 + h.getSerializedSize() + 4;
        for (int t : h.getTileBytesList()) {
            bytes += Integer.toUnsignedLong(t) + 4;
        }
        for (int s : new int[] {h.getAlphaBytes(), h.getIccBytes(), h.getExifBytes()}) {
            bytes += s == 0 ? 0 : Integer.toUnsignedLong(s) + 4;
        }
        return of(h, bytes);
    }

    static StreamInfo of(StreamHeader h, long bytes) {
        return new StreamInfo(h.getWidth(), h.getHeight(), h.getChannels(), h.getBitDepth(), h.getModelId(),
                h.getQuality(), h.getTileSize(), h.getTileBytesCount(), h.getAlphaBytes() > 0, h.getPalette(),
                h.getIccBytes(), h.getExifBytes(), bytes, bytes * 8.0 / ((double) h.getWidth() * h.getHeight()));
    }
}
