package org.aeic.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.StreamInfo;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.io.AtomicFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aeic compress}: image (or a folder of them, or standard input) to .aeic. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Compress an image, or every image in a folder, to .aeic.")
final class CompressCommand implements Callable<Integer> {
    static final Set<String> IMAGE_SUFFIXES = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "gif", "webp", "ppm", "pgm", "pnm");

    @Parameters(index = "0", paramLabel = "IN", description = "Image file or folder; - reads standard input.")
    Path in;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output file (default: IN with .aeic; standard output when IN is -), or folder when IN is a "
                    + "folder; - writes standard output.")
    Path out;

    static final class Rate {
        @Option(names = {"-q", "--quality"}, converter = Quality.Converter.class,
                description = "Quality 1 (smallest) to 8, fractional with a variable-rate model (default: 4).")
        Double quality;

        @Option(names = "--bpp", description = "Pick the highest quality whose file stays within this many bits per pixel (fractional with a variable-rate model).")
        Double bpp;

        @Option(names = "--psnr", description = "Pick the lowest quality that reaches this PSNR in dB (fractional with a variable-rate model).")
        Double psnr;
    }

    @ArgGroup(exclusive = true)
    Rate rate = new Rate();

    @Option(names = "--tile-size", description = "Tile edge in pixels (multiple of 16, at most 1024; default: one tile up to 1024x1024, else 512).")
    int tileSize;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean batch = !Stdio.isDash(in) && Files.isDirectory(in);
        Progress progress = common.progress(batch);
        ModelRegistry registry = common.registry();
        ModelInfo model = common.modelInfo(registry);
        EncodeOptions opts = EncodeOptions.defaults().withThreads(common.threads()).withModelId(model.id());
        try {
            opts = opts.withTileSize(tileSize);
            if (rate.quality != null) {
                opts = opts.withQuality(rate.quality);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (rate.bpp != null && !(rate.bpp > 0 && Double.isFinite(rate.bpp))) {
            throw new ParameterException(spec.commandLine(),
                    "--bpp must be a positive number of bits per pixel, got " + rate.bpp);
        }
        if (rate.psnr != null && !Double.isFinite(rate.psnr)) {
            throw new ParameterException(spec.commandLine(), "--psnr must be a number of dB, got " + rate.psnr);
        }
        if (rate.quality != null && Quality.coded(model, rate.quality) != rate.quality.floatValue()) {
            common.warn("model " + model.id() + " has no quality " + CompressCommand.fmt(rate.quality.floatValue())
                    + " (it has " + ModelsCommand.qualities(model) + (model.fractionalQualities() ? " and those between"
                    : "") + "); coding quality " + fmt(Quality.coded(model, rate.quality)));
        }
        common.verbose("model " + model.id() + ", " + common.threads() + " threads");
        if (batch) {
            return compressFolder(opts, registry, progress);
        }
        boolean toStdout = out == null ? Stdio.isDash(in) : Stdio.isDash(out);
        if (toStdout && common.stdio().terminal()) {
            throw new ParameterException(spec.commandLine(),
                    "not writing a binary stream to the terminal: redirect standard output, or give -o FILE");
        }
        Path target = toStdout ? null : out == null ? Outputs.withExtension(in, ".aeic") : out;
        Outputs.checkOneFile(in, target, common.force);
        RateSearch.Result r;
        try {
            r = encodeForRate(read(in, opts.limits().maxPixels(), progress), opts, registry, progress);
        } finally {
            progress.end(false); // an error message starts on a clean line
        }
        if (target == null) {
            common.stdio().write(r.bytes());
        } else {
            AtomicFiles.write(target, r.bytes());
        }
        if (r.shortfall() != null) { // the file is still the closest there is: say so, and succeed
            common.warn(in + ": " + r.shortfall());
        }
        var info = AeicDecoder.info(r.bytes(), DecodeOptions.defaults().withMaxPixels(Long.MAX_VALUE >> 2));
        String line = String.format(Locale.ROOT, "%s: %dx%d, quality %s, %d bytes, %.4f bpp%s",
                target == null ? "<stdout>" : target, info.width(), info.height(), fmt(info.quality()), info.bytes(),
                info.bpp(), rate.psnr == null ? "" : String.format(Locale.ROOT, ", PSNR %.2f dB", r.measured()));
        if (target == null) {
            common.verbose(line); // standard output carries the stream
        } else {
            common.result(line);
        }
        return Main.EXIT_OK;
    }

    private int compressFolder(EncodeOptions opts, ModelRegistry registry, Progress progress) throws Exception {
        if (Stdio.isDash(out)) {
            throw new ParameterException(spec.commandLine(), "-o - (standard output) takes one image, not a folder");
        }
        Path root = out == null ? in : out;
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new CliException("output must be a folder when IN is a folder: " + out);
        }
        List<Path> files = Batch.files(in, p -> IMAGE_SUFFIXES.contains(suffix(p)));
        if (files.isEmpty()) {
            throw new CliException("no images in " + in);
        }
        EncodeOptions one = opts.withThreads(1);
        int failed = Batch.run(files, in, root, ".aeic", common.threads(), (i, o) -> {
            Outputs.refuseExisting(o, common.force);
            RateSearch.Result r = encodeForRate(read(i, one.limits().maxPixels(), Progress.NONE), one, registry,
                    Progress.NONE); // one file of many: the batch's bar is the status line
            AtomicFiles.write(o, r.bytes());
            if (r.shortfall() != null) {
                common.warn(i + ": " + r.shortfall());
            }
        }, progress, spec.commandLine().getErr());
        common.result(String.format("compressed %d of %d images", files.size() - failed, files.size()));
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    /** The image in {@code src} (standard input for -); an AEIC stream is refused, it is compressed already. */
    private PlanarImage read(Path src, long maxPixels, Progress progress) throws AeicException, CliException, IOException {
        progress.status("reading " + (Stdio.isDash(src) ? "standard input" : src));
        if (Stdio.isDash(src)) {
            byte[] bytes = common.stdio().readAll();
            refuseAeic(bytes, "standard input");
            return ImageLoader.read(new ByteArrayInputStream(bytes), "standard input", maxPixels);
        }
        if (Files.isRegularFile(src)) {
            try (InputStream s = Files.newInputStream(src)) {
                refuseAeic(s.readNBytes(StreamInfo.MAGIC_BYTES), src.toString());
            }
        }
        return ImageLoader.read(src, maxPixels);
    }

    private static void refuseAeic(byte[] first8, String what) throws CliException {
        if (StreamInfo.isAeic(first8)) {
            throw new CliException(what + " is an AEIC stream already (decompress it first to re-encode it)");
        }
    }

    /** Plain quality, or the one chosen by --bpp / --psnr. */
    private RateSearch.Result encodeForRate(PlanarImage img, EncodeOptions opts, ModelRegistry registry,
                                            Progress progress) throws AeicException {
        if (rate.bpp == null && rate.psnr == null) {
            byte[] b = new AeicEncoder(opts, registry).encode(img, (done, total) -> {
                progress.bar(done, total, "tiles", "encoding");
                return true;
            });
            return new RateSearch.Result(b, null, Double.NaN);
        }
        return new RateSearch(img, opts, registry, rate.bpp, rate.psnr, progress::status, common::verbose).run();
    }

    static String suffix(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String fmt(float q) {
        return q == Math.rint(q) ? String.valueOf((int) q) : String.valueOf(q);
    }
}
