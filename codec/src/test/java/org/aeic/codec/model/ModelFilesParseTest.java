package org.aeic.codec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.aeic.codec.AeicException;
import org.aeic.proto.ModelFile;
import org.aeic.proto.NamedTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The coder's bulk parse of a model file against protobuf's parse: the same fields, tensors and refusals. */
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
        assertEquals(full.toBuilder().clearTensors().build(), fast.header());
        assertTrue(full.getTensorsCount() > 0);
        for (NamedTensor t : full.getTensorsList()) {
            assertArrayEquals(ModelFiles.extraTensor(full, t.getName()), fast.tensors().get(t.getName()), t.getName());
        }
        assertEquals(full.getTensorsList().stream().map(NamedTensor::getName).distinct().count(), fast.tensors().size());
    }

    /** Every prefix of a model file: both parsers refuse it, or both read the same. */
    @ParameterizedTest
    @MethodSource("models")
    void truncatedFilesAreRefusedAlike(Path model) throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        int step = Math.max(1, bytes.length / 300);
        for (int len = 0; len < bytes.length; len += step) {
            byte[] cut = Arrays.copyOf(bytes, len);
            ModelFile full = null;
            ModelFiles.Parsed fast = null;
            try {
                full = ModelFiles.parse(cut);
            } catch (AeicException e) {
                // refused
            }
            try {
                fast = ModelFiles.parseForCoding(cut);
            } catch (AeicException e) {
                assertEquals("not a model file, or a truncated one", e.getMessage());
            }
            assertEquals(full == null, fast == null, "prefix of " + len + " bytes");
            if (full != null) {
                assertEquals(full.toBuilder().clearTensors().build(), fast.header());
                for (NamedTensor t : full.getTensorsList()) {
                    assertArrayEquals(ModelFiles.extraTensor(full, t.getName()), fast.tensors().get(t.getName()));
                }
            }
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
