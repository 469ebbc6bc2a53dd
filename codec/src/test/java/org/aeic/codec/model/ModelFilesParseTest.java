package org.aeic.codec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.aeic.codec.AeicException;
import org.aeic.proto.ChannelTable;
import org.aeic.proto.ModelFile;
import org.aeic.proto.NamedTensor;
import org.aeic.proto.QualityLevel;
import org.aeic.proto.ScaleTables;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The coder's bulk parse of a model file against protobuf's parse: the same fields, tensors, tables and refusals. */
class ModelFilesParseTest {

    static Stream<Path> models() throws Exception {
        Path golden = Path.of("..", "testdata", "golden");
        try (Stream<Path> s = Files.list(golden)) {
            return Stream.concat(s.filter(p -> p.toString().endsWith("-model.aeicm")).sorted().toList().stream(),
                    Stream.of(Path.of("..", "models", "aeic-vr-n64m128.aeicm")));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void bulkParseGivesProtobufsFieldsAndTensors(Path model) throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        ModelFile full = ModelFiles.parse(bytes);
        ModelFiles.Parsed fast = ModelFiles.parseForCoding(bytes);
        assertSame(full, fast);
        assertTrue(full.getTensorsCount() > 0);
        assertTrue(full.getQualitiesCount() > 0);
        assertEquals(full.getTensorsList().stream().map(NamedTensor::getName).distinct().count(),
                fast.tensors().size());
    }

    /** What the coder reads equals protobuf's parse: the header but tensors and tables, the tensors, the tables. */
    private static void assertSame(ModelFile full, ModelFiles.Parsed fast) {
        assertEquals(withoutTensorsAndTables(full), fast.header());
        for (NamedTensor t : full.getTensorsList()) {
            assertArrayEquals(ModelFiles.extraTensor(full, t.getName()), fast.tensors().get(t.getName()), t.getName());
        }
        assertEquals(full.getQualitiesCount(), fast.levels().size());
        for (int i = 0; i < full.getQualitiesCount(); i++) {
            assertTables(full.getQualities(i).getTablesList(), fast.levels().get(i).tables());
            assertTables(full.getQualities(i).getZTablesList(), fast.levels().get(i).zTables());
        }
        assertTables(full.getScaleTables().getTablesList(), fast.scaleTables());
    }

    private static void assertTables(List<ChannelTable> expected, List<StoredTables.Table> actual) {
        assertEquals(expected.size(), actual.size());
        for (int c = 0; c < expected.size(); c++) {
            ChannelTable e = expected.get(c);
            StoredTables.Table a = actual.get(c);
            assertEquals(Float.floatToRawIntBits(e.getCenter()), Float.floatToRawIntBits(a.center()), "table " + c);
            assertEquals(e.getMinSymbol(), a.minSymbol(), "table " + c);
            assertEquals(e.getPrecisionBits(), a.precisionBits(), "table " + c);
            assertArrayEquals(e.getFreqList().stream().mapToInt(Integer::intValue).toArray(), a.freq(), "table " + c);
        }
    }

    static ModelFile withoutTensorsAndTables(ModelFile f) {
        ModelFile.Builder b = f.toBuilder().clearTensors();
        for (QualityLevel.Builder q : b.getQualitiesBuilderList()) {
            q.clearTables().clearZTables();
        }
        if (b.hasScaleTables()) {
            b.getScaleTablesBuilder().clearTables();
        }
        return b.build();
    }

    /**
     * Tables written every way protobuf reads them, and with fields it skips: unpacked frequencies, fields out of
     * order and repeated (the last scalar counts, frequencies add up), unknown fields, varints of 10 bytes, a level
     * and the scale tables split over several occurrences (protobuf merges them).
     */
    @org.junit.jupiter.api.Test
    void tablesAreReadAsProtobufReadsThem() throws Exception {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(file);
        out.writeString(ModelFile.ID_FIELD_NUMBER, "m");
        out.writeByteArray(ModelFile.QUALITIES_FIELD_NUMBER, level(0.5f, odd(1), odd(2)));
        out.writeByteArray(ModelFile.SCALE_TABLES_FIELD_NUMBER, scaleTables(odd(3)));
        out.writeUInt32(99, 7); // unknown
        out.writeByteArray(ModelFile.QUALITIES_FIELD_NUMBER, level(1.5f, odd(4), odd(5)));
        out.writeByteArray(ModelFile.SCALE_TABLES_FIELD_NUMBER, scaleTables(odd(6)));
        out.flush();
        byte[] bytes = file.toByteArray();
        ModelFile full = ModelFiles.parse(bytes);
        assertEquals(2, full.getQualitiesCount());
        assertEquals(4, full.getScaleTables().getTablesCount());
        assertEquals(List.of(1, 2, 3, 5, 7, 9, 11, 13, -1, 1, 2), full.getQualities(0).getTables(0).getFreqList());
        assertSame(full, ModelFiles.parseForCoding(bytes));
        // every prefix, and every byte changed to three other values: both parsers refuse it, or both read the same
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i <= bytes.length; i++) {
            assertAlike(Arrays.copyOf(bytes, i), "prefix of " + i);
            for (int k = 0; k < 3 && i < bytes.length; k++) {
                byte[] changed = bytes.clone();
                changed[i] = (byte) random.nextInt(256);
                assertAlike(changed, "byte " + i + " = " + changed[i]);
            }
        }
    }

    private static void assertAlike(byte[] bytes, String what) {
        ModelFile full = null;
        ModelFiles.Parsed fast = null;
        try {
            full = ModelFiles.parse(bytes);
        } catch (AeicException e) {
            // refused
        }
        try {
            fast = ModelFiles.parseForCoding(bytes);
        } catch (AeicException e) {
            assertEquals("not a model file, or a truncated one", e.getMessage());
        }
        assertEquals(full == null, fast == null, what);
        if (full != null) {
            assertSame(full, fast);
        }
    }

    interface Fields {
        void write(com.google.protobuf.CodedOutputStream out) throws java.io.IOException;
    }

    private static byte[] message(Fields fields) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
        fields.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    /** A level with two tables each way, {@code a} among its other fields. */
    private static byte[] level(float quality, byte[] a, byte[] b) throws java.io.IOException {
        return message(out -> {
            out.writeFloat(QualityLevel.QUALITY_FIELD_NUMBER, quality);
            out.writeByteArray(QualityLevel.TABLES_FIELD_NUMBER, a);
            out.writeFloat(QualityLevel.GAIN_FIELD_NUMBER, 2f);
            out.writeByteArray(QualityLevel.Z_TABLES_FIELD_NUMBER, b);
            out.writeByteArray(QualityLevel.TABLES_FIELD_NUMBER, b);
            out.writeByteArray(QualityLevel.Z_TABLES_FIELD_NUMBER, a);
            out.writeFloat(QualityLevel.LAMBDA_FIELD_NUMBER, 0.01f);
        });
    }

    private static byte[] scaleTables(byte[] a) throws java.io.IOException {
        return message(out -> {
            out.writeFloat(ScaleTables.SCALES_FIELD_NUMBER, 1f);
            out.writeByteArray(ScaleTables.TABLES_FIELD_NUMBER, a);
            out.writeString(ScaleTables.FAMILY_FIELD_NUMBER, "laplace");
            out.writeByteArray(ScaleTables.TABLES_FIELD_NUMBER, a);
        });
    }

    /** A channel table written oddly: its fields repeated, out of order, packed and not, with unknown fields. */
    private static byte[] odd(int seed) throws java.io.IOException {
        return message(out -> {
            out.writeUInt32(ChannelTable.PRECISION_BITS_FIELD_NUMBER, 12);
            out.writeFloat(ChannelTable.CENTER_FIELD_NUMBER, 9f);
            out.writeUInt32(ChannelTable.FREQ_FIELD_NUMBER, 1);
            out.writeUInt32(ChannelTable.FREQ_FIELD_NUMBER, 2);
            out.writeTag(ChannelTable.FREQ_FIELD_NUMBER, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
            for (int v : new int[] {3, 5, 7, 9, 11, 13}) {
                packed.write(v);
            }
            // -1 as a 10-byte varint (protobuf keeps its low 32 bits), then 1 and 2 padded to 2 and 10 bytes
            packed.write(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 1, -127, 0, -126, -128, -128, -128, -128,
                -128, -128, -128, -128, 0});
            out.writeByteArrayNoTag(packed.toByteArray());
            out.writeString(777, "unknown");
            out.writeSInt32(ChannelTable.MIN_SYMBOL_FIELD_NUMBER, 4);
            out.writeFloat(ChannelTable.PRIOR_PARAMS_FIELD_NUMBER, 0.25f);
            out.writeSInt32(ChannelTable.MIN_SYMBOL_FIELD_NUMBER, -seed);
            out.writeFloat(ChannelTable.CENTER_FIELD_NUMBER, seed / 4f);
            out.writeUInt32(ChannelTable.PRECISION_BITS_FIELD_NUMBER, 16);
        });
    }

    /** Every prefix of a model file: both parsers refuse it, or both read the same. */
    @ParameterizedTest
    @MethodSource("models")
    void truncatedFilesAreRefusedAlike(Path model) throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        int step = Math.max(1, bytes.length / 300);
        for (int len = 0; len < bytes.length; len += step) {
            assertAlike(Arrays.copyOf(bytes, len), "prefix of " + len + " bytes");
        }
    }

    /**
     * Reading a model: the whole stream whatever {@code available()} says (exact, 0, too small, too large), in reads
     * of any size; a stream of the cap's size is read, one byte more is refused.
     */
    @org.junit.jupiter.api.Test
    void readCappedReadsEveryByteAndRefusesOneByteMoreThanTheCap() throws Exception {
        byte[] data = new byte[200_003];
        new java.util.Random(5).nextBytes(data);
        for (int claimed : new int[] {data.length, 0, 1000, 10_000_000}) {
            for (int chunk : new int[] {1, 4096, 1 << 20}) {
                assertArrayEquals(data, ModelFiles.readCapped(stream(data, claimed, chunk), 1 << 20),
                        "available() " + claimed + ", reads of " + chunk);
            }
        }
        assertArrayEquals(data, ModelFiles.readCapped(stream(data, 0, 7777), data.length));
        AeicException e = org.junit.jupiter.api.Assertions.assertThrows(AeicException.class,
                () -> ModelFiles.readCapped(stream(data, data.length, 7777), data.length - 1));
        assertEquals(AeicException.Kind.TOO_LARGE, e.kind());
        assertEquals(0, ModelFiles.readCapped(stream(new byte[0], 0, 10), 10).length);
    }

    /** {@code data}, at most {@code chunk} bytes per read, {@code available()} returning {@code claimed}. */
    private static java.io.InputStream stream(byte[] data, int claimed, int chunk) {
        return new java.io.ByteArrayInputStream(data) {
            @Override
            public synchronized int available() {
                return claimed;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }
}
