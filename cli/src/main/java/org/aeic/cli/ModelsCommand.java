package org.aeic.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aeic models}: the models this command can code with, the default first (as the server's /v1/models). */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models available for coding (bundled, and --model FILE), the default first.")
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "Also a model file (becomes the default).")
    Path model;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelRegistry registry = model == null ? ModelRegistry.bundled() : ModelRegistry.bundled().with(model);
        String def = registry.defaultId();
        List<ModelInfo> models = registry.list();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println("[" + models.stream().map(m -> String.format(Locale.ROOT,
                    "{\"id\": \"%s\", \"default\": %b, \"qualities\": [%s], \"fractionalQualities\": %b, "
                            + "\"parameters\": %d, \"trainingSteps\": %d, \"sha256\": \"%s\", \"description\": \"%s\"}",
                    Text.json(m.id()), m.id().equals(def), qualities(m), m.fractionalQualities(),
                    m.parameters(), m.trainingSteps(), m.sha256(), Text.json(m.description())))
                    .collect(Collectors.joining(",\n ")) + "]");
            return Main.EXIT_OK;
        }
        for (ModelInfo m : models) {
            out.printf(Locale.ROOT, "%s%s%n  qualities   %s%s%n  parameters  %,d%n  trained     %,d steps on %s%n"
                            + "  sha256      %s%n  about       %s%n",
                    Text.printable(m.id()), m.id().equals(def) ? " (default)" : "", qualities(m),
                    m.fractionalQualities() ? " (and any quality between)" : "", m.parameters(), m.trainingSteps(),
                    m.trainingData().isEmpty() ? "unknown data" : Text.printable(m.trainingData()), m.sha256(),
                    Text.printable(m.description()));
        }
        return Main.EXIT_OK;
    }

    static String qualities(ModelInfo m) {
        return m.qualities().stream().map(CompressCommand::fmt).collect(Collectors.joining(", "));
    }
}
