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
}
