package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.CodecModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mean-scale hyperprior's guarantee: a stream decodes to the same pixels, and an image encodes to the same
 * bytes, on every JVM and CPU. The table of each latent element is chosen from floats that h_s computes, so a
 * one-ULP difference anywhere on that path would pick another table and derail the decoder.
 *
 * <p>Committed files in {@code testdata/golden/}: {@code hyper-model.aeicm} (an untrained tiny hyperprior model,
 * {@link TestModels#hyperModelBytes}), {@code hyper-input.aeic} ({@code input.png} coded at quality 1.5, between
 * the model's two levels, so the interpolated hyper-latent tables are pinned too) and {@code hyper-expected.png}
 * (that stream decoded). Checked here with 1, 2 and 3 threads and, in forked JVMs, with C1 only
 * ({@code -XX:TieredStopAtLevel=1}), the interpreter only ({@code -Xint}), the portable GEMM and the Vector API
 * GEMM, and under a JDK 25 when {@code /usr/lib/jvm} has one. The surefire execution {@code plain-jvm} runs all of
 * it again in a JVM without the Vector API. Regenerate with {@code -Daeic.regenerateGolden=true}, as
 * {@link GoldenStreamTest}.
 */
class HyperpriorDeterminismTest {
    static final Path DIR = GoldenStreamTest.DIR;
    static final Path MODEL = DIR.resolve("hyper-model.aeicm");
    static final Path STREAM = DIR.resolve("hyper-input.aeic");
    static final Path EXPECTED_PNG = DIR.resolve("hyper-expected.png");
    static final String MODEL_ID = "aeic-test-hyper";
    static final double QUALITY = 1.5;

    @BeforeAll
    static void regenerateIfAsked() throws Exception {
        if (!GoldenStreamTest.REGENERATE) {
            return;
        }
        float[] gain = new float[8];
        for (int c = 0; c < gain.length; c++) {
            gain[c] = 150f + 50f * c;
        }
        AtomicFiles.write(MODEL, TestModels.hyperModelBytes(MODEL_ID, 20261130L, gain, 100f));
        byte[] stream = GoldenCheck.encoder(MODEL, QUALITY, 1, 0).encode(GoldenStreamTest.INPUT_PNG);
        AtomicFiles.write(STREAM, stream);
        ImageSaver.write(GoldenCheck.decoder(MODEL, 1).decode(stream).toBufferedImage(), EXPECTED_PNG, "png");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void committedStreamDecodesToCommittedPixelsWithAnyThreadCount(int threads) throws Exception {
        String problem = GoldenCheck.check(MODEL, STREAM, GoldenStreamTest.INPUT_PNG, EXPECTED_PNG, QUALITY, threads);
        assertEquals("", problem);
    }

    @Test
    void theStreamUsesTheHyperprior() throws Exception {
        CodecModel model = ModelRegistry.empty().with(MODEL).require(MODEL_ID);
        assertTrue(model.hyper != null, "hyper-model.aeicm is not a hyperprior model");
        StreamInfo info = AeicDecoder.info(Files.readAllBytes(STREAM), DecodeOptions.defaults());
        assertEquals(MODEL_ID, info.modelId());
        assertEquals(QUALITY, info.quality(), 0);
    }

    /** Tiles with overlap: the same bytes from any thread count, and decodable. */
    @Test
    void tiledStreamsAreTheSameWithAnyThreadCount() throws Exception {
        byte[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            byte[] s = GoldenCheck.encoder(MODEL, QUALITY, threads, 16).encode(GoldenStreamTest.INPUT_PNG);
            if (first == null) {
                first = s;
            }
            assertArrayEquals(first, s, "tiled stream differs with " + threads + " threads");
        }
        int[] a = GoldenCheck.decoder(MODEL, 1).decode(first).toBufferedImage().getRGB(0, 0, 48, 40, null, 0, 48);
        int[] b = GoldenCheck.decoder(MODEL, 3).decode(first).toBufferedImage().getRGB(0, 0, 48, 40, null, 0, 48);
        assertArrayEquals(a, b);
    }

    /** Other JIT tiers, kernels and JDKs, each in its own JVM running {@link GoldenCheck}. */
    @Test
    void otherJvmsDecodeAndEncodeTheSameBits() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<List<String>> runs = new ArrayList<>();
        runs.add(List.of(java, "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector"));
        runs.add(List.of(java, "-XX:TieredStopAtLevel=1", "-Daeic.gemm=scalar"));
        runs.add(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector"));
        runs.add(List.of(java, "-Xint"));
        for (Path jdk : otherJdks()) {
            runs.add(List.of(jdk.resolve("bin").resolve("java").toString(), "--add-modules", "jdk.incubator.vector"));
            runs.add(List.of(jdk.resolve("bin").resolve("java").toString(), "-Daeic.gemm=scalar"));
        }
        for (List<String> jvm : runs) {
            List<String> cmd = new ArrayList<>(jvm);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GoldenCheck.class.getName(),
                    MODEL.toString(), STREAM.toString(), GoldenStreamTest.INPUT_PNG.toString(), EXPECTED_PNG.toString(),
                    Double.toString(QUALITY)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "JVM did not finish: " + jvm);
            assertEquals(0, p.exitValue(), jvm + " found a difference: " + out);
            assertTrue(out.contains("same bits"), jvm + " printed: " + out);
        }
    }

    /** JDKs in /usr/lib/jvm of another feature version than this one (e.g. Temurin 25 beside Java 17). */
    static List<Path> otherJdks() throws IOException {
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        String mine = Integer.toString(Runtime.version().feature());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> Files.isExecutable(d.resolve("bin").resolve("java")))
                    .filter(d -> d.getFileName().toString().matches(".*\\b25\\b.*|.*-25-.*|.*25-jdk.*"))
                    .filter(d -> !mine.equals("25"))
                    .sorted().limit(1).toList();
        }
    }
}
