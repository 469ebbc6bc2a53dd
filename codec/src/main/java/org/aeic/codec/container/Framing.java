package org.aeic.codec.container;

import java.util.zip.CRC32C;

/** The container's framing in one place: the magic that opens a stream, big-endian u32s, each section's CRC32C. */
public final class Framing {
    static final byte[] MAGIC = {(byte) 0x8A, 'A', 'E', 'I', 'C', 0x0D, 0x0A, 0x1A};

    private Framing() {
    }

    static int crc32c(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
    }

    /** Whether the {@code len} bytes at {@code off} are followed by their CRC32C, as every section is. */
    public static boolean sectionIntact(byte[] data, int off, int len) {
        return crc32c(data, off, len) == u32(data, off + len);
    }
}
