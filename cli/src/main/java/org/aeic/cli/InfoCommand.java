package org.aeic.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.StreamInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aeic info}: the header of a .aeic file, without decoding it. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the header of a .aeic file.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = ".aeic file; - reads standard input.")
    Path in;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        StreamInfo i;
        long size;
        DecodeOptions any = DecodeOptions.defaults().withMaxPixels(Long.MAX_VALUE >> 2);
        if (Stdio.isDash(in)) {
            byte[] b = main.stdio().readAll();
            i = AeicDecoder.info(b, any);
            size = b.length;
        } else {
            try (InputStream s = Files.newInputStream(in)) {
                i = AeicDecoder.info(s, any);
            }
            size = Files.size(in);
        }
        double bpp = size * 8.0 / ((double) i.width() * i.height());
        if (size != i.bytes()) {
            throw new CliException("file is " + size + " bytes but its header declares " + i.bytes()
                    + " (truncated or trailing data)");
        }
        PrintWriter out = spec.commandLine().getOut();
        String channels = switch (i.channels()) {
            case 1 -> "grey";
            case 2 -> "grey+alpha";
            case 3 -> "RGB";
            default -> "RGBA";
        };
        if (json) {
            out.printf(Locale.ROOT, "{\"file\": \"%s\", \"width\": %d, \"height\": %d, \"channels\": %d, \"color\": \"%s\", "
                            + "\"bitDepth\": %d, \"palette\": %b, \"model\": \"%s\", \"quality\": %s, \"tileSize\": %d, "
                            + "\"tiles\": %d, \"alpha\": %b, \"iccBytes\": %d, \"exifBytes\": %d, \"bytes\": %d, \"bpp\": %.6f}%n",
                    Text.json(in.toString()), i.width(), i.height(), i.channels(), channels, i.bitDepth(), i.palette(),
                    Text.json(i.modelId()), CompressCommand.fmt(i.quality()), i.tileSize(), i.tiles(), i.alpha(),
                    i.iccBytes(), i.exifBytes(), size, bpp);
        } else {
            out.printf(Locale.ROOT, "%s%n  size      %d x %d%n  channels  %d (%s, %d-bit%s)%n  model     %s%n"
                            + "  quality   %s%n  tiles     %d of %d px%n  metadata  %s%n  bytes     %d%n  bpp       %.4f%n",
                    Text.printable(in.toString()), i.width(), i.height(), i.channels(), channels, i.bitDepth(),
                    i.palette() ? ", from a palette" : "", Text.printable(i.modelId()), CompressCommand.fmt(i.quality()),
                    i.tiles(), i.tileSize(),
                    (i.iccBytes() > 0 ? "ICC " + i.iccBytes() + " B " : "") + (i.exifBytes() > 0 ? "EXIF " + i.exifBytes() + " B" : "")
                            + (i.iccBytes() == 0 && i.exifBytes() == 0 ? "none" : ""), size, bpp);
        }
        return Main.EXIT_OK;
    }
}
