package org.aeic.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.aeic.codec.train.TrainConfig;
import org.aeic.codec.train.Trainer;
import org.aeic.codec.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aeic train}: fits a model end to end on a folder of images. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model on a folder of images (random crops), with checkpoints and resume.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Folder of training images (searched recursively).")
    Path data;

    @Option(names = {"-o", "--out"}, required = true, description = "Model file to write (a resumable checkpoint goes to OUT.ckpt).")
    Path out;

    @Option(names = "--id", description = "Model id written into streams (default: ${DEFAULT-VALUE}).", defaultValue = "aeic-fp-n64m128")
    String id;

    @Option(names = "--channels-n", defaultValue = "64", description = "Channels of the hidden layers (default: ${DEFAULT-VALUE}; with --init, more than the file's widens it).")
    int n;

    @Option(names = "--channels-m", defaultValue = "128", description = "Latent channels (default: ${DEFAULT-VALUE}; with --init, more than the file's widens it).")
    int m;

    @Option(names = "--lambda", defaultValue = "0.005", split = ",",
            description = "Rate-distortion trade-off λ; several (comma-separated, increasing) train one variable-rate model (default: ${DEFAULT-VALUE}).")
    double[] lambdas;

    @Option(names = "--quality", split = ",",
            description = "Quality number of each λ (default: 4 for one λ, 1, 2, 3, … for several).")
    float[] qualities;

    @Option(names = "--steps", defaultValue = "60000", description = "Total optimizer steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "8", description = "Crops per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--crop", defaultValue = "128", description = "Crop size, a multiple of 16 (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Adam learning rate; ÷10 for the last 20 %% of steps (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--level-lr", defaultValue = "0", description = "Adam learning rate of the quality levels' gains and priors, ÷10 with --lr (default: --lr); larger lets a new level settle while the transforms only fine-tune.")
    double levelLr;

    @Option(names = "--lr-drop-step", defaultValue = "0", description = "Step from which lr is divided by 10 (default: 80 %% of --steps).")
    long lrDropStep;

    @Option(names = "--clip", defaultValue = "1.0", description = "Gradient-norm clip (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--checkpoint-minutes", defaultValue = "5", description = "Minutes between checkpoints (default: ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--resume", description = "Continue from OUT.ckpt if it exists.")
    boolean resume;

    @Option(names = "--init", description = "Start from the weights of this model file (fine-tuning; it keeps its own channel counts unless "
            + "--channels-n/-m ask for more).")
    Path init;

    @Override
    public Integer call() throws Exception {
        Outputs.refuseDash(spec.commandLine(), "--out", out);
        if (!Files.isDirectory(data)) {
            throw new CliException("training data folder not found: " + data);
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CliException("output directory does not exist: " + dir);
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        String command = "aeic train " + String.join(" ", ProcessHandle.current().info().arguments()
                .map(a -> java.util.Arrays.stream(a).dropWhile(x -> !x.equals("train")).skip(1).toList())
                .orElse(java.util.List.of()));
        TrainConfig cfg;
        try {
            float[] q = qualities;
            if (q == null) {
                q = new float[lambdas.length];
                for (int i = 0; i < q.length; i++) {
                    q[i] = lambdas.length == 1 ? 4 : i + 1;
                }
            }
            cfg = new TrainConfig(data, out, id, n, m, lambdas, q, steps, batch, crop, lr, clip, seed, t,
                    (int) Math.max(10, checkpointMinutes * 60), resume, init, lrDropStep, command, levelLr);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        PrintStream log = System.err;
        Trainer trainer = new Trainer(cfg, log);
        TrainingData td = new TrainingData(data, crop);
        log.printf("training on %d images from %s, %d parameters, %d threads, GEMM %s%n", td.images(), data,
                trainer.parameterCount(), t, org.aeic.codec.tensor.Gemm.kernelName());
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            // let the loop finish its step and write the checkpoint before the JVM goes
            for (int i = 0; i < 1200 && !trainer.finished(); i++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        trainer.run(td);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
        log.printf("wrote %s (step %d)%n", out, trainer.step());
        return Main.EXIT_OK;
    }
}
