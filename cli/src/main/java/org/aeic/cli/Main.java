package org.aeic.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import org.aeic.codec.AeicException;
import org.aeic.codec.AeicVersion;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code aeic} command. Exit codes: 0 success, 1 bad input or failed operation (one line on
 * stderr), 2 usage error. Every exception is mapped here, in one place.
 */
@Command(name = "aeic", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "AEIC learned image codec: compress, decompress, inspect, train and evaluate.")
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** The subcommands, in the order the help lists them. */
    static final List<Class<?>> COMMANDS = List.of(CompressCommand.class, DecompressCommand.class, InfoCommand.class,
            ModelsCommand.class, TrainCommand.class, EvalCommand.class);

    @Spec
    CommandSpec spec;

    private final Stdio stdio;

    Main(Stdio stdio) {
        this.stdio = stdio;
    }

    Stdio stdio() {
        return stdio;
    }

    @Override
    public void run() {
        // this command line, not a new one: a new one would print to System.err instead of the err given to run()
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        if (args.length > 0 && java.util.Set.of("compress", "decompress", "eval", "train").contains(args[0])) {
            // the kernel compiles on the second core while picocli starts and the input and model are read
            org.aeic.codec.WarmUp.inBackground();
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // no command needs a display; eval draws its plot off-screen
        }
        // text in the terminal's encoding (the default one); images and streams as bytes
        Stdio stdio = new Stdio(System.in, System.out, System.console() != null);
        System.exit(run(args, stdio, new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true)));
    }

    /**
     * Runs the command line and returns the exit code (tests use this). Text for stdout goes to {@code stdio.out()}
     * in the default charset, as does binary output ({@code -o -}).
     */
    public static int run(String[] args, Stdio stdio, PrintWriter err) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdio.out(), Charset.defaultCharset()), true);
        CommandLine cl = new CommandLine(new Main(stdio));
        // picocli builds every command's model by reflection when it is registered (30 ms of a one-shot decompress
        // went to the five that do not run, 3-8 ms to completion's): a command named first is registered alone;
        // anything else (help, completion, a typo that gets a suggestion) gets them all
        List<Class<?>> named = COMMANDS.stream()
                .filter(c -> args.length > 0 && c.getAnnotation(Command.class).name().equals(args[0])).toList();
        for (Class<?> c : named.isEmpty() ? COMMANDS : named) {
            cl.addSubcommand(c);
        }
        if (named.isEmpty()) {
            // bash/zsh completion: `source <(aeic completion)`
            cl.addSubcommand("completion", new AutoComplete.GenerateCompletion());
            cl.getSubcommands().get("completion").getCommandSpec().usageMessage().hidden(false)
                    .description("Print a bash/zsh completion script for aeic (use: source <(aeic completion)).");
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(Main::exitCode);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("aeic: " + Text.printable(message(ex)));
            commandLine.getErr().flush();
            return exitCode(ex);
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            ex.getCommandLine().getErr().println("aeic: " + Text.printable(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for usage.");
            return EXIT_USAGE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof CommandLine.ParameterException) {
            return EXIT_USAGE;
        }
        return EXIT_FAILURE;
    }

    /** One line for the user: our own messages as they are, anything else named by type. */
    static String message(Throwable ex) {
        if (ex instanceof AeicException || ex instanceof CliException) {
            return ex.getMessage();
        }
        if (ex instanceof java.nio.file.NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (ex instanceof java.nio.file.AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof java.io.IOException) {
            return "I/O error: " + ex.getMessage();
        }
        if (ex instanceof OutOfMemoryError) {
            return "out of memory (try a smaller image or a larger -Xmx)";
        }
        return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"aeic " + AeicVersion.VERSION + " (GEMM: "
                    + org.aeic.codec.CodingKernel.description() + ")"};
        }
    }
}
