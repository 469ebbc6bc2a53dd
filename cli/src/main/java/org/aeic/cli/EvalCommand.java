package org.aeic.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.TileListener;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.metrics.Metrics;
import org.aeic.codec.metrics.MsSsim;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aeic eval}: codes every image of a folder at each quality and reports the rate-distortion curve the way the
 * anchors in {@code shared/anchors/} were measured: bpp of the whole {@code .aeic} file, PSNR-RGB and MS-SSIM-RGB on
 * 8-bit values, each the mean of the per-image values, and wall time per image around
 * {@link AeicEncoder#encode(PlanarImage, TileListener)} and {@link AeicDecoder#decode(byte[])} in this (warm) JVM.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure rate-distortion and speed over a folder of images, as the anchors were measured.",
            "Writes CompressAI-format JSON, prints BD-rates against anchor curves and draws an RD plot."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--images", required = true, paramLabel = "DIR",
            description = "Folder of images (searched recursively).")
    Path images;

    @Option(names = {"-q", "--quality"}, split = ",", paramLabel = "LIST", converter = Quality.Converter.class,
            description = "Comma-separated qualities (default: every quality of the model).")
    List<Double> qualities;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the results as CompressAI-format JSON.")
    Path out;

    @Option(names = "--anchors", paramLabel = "DIR",
            description = "Print BD-rates against every *.json in DIR (may be repeated; subfolders are not searched).")
    List<Path> anchorDirs = new ArrayList<>();

    @Option(names = "--plot", paramLabel = "PNG", description = "Write a PSNR-vs-bpp plot (this codec over the anchors).")
    Path plot;

    @Option(names = "--per-image", paramLabel = "CSV",
            description = "Write one row per image and quality: image, quality, bytes, bpp, psnr, ms-ssim, enc s, dec s.")
    Path perImage;

    @Option(names = "--name", description = "Name of the curve in the JSON and the plot (default: AEIC MODEL-ID).")
    String name;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "5",
            description = "Untimed codings (encode and decode) of the first image before the timed ones, so that the "
                    + "times are those of a warm JVM (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    /** One image at one quality. */
    record Row(String image, float quality, long bytes, double bpp, double psnr, double msssim, double encS,
               double decS) {
    }

    /** The mean over the images at one quality. */
    record Point(float quality, double bpp, double psnr, double msssim, double encS, double decS) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // everything that can be checked is checked before the (long) run
        if (warmUp < 0) {
            throw new CliException("--warm-up must be 0 or more, not " + warmUp);
        }
        List<Path> files = imageFiles();
        ModelRegistry registry = common.registry();
        String modelId = common.modelId(registry);
        ModelInfo model = common.modelInfo(registry);
        Progress progress = common.progress(true);
        List<Float> levels = levels(model);
        String[] options = {"--out", "--plot", "--per-image"};
        Path[] paths = {out, plot, perImage};
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                Outputs.refuseDash(spec.commandLine(), options[i], paths[i]);
                Outputs.checkWritable(paths[i], common.force);
            }
        }
        List<RdCurve> anchors = new ArrayList<>();
        List<Path> anchorFiles = new ArrayList<>();
        for (Path dir : anchorDirs) {
            for (Path f : RdCurve.filesIn(dir)) {
                anchors.add(RdCurve.read(f));
                anchorFiles.add(f);
            }
        }

        int threads = common.threads();
        EncodeOptions enc = EncodeOptions.defaults().withThreads(threads).withModelId(modelId);
        DecodeOptions dec = DecodeOptions.defaults().withThreads(threads).withLimits(enc.limits());
        AeicDecoder decoder = new AeicDecoder(dec, registry);
        Map<Float, AeicEncoder> encoders = new LinkedHashMap<>();
        for (float q : levels) {
            encoders.put(q, new AeicEncoder(enc.withQuality(q), registry));
        }
        stdout.printf(Locale.ROOT, "model %s, qualities %s, %d images in %s, %d threads%n", modelId,
                levelList(levels), files.size(), images, threads);
        stdout.flush();

        List<Row> rows = new ArrayList<>();
        int tooSmall = 0;
        boolean warm = false;
        int done = 0;
        int total = files.size() * levels.size();
        for (Path file : files) {
            PlanarImage img;
            try {
                img = ImageLoader.read(file, enc.limits().maxPixels());
            } catch (AeicException e) {
                throw new CliException(e.getMessage().contains(file.toString()) ? e.getMessage()
                        : file + ": " + e.getMessage());
            }
            boolean msOk = MsSsim.fits(img.width, img.height);
            if (!msOk) {
                tooSmall++;
            }
            if (!warm) { // JIT, pools and heap warm before the first timed call
                for (int i = 0; i < warmUp; i++) {
                    decoder.decode(encoders.get(levels.get(0)).encode(img, TileListener.NONE));
                }
                warm = true;
            }
            String rel = images.relativize(file).toString();
            for (float q : levels) {
                long t0 = System.nanoTime();
                byte[] bytes = encoders.get(q).encode(img, TileListener.NONE);
                long t1 = System.nanoTime();
                DecodedImage d = decoder.decode(bytes);
                long t2 = System.nanoTime();
                PlanarImage rec = d.image();
                double bpp = bytes.length * 8.0 / ((double) img.width * img.height);
                double psnr = Metrics.psnr(img.rgb, rec.rgb);
                double ms = msOk ? Metrics.msSsim(img.rgb, rec.rgb, img.width, img.height) : Double.NaN;
                rows.add(new Row(rel, d.info().quality(), bytes.length, bpp, psnr, ms, (t1 - t0) / 1e9,
                        (t2 - t1) / 1e9));
                progress.bar(++done, total, "codings", null);
            }
        }
        progress.end(true);
        if (tooSmall > 0) {
            err.printf("aeic: note: %d of %d images have a side of %d px or less, too small for 5-scale MS-SSIM; "
                    + "ms-ssim-rgb is left empty%n", tooSmall, files.size(), MsSsim.MIN_SIDE_EXCLUSIVE);
        }
        err.flush();

        warnIfOtherImageCount(anchors, files.size());
        List<Point> points = means(rows, levels);
        String curveName = name != null ? name : "AEIC " + modelId;
        RdCurve ours = new RdCurve(curveName, description(model, points, files.size(), threads),
                points.stream().mapToDouble(Point::bpp).toArray(), points.stream().mapToDouble(Point::psnr).toArray(),
                points.stream().mapToDouble(Point::msssim).toArray(), points.stream().mapToDouble(Point::encS).toArray(),
                points.stream().mapToDouble(Point::decS).toArray());

        printTable(stdout, points);
        if (!anchors.isEmpty()) {
            printBd(stdout, ours, anchors, anchorFiles);
            printGainAtEqualRate(stdout, points, anchors);
        }
        if (out != null) {
            AtomicFiles.write(out, ours.toJson().getBytes(StandardCharsets.UTF_8));
            stdout.println("wrote " + out);
        }
        if (perImage != null) {
            AtomicFiles.write(perImage, csv(rows).getBytes(StandardCharsets.UTF_8));
            stdout.println("wrote " + perImage);
        }
        if (plot != null) {
            String title = "PSNR-RGB vs bpp, " + files.size() + " image" + (files.size() == 1 ? "" : "s") + " in "
                    + (images.getFileName() == null ? images : images.getFileName());
            AtomicFiles.write(plot, RdPlot.png(ours, anchors, title));
            stdout.println("wrote " + plot);
        }
        stdout.flush();
        return Main.EXIT_OK;
    }

    private List<Path> imageFiles() throws Exception {
        if (!Files.isDirectory(images)) {
            throw new CliException((Files.exists(images) ? "not a folder: " : "no such folder: ") + images);
        }
        List<Path> files = Batch.files(images, p -> CompressCommand.IMAGE_SUFFIXES.contains(CompressCommand.suffix(p)));
        if (files.isEmpty()) {
            throw new CliException("no images in " + images);
        }
        return files;
    }

    /**
     * The qualities to run, ascending and distinct: as asked where the model interpolates between its levels, else
     * the nearest level (as the encoder picks it).
     */
    private List<Float> levels(ModelInfo model) {
        if (model.qualities().isEmpty()) {
            throw new IllegalStateException("model " + model.id() + " has no quality levels");
        }
        if (qualities == null || qualities.isEmpty()) {
            return new ArrayList<>(new TreeSet<>(model.qualities()));
        }
        TreeSet<Float> chosen = new TreeSet<>();
        for (double q : qualities) {
            chosen.add(Quality.coded(model, q));
        }
        return new ArrayList<>(chosen);
    }

    /** Means over the images per quality, in increasing-bpp order. */
    static List<Point> means(List<Row> rows, List<Float> levels) {
        List<Point> points = new ArrayList<>();
        for (float q : levels) {
            List<Row> at = rows.stream().filter(r -> r.quality() == q).toList();
            if (at.isEmpty()) {
                continue;
            }
            points.add(new Point(q, mean(at, Row::bpp), mean(at, Row::psnr), mean(at, Row::msssim), mean(at, Row::encS),
                    mean(at, Row::decS)));
        }
        points.sort(Comparator.comparingDouble(Point::bpp));
        return points;
    }

    private static double mean(List<Row> rows, java.util.function.ToDoubleFunction<Row> f) {
        double s = 0;
        for (Row r : rows) {
            s += f.applyAsDouble(r);
        }
        return s / rows.size();
    }

    private String description(ModelInfo model, List<Point> points, int count, int threads) {
        return String.format(Locale.ROOT, "AEIC %s, model %s (sha256 %s), %s. Settings (quality) in increasing-bpp "
                        + "order: %s. %s, %d images, metrics on 8-bit RGB (PSNR-RGB; MS-SSIM-RGB as "
                        + "shared/tools/imgmetrics.py), mean of per-image values; bpp of the whole .aeic file. Times: "
                        + "wall seconds per image around AeicEncoder.encode / AeicDecoder.decode in a warm JVM (one "
                        + "untimed warm-up), %d threads, %d cores, Java %s, measured on %s.",
                org.aeic.codec.AeicVersion.VERSION, model.id(), model.sha256().substring(0, Math.min(16, model.sha256().length())),
                model.description() == null || model.description().isBlank() ? "no description" : model.description(),
                levelList(points.stream().map(Point::quality).toList()), images, count, threads,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), LocalDate.now());
    }

    private static String levelList(List<Float> levels) {
        return "[" + String.join(", ", levels.stream().map(CompressCommand::fmt).toList()) + "]";
    }

    private static void printTable(PrintWriter out, List<Point> points) {
        out.printf(Locale.ROOT, "%7s %8s %9s %9s %8s %8s%n", "quality", "bpp", "PSNR dB", "MS-SSIM", "enc s", "dec s");
        for (Point p : points) {
            out.printf(Locale.ROOT, "%7s %8.4f %9.3f %9s %8.3f %8.3f%n", CompressCommand.fmt(p.quality()), p.bpp(),
                    p.psnr(), Double.isNaN(p.msssim()) ? "n/a" : String.format(Locale.ROOT, "%.5f", p.msssim()),
                    p.encS(), p.decS());
        }
    }

    private static void printBd(PrintWriter out, RdCurve ours, List<RdCurve> anchors, List<Path> files) {
        out.println();
        out.println("BD against each anchor (this codec vs the anchor; negative BD-rate = fewer bits at equal quality):");
        int w = Math.max(6, anchors.stream().mapToInt(a -> a.name().length()).max().orElse(6));
        w = Math.min(w, 40);
        String fmt = "%-" + w + "s %14s %10s %17s  %s%n";
        out.printf(Locale.ROOT, fmt, "anchor", "BD-rate PSNR", "BD-PSNR", "BD-rate MS-SSIM", "file");
        for (int i = 0; i < anchors.size(); i++) {
            RdCurve a = anchors.get(i);
            double[] bd = ours.bdAgainst(a);
            String n = a.name().length() > w ? a.name().substring(0, w) : a.name();
            out.printf(Locale.ROOT, fmt, n, pct(bd[0]), bd[1] != bd[1] ? "n/a"
                    : String.format(Locale.ROOT, "%+.3f dB", bd[1]), pct(bd[2]), files.get(i));
        }
    }

    /** Per quality: PSNR over each anchor at the same bpp, so that "every quality beats X" can be read off. */
    private static void printGainAtEqualRate(PrintWriter out, List<Point> points, List<RdCurve> anchors) {
        out.println();
        out.println("PSNR over each anchor at the same bpp (dB; anchor interpolated PCHIP over log bpp, n/a outside"
                + " its range):");
        int w = Math.min(40, Math.max(6, anchors.stream().mapToInt(a -> a.name().length()).max().orElse(6)));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "anchor"));
        for (Point p : points) {
            head.append(String.format(Locale.ROOT, " %8s", "q" + CompressCommand.fmt(p.quality())));
        }
        out.println(head);
        for (RdCurve a : anchors) {
            String n = a.name().length() > w ? a.name().substring(0, w) : a.name();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", n));
            for (Point p : points) {
                double at = a.psnrAt(p.bpp());
                row.append(String.format(Locale.ROOT, " %8s", Double.isNaN(at) ? "n/a"
                        : String.format(Locale.ROOT, "%+.2f", p.psnr() - at)));
            }
            out.println(row);
        }
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.2f %%", v);
    }

    /**
     * BD-rates mean most when both curves cover the same images: say so when the anchors' descriptions name another
     * image count ("Kodak, 24 images") than this run's.
     */
    private void warnIfOtherImageCount(List<RdCurve> anchors, int count) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (RdCurve a : anchors) {
            Matcher m = IMAGE_COUNT.matcher(a.description());
            if (m.find() && Integer.parseInt(m.group(1)) != count) {
                counts.add(Integer.parseInt(m.group(1)));
            }
        }
        if (!counts.isEmpty()) {
            common.warn("BD-rates compare these " + count + " image" + (count == 1 ? "" : "s") + " with anchors "
                    + "measured on " + counts.stream().map(String::valueOf).collect(Collectors.joining(" or ")) + " images; run on the same images for a fair comparison");
        }
    }

    private static final Pattern IMAGE_COUNT = Pattern.compile("\\b(\\d+) images\\b");

    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("image,quality,bytes,bpp,psnr,ms_ssim,enc_s,dec_s\n");
        for (Row r : rows) {
            sb.append(csvField(r.image())).append(',').append(CompressCommand.fmt(r.quality())).append(',')
                    .append(r.bytes()).append(',')
                    .append(String.format(Locale.ROOT, "%.6f,%s,%s,%.6f,%.6f\n", r.bpp(),
                            Double.isInfinite(r.psnr()) ? "inf" : String.format(Locale.ROOT, "%.6f", r.psnr()),
                            Double.isNaN(r.msssim()) ? "" : String.format(Locale.ROOT, "%.8f", r.msssim()),
                            r.encS(), r.decS()));
        }
        return sb.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
