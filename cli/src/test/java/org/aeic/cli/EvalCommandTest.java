package org.aeic.cli;

import static org.aeic.cli.MainTest.assertFailure;
import static org.aeic.cli.MainTest.assertUsage;
import static org.aeic.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.aeic.cli.MainTest.Result;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.proto.ModelFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aeic eval} on two small generated images (large enough for 5-scale MS-SSIM), so that it runs in seconds. */
class EvalCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] KEYS = {"psnr-rgb", "ms-ssim-rgb", "bpp", "encoding_time", "decoding_time"};

    @TempDir
    Path dir;
    Path images;
    Path model;

    /**
     * The bundled model's weights with three levels (the bundled file may have only one): qualities 2, 5 and 8 with
     * latent gains 0.5, 1 and 2, so that the rate grows with the quality.
     */
    static Path threeLevelModel(Path dir) throws Exception {
        ModelRegistry bundled = ModelRegistry.bundled();
        String dirName = "/org/aeic/codec/models/";
        String first;
        try (var index = ModelRegistry.class.getResourceAsStream(dirName + "models.index")) {
            first = new String(index.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElseThrow().split("\\s+")[0];
        }
        byte[] bytes;
        try (var in = ModelRegistry.class.getResourceAsStream(dirName + first)) {
            bytes = ModelFiles.readCapped(in);
        }
        ModelFile f = ModelFiles.parse(bytes);
        FactorizedModel net = ModelFiles.restore(f);
        List<org.aeic.proto.QualityLevel> levels = new java.util.ArrayList<>();
        float[] gains = {0.5f, 1f, 2f};
        float[] qualities = {2, 5, 8};
        for (int i = 0; i < 3; i++) {
            float[] g = new float[net.m];
            java.util.Arrays.fill(g, gains[i]);
            levels.add(ModelFiles.qualityLevel(net, qualities[i], 0.01f, g));
        }
        Path p = dir.resolve("three.aeicm");
        Files.write(p, ModelFiles.toProto(net, "eval-test-3q", "test: " + bundled.defaultId() + " at three gains",
                levels, f.getProvenance(), java.util.Map.of()).toByteArray());
        return p;
    }

    /** A smooth picture with edges and some noise: learned codecs neither hit 0 bits nor lose everything. */
    static BufferedImage picture(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (int) (128 + 90 * Math.sin(x / 13.0) * Math.cos(y / 19.0)) + rnd.nextInt(9) - 4;
                int g = (x / 24 + y / 24) % 2 == 0 ? 60 : 190;
                int b = (int) (255.0 * x * y / (w * h)) + rnd.nextInt(9) - 4;
                img.setRGB(x, y, clamp(r) << 16 | g << 8 | clamp(b));
            }
        }
        return img;
    }

    static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    @BeforeEach
    void images() throws Exception {
        images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        ImageIO.write(picture(176, 168, 1), "png", images.resolve("a.png").toFile());
        ImageIO.write(picture(168, 184, 2), "png", images.resolve("sub/b.png").toFile()); // found recursively
        Files.writeString(images.resolve("notes.txt"), "not an image");
        model = threeLevelModel(dir);
    }

    static double[] doubles(JsonNode n) {
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asDouble();
        }
        return v;
    }

    @Test
    void writesJsonCsvPlotAndPrintsBdRates() throws Exception {
        Path json = dir.resolve("results.json");
        Path csv = dir.resolve("per-image.csv");
        Result r = run("eval", "--images", images, "--model", model, "--out", json, "--per-image", csv,
                "--threads", 2);
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        MainTest.assertNoStackTrace(r);
        assertTrue(r.out().contains("2 images"), r::toString);

        // CompressAI format: name, description, results with five lists of one mean per quality, increasing bpp
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals("AEIC eval-test-3q", root.get("name").asText());
        assertTrue(root.get("description").asText().contains("2 images"), root::toString);
        JsonNode res = root.get("results");
        assertEquals(List.of(KEYS), iterable(res.fieldNames()));
        for (String k : KEYS) {
            assertEquals(3, res.get(k).size(), k);
            for (JsonNode v : res.get(k)) {
                assertTrue(v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= 0, k + ": " + v);
            }
        }
        double[] bpp = doubles(res.get("bpp"));
        double[] psnr = doubles(res.get("psnr-rgb"));
        double[] ms = doubles(res.get("ms-ssim-rgb"));
        for (int i = 0; i < 3; i++) {
            assertTrue(i == 0 || bpp[i] > bpp[i - 1], res::toString);
            assertTrue(psnr[i] > 10 && psnr[i] < 99, res::toString);
            assertTrue(ms[i] > 0 && ms[i] < 1, res::toString);
        }
        // the table prints the same means
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f", bpp[0])), r::toString);

        // per image and quality; its means are the JSON's
        List<String> lines = Files.readAllLines(csv);
        assertEquals("image,quality,bytes,bpp,psnr,ms_ssim,enc_s,dec_s", lines.get(0));
        assertEquals(1 + 2 * 3, lines.size(), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("sub/b.png,")), lines::toString);
        double sum = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            assertEquals(8, f.length, l);
            double b = Double.parseDouble(f[3]);
            assertEquals(Long.parseLong(f[2]) * 8.0 / (f[0].equals("a.png") ? 176 * 168 : 168 * 184), b, 1e-6, l);
            sum += b;
        }
        assertEquals((bpp[0] + bpp[1] + bpp[2]) * 2, sum, 1e-5);

        // anchors: our curve with 1.25x (1.02x) the rates is exactly -20 % (-1.96 %) for us; BD-PSNR needs an overlap
        // in rate, which the 1.25x copy of a curve this flat may not have; a one-point curve has no BD-rate at all
        Path anchors = dir.resolve("anchors");
        Files.createDirectories(anchors);
        writeScaled(root, 1.25, "Fat copy", anchors.resolve("fat.json"));
        writeScaled(root, 1.02, "Near copy", anchors.resolve("near.json"));
        Files.writeString(anchors.resolve("single.json"), "{\"name\": \"Single\", \"description\": \"Kodak, 24 images, "
                + "mean of per-image values\", \"results\": {\"bpp\": [0.5], "
                + "\"psnr\": [30.0], \"ms-ssim\": [0.95]}}");
        Files.writeString(anchors.resolve("readme.txt"), "not a curve");
        Path plot = dir.resolve("rd.png");
        Result r2 = run("eval", "--images", images, "--model", model, "--quality", "1,5,8", "--anchors", anchors,
                "--plot", plot);
        assertEquals(Main.EXIT_OK, r2.code(), r2::toString);
        // the copies of our curve cover the same 2 images; Single says 24: one warning
        List<String> warnings = r2.errLines().stream().filter(l -> l.startsWith("aeic: warning: ")).toList();
        assertEquals(List.of("aeic: warning: BD-rates compare these 2 images with anchors measured on 24 images; run "
                + "on the same images for a fair comparison"), warnings, r2::toString);
        double[] fatBd = bdLine(r2.out(), "Fat copy", "fat.json");
        assertEquals(-20.0, fatBd[0], 0.005);
        assertEquals(-20.0, fatBd[2], 0.005);
        double[] nearBd = bdLine(r2.out(), "Near copy", "near.json");
        assertEquals((1 / 1.02 - 1) * 100, nearBd[0], 0.005);
        assertTrue(Double.isFinite(nearBd[1]), r2::toString);
        assertEquals((1 / 1.02 - 1) * 100, nearBd[2], 0.005);
        assertTrue(Pattern.compile("(?m)^Single +n/a +n/a +n/a  .*single\\.json$").matcher(r2.out()).find(),
                r2::toString);
        // per quality, PSNR over an anchor at equal bpp: the 1.02x copy has less PSNR at our rates, except below
        // its lowest rate (our lowest point) where it is not defined
        String gains = r2.out().substring(r2.out().indexOf("PSNR over each anchor at the same bpp"));
        Matcher near = Pattern.compile("(?m)^Near copy +(\\S+) +(\\S+) +(\\S+)$").matcher(gains);
        assertTrue(near.find(), r2::toString);
        assertEquals("n/a", near.group(1), r2::toString);
        assertTrue(Double.parseDouble(near.group(2)) > 0 && Double.parseDouble(near.group(3)) > 0, r2::toString);
        assertTrue(Pattern.compile("(?m)^Single +n/a +n/a +n/a$").matcher(gains).find(), r2::toString);

        // the plot is a PNG
        byte[] png = Files.readAllBytes(plot);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                java.util.Arrays.copyOf(png, 8));
        BufferedImage img = ImageIO.read(plot.toFile());
        assertEquals(RdPlot.WIDTH, img.getWidth());
        assertEquals(RdPlot.HEIGHT, img.getHeight());
    }

    @Test
    void smallImagesHaveNoMsSsimAndQualitiesMapToLevels() throws Exception {
        Path one = dir.resolve("one");
        Files.createDirectories(one);
        ImageIO.write(picture(64, 48, 3), "png", one.resolve("small.png").toFile()); // too small for MS-SSIM
        Path json = dir.resolve("r.json");
        Result r = run("eval", "--images", one, "-o", json); // the bundled model, all its qualities
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        int levels = ModelRegistry.bundled().list().get(0).qualities().size();
        JsonNode res = JSON.readTree(json.toFile()).get("results");
        assertEquals(levels, res.get("bpp").size());
        for (JsonNode v : res.get("ms-ssim-rgb")) {
            assertTrue(v.isNull(), res::toString);
        }
        assertTrue(r.err().contains("too small for 5-scale MS-SSIM"), r::toString);
        // requested qualities map to the model's levels; the same level twice is measured once
        Result r2 = run("eval", "--images", one, "--model", model, "-q", "3,3,3.1,4,6", "-o", dir.resolve("r2.json"),
                "--warm-up", "0"); // no untimed coding first: the times are then those of a cold JVM
        assertEquals(Main.EXIT_OK, r2.code(), r2::toString);
        assertEquals(2, JSON.readTree(dir.resolve("r2.json").toFile()).get("results").get("bpp").size(), r2::toString);
        assertTrue(r2.out().contains("qualities [2, 5]"), r2::toString);
    }

    @Test
    void badInputsFailWithOneLine() throws Exception {
        assertFailure(run("eval", "--images", dir.resolve("missing")), "no such folder", "missing");
        assertFailure(run("eval", "--images", images.resolve("a.png")), "not a folder");
        assertFailure(run("eval", "--images", images, "--warm-up", "-1"), "--warm-up must be 0 or more");
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        Files.writeString(empty.resolve("x.txt"), "");
        assertFailure(run("eval", "--images", empty), "no images in");
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.write(broken.resolve("bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        assertFailure(run("eval", "--images", broken, "-q", "1"), "bad.png");
        // anchors are read before the run
        assertFailure(run("eval", "--images", images, "--anchors", dir.resolve("nope")), "anchors folder not found");
        Path anchors = dir.resolve("anchors");
        Files.createDirectories(anchors);
        assertFailure(run("eval", "--images", images, "--anchors", anchors), "no *.json");
        Files.writeString(anchors.resolve("x.json"), "{\"results\": ");
        assertFailure(run("eval", "--images", images, "--anchors", anchors), "x.json");
        Files.writeString(anchors.resolve("x.json"), "{\"results\": {}}");
        assertFailure(run("eval", "--images", images, "--anchors", anchors), "not a CompressAI-format");
        // outputs are not overwritten without --force
        Path out = dir.resolve("exists.json");
        Files.writeString(out, "{}");
        assertFailure(run("eval", "--images", images, "--out", out), "output exists");
        assertEquals("{}", Files.readString(out));
        assertFalse(Files.exists(dir.resolve("rd.png")));
        // usage errors
        assertUsage(run("eval", "-q", "1"), "--images");
        assertUsage(run("eval", "--images", images, "-q", "0"), "quality");
        assertUsage(run("eval", "--images", images, "-q", "x"), "x");
    }

    static void writeScaled(JsonNode curve, double rateFactor, String name, Path file) throws Exception {
        ObjectNode c = curve.deepCopy();
        c.put("name", name);
        ArrayNode bpp = (ArrayNode) c.get("results").get("bpp");
        for (int i = 0; i < bpp.size(); i++) {
            bpp.set(i, bpp.get(i).asDouble() * rateFactor);
        }
        JSON.writeValue(file.toFile(), c);
    }

    /** BD-rate PSNR, BD-PSNR and BD-rate MS-SSIM from the line of the BD table for the anchor (NaN for n/a). */
    static double[] bdLine(String out, String name, String file) {
        String num = "(n/a|[-+]?[0-9.]+ %|[-+]?[0-9.]+ dB)";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " +" + num + " +" + num + " +" + num + "  .*"
                + Pattern.quote(file) + "$").matcher(out);
        assertTrue(m.find(), () -> "no BD line for " + name + " in\n" + out);
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            String g = m.group(i + 1);
            v[i] = g.equals("n/a") ? Double.NaN : Double.parseDouble(g.replaceAll(" (%|dB)$", ""));
        }
        return v;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
