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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.FactorizedLatentCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guarantee of the entropy models that choose a table per latent element from floats (the mean-scale
 * hyperprior, the checkerboard context in two or three passes): a stream decodes to the same pixels, and an image encodes to the same
 * bytes, on every JVM and CPU. A one-ULP difference anywhere between the decoded symbols and the table index would
 * pick another table and derail the decoder.
 *
 * <p>Committed files in {@code testdata/golden/}, per kind: {@code <kind>-model.aeicm} (an untrained tiny model,
 * {@link TestModels}), {@code <kind>-input.aeic} ({@code input.png} coded at quality 1.5, between the model's two
 * levels, so the interpolated tables are pinned too) and {@code <kind>-expected.png} (that stream decoded). Checked
 * here with 1, 2 and 3 threads and, in forked JVMs, with C1 only ({@code -XX:TieredStopAtLevel=1}), 256-bit vectors
 * on x86 ({@code -XX:UseAVX=2}: the GEMM's AVX2 tiles, 4x3 and 5x2, where the machine has AVX-512; {@code
 * -XX:-UseFMA}: no fma instruction, the portable GEMM with an emulated fma), the interpreter
 * only ({@code -Xint}), the portable GEMM and the Vector API GEMM, and under a JDK 25 when {@code /usr/lib/jvm} has
 * one. The surefire execution {@code plain-jvm} runs all of it again in a JVM without the Vector API. Regenerate
 * with {@code -Daeic.regenerateGolden=true}, as {@link GoldenStreamTest}.
 */
class EntropyModelDeterminismTest {
    static final Path DIR = GoldenStreamTest.DIR;
    static final double QUALITY = 1.5;

    /** One kind of model and its golden files. */
    record Kind(String name, String modelId, Supplier<byte[]> model) {
        Path modelFile() {
            return DIR.resolve(name + "-model.aeicm");
        }

        Path stream() {
            return DIR.resolve(name + "-input.aeic");
        }

        Path expectedPng() {
            return DIR.resolve(name + "-expected.png");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(new Kind("hyper", "aeic-test-hyper", () -> TestModels.hyperModelBytes("aeic-test-hyper",
                        20261130L, gains(), 100f)),
                new Kind("checkerboard", "aeic-test-checkerboard",
                        () -> TestModels.checkerboardModelBytes("aeic-test-checkerboard", 20261201L, gains())),
                new Kind("checkerboard3", "aeic-test-checkerboard3",
                        () -> TestModels.checkerboardModelBytes("aeic-test-checkerboard3", 20261202L, gains(), true)));
    }

    /** Untrained latents are small, so gains in the hundreds are what makes their symbols span the tables. */
    static float[] gains() {
        float[] gain = new float[8];
        for (int c = 0; c < gain.length; c++) {
            gain[c] = 150f + 50f * c;
        }
        return gain;
    }

    @BeforeAll
    static void regenerateIfAsked() throws Exception {
        if (!GoldenStreamTest.REGENERATE) {
            return;
        }
        for (Kind k : kinds().toList()) {
            AtomicFiles.write(k.modelFile(), k.model().get());
            byte[] stream = GoldenCheck.encoder(k.modelFile(), QUALITY, 1, 0).encode(GoldenStreamTest.INPUT_PNG);
            AtomicFiles.write(k.stream(), stream);
            ImageSaver.write(GoldenCheck.decoder(k.modelFile(), 1).decode(stream).toBufferedImage(), k.expectedPng(),
                    "png");
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> kindsAndThreads() {
        return kinds().flatMap(k -> Stream.of(1, 2, 3).map(t -> org.junit.jupiter.params.provider.Arguments.of(k, t)));
    }

    @ParameterizedTest
    @MethodSource("kindsAndThreads")
    void committedStreamDecodesToCommittedPixelsWithAnyThreadCount(Kind k, int threads) throws Exception {
        assertEquals("", GoldenCheck.check(k.modelFile(), k.stream(), GoldenStreamTest.INPUT_PNG, k.expectedPng(),
                QUALITY, threads));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theStreamUsesItsKindOfModel(Kind k) throws Exception {
        CodecModel model = ModelRegistry.empty().with(k.modelFile()).require(k.modelId());
        assertTrue(!(model.latentCodec() instanceof FactorizedLatentCodec), k + " model codes as the factorized one");
        StreamInfo info = AeicDecoder.info(Files.readAllBytes(k.stream()), DecodeOptions.defaults());
        assertEquals(k.modelId(), info.modelId());
        assertEquals(QUALITY, info.quality(), 0);
    }

    /** Tiles with overlap: the same bytes from any thread count, and the same pixels. */
    @ParameterizedTest
    @MethodSource("kinds")
    void tiledStreamsAreTheSameWithAnyThreadCount(Kind k) throws Exception {
        byte[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            byte[] s = GoldenCheck.encoder(k.modelFile(), QUALITY, threads, 16).encode(GoldenStreamTest.INPUT_PNG);
            if (first == null) {
                first = s;
            }
            assertArrayEquals(first, s, "tiled stream differs with " + threads + " threads");
        }
        int[] a = GoldenCheck.decoder(k.modelFile(), 1).decode(first).toBufferedImage().getRGB(0, 0, 48, 40, null, 0,
                48);
        int[] b = GoldenCheck.decoder(k.modelFile(), 3).decode(first).toBufferedImage().getRGB(0, 0, 48, 40, null, 0,
                48);
        assertArrayEquals(a, b);
    }

    /** Other JIT tiers, kernels and JDKs, each in its own JVM running {@link GoldenCheck}. */
    @ParameterizedTest
    @MethodSource("kinds")
    void otherJvmsDecodeAndEncodeTheSameBits(Kind k) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<List<String>> runs = new ArrayList<>();
        runs.add(List.of(java, "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector"));
        runs.add(List.of(java, "-XX:TieredStopAtLevel=1", "-Daeic.gemm=scalar"));
        runs.add(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector"));
        runs.add(List.of(java, "-Xint"));
        if (System.getProperty("os.arch").matches("amd64|x86_64")) { // 256-bit vectors: AVX2's 4x3 and 5x2 tiles
            runs.add(List.of(java, "-XX:UseAVX=2", "--add-modules", "jdk.incubator.vector"));
            runs.add(List.of(java, "-XX:UseAVX=2", "-Daeic.gemm.tile=5x2", "--add-modules", "jdk.incubator.vector"));
            // as on a CPU without FMA3: the fma emulated (the JVM's own flag, so that its detection is tested too)
            runs.add(List.of(java, "-XX:-UseFMA", "--add-modules", "jdk.incubator.vector"));
        }
        for (Path jdk : otherJdks()) {
            runs.add(List.of(jdk.resolve("bin").resolve("java").toString(), "--add-modules", "jdk.incubator.vector"));
            runs.add(List.of(jdk.resolve("bin").resolve("java").toString(), "-Daeic.gemm=scalar"));
        }
        for (List<String> jvm : runs) {
            List<String> cmd = new ArrayList<>(jvm);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GoldenCheck.class.getName(),
                    k.modelFile().toString(), k.stream().toString(), GoldenStreamTest.INPUT_PNG.toString(),
                    k.expectedPng().toString(), Double.toString(QUALITY)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "JVM did not finish: " + jvm);
            assertEquals(0, p.exitValue(), jvm + " found a difference: " + out);
            assertTrue(out.contains("same bits"), jvm + " printed: " + out);
            System.out.println(k + ", " + String.join(" ", jvm) + ": " + out.strip());
        }
    }

    /** JDKs in /usr/lib/jvm of feature version 25 when this one is not (e.g. Temurin 25 beside Java 17). */
    static List<Path> otherJdks() throws IOException {
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root) || Runtime.version().feature() == 25) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> Files.isExecutable(d.resolve("bin").resolve("java")))
                    .filter(d -> d.getFileName().toString().matches(".*-25-.*|.*-25|.*jdk-?25.*"))
                    .sorted().limit(1).toList();
        }
    }
}
