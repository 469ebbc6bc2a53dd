package org.aeic.codec.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.TileListener;
import org.aeic.codec.container.AeicStream;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.container.ContainerWriter;
import org.aeic.codec.image.PlanarImage;
import org.aeic.proto.StreamHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz targets for the stream decoder (Jazzer, JUnit 5 integration).
 *
 * <p><b>Regression mode</b> (plain {@code mvn test}): each {@link FuzzTest} runs once on the empty input and on
 * every file in {@code src/test/resources/org/aeic/codec/fuzz/StreamFuzzTestInputs/<method name>/}: valid
 * streams made with the tiny test model, truncated ones, and any past findings. {@code maxDuration} has no effect
 * in this mode.
 *
 * <p><b>Fuzzing mode</b> fuzzes one fuzz test per run. The {@code maxDuration} below is only a short default;
 * {@code JAZZER_MAX_DURATION} overrides it. There is deliberately no JUnit {@code @Timeout}: in fuzzing mode JUnit
 * applies it to the whole fuzzing session. The per-input hang limit goes to libFuzzer instead, through Jazzer's
 * (internal) {@code jazzer.internal.arg.N} parameters, argument 0 being a placeholder for argv[0]:
 *
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -o -pl codec test -Dtest='StreamFuzzTest#decodeWithValidCrcs' \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-timeout=20
 * </pre>
 *
 * With {@code -Dtest} the codec's second surefire execution ({@code plain-jvm}: scalar GEMM, no Vector API module)
 * selects the fuzz test as well, so {@code test} fuzzes twice, once per execution, each for the full duration. To
 * fuzz once, replace {@code test} with {@code test-compile surefire:test@default-test}.
 *
 * <p>Jazzer keeps its generated corpus in {@code codec/.cifuzz-corpus/} (not committed) and writes a crashing input
 * to the inputs directory above, where it then stays as a regression seed once the bug is fixed. A finding of
 * {@link #decodeWithValidCrcs} is the input before its CRCs are fixed; keep a copy through {@link #fixCrcs} in
 * {@code decodeStream/} too.
 *
 * <p>Decoding is capped at 1,000,000 pixels (as the libwebp and libjpeg-turbo fuzzers cap theirs) and runs on one
 * thread. An {@link AeicException} is the expected outcome for bad input; any other exception, an out-of-memory
 * error (also when the codec wraps it in an AeicException), or a run over the timeout is a finding.
 *
 * <p>The seeds depend on the tiny model's SHA-256: after regenerating {@code testdata/golden/tiny-model.aeicm},
 * regenerate them too with the tool {@link RegenerateFuzzSeeds} ({@code testdata/README.md} has the command).
 */
@ExtendWith(QuietJazzer.class)
class StreamFuzzTest {
    static final Path MODEL = Path.of("..", "testdata", "golden", "tiny-model.aeicm");
    /** The tiny mean-scale hyperprior and checkerboard models: tiles of parts, tables chosen per element. */
    static final Path HYPER_MODEL = Path.of("..", "testdata", "golden", "hyper-model.aeicm");
    static final Path CHECKERBOARD_MODEL = Path.of("..", "testdata", "golden", "checkerboard-model.aeicm");
    static final Path CHECKERBOARD3_MODEL = Path.of("..", "testdata", "golden", "checkerboard3-model.aeicm");
    static final Path INPUTS = Path.of("src", "test", "resources", "org", "aeic", "codec", "fuzz",
            "StreamFuzzTestInputs");
    static final List<String> TARGETS = List.of("decodeStream", "decodeWithValidCrcs");

    static final long MAX_PIXELS = 1_000_000;
    static final ContainerLimits LIMITS = ContainerLimits.defaults().withMaxPixels(MAX_PIXELS);
    static final DecodeOptions OPTIONS = new DecodeOptions(1, LIMITS);

    private static final ModelRegistry REGISTRY = loadRegistry();
    private static final AeicDecoder DECODER = new AeicDecoder(OPTIONS, REGISTRY);

    private static ModelRegistry loadRegistry() {
        try {
            // the last one added is the default
            return ModelRegistry.empty().with(HYPER_MODEL).with(CHECKERBOARD_MODEL).with(CHECKERBOARD3_MODEL)
                    .with(MODEL);
        } catch (AeicException e) {
            throw new IllegalStateException("cannot load the tiny test model " + MODEL.toAbsolutePath(), e);
        }
    }

    /** The stream as given: mostly exercises the container and header checks (CRCs guard the sections). */
    @FuzzTest(maxDuration = "30s")
    void decodeStream(byte[] data) {
        check(data);
    }

    /**
     * The stream with every CRC the container layout lets us locate recomputed first, so that mutations of the
     * tile payloads and the alpha plane reach the entropy decoder, the transforms and the alpha codec instead of
     * stopping at a CRC mismatch (what libpng's fuzzer gets from skipping CRC checks in fuzzing builds).
     */
    @FuzzTest(maxDuration = "30s")
    void decodeWithValidCrcs(byte[] data) {
        check(fixCrcs(data));
    }

    private static void check(byte[] data) {
        AeicStream fromArray = null;
        AeicException arrayError = null;
        try {
            fromArray = ContainerReader.read(data, LIMITS);
        } catch (AeicException e) {
            arrayError = e;
        }
        // the InputStream reader must accept and reject the same streams
        AeicException streamError = null;
        try {
            AeicStream fromStream = ContainerReader.read(new ByteArrayInputStream(data), LIMITS);
            if (fromArray != null && !sameSections(fromArray, fromStream)) {
                throw new IllegalStateException("byte[] and InputStream readers return different streams");
            }
        } catch (AeicException e) {
            streamError = e;
        } catch (IOException e) {
            throw new IllegalStateException("ByteArrayInputStream cannot fail", e);
        }
        if ((arrayError == null) != (streamError == null)) {
            throw new IllegalStateException("byte[] reader " + (arrayError == null ? "accepts" : "rejects: "
                    + arrayError.getMessage()) + ", InputStream reader " + (streamError == null ? "accepts"
                    : "rejects: " + streamError.getMessage()));
        }
        try {
            AeicDecoder.info(data, OPTIONS);
        } catch (AeicException e) {
            expected(e);
        }
        if (arrayError != null) {
            expected(arrayError);
            return; // decode() starts with the same ContainerReader.read and would stop at the same place
        }
        try {
            DecodedImage img = DECODER.decode(data);
            if ((long) img.image().width * img.image().height > MAX_PIXELS) {
                throw new IllegalStateException("decoded " + img.image().width + "x" + img.image().height
                        + " past the pixel limit");
            }
        } catch (AeicException e) {
            expected(e);
        }
    }

    /** An AeicException is the decoder's way to reject input, unless it only wraps an out-of-memory error. */
    private static void expected(AeicException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                throw new IllegalStateException("out of memory within the 1 MP limit: " + e.getMessage(), e);
            }
        }
    }

    private static boolean sameSections(AeicStream a, AeicStream b) {
        if (!a.header().equals(b.header()) || a.tiles().size() != b.tiles().size()) {
            return false;
        }
        for (int i = 0; i < a.tiles().size(); i++) {
            if (!Arrays.equals(a.tiles().get(i), b.tiles().get(i))) {
                return false;
            }
        }
        return Arrays.equals(a.alpha(), b.alpha()) && Arrays.equals(a.icc(), b.icc())
                && Arrays.equals(a.exif(), b.exif());
    }

    /**
     * A copy of {@code data} with the header CRC and the CRC after each section recomputed, as far as the (parsed,
     * not validated) header and the length of the data allow. Anything it cannot make sense of stays as it is.
     */
    static byte[] fixCrcs(byte[] data) {
        byte[] d = data.clone();
        final int fixed = 8 + 2 + 4; // magic, version, header length
        if (d.length < fixed) {
            return d;
        }
        long hlen = u32(d, fixed - 4);
        if (fixed + hlen + 4 > d.length) {
            return d;
        }
        int pos = fixed;
        pos = putCrc(d, pos, (int) hlen);
        StreamHeader h;
        try {
            h = StreamHeader.parseFrom(Arrays.copyOfRange(d, fixed, fixed + (int) hlen));
        } catch (IOException | RuntimeException e) {
            return d;
        }
        List<Long> sizes = new ArrayList<>();
        for (int t : h.getTileBytesList()) {
            sizes.add(Integer.toUnsignedLong(t));
        }
        for (int s : new int[] {h.getAlphaBytes(), h.getIccBytes(), h.getExifBytes()}) {
            if (s != 0) {
                sizes.add(Integer.toUnsignedLong(s));
            }
        }
        for (long size : sizes) {
            if (pos + size + 4 > d.length) {
                break;
            }
            pos = putCrc(d, pos, (int) size);
        }
        return d;
    }

    /** Writes the CRC32C of {@code d[pos, pos + len)} after it; returns the position after the CRC. */
    private static int putCrc(byte[] d, int pos, int len) {
        CRC32C crc = new CRC32C();
        crc.update(d, pos, len);
        int v = (int) crc.getValue();
        int at = pos + len;
        d[at] = (byte) (v >>> 24);
        d[at + 1] = (byte) (v >>> 16);
        d[at + 2] = (byte) (v >>> 8);
        d[at + 3] = (byte) v;
        return at + 4;
    }

    private static long u32(byte[] b, int off) {
        return Integer.toUnsignedLong((b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8
                | b[off + 3] & 0xFF);
    }

    // ---- seeds --------------------------------------------------------------------------------------------------

    /** The seed files of a fuzz target whose names start with {@code prefix}, sorted. */
    private static List<Path> seeds(String target, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(INPUTS.resolve(target))) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** The valid seeds decode: they reach the entropy decoder and the transforms, so they are worth mutating. */
    @Test
    void validSeedsDecode() throws Exception {
        for (String target : TARGETS) {
            List<Path> valid = seeds(target, "valid-");
            assertTrue(valid.size() >= 7, "expected the valid seeds in " + INPUTS.resolve(target));
            for (Path p : valid) {
                byte[] data = Files.readAllBytes(p);
                DecodedImage img = DECODER.decode(data);
                assertTrue(img.image().width >= 1);
                assertEquals(ContainerReader.read(data, LIMITS).header().getWidth(), img.image().width);
            }
        }
    }

    /** The truncated seeds are rejected, with an AeicException. */
    @Test
    void truncatedSeedsAreRejected() throws Exception {
        for (String target : TARGETS) {
            List<Path> truncated = seeds(target, "truncated-");
            assertFalse(truncated.isEmpty());
            for (Path p : truncated) {
                byte[] data = Files.readAllBytes(p);
                org.junit.jupiter.api.Assertions.assertThrows(AeicException.class, () -> DECODER.decode(data),
                        p.toString());
            }
        }
    }

    /** The {@code valid-*} and {@code truncated-*} seeds, made with the tiny model ({@link RegenerateFuzzSeeds} writes them). */
    static Map<String, byte[]> seeds() throws AeicException {
        AeicEncoder enc = new AeicEncoder(EncodeOptions.defaults().withThreads(1), REGISTRY);
        Map<String, byte[]> out = new LinkedHashMap<>();
        byte[] rgb = enc.encode(image(24, 20, 3, 8), TileListener.NONE);
        out.put("valid-rgb-24x20.aeic", rgb);
        byte[] rgba = enc.encode(image(17, 9, 4, 8), TileListener.NONE);
        out.put("valid-rgba-17x9.aeic", rgba);
        out.put("valid-grey-16x16.aeic", enc.encode(image(16, 16, 1, 8), TileListener.NONE));
        out.put("valid-greyalpha16-5x3.aeic", enc.encode(image(5, 3, 2, 16), TileListener.NONE));
        out.put("valid-rgb-1x1.aeic", enc.encode(image(1, 1, 3, 8), TileListener.NONE));
        // several tiles, coded with context around each (header field tile_overlap)
        out.put("valid-rgba-tiled-40x20.aeic", new AeicEncoder(EncodeOptions.defaults().withThreads(1)
                .withTileSize(16), REGISTRY).encode(image(40, 20, 4, 8), TileListener.NONE));
        // ICC and EXIF sections (arbitrary bytes: the decoder passes them through untouched)
        AeicStream s = ContainerReader.read(rgb, LIMITS);
        out.put("valid-rgb-icc-exif.aeic", ContainerWriter.toBytes(s.header(), s.tiles(), null,
                "not really an ICC profile".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0}));
        // the hyperprior's streams, at a quality between its two levels
        EncodeOptions hyper = EncodeOptions.defaults().withThreads(1).withQuality(1.5)
                .withModelId("aeic-test-hyper");
        byte[] hyperRgb = new AeicEncoder(hyper, REGISTRY).encode(image(24, 20, 3, 8), TileListener.NONE);
        out.put("valid-hyper-rgb-24x20.aeic", hyperRgb);
        out.put("valid-hyper-rgba-tiled-40x20.aeic", new AeicEncoder(hyper.withTileSize(16), REGISTRY)
                .encode(image(40, 20, 4, 8), TileListener.NONE));
        out.put("truncated-hyper-rgb-tile.aeic", Arrays.copyOf(hyperRgb, hyperRgb.length - 7));
        for (String kind : List.of("checkerboard", "checkerboard3")) {
            EncodeOptions cb = hyper.withModelId("aeic-test-" + kind);
            byte[] cbRgb = new AeicEncoder(cb, REGISTRY).encode(image(24, 20, 3, 8), TileListener.NONE);
            out.put("valid-" + kind + "-rgb-24x20.aeic", cbRgb);
            out.put("valid-" + kind + "-rgba-tiled-40x20.aeic", new AeicEncoder(cb.withTileSize(16), REGISTRY)
                    .encode(image(40, 20, 4, 8), TileListener.NONE));
            out.put("truncated-" + kind + "-rgb-tile.aeic", Arrays.copyOf(cbRgb, cbRgb.length - 7));
        }
        out.put("truncated-rgb-header.aeic", Arrays.copyOf(rgb, 20));
        out.put("truncated-rgb-tile.aeic", Arrays.copyOf(rgb, rgb.length - 7));
        out.put("truncated-rgba-alpha.aeic", Arrays.copyOf(rgba, rgba.length - 3));
        out.put("truncated-magic.aeic", Arrays.copyOf(rgb, 5));
        return out;
    }

    /** A small image of the given layout with smooth ramps and an edge, alpha (if any) varying. */
    static PlanarImage image(int w, int h, int channels, int bitDepth) {
        int n = w * h;
        float[] rgb = new float[3 * n];
        boolean grey = channels <= 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float r = (x + 0.5f) / w;
                float g = (y + 0.5f) / h;
                float b = x > w / 2 ? 0.9f : 0.1f;
                if (grey) {
                    r = g = b = (r + g + b) / 3;
                }
                rgb[i] = r;
                rgb[n + i] = g;
                rgb[2 * n + i] = b;
            }
        }
        int[] alpha = null;
        if (channels == 2 || channels == 4) {
            int max = (1 << bitDepth) - 1;
            alpha = new int[n];
            for (int i = 0; i < n; i++) {
                alpha[i] = i % 3 == 0 ? max : (int) ((long) i * max / n);
            }
        }
        return new PlanarImage(w, h, rgb, alpha, channels, bitDepth, false, null, null);
    }
}
