package org.aeic.codec.container;

import com.google.protobuf.CodedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.aeic.codec.AeicException;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.tiling.Tiling;
import org.aeic.proto.StreamHeader;

/**
 * Reads and checks the {@code .aeic} container written by {@link ContainerWriter}.
 *
 * <p>Every size and count in the header is checked against {@link ContainerLimits} before any section buffer is
 * allocated. With a byte array the declared section sizes must also add up to exactly the bytes that follow the
 * header; from an {@link InputStream} sections are read in chunks of at most 1 MiB, so a header that lies about a
 * size costs at most the bytes really present plus one chunk. Every malformed input ends in an
 * {@link AeicException} with a one-line message; {@link IOException} only reports failures of the stream itself.
 */
public final class ContainerReader {

    /** Largest buffer allocated ahead of the data that is to fill it. */
    static final int CHUNK = 1 << 20;

    private static final String TRUNCATED = "truncated AEIC stream";

    private ContainerReader() {
    }

    /** Whether {@code first8} starts with the 8-byte AEIC magic. */
    public static boolean hasMagic(byte[] first8) {
        if (first8 == null || first8.length < Framing.MAGIC.length) {
            return false;
        }
        return Arrays.equals(first8, 0, Framing.MAGIC.length,
                Framing.MAGIC, 0, Framing.MAGIC.length);
    }

    /**
     * Reads and validates the header, consuming {@code in} only up to the end of the header CRC, so that image
     * facts (size, channels, model) are available without touching the payload.
     */
    public static StreamHeader readHeader(InputStream in, ContainerLimits limits) throws AeicException, IOException {
        Objects.requireNonNull(limits, "limits");
        byte[] magic = new byte[Framing.MAGIC.length];
        int n = readUpTo(in, magic, magic.length);
        for (int i = 0; i < n; i++) {
            if (magic[i] != Framing.MAGIC[i]) {
                throw new AeicException("not an AEIC stream");
            }
        }
        if (n == 0) {
            throw new AeicException("not an AEIC stream: the input is empty");
        }
        if (n < magic.length) {
            throw truncated("magic");
        }
        byte[] fixed = new byte[6];
        readFully(in, fixed, "header");
        int version = (fixed[0] & 0xFF) << 8 | fixed[1] & 0xFF;
        if (version != ContainerWriter.VERSION) {
            throw new AeicException(Kind.UNSUPPORTED, "unsupported AEIC format version " + version
                    + " (this reader supports version " + ContainerWriter.VERSION + ")");
        }
        long hlen = Integer.toUnsignedLong(Framing.u32(fixed, 2));
        if (hlen > limits.maxHeaderBytes()) {
            throw new AeicException(Kind.TOO_LARGE, "header length of " + hlen + " bytes exceeds the limit of "
                    + limits.maxHeaderBytes() + " bytes");
        }
        byte[] hb = readSection(in, (int) hlen, "header");
        StreamHeader header;
        try {
            // the size limit caps what protobuf may buffer to the array we already hold
            CodedInputStream cis = CodedInputStream.newInstance(hb);
            cis.setSizeLimit(hb.length);
            cis.setRecursionLimit(8);
            header = StreamHeader.parseFrom(cis);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
            throw new AeicException("corrupt header" + why, e);
        }
        validate(header, limits);
        return header;
    }

    /** Reads a whole container from {@code in}, which must end with it (trailing bytes are an error). */
    public static AeicStream read(InputStream in, ContainerLimits limits) throws AeicException, IOException {
        StreamHeader h = readHeader(in, limits);
        List<byte[]> tiles = new ArrayList<>(h.getTileBytesCount());
        for (int i = 0; i < h.getTileBytesCount(); i++) {
            tiles.add(readSection(in, h.getTileBytes(i), "tile " + i));
        }
        byte[] alpha = h.getAlphaBytes() == 0 ? null : readSection(in, h.getAlphaBytes(), "alpha plane");
        byte[] icc = h.getIccBytes() == 0 ? null : readSection(in, h.getIccBytes(), "ICC profile");
        byte[] exif = h.getExifBytes() == 0 ? null : readSection(in, h.getExifBytes(), "EXIF data");
        if (in.read() != -1) {
            throw new AeicException("trailing data after the end of the AEIC stream");
        }
        return new AeicStream(h, tiles, alpha, icc, exif);
    }

    /** Reads a whole container held in {@code data}, which must be exactly one container. */
    public static AeicStream read(byte[] data, ContainerLimits limits) throws AeicException {
        ByteArrayInputStream bin = new ByteArrayInputStream(data);
        StreamHeader h;
        try {
            h = readHeader(bin, limits);
        } catch (IOException e) {
            throw new AssertionError(e); // ByteArrayInputStream does not throw
        }
        int pos = data.length - bin.available();
        // compare the declared sizes with what is really there before allocating a single section
        long need = 0;
        for (int i = 0; i < h.getTileBytesCount(); i++) {
            need += Integer.toUnsignedLong(h.getTileBytes(i)) + 4;
        }
        for (int s : new int[] {h.getAlphaBytes(), h.getIccBytes(), h.getExifBytes()}) {
            need += s == 0 ? 0 : Integer.toUnsignedLong(s) + 4;
        }
        long have = data.length - pos;
        if (need > have) {
            throw new AeicException(TRUNCATED + ": the header declares " + need + " bytes of sections, only "
                    + have + " are present");
        }
        if (need < have) {
            throw new AeicException("trailing data: " + (have - need) + " bytes after the end of the AEIC stream");
        }
        int[] at = {pos};
        List<byte[]> tiles = new ArrayList<>(h.getTileBytesCount());
        for (int i = 0; i < h.getTileBytesCount(); i++) {
            tiles.add(slice(data, at, h.getTileBytes(i), "tile " + i));
        }
        byte[] alpha = h.getAlphaBytes() == 0 ? null : slice(data, at, h.getAlphaBytes(), "alpha plane");
        byte[] icc = h.getIccBytes() == 0 ? null : slice(data, at, h.getIccBytes(), "ICC profile");
        byte[] exif = h.getExifBytes() == 0 ? null : slice(data, at, h.getExifBytes(), "EXIF data");
        return new AeicStream(h, tiles, alpha, icc, exif);
    }

    /**
     * Checks a header against the format's rules and {@code limits}: the checks {@link #readHeader} makes, open
     * to encoders that want to know their output will be readable.
     */
    public static void validate(StreamHeader h, ContainerLimits limits) throws AeicException {
        long w = Integer.toUnsignedLong(h.getWidth());
        long ht = Integer.toUnsignedLong(h.getHeight());
        if (w < 1 || ht < 1) {
            throw new AeicException("invalid image size " + w + "x" + ht);
        }
        if (!(h.getQuality() >= 0 && h.getQuality() <= 100)) {
            throw new AeicException("invalid quality " + h.getQuality() + " in header");
        }
        if (w > limits.maxWidth()) {
            throw new AeicException(Kind.TOO_LARGE, "image width " + w + " exceeds the limit of " + limits.maxWidth());
        }
        if (ht > limits.maxHeight()) {
            throw new AeicException(Kind.TOO_LARGE,
                    "image height " + ht + " exceeds the limit of " + limits.maxHeight());
        }
        if (w * ht > limits.maxPixels()) { // both are below 2^31 here, so the product cannot overflow
            throw new AeicException(Kind.TOO_LARGE, "image of " + w + "x" + ht + " = " + w * ht
                    + " pixels exceeds the limit of " + limits.maxPixels() + " pixels");
        }
        int c = h.getChannels();
        if (c < 1 || c > 4) {
            throw new AeicException("invalid channel count " + Integer.toUnsignedLong(c));
        }
        if (h.getBitDepth() != 8 && h.getBitDepth() != 16) {
            throw new AeicException("unsupported bit depth " + Integer.toUnsignedLong(h.getBitDepth()));
        }
        long ts = Integer.toUnsignedLong(h.getTileSize());
        if (!Tiling.validTileSize(ts)) {
            throw new AeicException("invalid tile size " + ts + " (must be a multiple of 16 in 16.."
                    + Tiling.MAX_TILE_SIZE + ")");
        }
        long tx = Tiling.tilesAlong(h.getWidth(), (int) ts);
        long ty = Tiling.tilesAlong(h.getHeight(), (int) ts);
        if (tx * ty > limits.maxTiles()) {
            throw new AeicException(Kind.TOO_LARGE, "tile grid of " + tx + "x" + ty + " = " + tx * ty
                    + " tiles exceeds the limit of " + limits.maxTiles() + " tiles");
        }
        if (h.getTileBytesCount() != tx * ty) {
            throw new AeicException("header lists " + h.getTileBytesCount() + " tile sizes but the " + tx + "x" + ty
                    + " tile grid has " + tx * ty + " tiles");
        }
        for (int i = 0; i < h.getTileBytesCount(); i++) {
            checkSize("tile " + i, h.getTileBytes(i), limits.maxTileBytes());
        }
        boolean hasAlpha = c == 2 || c == 4;
        if (hasAlpha && h.getAlphaBytes() == 0) {
            throw new AeicException("image with " + c + " channels has no alpha plane");
        }
        if (!hasAlpha && h.getAlphaBytes() != 0) {
            throw new AeicException("image with " + c + " channels must not carry an alpha plane");
        }
        checkSize("alpha plane", h.getAlphaBytes(), limits.maxAlphaBytes());
        checkSize("ICC profile", h.getIccBytes(), limits.maxIccBytes());
        checkSize("EXIF data", h.getExifBytes(), limits.maxExifBytes());
    }

    private static void checkSize(String what, int size, int limit) throws AeicException {
        if (Integer.toUnsignedLong(size) > limit) {
            throw new AeicException(Kind.TOO_LARGE, what + " of " + Integer.toUnsignedLong(size)
                    + " bytes exceeds the limit of " + limit + " bytes");
        }
    }

    /** Reads {@code size} bytes (already checked against a limit) and the CRC32C that follows them. */
    private static byte[] readSection(InputStream in, int size, String what) throws AeicException, IOException {
        byte[] data;
        if (size <= CHUNK) {
            data = new byte[size];
            readFully(in, data, what);
        } else {
            // grow only as data arrives: a lying size costs at most one chunk more than the bytes present
            List<byte[]> parts = new ArrayList<>();
            for (int left = size; left > 0; left -= CHUNK) {
                byte[] p = new byte[Math.min(left, CHUNK)];
                readFully(in, p, what);
                parts.add(p);
            }
            data = new byte[size];
            int off = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, data, off, p.length);
                off += p.length;
            }
        }
        byte[] crc = new byte[4];
        readFully(in, crc, what);
        checkCrc(data, 0, size, Framing.u32(crc, 0), what);
        return data;
    }

    private static byte[] slice(byte[] data, int[] at, int size, String what) throws AeicException {
        int from = at[0];
        checkCrc(data, from, size, Framing.u32(data, from + size), what);
        at[0] = from + size + 4;
        return Arrays.copyOfRange(data, from, from + size);
    }

    private static void checkCrc(byte[] data, int off, int len, int expected, String what) throws AeicException {
        if (Framing.crc32c(data, off, len) != expected) {
            throw new AeicException("CRC mismatch in " + what);
        }
    }

    private static void readFully(InputStream in, byte[] b, String what) throws AeicException, IOException {
        if (readUpTo(in, b, b.length) < b.length) {
            throw truncated(what);
        }
    }

    /** Reads until {@code len} bytes or end of stream; returns the count read. */
    private static int readUpTo(InputStream in, byte[] b, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(b, n, len - n);
            if (r == 0) {
                // a stream that breaks the read contract must not make us spin: fall back to the blocking read()
                r = in.read();
                if (r >= 0) {
                    b[n] = (byte) r;
                    r = 1;
                }
            }
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static AeicException truncated(String where) {
        return new AeicException(TRUNCATED + " (in " + where + ")");
    }
}
