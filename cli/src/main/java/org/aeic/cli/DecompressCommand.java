package org.aeic.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.image.ImageSaver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aeic decompress}: .aeic (or a folder of them, or standard input) to PNG, or the format asked for. */
@Command(name = "decompress", mixinStandardHelpOptions = true,
        description = "Decompress a .aeic file, or every .aeic in a folder (PNG unless --format or OUT says otherwise).")
final class DecompressCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = ".aeic file or folder; - reads standard input.")
    Path in;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output image (png, jpg, bmp, tif by extension; default IN with .png; standard output when "
                    + "IN is -), or a folder; - writes standard output.")
    Path out;

    @Option(names = "--format", paramLabel = "FMT",
            description = "Output format: png, jpg, bmp or tif (default: from OUT's extension, else png).")
    String format;

    @Option(names = "--max-pixels", description = "Refuse streams declaring more pixels (default: ${DEFAULT-VALUE}).",
            defaultValue = "400000000")
    long maxPixels;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxPixels < 1) {
            throw new ParameterException(spec.commandLine(), "--max-pixels must be positive, got " + maxPixels);
        }
        String asked = format == null ? null : usage(() -> ImageSaver.normalize(format));
        boolean batch = !Stdio.isDash(in) && Files.isDirectory(in);
        Progress progress = common.progress(batch);
        ModelRegistry registry = common.registry();
        DecodeOptions opts = DecodeOptions.defaults().withThreads(common.threads()).withMaxPixels(maxPixels);
        if (batch) {
            if (Stdio.isDash(out)) {
                throw new ParameterException(spec.commandLine(), "-o - (standard output) takes one image, not a folder");
            }
            Path root = out == null ? in : out;
            if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
                throw new CliException("output must be a folder when IN is a folder: " + out);
            }
            List<Path> files = Batch.files(in, p -> CompressCommand.suffix(p).equals("aeic"));
            if (files.isEmpty()) {
                throw new CliException("no .aeic files in " + in);
            }
            AeicDecoder one = new AeicDecoder(opts.withThreads(1), registry);
            String ext = "." + (format == null ? "png" : format.toLowerCase(Locale.ROOT));
            int failed = Batch.run(files, in, root, ext, common.threads(), (i, o) -> {
                Outputs.refuseExisting(o, common.force);
                ImageSaver.write(one.decode(i).image(), o, asked);
            }, progress, spec.commandLine().getErr());
            common.result(String.format("decompressed %d of %d files", files.size() - failed, files.size()));
            return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        boolean toStdout = out == null ? Stdio.isDash(in) : Stdio.isDash(out);
        if (toStdout && common.stdio().terminal()) {
            throw new ParameterException(spec.commandLine(),
                    "not writing a binary image to the terminal: redirect standard output, or give -o FILE");
        }
        Path target = toStdout ? null : out == null ? Outputs.withExtension(in, ".png") : out;
        // an unknown extension is a usage error, found before decoding
        String fmt = asked != null ? asked : target != null ? usage(() -> ImageSaver.formatForPath(target)) : "png";
        Outputs.checkOneFile(in, target, common.force);
        DecodedImage img;
        try {
            progress.status("reading " + (Stdio.isDash(in) ? "standard input" : in));
            byte[] stream = Stdio.isDash(in) ? common.stdio().readAll() : Files.readAllBytes(in);
            img = new AeicDecoder(opts, registry).decode(stream, null, (done, total) -> {
                progress.bar(done, total, "tiles", "decoding");
                return true;
            });
            common.verbose("model " + img.info().modelId() + ", quality " + CompressCommand.fmt(img.info().quality()));
            progress.status("writing " + (target == null ? "standard output" : target));
            if (target == null) {
                ImageSaver.write(img.image(), common.stdio().out(), fmt);
            } else {
                ImageSaver.write(img.image(), target, fmt);
            }
        } finally {
            progress.end(false); // an error message starts on a clean line
        }
        String line = String.format("%s: %dx%d", target == null ? "<stdout>" : target, img.image().width,
                img.image().height);
        if (target == null) {
            common.verbose(line);
        } else {
            common.result(line);
        }
        return Main.EXIT_OK;
    }

    @FunctionalInterface
    private interface FormatLookup {
        String get() throws AeicException;
    }

    /** A format name the codec does not write is a usage error (exit 2), with the codec's list of formats. */
    private String usage(FormatLookup lookup) {
        try {
            return lookup.get();
        } catch (AeicException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
