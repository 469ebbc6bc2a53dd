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

    @Option(names = "--model", paramLabel = "FILE|ID",
            description = "A model file to use besides the bundled ones, or the id of a bundled one (`aeic models` lists them); either becomes the default.")
    Path model;

    int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }

    ModelRegistry registry() throws AeicException {
        ModelRegistry r = ModelRegistry.bundled();
        return model == null || bundledId(r) != null ? r : r.with(model);
    }

    String modelId(ModelRegistry r) {
        String id = bundledId(r);
        return id != null ? id : r.defaultId();
    }

    /** --model names a bundled model (and no file of that name exists): its id; else null. */
    private String bundledId(ModelRegistry r) {
        if (model == null || java.nio.file.Files.exists(model)) {
            return null;
        }
        String name = model.toString();
        return r.list().stream().anyMatch(m -> m.id().equals(name)) ? name : null;
    }
}
