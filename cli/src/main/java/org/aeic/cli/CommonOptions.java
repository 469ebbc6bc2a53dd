package org.aeic.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aeic.codec.AeicException;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options every coding command takes, and what the commands derive from them. */
final class CommonOptions {
    @Option(names = {"-f", "--force"}, description = "Overwrite existing output files.")
    boolean force;

    @Option(names = {"-t", "--threads"}, description = "Worker threads (default: all cores). Output does not depend on it.")
    Integer threads;

    @Option(names = "--model", paramLabel = "FILE|ID",
            description = "A model file to use besides the bundled ones, or the id of a bundled one (`aeic models` lists them); either becomes the default.")
    Path model;

    @Option(names = "--quiet", description = "No progress and no summary line; errors, warnings and the results asked for only.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also say on stderr what is being done (model, qualities tried, times).")
    boolean verbose;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The status line on screen, if any: a message ends it first, so that it starts on a line of its own. */
    private Progress progress = Progress.NONE;

    int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }

    ModelRegistry registry() throws AeicException, CliException {
        ModelRegistry r = ModelRegistry.bundled();
        if (model == null || bundledId(r) != null) {
            return r;
        }
        if (!Files.exists(model)) {
            throw new CliException("--model " + model + ": no such model file, nor a bundled model id (bundled: "
                    + String.join(", ", r.ids()) + ")");
        }
        return r.with(model);
    }

    String modelId(ModelRegistry r) {
        String id = bundledId(r);
        return id != null ? id : r.defaultId();
    }

    /** The description of the model the command codes with. */
    ModelInfo modelInfo(ModelRegistry r) throws AeicException {
        return r.info(modelId(r)); // reads only this model
    }

    /** --model names a bundled model (and no file of that name exists): its id; else null. */
    private String bundledId(ModelRegistry r) {
        if (model == null || Files.exists(model)) {
            return null;
        }
        String name = model.toString();
        return r.ids().contains(name) ? name : null;
    }

    /** Standard input and output of this run. */
    Stdio stdio() {
        return ((Main) mixee.root().userObject()).stdio();
    }

    /** The status line for long work (see {@link Progress#of}); refuses --quiet with --verbose. */
    Progress progress(boolean batch) {
        if (quiet && verbose) {
            throw new ParameterException(mixee.commandLine(), "--quiet and --verbose exclude each other");
        }
        progress = Progress.of(err(), stdio().terminal(), quiet, batch);
        return progress;
    }

    /** A line on stderr with --verbose. */
    void verbose(String line) {
        if (verbose) {
            progress.end(false);
            err().println("aeic: " + Text.printable(line));
            err().flush();
        }
    }

    /** A warning on stderr (even with --quiet: it says the output is not what was asked for). */
    void warn(String line) {
        progress.end(false);
        err().println("aeic: warning: " + Text.printable(line));
        err().flush();
    }

    /** The result line on stdout, unless --quiet. */
    void result(String line) {
        if (!quiet) {
            PrintWriter out = mixee.commandLine().getOut();
            out.println(line);
            out.flush();
        }
    }

    private PrintWriter err() {
        return mixee.commandLine().getErr();
    }
}
