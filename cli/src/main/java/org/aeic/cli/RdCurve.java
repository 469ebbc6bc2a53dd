package org.aeic.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.aeic.codec.metrics.BdRate;

/**
 * A rate-distortion curve in CompressAI's results format, as the files in {@code shared/anchors/kodak/}:
 * {@code {"name", "description", "results": {"psnr-rgb", "ms-ssim-rgb", "bpp", "encoding_time", "decoding_time"}}},
 * lists in increasing-bpp order, each value a mean over the images. Reading also accepts CompressAI's older keys
 * {@code psnr} and {@code ms-ssim}; a missing or null value reads as NaN.
 */
record RdCurve(String name, String description, double[] bpp, double[] psnr, double[] msssim, double[] encTime,
               double[] decTime) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    int size() {
        return bpp.length;
    }

    /** Reads one CompressAI-format file; a file without results/bpp is refused. */
    static RdCurve read(Path file) throws CliException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new CliException("invalid JSON in " + file + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + Main.message(e));
        }
        JsonNode r = root == null ? null : root.get("results");
        if (r == null || !r.isObject() || !r.path("bpp").isArray()) {
            throw new CliException(file + " is not a CompressAI-format result file (no results.bpp list)");
        }
        double[] bpp = array(r.get("bpp"), -1);
        int n = bpp.length;
        JsonNode psnr = r.has("psnr-rgb") ? r.get("psnr-rgb") : r.get("psnr");
        JsonNode ms = r.has("ms-ssim-rgb") ? r.get("ms-ssim-rgb") : r.get("ms-ssim");
        String fallback = file.getFileName().toString();
        String name = root.path("name").isTextual() ? root.get("name").asText() : fallback.replaceAll("\\.json$", "");
        return new RdCurve(name, root.path("description").asText(""), bpp, array(psnr, n), array(ms, n),
                array(r.get("encoding_time"), n), array(r.get("decoding_time"), n));
    }

    /** Every {@code *.json} directly inside {@code dir} (not its subfolders, like bdrate.py --dir), sorted by name. */
    static List<Path> filesIn(Path dir) throws CliException {
        if (!Files.isDirectory(dir)) {
            throw new CliException("anchors folder not found: " + dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new CliException("no *.json files in anchors folder " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new CliException("cannot list " + dir + ": " + Main.message(e));
        }
    }

    /** A JSON list as doubles (null entries and non-numbers NaN); absent: n NaNs ({@code n < 0}: empty). */
    private static double[] array(JsonNode node, int n) {
        if (node == null || !node.isArray()) {
            double[] v = new double[Math.max(n, 0)];
            java.util.Arrays.fill(v, Double.NaN);
            return v;
        }
        double[] v = new double[n < 0 ? node.size() : n];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = node.get(i);
            v[i] = e != null && e.isNumber() ? e.asDouble() : Double.NaN;
        }
        return v;
    }

    /** This curve as CompressAI-format JSON text; NaN and infinite values are written as null. */
    String toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("description", description);
        ObjectNode r = root.putObject("results");
        put(r.putArray("psnr-rgb"), psnr);
        put(r.putArray("ms-ssim-rgb"), msssim);
        put(r.putArray("bpp"), bpp);
        put(r.putArray("encoding_time"), encTime);
        put(r.putArray("decoding_time"), decTime);
        return JSON.writeValueAsString(root) + "\n";
    }

    private static void put(ArrayNode a, double[] v) {
        for (double d : v) {
            if (Double.isFinite(d)) {
                a.add(d);
            } else {
                a.addNull();
            }
        }
    }

    /** The points whose rate and quality are both finite (BD-rate and plots skip the others). */
    private static double[][] finite(double[] rate, double[] q) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < Math.min(rate.length, q.length); i++) {
            if (Double.isFinite(rate[i]) && Double.isFinite(q[i])) {
                pts.add(new double[] {rate[i], q[i]});
            }
        }
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }

    /** BD-rate (%), BD-PSNR (dB) and MS-SSIM BD-rate (%) of {@code this} against {@code anchor}; NaN where undefined. */
    /** PSNR of this curve at {@code bpp} (PCHIP over log-rate), NaN outside its range. */
    double psnrAt(double bpp) {
        double[][] a = finite(this.bpp, psnr);
        return BdRate.qualityAt(a[0], a[1], bpp);
    }

    double[] bdAgainst(RdCurve anchor) {
        double[][] a = finite(anchor.bpp, anchor.psnr);
        double[][] b = finite(bpp, psnr);
        double[][] am = finite(anchor.bpp, BdRate.msSsimDb(anchor.msssim));
        double[][] bm = finite(bpp, BdRate.msSsimDb(msssim));
        return new double[] {BdRate.bdRate(a[0], a[1], b[0], b[1]), BdRate.bdQuality(a[0], a[1], b[0], b[1]),
                BdRate.bdRate(am[0], am[1], bm[0], bm[1])};
    }
}
