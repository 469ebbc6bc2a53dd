package org.aeic.cli;

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
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.metrics.Metrics;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aeic compress}: image (or a folder of them) to .aeic. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Compress an image, or every image in a folder, to .aeic.")
final class CompressCommand implements Callable<Integer> {
    static final Set<String> IMAGE_SUFFIXES = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "gif", "webp", "ppm", "pgm", "pnm");

    @Parameters(index = "0", paramLabel = "IN", description = "Image file or folder.")
    Path in;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output file (default: IN with .aeic), or folder when IN is a folder.")
    Path out;

    static final class Rate {
        @Option(names = {"-q", "--quality"}, description = "Quality 1 (smallest) to 8, fractional with a variable-rate model (default: 4).")
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
        ModelRegistry registry = common.registry();
        EncodeOptions opts = EncodeOptions.defaults().withThreads(common.threads())
                .withModelId(common.modelId(registry));
        try {
            opts = opts.withTileSize(tileSize);
            if (rate.quality != null) {
                opts = opts.withQuality(rate.quality);
            }
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (rate.bpp != null && !(rate.bpp > 0 && Double.isFinite(rate.bpp))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--bpp must be a positive number of bits per pixel, got " + rate.bpp);
        }
        if (rate.psnr != null && !Double.isFinite(rate.psnr)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--psnr must be a number of dB, got " + rate.psnr);
        }
        if (Files.isDirectory(in)) {
            Path root = out == null ? in : out;
            if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
                throw new CliException("output must be a folder when IN is a folder: " + out);
            }
            List<Path> files = Batch.files(in, p -> IMAGE_SUFFIXES.contains(suffix(p)));
            if (files.isEmpty()) {
                throw new CliException("no images in " + in);
            }
            EncodeOptions one = opts.withThreads(1);
            int failed = Batch.run(files, in, root, ".aeic", common.threads(), (i, o) -> compress(i, o, one, registry),
                    spec.commandLine().getErr());
            spec.commandLine().getOut().printf("compressed %d of %d images%n", files.size() - failed, files.size());
            return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        Path target = out == null ? Outputs.withExtension(in, ".aeic") : out;
        if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new CliException("output would overwrite the input: " + target);
        }
        Outputs.checkWritable(target, common.force);
        byte[] bytes = compress(in, target, opts, registry);
        var info = AeicDecoder.info(bytes, DecodeOptions.defaults().withMaxPixels(Long.MAX_VALUE >> 2));
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: %dx%d, quality %s, %d bytes, %.4f bpp%n", target,
                info.width(), info.height(), fmt(info.quality()), info.bytes(), info.bpp());
        return Main.EXIT_OK;
    }

    private byte[] compress(Path src, Path dst, EncodeOptions opts, ModelRegistry registry) throws Exception {
        if (!common.force && Files.exists(dst)) {
            throw new CliException("output exists (use --force to overwrite): " + dst);
        }
        PlanarImage img = ImageLoader.read(src, opts.limits().maxPixels());
        RateSearch.Result r = encodeForRate(img, opts, registry);
        Outputs.writeAtomically(dst, r.bytes());
        if (r.shortfall() != null) { // the file is still the closest there is: say so, and succeed
            spec.commandLine().getErr().println("aeic: warning: " + src + ": " + r.shortfall());
        }
        return r.bytes();
    }

    /** Plain quality, or the one chosen by --bpp / --psnr. */
    private RateSearch.Result encodeForRate(PlanarImage img, EncodeOptions opts, ModelRegistry registry)
            throws AeicException {
        if (rate.bpp == null && rate.psnr == null) {
            return new RateSearch.Result(new AeicEncoder(opts, registry).encode(img, org.aeic.codec.TileListener.NONE),
                    null);
        }
        return new RateSearch(img, opts, registry, rate.bpp, rate.psnr).run();
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
