package org.aeic.cli;

import java.nio.file.Path;
import org.aeic.codec.AeicException;
import org.aeic.codec.ModelRegistry;
import picocli.CommandLine.Option;

/** Options every coding command takes. */
final class CommonOptions {
    @Option(names = {"-f", "--force"}, description = "Overwrite existing output files.")
    boolean force;

    @Option(names = {"-t", "--threads"}, description = "Worker threads (default: all cores). Output does not depend on it.")
    Integer threads;

    @Option(names = "--model", paramLabel = "FILE", description = "A model file to use besides the bundled ones (becomes the default).")
    Path model;

    int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }

    ModelRegistry registry() throws AeicException {
        ModelRegistry r = ModelRegistry.bundled();
        return model == null ? r : r.with(model);
    }

    String modelId(ModelRegistry r) {
        return r.defaultId();
    }
}
