package org.aeic.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.image.ImageSaver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aeic decompress}: .aeic (or a folder of them) to PNG, or the format OUT's extension names. */
@Command(name = "decompress", mixinStandardHelpOptions = true,
        description = "Decompress a .aeic file, or every .aeic in a folder (PNG unless OUT says otherwise).")
final class DecompressCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = ".aeic file or folder.")
    Path in;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output image (png, jpg, bmp, tif by extension; default IN with .png), or a folder.")
    Path out;

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
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max-pixels must be positive, got " + maxPixels);
        }
        ModelRegistry registry = common.registry();
        DecodeOptions opts = DecodeOptions.defaults().withThreads(common.threads()).withMaxPixels(maxPixels);
        if (Files.isDirectory(in)) {
            Path root = out == null ? in : out;
            if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
                throw new CliException("output must be a folder when IN is a folder: " + out);
            }
            List<Path> files = Batch.files(in, p -> CompressCommand.suffix(p).equals("aeic"));
            if (files.isEmpty()) {
                throw new CliException("no .aeic files in " + in);
            }
            AeicDecoder one = new AeicDecoder(opts.withThreads(1), registry);
            int failed = Batch.run(files, in, root, ".png", common.threads(), (i, o) -> decompress(one, i, o),
                    spec.commandLine().getErr());
            spec.commandLine().getOut().printf("decompressed %d of %d files%n", files.size() - failed, files.size());
            return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        Path target = out == null ? Outputs.withExtension(in, ".png") : out;
        ImageSaver.formatForPath(target); // unknown extension: fail before decoding
        if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new CliException("output would overwrite the input: " + target);
        }
        Outputs.checkWritable(target, common.force);
        DecodedImage img = decompress(new AeicDecoder(opts, registry), in, target);
        spec.commandLine().getOut().printf("%s: %dx%d%n", target, img.image().width, img.image().height);
        return Main.EXIT_OK;
    }

    private DecodedImage decompress(AeicDecoder dec, Path src, Path dst) throws Exception {
        if (!common.force && Files.exists(dst)) {
            throw new CliException("output exists (use --force to overwrite): " + dst);
        }
        DecodedImage img = dec.decode(src);
        ImageSaver.write(img.toBufferedImage(), dst, ImageSaver.formatForPath(dst));
        return img;
    }
}
