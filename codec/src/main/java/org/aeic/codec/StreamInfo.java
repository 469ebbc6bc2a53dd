package org.aeic.codec;

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
