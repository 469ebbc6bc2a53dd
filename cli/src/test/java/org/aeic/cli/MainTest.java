package org.aeic.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.container.ContainerWriter;
import org.aeic.proto.StreamHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line through {@link Main#run}: exit codes (0 ok, 1 bad input, 2 usage), one-line messages on stderr,
 * and no output (nor temporary file) left behind by a failure. Images are tiny so that the class runs in seconds.
 */
class MainTest {
    @TempDir
    Path dir;

    /** Exit code, stdout as text (and as {@code bytes}, for -o -), stderr. */
    record Result(int code, String out, String err, byte[] bytes) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + (bytes.length > 4000 ? bytes.length + " bytes\n" : out)
                    + "--- stderr\n" + err;
        }
    }

    static Result run(Object... args) {
        return runWith(new byte[0], false, args);
    }

    /** Runs with {@code stdin} as standard input, as if on a terminal or not. */
    static Result runWith(byte[] stdin, boolean terminal, Object... args) {
        String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = Main.run(a, new Stdio(new ByteArrayInputStream(stdin), out, terminal), new PrintWriter(err));
        return new Result(code, out.toString(Charset.defaultCharset()), err.toString(), out.toByteArray());
    }

    // ---------------------------------------------------------------- assertions

    static void assertOk(Result r) {
        assertEquals(Main.EXIT_OK, r.code, r::toString);
        assertTrue(r.err.isBlank(), r::toString);
    }

    /** Exit code 1 and exactly one non-empty stderr line, without a stack trace, mentioning every needle. */
    static void assertFailure(Result r, String... needles) {
        assertEquals(Main.EXIT_FAILURE, r.code, r::toString);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "stderr must be one line\n" + r);
        assertNoStackTrace(r);
        assertTrue(lines.get(0).startsWith("aeic: "), r::toString);
        for (String n : needles) {
            assertTrue(lines.get(0).contains(n), () -> "stderr should mention '" + n + "'\n" + r);
        }
    }

    /** Exit code 2: the error on one line, optionally followed by the hint where to find the usage. */
    static void assertUsage(Result r, String... needles) {
        assertEquals(Main.EXIT_USAGE, r.code, r::toString);
        List<String> lines = r.errLines();
        assertTrue(lines.size() == 1 || lines.size() == 2, r::toString);
        assertNoStackTrace(r);
        assertTrue(lines.get(0).startsWith("aeic: "), r::toString);
        if (lines.size() == 2) {
            assertTrue(lines.get(1).matches("Try 'aeic (\\w+ )?--help' for usage\\."), r::toString);
        }
        for (String n : needles) {
            assertTrue(lines.get(0).contains(n), () -> "stderr should mention '" + n + "'\n" + r);
        }
    }

    static void assertNoStackTrace(Result r) {
        assertFalse(r.err.contains("Exception"), r::toString);
        assertFalse(r.err.contains("\tat "), r::toString);
    }

    /** The names in {@code d} (recursively, relative), so that stray outputs and temporary files show up. */
    static Set<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(p -> !p.equals(d)).map(p -> d.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static void assertFiles(Path d, String... expected) throws IOException {
        assertEquals(new TreeSet<>(List.of(expected)), names(d));
    }

    // ---------------------------------------------------------------- images

    static int rgbAt(int x, int y, int w, int h) {
        int r = x * 255 / Math.max(1, w - 1);
        int g = y * 255 / Math.max(1, h - 1);
        int b = (x * 37 + y * 91) & 0xFF;
        return r << 16 | g << 8 | b;
    }

    static BufferedImage image(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int alpha = (x * 29 + y * 53) & 0xFF; // every value from transparent to opaque occurs
                img.setRGB(x, y, alpha << 24 | rgbAt(x, y, w, h));
            }
        }
        return img;
    }

    static BufferedImage grey16(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 65535 / (w - 1) + y * 997) & 0xFFFF);
            }
        }
        return img;
    }

    Path write(String name, BufferedImage img) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        String ext = name.substring(name.lastIndexOf('.') + 1);
        assertTrue(ImageIO.write(img, ext.equals("tif") ? "tiff" : ext, p.toFile()), "no ImageIO writer for " + ext);
        return p;
    }

    Path rgbPng(String name, int w, int h) throws IOException {
        return write(name, image(w, h, BufferedImage.TYPE_3BYTE_BGR));
    }

    /** Compresses {@code in} to {@code out}, expecting success. */
    static void compress(Path in, Path out) {
        Result r = run("compress", in, "-o", out);
        assertOk(r);
    }

    static BufferedImage read(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, "not readable: " + p);
        return img;
    }

    /** PNG IHDR: bit depth and colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
    static int[] pngDepthAndType(Path png) throws IOException {
        byte[] b = Files.readAllBytes(png);
        assertEquals("IHDR", new String(b, 12, 4, StandardCharsets.US_ASCII));
        return new int[] {b[24] & 0xFF, b[25] & 0xFF};
    }

    static StreamHeader header(byte[] stream) throws Exception {
        return ContainerReader.read(stream, ContainerLimits.defaults()).header();
    }

    // ================================================================ 1. happy paths

    @Test
    void rgbPngRoundTripAndInfo() throws Exception {
        Path in = rgbPng("in.png", 40, 24);
        Path aeic = dir.resolve("a.aeic");
        Result c = run("compress", in, "-o", aeic);
        assertOk(c);
        assertTrue(c.out.contains("40x24"), c::toString);
        StreamHeader h = header(Files.readAllBytes(aeic));
        assertEquals(40, h.getWidth());
        assertEquals(24, h.getHeight());
        assertEquals(3, h.getChannels());

        Path png = dir.resolve("out.png");
        assertOk(run("decompress", aeic, "-o", png));
        BufferedImage img = read(png);
        assertEquals(40, img.getWidth());
        assertEquals(24, img.getHeight());
        assertArrayEquals(new int[] {8, 2}, pngDepthAndType(png));
        assertFiles(dir, "in.png", "a.aeic", "out.png");
    }

    @Test
    void rgbaAlphaComesBackExactly() throws Exception {
        BufferedImage src = image(17, 9, BufferedImage.TYPE_INT_ARGB);
        Path in = write("rgba.png", src);
        Path aeic = dir.resolve("rgba.aeic");
        compress(in, aeic);
        assertEquals(4, header(Files.readAllBytes(aeic)).getChannels());
        Path png = dir.resolve("back.png");
        assertOk(run("decompress", aeic, "-o", png));
        assertArrayEquals(new int[] {8, 6}, pngDepthAndType(png));
        BufferedImage back = read(png);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 17; x++) {
                assertEquals(src.getRGB(x, y) >>> 24, back.getRGB(x, y) >>> 24, "alpha at " + x + "," + y);
            }
        }
    }

    @Test
    void greyPngStaysGrey() throws Exception {
        Path in = write("grey.png", image(40, 24, BufferedImage.TYPE_BYTE_GRAY));
        Path aeic = dir.resolve("grey.aeic");
        compress(in, aeic);
        Result info = run("info", aeic, "--json");
        assertOk(info);
        assertTrue(info.out.matches("(?s).*\"channels\":\\s*1\\b.*"), info::toString);
        Path png = dir.resolve("back.png");
        assertOk(run("decompress", aeic, "-o", png));
        assertArrayEquals(new int[] {8, 0}, pngDepthAndType(png));
    }

    @Test
    void sixteenBitGreyPngDecompressesTo16Bit() throws Exception {
        Path in = write("g16.png", grey16(40, 24));
        assertArrayEquals(new int[] {16, 0}, pngDepthAndType(in));
        Path aeic = dir.resolve("g16.aeic");
        compress(in, aeic);
        StreamHeader h = header(Files.readAllBytes(aeic));
        assertEquals(1, h.getChannels());
        assertEquals(16, h.getBitDepth());
        Path png = dir.resolve("back.png");
        assertOk(run("decompress", aeic, "-o", png));
        assertArrayEquals(new int[] {16, 0}, pngDepthAndType(png));
        assertEquals(16, read(png).getColorModel().getComponentSize(0));
    }

    @Test
    void palettePng() throws Exception {
        Path in = write("pal.png", image(40, 24, BufferedImage.TYPE_BYTE_INDEXED));
        assertEquals(3, pngDepthAndType(in)[1], "the source must really be a palette PNG");
        Path aeic = dir.resolve("pal.aeic");
        compress(in, aeic);
        Result info = run("info", aeic, "--json");
        assertOk(info);
        assertTrue(info.out.matches("(?s).*\"palette\":\\s*true\\b.*"), info::toString);
        Path png = dir.resolve("back.png");
        assertOk(run("decompress", aeic, "-o", png));
        BufferedImage back = read(png);
        assertEquals(40, back.getWidth());
        assertEquals(24, back.getHeight());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "bmp", "tif"})
    void otherInputFormats(String ext) throws Exception {
        Path in = rgbPng("in." + ext, 40, 24);
        Path aeic = dir.resolve("in.aeic");
        compress(in, aeic);
        StreamHeader h = header(Files.readAllBytes(aeic));
        assertEquals(40, h.getWidth());
        assertEquals(24, h.getHeight());
        Path png = dir.resolve("out.png");
        assertOk(run("decompress", aeic, "-o", png));
        assertEquals(40, read(png).getWidth());
        assertFiles(dir, "in." + ext, "in.aeic", "out.png");
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg", "jpeg", "bmp", "tif", "tiff"})
    void decompressFormatFollowsExtension(String ext) throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        Path out = dir.resolve("out." + ext);
        Result r = run("decompress", aeic, "-o", out);
        assertOk(r);
        byte[] b = Files.readAllBytes(out);
        String magic = switch (ext) {
            case "png" -> "89504e47";
            case "jpg", "jpeg" -> "ffd8ff";
            case "bmp" -> "424d";
            default -> b[0] == 'I' ? "49492a00" : "4d4d002a";
        };
        assertTrue(java.util.HexFormat.of().formatHex(b).startsWith(magic), "wrong format for ." + ext);
        BufferedImage img = read(out);
        assertEquals(17, img.getWidth());
        assertEquals(9, img.getHeight());
        assertFiles(dir, "in.png", "a.aeic", "out." + ext);
    }

    @Test
    void decompressToUnknownExtensionFails() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        // a usage error (exit 2) that lists the formats there are
        assertUsage(run("decompress", aeic, "-o", dir.resolve("out.xyz")), "out.xyz", ".png", ".jpg", ".bmp", ".tif");
        assertUsage(run("decompress", aeic, "-o", dir.resolve("out.webp")), "out.webp", ".png");
        assertUsage(run("decompress", aeic, "-o", dir.resolve("out.png"), "--format", "webp"), "webp", "png", "tiff");
        assertFiles(dir, "in.png", "a.aeic");
    }

    @Test
    void modelsListsTheBundledModelsDefaultFirst() throws Exception {
        Result r = run("models");
        assertOk(r);
        List<org.aeic.codec.ModelInfo> bundled = ModelRegistry.bundled().list();
        String first = bundled.get(0).id();
        assertTrue(r.out.startsWith(first + " (default)"), r::toString);
        for (org.aeic.codec.ModelInfo m : bundled) {
            assertTrue(r.out.contains(m.id()) && r.out.contains(m.sha256()), m.id() + " missing: " + r);
        }
        Result json = run("models", "--json");
        assertOk(json);
        assertTrue(json.out.startsWith("[{\"id\": \"" + first + "\", \"default\": true"), json::toString);
        assertEquals(1, json.out.split("\"default\": true", -1).length - 1, json::toString);
        assertEquals(bundled.size(), json.out.split("\"sha256\"", -1).length - 1, json::toString);

        Path bad = Files.writeString(dir.resolve("bad.aeicm"), "not a model");
        assertFailure(run("models", "--model", bad), "bad.aeicm");
    }

    @Test
    void infoTextAndJson() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 40, 24), aeic);
        long size = Files.size(aeic);
        String model = ModelRegistry.bundled().defaultId();

        Result text = run("info", aeic);
        assertOk(text);
        for (String s : List.of("40 x 24", "RGB", model, "quality", "bpp", "bytes     " + size)) {
            assertTrue(text.out.contains(s), () -> "missing '" + s + "'\n" + text);
        }

        Result json = run("info", aeic, "--json");
        assertOk(json);
        String j = json.out.strip();
        assertTrue(j.startsWith("{") && j.endsWith("}"), json::toString);
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("\"(\\w+)\"\\s*:").matcher(j);
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertTrue(keys.containsAll(List.of("width", "height", "channels", "model", "quality", "bytes", "bpp")),
                () -> "keys " + keys);
        assertTrue(j.matches("(?s).*\"width\":\\s*40\\s*[,}].*"), j);
        assertTrue(j.matches("(?s).*\"height\":\\s*24\\s*[,}].*"), j);
        assertTrue(j.matches("(?s).*\"channels\":\\s*3\\s*[,}].*"), j);
        assertTrue(j.matches("(?s).*\"model\":\\s*\"" + Pattern.quote(model) + "\".*"), j);
        assertTrue(j.matches("(?s).*\"quality\":\\s*[0-9.]+\\s*[,}].*"), j);
        assertTrue(j.matches("(?s).*\"bytes\":\\s*" + size + "\\s*[,}].*"), j);
        Matcher bpp = Pattern.compile("\"bpp\":\\s*([0-9.]+)").matcher(j);
        assertTrue(bpp.find(), j);
        assertEquals(size * 8.0 / (40 * 24), Double.parseDouble(bpp.group(1)), 1e-4);
    }

    @Test
    void defaultOutputNames() throws Exception {
        Path in = rgbPng("photo.png", 40, 24);
        assertOk(run("compress", in));
        Path aeic = dir.resolve("photo.aeic");
        assertTrue(Files.isRegularFile(aeic));
        Files.delete(in);
        assertOk(run("decompress", aeic));
        assertEquals(40, read(in).getWidth());
        assertFiles(dir, "photo.aeic", "photo.png");
    }

    @ParameterizedTest
    @CsvSource({"1,1", "17,9", "1,33", "33,1", "40,24"})
    void oddSizesRoundTrip(int w, int h) throws Exception {
        Path in = rgbPng("in.png", w, h);
        Path aeic = dir.resolve("in.aeic");
        compress(in, aeic);
        Path png = dir.resolve("out.png");
        assertOk(run("decompress", aeic, "-o", png));
        BufferedImage img = read(png);
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        assertOk(run("info", aeic));
    }

    @Test
    void outputFilesGetTheUsualPermissions() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        Path png = dir.resolve("out.png");
        assertOk(run("decompress", aeic, "-o", png));
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
        assertEquals(PosixFilePermissions.toString(usual), PosixFilePermissions.toString(Files.getPosixFilePermissions(aeic)));
        assertEquals(PosixFilePermissions.toString(usual), PosixFilePermissions.toString(Files.getPosixFilePermissions(png)));
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help");
        assertOk(help);
        assertTrue(help.out.contains("compress"), help::toString);
        Result sub = run("compress", "--help");
        assertOk(sub);
        assertTrue(sub.out.contains("--bpp"), sub::toString);
        Result version = run("--version");
        assertOk(version);
        assertTrue(version.out.startsWith("aeic "), version::toString);
    }

    // ================================================================ 2. bad input: exit 1

    @Test
    void emptyFile() throws Exception {
        Path png = Files.createFile(dir.resolve("empty.png"));
        Path aeic = Files.createFile(dir.resolve("empty.aeic"));
        assertFailure(run("compress", png, "-o", dir.resolve("x.aeic")), "empty");
        assertFailure(run("decompress", aeic, "-o", dir.resolve("x.png")), "empty");
        assertFailure(run("info", aeic), "empty");
        assertFailure(run("info", aeic, "--json"), "empty");
        assertFiles(dir, "empty.png", "empty.aeic");
    }

    @Test
    void truncatedStreamFailsAtEveryOffset() throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectory(src);
        Path full = src.resolve("full.aeic");
        compress(write("src/in.png", image(17, 9, BufferedImage.TYPE_INT_ARGB)), full); // with an alpha section
        byte[] b = Files.readAllBytes(full);
        Path work = dir.resolve("work");
        Files.createDirectory(work);
        Path t = work.resolve("t.aeic");
        Path png = work.resolve("t.png");
        for (int n = 0; n < b.length; n++) {
            Files.write(t, Arrays.copyOf(b, n));
            Result r = run("decompress", t, "-o", png);
            String at = "truncated to " + n + " of " + b.length + " bytes\n";
            assertEquals(Main.EXIT_FAILURE, r.code, () -> at + r);
            assertEquals(1, r.errLines().size(), () -> at + r);
            assertNoStackTrace(r);
            assertEquals(Set.of("t.aeic"), names(work), at);
            Result i = run("info", t);
            assertEquals(Main.EXIT_FAILURE, i.code, () -> at + i);
            assertEquals(1, i.errLines().size(), () -> at + i);
            assertNoStackTrace(i);
        }
        // and the whole stream does decode
        Files.write(t, b);
        assertOk(run("decompress", t, "-o", png));
    }

    @Test
    void flippedBitInTileFailsOnCrc() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        byte[] b = Files.readAllBytes(aeic);
        int hlen = (b[10] & 0xFF) << 24 | (b[11] & 0xFF) << 16 | (b[12] & 0xFF) << 8 | b[13] & 0xFF;
        int tile0 = 8 + 2 + 4 + hlen + 4;
        StreamHeader h = header(b);
        assertTrue(h.getTileBytes(0) > 0, "tile 0 is empty");
        b[tile0 + h.getTileBytes(0) / 2] ^= 0x10;
        Files.write(aeic, b);
        assertFailure(run("decompress", aeic, "-o", dir.resolve("out.png")), "CRC", "tile");
        assertFiles(dir, "in.png", "a.aeic");
    }

    @Test
    void foreignFileRenamedToAeic() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        Path fake = dir.resolve("fake.aeic");
        Files.copy(png, fake);
        assertFailure(run("decompress", fake, "-o", dir.resolve("out.png")), "not an AEIC stream");
        assertFailure(run("info", fake), "not an AEIC stream");
        assertFiles(dir, "in.png", "fake.aeic");
    }

    @Test
    void headerDeclaringHugeImageIsRefused() throws Exception {
        int big = (int) (1L << 31); // uint32 2^31
        StreamHeader h = StreamHeader.newBuilder().setWidth(big).setHeight(big).setChannels(3).setBitDepth(8)
                .setModelId(ModelRegistry.bundled().defaultId()).setModelSha256(ByteString.copyFrom(new byte[32]))
                .setQuality(4).setTileSize(512).build();
        Path aeic = dir.resolve("huge.aeic");
        Files.write(aeic, ContainerWriter.toBytes(h, List.of(), null, null, null));
        // refused from the header's size (named in the message), without allocating the image: an allocation of
        // 2^62 pixels would fail differently; no wall-time bound, CI shares the machine
        assertFailure(run("decompress", aeic, "-o", dir.resolve("out.png")), "2147483648");
        assertFailure(run("decompress", aeic, "-o", dir.resolve("out.png"), "--max-pixels", Long.MAX_VALUE),
                "2147483648");
        assertFailure(run("info", aeic, "--json"), "2147483648");
        assertFiles(dir, "huge.aeic");
    }

    @Test
    void unknownModelIdIsNamed() throws Exception {
        StreamHeader h = StreamHeader.newBuilder().setWidth(16).setHeight(16).setChannels(3).setBitDepth(8)
                .setModelId("no-such-model").setModelSha256(ByteString.copyFrom(new byte[32]))
                .setQuality(4).setTileSize(16).build();
        Path aeic = dir.resolve("other.aeic");
        Files.write(aeic, ContainerWriter.toBytes(h, List.of(new byte[] {1, 2, 3}), null, null, null));
        assertFailure(run("decompress", aeic, "-o", dir.resolve("out.png")), "no-such-model");
        Result info = run("info", aeic, "--json"); // the header alone is fine
        assertOk(info);
        assertTrue(info.out.contains("\"no-such-model\""), info::toString);
        assertFiles(dir, "other.aeic");
    }

    @Test
    void missingInput() throws Exception {
        Path png = dir.resolve("nope.png");
        Path aeic = dir.resolve("nope.aeic");
        assertFailure(run("compress", png), "nope.png");
        assertFailure(run("decompress", aeic), "nope.aeic");
        assertFailure(run("info", aeic), "nope.aeic");
        assertFiles(dir);
        // an existing output does not hide the missing input: the message names the input, not the output
        byte[] keep = "keep me".getBytes(StandardCharsets.US_ASCII);
        Path outAeic = Files.write(dir.resolve("out.aeic"), keep);
        Path outPng = Files.write(dir.resolve("out.png"), keep);
        Result c = run("compress", png, "-o", outAeic);
        assertFailure(c, "no such file", "nope.png");
        assertFalse(c.err.contains("exists"), c::toString);
        Result d = run("decompress", aeic, "-o", outPng);
        assertFailure(d, "no such file", "nope.aeic");
        assertFalse(d.err.contains("exists"), d::toString);
        assertArrayEquals(keep, Files.readAllBytes(outAeic));
        assertArrayEquals(keep, Files.readAllBytes(outPng));
    }

    @Test
    void unreadableInput() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path png = rgbPng("in.png", 17, 9);
        Path aeic = dir.resolve("in.aeic");
        compress(png, aeic);
        Set<PosixFilePermission> none = PosixFilePermissions.fromString("---------");
        Files.setPosixFilePermissions(png, none);
        Files.setPosixFilePermissions(aeic, none);
        try {
            assumeFalse(Files.isReadable(png), "permissions are not enforced (running as root)");
            assertFailure(run("compress", png, "-o", dir.resolve("x.aeic")), "in.png");
            assertFailure(run("decompress", aeic, "-o", dir.resolve("x.png")), "in.aeic");
            assertFailure(run("info", aeic), "in.aeic");
            assertFiles(dir, "in.png", "in.aeic");
        } finally {
            Files.setPosixFilePermissions(png, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(aeic, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void outputInMissingDirectory() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        Path aeic = dir.resolve("in.aeic");
        compress(png, aeic);
        assertFailure(run("compress", png, "-o", dir.resolve("missing/x.aeic")), "does not exist");
        assertFailure(run("decompress", aeic, "-o", dir.resolve("missing/x.png")), "does not exist");
        assertFiles(dir, "in.png", "in.aeic");
    }

    @Test
    void existingOutputNeedsForce() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        Path aeic = dir.resolve("in.aeic");
        compress(png, aeic);
        byte[] keep = "keep me".getBytes(StandardCharsets.US_ASCII);
        Path outAeic = Files.write(dir.resolve("out.aeic"), keep);
        Path outPng = Files.write(dir.resolve("out.png"), keep);

        assertFailure(run("compress", png, "-o", outAeic), "exists", "--force");
        assertArrayEquals(keep, Files.readAllBytes(outAeic));
        assertFailure(run("decompress", aeic, "-o", outPng), "exists", "--force");
        assertArrayEquals(keep, Files.readAllBytes(outPng));
        assertFiles(dir, "in.png", "in.aeic", "out.aeic", "out.png");

        assertOk(run("compress", png, "-o", outAeic, "--force"));
        assertEquals(17, header(Files.readAllBytes(outAeic)).getWidth());
        assertOk(run("decompress", aeic, "-f", "-o", outPng));
        assertEquals(17, read(outPng).getWidth());

        // but never over the input itself
        byte[] input = Files.readAllBytes(png);
        assertFailure(run("compress", png, "-o", png, "--force"), "input");
        assertArrayEquals(input, Files.readAllBytes(png));
        assertFiles(dir, "in.png", "in.aeic", "out.aeic", "out.png");
    }

    @Test
    void streamOfAnotherModelVersionIsRefused() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        var s = ContainerReader.read(Files.readAllBytes(aeic), ContainerLimits.defaults());
        StreamHeader h = s.header().toBuilder().setModelSha256(ByteString.copyFrom(new byte[32])).build();
        Files.write(aeic, ContainerWriter.toBytes(h, s.tiles(), s.alpha(), s.icc(), s.exif()));
        assertFailure(run("decompress", aeic, "-o", dir.resolve("out.png")), h.getModelId());
        assertFiles(dir, "in.png", "a.aeic");
    }

    @Test
    void maxPixelsIsApplied() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 40, 24), aeic);
        assertFailure(run("decompress", aeic, "-o", dir.resolve("out.png"), "--max-pixels", 959), "959");
        assertOk(run("decompress", aeic, "-o", dir.resolve("out.png"), "--max-pixels", 960));
        assertUsage(run("decompress", aeic, "-o", dir.resolve("x.png"), "--max-pixels", 0), "--max-pixels");
        assertUsage(run("decompress", aeic, "-o", dir.resolve("x.png"), "--max-pixels", -5), "--max-pixels");
        assertFiles(dir, "in.png", "a.aeic", "out.png");
    }

    @Test
    void decompressNeverOverwritesItsInput() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        Path disguised = Files.move(aeic, dir.resolve("stream.png")); // default output = IN with .png = IN
        byte[] before = Files.readAllBytes(disguised);
        assertFailure(run("decompress", disguised), "input");
        assertFailure(run("decompress", disguised, "--force"), "input");
        assertArrayEquals(before, Files.readAllBytes(disguised));
        assertFiles(dir, "in.png", "stream.png");
    }

    @Test
    void badModelFile() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        Path model = Files.write(dir.resolve("junk.aeicm"), "not a model".getBytes(StandardCharsets.US_ASCII));
        assertFailure(run("compress", png, "-o", dir.resolve("x.aeic"), "--model", model));
        assertFailure(run("compress", png, "-o", dir.resolve("x.aeic"), "--model", dir.resolve("none.aeicm")),
                "none.aeicm");
        assertFiles(dir, "in.png", "junk.aeicm");
    }

    @Test
    void modelOptionTakesTheIdOfABundledModel() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        String other = ModelRegistry.bundled().list().get(1).id();
        assertNotEquals(ModelRegistry.bundled().defaultId(), other);
        Path aeic = dir.resolve("x.aeic");
        assertOk(run("compress", png, "-o", aeic, "--model", other));
        Result info = run("info", aeic, "--json");
        assertTrue(info.out.contains("\"" + other + "\""), info::toString);
        assertOk(run("decompress", aeic, "-o", dir.resolve("x.png")));
        // neither a file nor a bundled id: the one-line error names it
        assertFailure(run("compress", png, "-o", dir.resolve("y.aeic"), "--model", "aeic-no-such-model"),
                "aeic-no-such-model");
        assertFiles(dir, "in.png", "x.aeic", "x.png");
    }

    @Test
    void infoJsonEscapesTheFileName() throws Exception {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"));
        Path aeic = dir.resolve("we\"i\\rd.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        Result r = run("info", aeic, "--json");
        assertOk(r);
        assertTrue(r.out.contains("we\\\"i\\\\rd.aeic\""), r::toString);
    }

    // ================================================================ 3. usage errors: exit 2

    @Test
    void noCommand() {
        assertUsage(run(), "command");
    }

    @Test
    void unknownOption() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        assertUsage(run("--frobnicate"), "--frobnicate");
        assertUsage(run("compress", png, "--frobnicate"), "--frobnicate");
        assertUsage(run("info"), "IN");
        assertUsage(run("explode"), "explode");
        assertFiles(dir, "in.png");
    }

    @Test
    void qualityOutOfRange() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        assertUsage(run("compress", png, "-q", "9"), "quality must be a number from 1 to 8, got '9'");
        assertUsage(run("compress", png, "-q", "0"), "quality must be a number from 1 to 8, got '0'");
        assertUsage(run("compress", png, "-q", "high"), "quality must be a number from 1 to 8, got 'high'");
        assertFiles(dir, "in.png");
    }

    @Test
    void qualityAndBppTogether() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        assertUsage(run("compress", png, "-q", "3", "--bpp", "1"));
        assertUsage(run("compress", png, "--psnr", "30", "--bpp", "1"));
        assertFiles(dir, "in.png");
    }

    // ================================================================ 4. directories

    @Test
    void compressFolderWithOneCorruptImage() throws Exception {
        rgbPng("in/a.png", 17, 9);
        rgbPng("in/sub/b.jpg", 9, 17);
        byte[] good = Files.readAllBytes(rgbPng("tmp.png", 40, 24));
        Files.write(dir.resolve("in/bad.png"), Arrays.copyOf(good, good.length / 2));
        Files.delete(dir.resolve("tmp.png"));

        Result r = run("compress", dir.resolve("in"));
        assertEquals(Main.EXIT_FAILURE, r.code, r::toString);
        assertNoStackTrace(r);
        assertTrue(r.err.contains("3/3"), () -> "progress\n" + r);
        List<String> failures = r.errLines().stream().filter(l -> l.startsWith("aeic: ")).toList();
        assertEquals(1, failures.size(), r::toString);
        assertTrue(failures.get(0).contains("bad.png"), r::toString);
        assertTrue(r.out.contains("2 of 3"), r::toString);
        assertFiles(dir.resolve("in"), "a.png", "a.aeic", "bad.png", "sub", "sub/b.jpg", "sub/b.aeic");
        assertEquals(9, header(Files.readAllBytes(dir.resolve("in/sub/b.aeic"))).getWidth());
    }

    @Test
    void compressFolderWithClashingNames() throws Exception {
        rgbPng("in/x.jpg", 9, 17);
        rgbPng("in/x.png", 17, 9);
        Result r = run("compress", dir.resolve("in"));
        assertEquals(Main.EXIT_FAILURE, r.code, r::toString);
        assertNoStackTrace(r);
        List<String> failures = r.errLines().stream().filter(l -> l.startsWith("aeic: ")).toList();
        assertEquals(1, failures.size(), r::toString);
        assertTrue(failures.get(0).contains("x.png"), r::toString);
        assertTrue(r.out.contains("1 of 2"), r::toString);
        assertEquals(9, header(Files.readAllBytes(dir.resolve("in/x.aeic"))).getWidth(), "x.jpg came first");
        assertFiles(dir.resolve("in"), "x.jpg", "x.png", "x.aeic");
    }

    @Test
    void decompressFolderToOutputFolder() throws Exception {
        rgbPng("src/a.png", 17, 9);
        rgbPng("src/sub/b.png", 9, 17);
        Path aeics = dir.resolve("aeic");
        Result c = run("compress", dir.resolve("src"), "-o", aeics);
        assertEquals(Main.EXIT_OK, c.code, c::toString);
        assertFiles(aeics, "a.aeic", "sub", "sub/b.aeic");

        Path out = dir.resolve("out");
        Result d = run("decompress", aeics, "-o", out);
        assertEquals(Main.EXIT_OK, d.code, d::toString);
        assertNoStackTrace(d);
        assertTrue(d.err.contains("2/2"), () -> "progress\n" + d);
        assertFalse(d.err.contains("aeic: "), d::toString);
        assertTrue(d.out.contains("2 of 2"), d::toString);
        assertFiles(out, "a.png", "sub", "sub/b.png");
        assertEquals(17, read(out.resolve("a.png")).getWidth());
        assertEquals(17, read(out.resolve("sub/b.png")).getHeight());

        // again: every output exists now, so every file fails without --force, and is listed
        Result again = run("decompress", aeics, "-o", out);
        assertEquals(Main.EXIT_FAILURE, again.code, again::toString);
        assertEquals(2, again.errLines().stream().filter(l -> l.contains("exists")).count(), again::toString);
        Result forced = run("decompress", aeics, "-o", out, "--force");
        assertEquals(Main.EXIT_OK, forced.code, forced::toString);
    }

    @Test
    void folderOutputMustBeAFolder() throws Exception {
        rgbPng("src/a.png", 17, 9);
        Path file = Files.write(dir.resolve("file.txt"), new byte[] {1});
        assertFailure(run("compress", dir.resolve("src"), "-o", file), "folder");
        compress(dir.resolve("src/a.png"), Files.createDirectory(dir.resolve("aeic")).resolve("a.aeic"));
        assertFailure(run("decompress", dir.resolve("aeic"), "-o", file), "folder");
        assertFiles(dir, "src", "src/a.png", "file.txt", "aeic", "aeic/a.aeic");
    }

    @Test
    void emptyFolder() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertFailure(run("compress", empty), "no images");
        assertFailure(run("decompress", empty), "no .aeic");
    }

    // ================================================================ 5. rate control

    @ParameterizedTest
    @CsvSource({"--bpp,0.01,no quality fits 0.01 bpp; wrote quality 1", "--bpp,1000,", "--psnr,10,",
            "--psnr,99,no quality reaches 99.0 dB; wrote quality 8"})
    void bppAndPsnrChooseALevel(String option, String value, String warning) throws Exception {
        Path png = rgbPng("in.png", 40, 24);
        Path aeic = dir.resolve("in.aeic");
        Result r = run("compress", png, "-o", aeic, option, value);
        if (warning == null) {
            assertOk(r);
        } else { // an unreachable target still writes the closest file, with one line saying so
            assertEquals(Main.EXIT_OK, r.code, r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.err.startsWith("aeic: warning: " + png + ": " + warning), r::toString);
        }
        byte[] b = Files.readAllBytes(aeic);
        StreamHeader h = header(b);
        assertEquals(40, h.getWidth());
        List<Float> levels = ModelRegistry.bundled().list().get(0).qualities();
        assertTrue(levels.contains(h.getQuality()), "quality " + h.getQuality() + " not among " + levels);
        assertOk(run("info", aeic));
        assertOk(run("decompress", aeic, "-o", dir.resolve("out.png")));
        assertFiles(dir, "in.png", "in.aeic", "out.png");
    }

    @Test
    void rateOptionsOnlyAcceptSensibleValues() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        assertUsage(run("compress", png, "--bpp", "0"), "bpp");
        assertUsage(run("compress", png, "--bpp", "-1"), "bpp");
        assertUsage(run("compress", png, "--bpp", "NaN"), "bpp");
        assertUsage(run("compress", png, "--psnr", "NaN"), "psnr");
        assertFiles(dir, "in.png");
    }

    // ================================================================ 6. standard input and output

    static final byte[] AEIC_MAGIC = {(byte) 0x8A, 'A', 'E', 'I', 'C', 0x0D, 0x0A, 0x1A};

    static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Test
    void dashReadsStandardInputAndWritesStandardOutput() throws Exception {
        byte[] png = Files.readAllBytes(rgbPng("in.png", 40, 24));
        Path work = Files.createDirectory(dir.resolve("work"));

        Result c = runWith(png, false, "compress", "-", "-o", "-");
        assertOk(c);
        assertTrue(startsWith(c.bytes(), AEIC_MAGIC), c::toString);
        assertEquals(40, header(c.bytes()).getWidth());
        Result implicit = runWith(png, false, "compress", "-"); // IN - : the stream goes to stdout
        assertOk(implicit);
        assertArrayEquals(c.bytes(), implicit.bytes());

        Result d = runWith(c.bytes(), false, "decompress", "-");
        assertOk(d);
        assertTrue(startsWith(d.bytes(), new byte[] {(byte) 0x89, 'P', 'N', 'G'}), d::toString);
        assertEquals(40, ImageIO.read(new java.io.ByteArrayInputStream(d.bytes())).getWidth());
        Result jpeg = runWith(c.bytes(), false, "decompress", "-", "-o", "-", "--format", "jpg");
        assertOk(jpeg);
        assertTrue(startsWith(jpeg.bytes(), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}), jpeg::toString);

        // files in, standard output out (and the other way round), never a file named "-"
        Path aeic = Files.write(work.resolve("a.aeic"), c.bytes());
        Result toOut = run("decompress", aeic, "-o", "-");
        assertOk(toOut);
        assertTrue(startsWith(toOut.bytes(), new byte[] {(byte) 0x89, 'P', 'N', 'G'}), toOut::toString);
        Result fromIn = runWith(c.bytes(), false, "decompress", "-", "-o", work.resolve("b.png"));
        assertOk(fromIn);
        assertTrue(fromIn.out().contains("b.png: 40x24"), fromIn::toString);
        Result info = runWith(c.bytes(), false, "info", "-", "--json");
        assertOk(info);
        assertTrue(info.out().contains("\"width\": 40"), info::toString);
        assertFiles(work, "a.aeic", "b.png");
        assertFalse(Files.exists(Path.of("-")), "a file named - was written");
    }

    @Test
    void standardStreamsRefuseWhatMakesNoSense() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        assertFailure(runWith(new byte[0], false, "compress", "-", "-o", "-"), "standard input is empty");
        assertFailure(runWith("garbage".getBytes(StandardCharsets.US_ASCII), false, "compress", "-", "-o", "-"),
                "standard input");
        assertUsage(runWith(new byte[0], true, "compress", png, "-o", "-"), "terminal"); // binary onto a tty
        rgbPng("src/a.png", 17, 9);
        assertUsage(run("compress", dir.resolve("src"), "-o", "-"), "folder");
        assertUsage(run("decompress", dir.resolve("src"), "-o", "-"), "folder");
        // commands that write files only: - is refused, not written as a file named -
        assertUsage(run("eval", "--images", dir.resolve("src"), "--out", "-"), "--out -");
        assertUsage(run("eval", "--images", dir.resolve("src"), "--plot", "-"), "--plot -");
        assertUsage(run("train", "--data", dir.resolve("src"), "-o", "-"), "--out -");
        assertFiles(dir, "in.png", "src", "src/a.png");
        assertFalse(Files.exists(Path.of("-")), "a file named - was written");
    }

    // ================================================================ 7. messages, progress, consistency

    @Test
    void unknownModelNamesTheAvailableIds() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        Result r = run("compress", png, "-o", dir.resolve("x.aeic"), "--model", "nosuch");
        assertFailure(r, "nosuch");
        for (String id : ModelRegistry.bundled().ids()) {
            assertTrue(r.err().contains(id), () -> id + " not named\n" + r);
        }
        assertFiles(dir, "in.png");
    }

    @Test
    void qualityAModelLacksIsNamedWithTheOneUsed() throws Exception {
        Path png = rgbPng("in.png", 17, 9);
        org.aeic.codec.ModelInfo fixed = ModelRegistry.bundled().list().stream()
                .filter(m -> !m.fractionalQualities() && !m.qualities().contains(2f)).findFirst().orElse(null);
        assumeTrue(fixed != null, "no bundled model with fixed levels lacking quality 2");
        Path aeic = dir.resolve("x.aeic");
        Result r = run("compress", png, "-o", aeic, "--model", fixed.id(), "-q", "2");
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        float used = header(Files.readAllBytes(aeic)).getQuality();
        assertTrue(r.err().startsWith("aeic: warning: model " + fixed.id() + " has no quality 2"), r::toString);
        assertTrue(r.err().contains("coding quality " + CompressCommand.fmt(used)), r::toString);
        // a quality it has: no word
        assertOk(run("compress", png, "-o", aeic, "--force", "--model", fixed.id(), "-q",
                CompressCommand.fmt(fixed.qualities().get(0))));
    }

    @Test
    void psnrResultLineSaysThePsnrReached() throws Exception {
        Path png = rgbPng("in.png", 40, 24);
        Result r = run("compress", png, "-o", dir.resolve("x.aeic"), "--psnr", "10");
        assertOk(r);
        Matcher m = Pattern.compile("PSNR (\\d+\\.\\d\\d) dB").matcher(r.out());
        assertTrue(m.find(), r::toString);
        assertTrue(Double.parseDouble(m.group(1)) >= 10, r::toString);
    }

    @Test
    void anAeicStreamIsNotCompressedAgain() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        Path disguised = Files.copy(aeic, dir.resolve("photo.png"));
        assertFailure(run("compress", aeic, "-o", dir.resolve("again.aeic")), "a.aeic", "AEIC stream already");
        assertFailure(run("compress", disguised, "-o", dir.resolve("again.aeic")), "AEIC stream already");
        assertFailure(runWith(Files.readAllBytes(aeic), false, "compress", "-", "-o", dir.resolve("again.aeic")),
                "standard input", "AEIC stream already");
        assertFiles(dir, "in.png", "a.aeic", "photo.png");
    }

    @Test
    void controlCharactersFromAStreamAreEscaped() throws Exception {
        String hostile = "evil\u001b[31m\u001b]0;pwned\u0007\nfake line\u202e";
        StreamHeader h = StreamHeader.newBuilder().setWidth(16).setHeight(16).setChannels(3).setBitDepth(8)
                .setModelId(hostile).setModelSha256(ByteString.copyFrom(new byte[32]))
                .setQuality(4).setTileSize(16).build();
        Path aeic = dir.resolve("hostile.aeic");
        Files.write(aeic, ContainerWriter.toBytes(h, List.of(new byte[] {1, 2, 3}), null, null, null));
        Result text = run("info", aeic);
        Result json = run("info", aeic, "--json");
        Result dec = run("decompress", aeic, "-o", dir.resolve("x.png"));
        for (Result r : List.of(text, json, dec)) {
            String all = r.out() + r.err();
            assertTrue(all.chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e), r::toString);
            assertFalse(all.contains("\nfake line"), r::toString);
        }
        assertOk(text);
        assertTrue(text.out().contains("evil\\x1b[31m\\x1b]0;pwned\\x07\\x0afake line\\u202e"), text::toString);
        assertOk(json);
        assertTrue(json.out().contains("\"evil\\u001b[31m\\u001b]0;pwned\\u0007\\u000afake line\\u202e\""),
                json::toString);
        assertFailure(dec, "evil\\x1b");
        assertFiles(dir, "hostile.aeic");
    }

    @Test
    void jsonKeysAreCamelCaseInInfoAndModels() throws Exception {
        Path aeic = dir.resolve("a.aeic");
        compress(rgbPng("in.png", 17, 9), aeic);
        for (Result r : List.of(run("info", aeic, "--json"), run("models", "--json"))) {
            assertOk(r);
            Matcher m = Pattern.compile("\"(\\w+)\"\\s*:").matcher(r.out());
            Set<String> keys = new TreeSet<>();
            while (m.find()) {
                keys.add(m.group(1));
            }
            assertFalse(keys.isEmpty(), r::toString);
            assertTrue(keys.stream().allMatch(k -> k.matches("[a-z][a-zA-Z0-9]*")), () -> "keys " + keys);
        }
        assertTrue(run("info", aeic, "--json").out().contains("\"bitDepth\": 8"));
    }

    @Test
    void versionIsTheBuildsVersion() {
        Result r = run("--version");
        assertOk(r);
        assertTrue(r.out().startsWith("aeic " + org.aeic.codec.AeicVersion.VERSION + " "), r::toString);
        assertTrue(org.aeic.codec.AeicVersion.VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), org.aeic.codec.AeicVersion.VERSION);
    }

    @Test
    void progressOnATerminalOnlyAndNotWithQuiet() throws Exception {
        Path png = rgbPng("in.png", 40, 24);
        Result tty = runWith(new byte[0], true, "compress", png, "-o", dir.resolve("a.aeic"), "--bpp", "1000");
        assertEquals(Main.EXIT_OK, tty.code(), tty::toString);
        assertTrue(tty.err().contains("searching for 1000.0 bpp: trial 1, quality 1"), tty::toString);
        assertFalse(tty.err().contains("aeic: "), tty::toString); // a status line, erased: no message
        assertTrue(tty.out().contains("a.aeic: 40x24"), tty::toString);

        Result quiet = runWith(new byte[0], true, "compress", png, "-o", dir.resolve("b.aeic"), "--bpp", "1000",
                "--quiet");
        assertOk(quiet);
        assertEquals("", quiet.out(), quiet::toString);

        Result verbose = run("compress", png, "-o", dir.resolve("c.aeic"), "--bpp", "1000", "--verbose");
        assertEquals(Main.EXIT_OK, verbose.code(), verbose::toString);
        assertTrue(verbose.err().contains("aeic: quality 1: "), verbose::toString);
        assertFalse(verbose.err().contains("searching"), verbose::toString); // no status line when not a terminal

        assertUsage(run("compress", png, "-o", dir.resolve("d.aeic"), "--quiet", "--verbose"), "--quiet");

        // an error on a terminal: the status line is erased first, the message stands on its own line
        Path bad = Files.write(dir.resolve("bad.png"), Arrays.copyOf(Files.readAllBytes(png), 60));
        Result failed = runWith(new byte[0], true, "compress", bad, "-o", dir.resolve("e.aeic"));
        assertEquals(Main.EXIT_FAILURE, failed.code(), failed::toString);
        assertTrue(failed.err().contains("reading " + bad), failed::toString);
        String last = failed.err().substring(failed.err().lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("aeic: ") && last.contains("bad.png"), failed::toString);
        assertFiles(dir, "in.png", "a.aeic", "b.aeic", "c.aeic", "bad.png");
    }

    @Test
    void completionScript() {
        Result r = run("completion");
        assertOk(r);
        assertTrue(r.out().contains("complete -F"), r::toString);
        assertTrue(r.out().contains("decompress"), r::toString);
        assertTrue(run("--help").out().contains("completion"));
    }

    @Test
    void folderCompressRemovesTemporariesOfAnInterruptedRun() throws Exception {
        rgbPng("in/a.png", 17, 9);
        Path sub = Files.createDirectories(dir.resolve("in/sub"));
        Files.write(sub.resolve(".b.aeic.1f2e3d4c5b6a7988.tmp"), new byte[] {1}); // what kill -9 leaves
        Files.write(dir.resolve("in/.a.aeic.tmp"), new byte[] {1}); // not the pattern: kept
        Files.write(dir.resolve("in/.notes.txt.abc.tmp"), new byte[] {1}); // another extension: kept
        Result r = run("compress", dir.resolve("in"));
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        assertTrue(r.err().contains("removed 1 temporary file"), r::toString);
        assertFiles(dir.resolve("in"), "a.png", "a.aeic", "sub", ".a.aeic.tmp", ".notes.txt.abc.tmp");
    }
}
