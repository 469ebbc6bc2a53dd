package org.aeic.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Output-path rules shared by the commands: never overwrite unless asked, never leave half a file. */
final class Outputs {
    private Outputs() {
    }

    /** {@code in} with its extension replaced by {@code ext} (which includes the dot). */
    static Path withExtension(Path in, String ext) {
        String name = in.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return in.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ext);
    }

    /**
     * {@code -} stands for standard output only where a command says so (compress, decompress); elsewhere it is a
     * usage error, never a file named {@code -}.
     */
    static void refuseDash(picocli.CommandLine cl, String option, Path p) {
        if (Stdio.isDash(p)) {
            throw new picocli.CommandLine.ParameterException(cl, option + " -: this command writes files only, "
                    + "not standard output; give a file name");
        }
    }

    /**
     * One input file and its output ({@code null}: standard output), before any work: the input exists (standard input,
     * {@code -}, is not checked), the output is not the input, and may be written. The input first: a missing input
     * named as "output exists" sent the user after the wrong file.
     */
    static void checkOneFile(Path in, Path target, boolean force) throws CliException {
        if (!Stdio.isDash(in) && !Files.exists(in)) {
            throw new CliException("no such file: " + in);
        }
        if (target == null) {
            return;
        }
        if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new CliException("output would overwrite the input: " + target);
        }
        checkWritable(target, force);
    }

    /** Checks that {@code out} may be written: its directory exists, and it is new unless {@code force}. */
    static void checkWritable(Path out, boolean force) throws CliException {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CliException("output directory does not exist: " + dir);
        }
        if (Files.isDirectory(out)) {
            throw new CliException("output is a directory: " + out);
        }
        refuseExisting(out, force);
    }

    /** Outputs are replaced only with {@code --force}. */
    static void refuseExisting(Path out, boolean force) throws CliException {
        if (Files.exists(out) && !force) {
            throw new CliException("output exists (use --force to overwrite): " + out);
        }
    }
}
