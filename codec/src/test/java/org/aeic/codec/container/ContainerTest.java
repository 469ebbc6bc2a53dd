package org.aeic.codec.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.aeic.codec.AeicException;
import org.aeic.codec.tiling.Tiling;
import org.aeic.proto.StreamHeader;
import org.junit.jupiter.api.Test;

class ContainerTest {

    private static final ContainerLimits LIMITS = ContainerLimits.defaults();

    /** 40x20 RGBA, tile size 16: a 3x2 grid whose last column and row are partial. */
    private static StreamHeader header(int width, int height, int channels, int tileSize) {
        byte[] sha = new byte[32];
        Arrays.fill(sha, (byte) 7);
        return StreamHeader.newBuilder().setWidth(width).setHeight(height).setChannels(channels).setBitDepth(8)
                .setModelId("test-model").setModelSha256(ByteString.copyFrom(sha)).setQuality(0.75f)
                .setTileSize(tileSize).build();
    }

    private static List<byte[]> tiles(int count, Random rnd) {
        List<byte[]> tiles = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] t = new byte[3 + i * 5];
            rnd.nextBytes(t);
            tiles.add(t);
        }
        return tiles;
    }

    private static int[] alphaPlane(int w, int h) {
        int[] a = new int[w * h];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % w) < w / 2 ? 255 : (i * 7) & 255;
        }
        return a;
    }

    /** A small valid RGBA stream with every section present. */
    private static byte[] sample() {
        Random rnd = new Random(1);
        return ContainerWriter.toBytes(header(40, 20, 4, 16), tiles(6, rnd), AlphaCodec.encode(alphaPlane(40, 20),
                40, 20, 8), "icc-profile".getBytes(), "Exif\0\0MM".getBytes());
    }

    /** Container bytes around a header written by hand, sizes not filled in by the writer. */
    private static byte[] raw(StreamHeader h, byte[] rest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] hb = h.toByteArray();
        out.write(Framing.MAGIC);
        out.write(new byte[] {0, 1});
        out.write(ByteBuffer.allocate(4).putInt(hb.length).array());
        out.write(hb);
        out.write(ByteBuffer.allocate(4).putInt(Framing.crc32c(hb, 0, hb.length)).array());
        out.write(rest);
        return out.toByteArray();
    }

    /** Offset of the first section: magic, version, header length, header, header CRC. */
    private static int sectionsStart(byte[] data) {
        return 14 + ByteBuffer.wrap(data, 10, 4).getInt() + 4;
    }

    /** Returns bytes one at a time, as a slow network stream would. */
    private static InputStream trickle(byte[] data) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static AeicException refusedBoth(byte[] data, ContainerLimits limits) throws IOException {
        AeicException a = assertThrows(AeicException.class, () -> ContainerReader.read(data, limits));
        AeicException b = assertThrows(AeicException.class,
                () -> ContainerReader.read(new ByteArrayInputStream(data), limits));
        assertFalse(a.getMessage().contains("\n"), a.getMessage());
        assertFalse(b.getMessage().contains("\n"), b.getMessage());
        return a;
    }

    private static void assertMessage(AeicException e, String part) {
        assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
    }

    private static void assertSame(AeicStream s, StreamHeader h, List<byte[]> tiles, byte[] alpha, byte[] icc,
                                   byte[] exif) {
        assertEquals(h.getWidth(), s.width());
        assertEquals(h.getHeight(), s.height());
        assertEquals(h.getChannels(), s.header().getChannels());
        assertEquals(h.getModelId(), s.header().getModelId());
        assertEquals(h.getModelSha256(), s.header().getModelSha256());
        assertEquals(h.getQuality(), s.header().getQuality());
        assertEquals(tiles.size(), s.tiles().size());
        for (int i = 0; i < tiles.size(); i++) {
            assertArrayEquals(tiles.get(i), s.tiles().get(i), "tile " + i);
            assertEquals(tiles.get(i).length, s.header().getTileBytes(i));
        }
        assertArrayEquals(alpha, s.alpha());
        assertArrayEquals(icc, s.icc());
        assertArrayEquals(exif, s.exif());
    }

    @Test
    void roundTripWithAllSections() throws Exception {
        Random rnd = new Random(2);
        StreamHeader h = header(40, 20, 4, 16);
        List<byte[]> tiles = tiles(6, rnd);
        int[] plane = alphaPlane(40, 20);
        byte[] alpha = AlphaCodec.encode(plane, 40, 20, 8);
        byte[] icc = new byte[3000];
        rnd.nextBytes(icc);
        byte[] exif = "Exif\0\0II*".getBytes();
        byte[] data = ContainerWriter.toBytes(h, tiles, alpha, icc, exif);
        assertTrue(ContainerReader.hasMagic(Arrays.copyOf(data, 8)));

        for (AeicStream s : new AeicStream[] {ContainerReader.read(data, LIMITS),
                ContainerReader.read(new ByteArrayInputStream(data), LIMITS),
                ContainerReader.read(trickle(data), LIMITS)}) {
            assertSame(s, h, tiles, alpha, icc, exif);
            assertArrayEquals(plane, AlphaCodec.decode(s.alpha(), 40, 20, 8));
            assertEquals(3, s.tilesX());
            assertEquals(2, s.tilesY());
            assertEquals(new Tiling.TileRect(0, 0, 16, 16), s.tileRect(0));
            assertEquals(new Tiling.TileRect(32, 0, 8, 16), s.tileRect(2));
            assertEquals(new Tiling.TileRect(16, 16, 16, 4), s.tileRect(4));
            assertEquals(new Tiling.TileRect(32, 16, 8, 4), s.tileRect(5));
        }
        // writing the parsed stream again gives the same bytes
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        ContainerWriter.write(again, ContainerReader.read(data, LIMITS));
        assertArrayEquals(data, again.toByteArray());
    }

    @Test
    void roundTripWithoutOptionalSectionsAndWithLargeTile() throws Exception {
        Random rnd = new Random(3);
        StreamHeader h = header(100, 50, 3, 64);
        List<byte[]> tiles = tiles(2, rnd);
        byte[] big = new byte[(5 << 20) / 2]; // more than one read chunk
        rnd.nextBytes(big);
        tiles.set(1, big);
        byte[] data = ContainerWriter.toBytes(h, tiles, null, new byte[0], null);
        for (AeicStream s : new AeicStream[] {ContainerReader.read(data, LIMITS),
                ContainerReader.read(new ByteArrayInputStream(data), LIMITS)}) {
            assertSame(s, h, tiles, null, null, null);
            assertEquals(0, s.header().getIccBytes());
        }
    }

    @Test
    void readHeaderStopsAfterHeaderCrc() throws Exception {
        byte[] data = sample();
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        StreamHeader h = ContainerReader.readHeader(in, LIMITS);
        assertEquals(40, h.getWidth());
        assertEquals(6, h.getTileBytesCount());
        assertEquals("test-model", h.getModelId());
        assertEquals(data.length - sectionsStart(data), in.available());
    }

    @Test
    void truncationAtEveryOffsetIsRefused() throws Exception {
        byte[] data = sample();
        for (int n = 0; n < data.length; n++) {
            byte[] cut = Arrays.copyOf(data, n);
            AeicException e = refusedBoth(cut, LIMITS);
            assertMessage(e, n == 0 ? "empty" : "truncated AEIC stream");
            int len = n;
            AeicException t = assertThrows(AeicException.class, () -> ContainerReader.read(trickle(cut), LIMITS),
                    () -> "length " + len);
            assertMessage(t, n == 0 ? "empty" : "truncated AEIC stream");
        }
    }

    @Test
    void everyFlippedTileBitNamesTheTile() throws Exception {
        byte[] data = sample();
        StreamHeader h = ContainerReader.read(data, LIMITS).header();
        int off = sectionsStart(data);
        for (int t = 0; t < h.getTileBytesCount(); t++) {
            for (int i = 0; i < h.getTileBytes(t); i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] bad = data.clone();
                    bad[off + i] ^= (byte) (1 << bit);
                    assertMessage(refusedBoth(bad, LIMITS), "CRC mismatch in tile " + t);
                }
            }
            off += h.getTileBytes(t) + 4;
        }
        // the other sections and the header name themselves too
        String[] names = {"alpha plane", "ICC profile", "EXIF data"};
        int[] sizes = {h.getAlphaBytes(), h.getIccBytes(), h.getExifBytes()};
        for (int s = 0; s < 3; s++) {
            byte[] bad = data.clone();
            bad[off] ^= 1;
            assertMessage(refusedBoth(bad, LIMITS), "CRC mismatch in " + names[s]);
            off += sizes[s] + 4;
        }
        byte[] bad = data.clone();
        bad[sectionsStart(data) - 5] ^= 0x10; // last header byte
        assertMessage(refusedBoth(bad, LIMITS), "CRC mismatch in header");
    }

    @Test
    void foreignInputIsNotAnAeicStream() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertMessage(refusedBoth(png, LIMITS), "not an AEIC stream");
        assertFalse(ContainerReader.hasMagic(png));
        assertFalse(ContainerReader.hasMagic(new byte[3]));
        assertFalse(ContainerReader.hasMagic(null));
        assertMessage(refusedBoth("hello world, this is text".getBytes(), LIMITS), "not an AEIC stream");
        assertMessage(refusedBoth(new byte[0], LIMITS), "not an AEIC stream");
        assertMessage(refusedBoth(new byte[] {(byte) 0x8A, 'A', 'X'}, LIMITS), "not an AEIC stream");
    }

    @Test
    void unknownVersionIsNamed() throws Exception {
        byte[] data = sample();
        data[9] = 2;
        assertMessage(refusedBoth(data, LIMITS), "version 2");
    }

    @Test
    void hugeHeaderLengthIsRefused() throws Exception {
        byte[] data = sample();
        data[10] = data[11] = data[12] = data[13] = (byte) 0xFF;
        AeicException e = refusedBoth(data, LIMITS);
        assertMessage(e, "4294967295");
        assertMessage(e, "limit");
    }

    @Test
    void corruptHeaderWithValidCrc() throws Exception {
        byte[] junk = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0x00, 0x01};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Framing.MAGIC);
        out.write(new byte[] {0, 1, 0, 0, 0, (byte) junk.length});
        out.write(junk);
        out.write(ByteBuffer.allocate(4).putInt(Framing.crc32c(junk, 0, junk.length)).array());
        assertMessage(refusedBoth(out.toByteArray(), LIMITS), "corrupt header");
    }

    @Test
    void giganticImageIsRefusedBeforeAllocation() throws Exception {
        StreamHeader h = header(1 << 31, 1 << 31, 3, 16); // 2^31 x 2^31, the writer does not validate
        byte[] data = ContainerWriter.toBytes(h, List.of(), null, null, null);
        AeicException e = refusedBoth(data, LIMITS);
        assertMessage(e, "2147483648");
        assertMessage(e, "limit");
        assertMessage(assertThrows(AeicException.class, () -> ContainerReader.readHeader(
                new ByteArrayInputStream(data), LIMITS)), "limit");
        // within the width and height limits but over the pixel limit
        byte[] wide = ContainerWriter.toBytes(header(100_000, 100_000, 3, 16), List.of(), null, null, null);
        assertMessage(refusedBoth(wide, LIMITS), "pixels exceeds the limit");
        assertMessage(refusedBoth(wide, LIMITS.withMaxPixels(10_000_000_000L)), "tiles exceeds the limit");
        assertMessage(refusedBoth(raw(header(50, 50, 3, 16), new byte[0]), LIMITS.withMaxWidth(49)), "limit of 49");
        assertMessage(refusedBoth(raw(header(50, 50, 3, 16), new byte[0]), LIMITS.withMaxHeight(20)), "limit of 20");
    }

    @Test
    void lyingTileSizesWithATinyFile() throws Exception {
        StreamHeader.Builder b = header(32, 32, 3, 16).toBuilder();
        for (int i = 0; i < 4; i++) {
            b.addTileBytes(Integer.MAX_VALUE);
        }
        byte[] tiny = raw(b.build(), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertMessage(refusedBoth(tiny, LIMITS), "tile 0 of 2147483647 bytes exceeds the limit");

        // with the limit raised as far as it goes, the sizes are believed but nothing is allocated for them
        ContainerLimits open = new ContainerLimits(100_000, 100_000, 400_000_000L, 65_536, Integer.MAX_VALUE - 8,
                1 << 20, 4 << 20, 1 << 20, Integer.MAX_VALUE - 8);
        b.clearTileBytes();
        for (int i = 0; i < 4; i++) {
            b.addTileBytes(Integer.MAX_VALUE - 8);
        }
        byte[] lie = raw(b.build(), new byte[3 << 20]);
        assertMessage(refusedBoth(lie, open), "truncated AEIC stream");
        StreamHeader alphaLie = header(16, 16, 2, 16).toBuilder().addTileBytes(1).setAlphaBytes(Integer.MAX_VALUE - 8)
                .build();
        assertMessage(refusedBoth(raw(alphaLie, new byte[100]), open), "truncated AEIC stream");
        // unsigned sizes above 2^31 are not read as negative numbers
        b.setTileBytes(0, -1);
        assertMessage(refusedBoth(raw(b.build(), new byte[10]), open), "4294967295 bytes exceeds the limit");
    }

    @Test
    void headerRulesAreEnforced() throws Exception {
        String[][] cases = {
            {"0", "20", "3", "8", "16", "invalid image size"},
            {"40", "20", "5", "8", "16", "channel count 5"},
            {"40", "20", "3", "12", "16", "bit depth 12"},
            {"40", "20", "3", "8", "24", "tile size 24"},
            {"40", "20", "3", "8", "8192", "tile size 8192"},
            {"40", "20", "3", "8", "1040", "tile size 1040"}, // info refuses what decode would
            {"40", "20", "4", "8", "16", "no alpha plane"},
        };
        for (String[] c : cases) {
            StreamHeader.Builder b = header(Integer.parseInt(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2]),
                    Integer.parseInt(c[4])).toBuilder().setBitDepth(Integer.parseInt(c[3]));
            for (int i = 0; i < 6; i++) {
                b.addTileBytes(1);
            }
            assertMessage(refusedBoth(raw(b.build(), new byte[30]), LIMITS), c[5]);
        }
        Random rnd = new Random(4);
        byte[] rgbWithAlpha = ContainerWriter.toBytes(header(40, 20, 3, 16), tiles(6, rnd), new byte[5], null, null);
        assertMessage(refusedBoth(rgbWithAlpha, LIMITS), "must not carry an alpha plane");
        byte[] wrongCount = ContainerWriter.toBytes(header(40, 20, 3, 16), tiles(5, rnd), null, null, null);
        assertMessage(refusedBoth(wrongCount, LIMITS), "5 tile sizes");
        byte[] bigIcc = ContainerWriter.toBytes(header(40, 20, 3, 16), tiles(6, rnd), null, new byte[(4 << 20) + 1],
                null);
        assertMessage(refusedBoth(bigIcc, LIMITS), "ICC profile of 4194305 bytes exceeds the limit");
    }

    @Test
    void trailingBytesAreRefused() throws Exception {
        byte[] data = sample();
        byte[] longer = Arrays.copyOf(data, data.length + 1);
        assertMessage(refusedBoth(longer, LIMITS), "trailing");
        byte[] much = Arrays.copyOf(data, data.length + 1000);
        assertMessage(refusedBoth(much, LIMITS), "trailing");
    }

    @Test
    void randomCorruptionOnlyEverGivesAeicException() throws Exception {
        byte[] data = sample();
        int hstart = 14;
        int hlen = sectionsStart(data) - 4 - hstart;
        Random rnd = new Random(5);
        for (int iter = 0; iter < 3000; iter++) {
            byte[] bad = data.clone();
            boolean headerOnly = iter % 2 == 0;
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                int at = headerOnly ? hstart + rnd.nextInt(hlen) : rnd.nextInt(bad.length);
                bad[at] = (byte) rnd.nextInt(256);
            }
            if (headerOnly) { // a valid CRC sends the mutated header through the parser and the checks
                ByteBuffer.wrap(bad).putInt(hstart + hlen, Framing.crc32c(bad, hstart, hlen));
            }
            for (int way = 0; way < 2; way++) {
                try {
                    if (way == 0) {
                        ContainerReader.read(bad, LIMITS);
                    } else {
                        ContainerReader.read(new ByteArrayInputStream(bad), LIMITS);
                    }
                } catch (AeicException expected) {
                    assertFalse(expected.getMessage().isBlank());
                } catch (RuntimeException | Error e) {
                    fail("iteration " + iter + ": " + e, e);
                }
            }
        }
    }

    @Test
    void limitsValidateAndWither() {
        ContainerLimits d = ContainerLimits.defaults();
        assertEquals(100_000, d.maxWidth());
        assertEquals(400_000_000L, d.maxPixels());
        assertEquals(64 << 20, d.maxTileBytes());
        assertEquals(5L, d.withMaxPixels(5).maxPixels());
        assertEquals(7, d.withMaxWidth(7).maxWidth());
        assertEquals(9, d.withMaxHeight(9).maxHeight());
        assertEquals(d.maxTiles(), d.withMaxHeight(9).maxTiles());
        assertThrows(IllegalArgumentException.class, () -> d.withMaxPixels(0));
        assertThrows(IllegalArgumentException.class, () -> new ContainerLimits(1, 1, 1, 1, Integer.MAX_VALUE, 1, 1,
                1, 1));
    }

    @Test
    void tileGridHelpers() {
        assertEquals(1, Tiling.tilesAlong(1, 16));
        assertEquals(1, Tiling.tilesAlong(16, 16));
        assertEquals(2, Tiling.tilesAlong(17, 16));
        assertEquals(new Tiling.TileRect(0, 0, 1, 1), Tiling.tileRect(1, 1, 16, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Tiling.tileRect(40, 20, 16, 6));
        assertNull(new AeicStream(header(1, 1, 1, 16), List.of(new byte[0]), null, null, null).alpha());
    }
}
