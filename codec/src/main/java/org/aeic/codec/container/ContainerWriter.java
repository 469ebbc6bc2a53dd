package org.aeic.codec.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.aeic.proto.StreamHeader;

/**
 * Writes the {@code .aeic} container (layout in {@code aeic.proto}): magic, u16 version, u32 header length,
 * the {@code StreamHeader}, its CRC32C, then the tiles in row-major order, the alpha plane, the ICC profile and
 * the EXIF block, each followed by its CRC32C. All integers are big-endian.
 *
 * <p>Every tile is written with its CRC, even an empty one; alpha, ICC and EXIF are absent (no bytes, no CRC)
 * when {@code null} or empty, which the header records as a size of 0. The writer fills the size fields of the
 * header from the arrays and validates nothing else: checking is the reader's job
 * ({@link ContainerReader#validate} tells an encoder whether the result will be readable).
 */
public final class ContainerWriter {

    /** Format version written, and the only one {@link ContainerReader} accepts. */
    public static final int VERSION = 1;

    private ContainerWriter() {
    }

    /** Writes a container to {@code out} (which is flushed, not closed). */
    public static void write(OutputStream out, StreamHeader header, List<byte[]> tiles, byte[] alpha, byte[] icc,
                             byte[] exif) throws IOException {
        StreamHeader.Builder b = header.toBuilder().clearTileBytes()
                .setAlphaBytes(len(alpha)).setIccBytes(len(icc)).setExifBytes(len(exif));
        for (byte[] t : tiles) {
            b.addTileBytes(t.length);
        }
        byte[] h = b.build().toByteArray();
        out.write(Framing.MAGIC);
        out.write(new byte[] {(byte) (VERSION >>> 8), (byte) VERSION});
        writeU32(out, h.length);
        section(out, h);
        for (byte[] t : tiles) {
            section(out, t);
        }
        for (byte[] s : new byte[][] {alpha, icc, exif}) {
            if (len(s) > 0) {
                section(out, s);
            }
        }
        out.flush();
    }

    /** Writes the container of {@code stream}. */
    public static void write(OutputStream out, AeicStream stream) throws IOException {
        write(out, stream.header(), stream.tiles(), stream.alpha(), stream.icc(), stream.exif());
    }

    /** The container as a byte array. */
    public static byte[] toBytes(StreamHeader header, List<byte[]> tiles, byte[] alpha, byte[] icc, byte[] exif) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, header, tiles, alpha, icc, exif);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }

    private static int len(byte[] a) {
        return a == null ? 0 : a.length;
    }

    private static void section(OutputStream out, byte[] data) throws IOException {
        out.write(data);
        writeU32(out, Framing.crc32c(data, 0, data.length));
    }

    private static void writeU32(OutputStream out, int v) throws IOException {
        out.write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }
}
