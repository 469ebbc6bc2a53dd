package org.aeic.codec.train;

import java.nio.file.Path;

/**
 * Everything that determines a training run. With the same config, data and thread count the run
 * is reproducible (crops and noise come from (seed, step, sample), gradients are summed in sample order).
 */
public record TrainConfig(
        Path data,
        Path out,
        String modelId,
        int n,
        int m,
        double[] lambdas,
        float[] qualities,
        long steps,
        int batch,
        int crop,
        double lr,
        double clipNorm,
        long seed,
        int threads,
        int checkpointSeconds,
        boolean resume,
        Path init,
        long lrDropStep,
        String command,
        double levelLr) {

    public TrainConfig {
        if (n < 1 || m < 1 || batch < 1 || crop < 16 || crop % 16 != 0 || steps < 1 || threads < 1
                || !(lr > 0)) {
            throw new IllegalArgumentException("invalid training configuration");
        }
        if (!(levelLr >= 0) || Double.isInfinite(levelLr)) {
            throw new IllegalArgumentException("the levels' learning rate must be positive (or 0: the same as lr), got "
                    + levelLr);
        }
        if (lambdas.length < 1 || lambdas.length != qualities.length) {
            throw new IllegalArgumentException("give one quality per λ (" + lambdas.length + " λ, "
                    + qualities.length + " qualities)");
        }
        for (int i = 0; i < lambdas.length; i++) {
            if (!(lambdas[i] > 0) || Double.isInfinite(lambdas[i])
                    || i > 0 && (!(lambdas[i] > lambdas[i - 1]) || !(qualities[i] > qualities[i - 1]))) {
                throw new IllegalArgumentException("λ must be positive, and λ and quality must both increase");
            }
        }
    }

    /** A run whose rate levels learn at the rate of the rest ({@link #levelLr} 0). */
    public TrainConfig(Path data, Path out, String modelId, int n, int m, double[] lambdas, float[] qualities,
                       long steps, int batch, int crop, double lr, double clipNorm, long seed, int threads,
                       int checkpointSeconds, boolean resume, Path init, long lrDropStep, String command) {
        this(data, out, modelId, n, m, lambdas, qualities, steps, batch, crop, lr, clipNorm, seed, threads,
                checkpointSeconds, resume, init, lrDropStep, command, 0);
    }

    /** A single-rate run. */
    public TrainConfig(Path data, Path out, String modelId, int n, int m, double lambda, float quality, long steps,
                       int batch, int crop, double lr, double clipNorm, long seed, int threads,
                       int checkpointSeconds, boolean resume, Path init, long lrDropStep, String command) {
        this(data, out, modelId, n, m, new double[] {lambda}, new float[] {quality}, steps, batch, crop, lr,
                clipNorm, seed, threads, checkpointSeconds, resume, init, lrDropStep, command);
    }

    /**
     * Learning rate of the rate levels' gains and priors at step s: {@code levelLr} when set (it lets a new or
     * moved level find its place while the shared transforms only fine-tune), else the transforms' rate;
     * divided by 10 from {@link #lrDrop()} like it.
     */
    public double levelLearningRate(long s) {
        return scheduled(levelLr > 0 ? levelLr : lr, s);
    }

    /** Learning rate of the transforms at step s: {@code lr}, divided by 10 from {@link #lrDrop()}. */
    public double learningRate(long s) {
        return scheduled(lr, s);
    }

    private double scheduled(double base, long s) {
        return s >= lrDrop() ? base / 10 : base;
    }

    /** Step from which the learning rate is divided by 10 (default: 80 % of the steps). */
    public long lrDrop() {
        return lrDropStep > 0 ? lrDropStep : (long) (steps * 0.8);
    }

    /** Where the resumable checkpoint (weights + optimizer state) goes: beside the model file. */
    public Path checkpoint() {
        return out.resolveSibling(out.getFileName() + ".ckpt");
    }
}
