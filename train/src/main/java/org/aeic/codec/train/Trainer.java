package org.aeic.codec.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.aeic.codec.AeicException;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.model.RateLevel;
import org.aeic.codec.model.Rounding;
import org.aeic.codec.model.Widening;
import org.aeic.codec.nn.Grads;
import org.aeic.codec.nn.Param;
import org.aeic.codec.nn.Tape;
import org.aeic.codec.tensor.Tensor;
import org.aeic.proto.ModelFile;
import org.aeic.proto.Provenance;

/**
 * End-to-end training of the factorized model: loss = bpp + λ·255²·MSE, additive uniform noise as
 * the rate's quantisation proxy, rounded latents (straight-through) into the synthesis, Adam,
 * global gradient-norm clipping, lr ÷10 from a given step (default: for the last 20 % of steps).
 *
 * <p>Several λ train one variable-rate model: the transforms are shared and each {@link RateLevel}
 * has its own latent gain and prior. Sample i of step s trains level (s·batch + i) mod levels, so
 * every step sees the rates in the same proportion. The gain's gradient through the decoder uses the
 * rounding error as fixed noise (ŷ = y + r/g), as the additive-noise proxy would. Each level's
 * gradient is weighted by √(λ̄/λ) (see {@link #levelWeights}).
 *
 * <p>Samples of a batch run in parallel, each on one thread with the codec's own layers; their
 * gradients are summed in sample order, so a run is reproducible whatever the thread count.
 * Checkpoints are written atomically; {@link #requestStop()} (Ctrl-C) ends after the current step
 * with a checkpoint.
 */
public final class Trainer {
    /** Loss, rate and distortion of one sample or the mean of a batch. */
    public record Stats(double loss, double bpp, double mse) {
        public double psnr() {
            return 10 * Math.log10(1 / Math.max(mse, 1e-12));
        }
    }

    private final TrainConfig cfg;
    private final FactorizedModel net;
    private final List<RateLevel> levels;
    private final List<Param> params;
    private final Adam adam;
    /** The rate levels' gains and priors, which may learn at their own rate ({@link TrainConfig#levelLr}). */
    private final java.util.Set<Param> levelParams;
    private final PrintStream log;
    /**
     * "; from ID (TRAINER, N steps)" when fine-tuning a model file, followed by that file's own origin (so the
     * chain of fine-tunes is kept), and kept across resumes; else "".
     */
    private final String origin;
    private long step;
    private double wallBefore;
    private volatile boolean stop;
    private volatile boolean finished;

    public Trainer(TrainConfig cfg, PrintStream log) throws IOException, AeicException {
        this.cfg = cfg;
        this.log = log;
        ModelFile from = null;
        boolean resuming = cfg.resume() && Files.exists(cfg.checkpoint());
        if (resuming) {
            from = ModelFiles.parse(Files.readAllBytes(cfg.checkpoint()));
        } else if (cfg.init() != null) {
            from = ModelFiles.parse(Files.readAllBytes(cfg.init()));
        }
        origin = resuming ? originIn(from.getProvenance().getNotes())
                : from == null ? "" : String.format("; from %s (%s, %d steps)%s", from.getId(),
                        from.getProvenance().getTrainer(), from.getProvenance().getSteps(),
                        originIn(from.getProvenance().getNotes()));
        if (from != null) {
            FactorizedModel stored = ModelFiles.restore(from);
            boolean grow = !resuming && (cfg.n() > stored.n || cfg.m() > stored.m);
            net = grow ? Widening.widen(stored, Math.max(cfg.n(), stored.n), Math.max(cfg.m(), stored.m), cfg.seed())
                    : stored;
            levels = levelsFrom(from, stored.m, resuming);
            if (grow) {
                log.printf("widened %s from N=%d, M=%d to N=%d, M=%d%n", cfg.init(), stored.n, stored.m, net.n, net.m);
            }
        } else {
            net = new FactorizedModel(cfg.n(), cfg.m());
            net.initRandom(cfg.seed());
            levels = new ArrayList<>();
            RateLevel first = RateLevel.unit(net.prior, cfg.qualities()[0], cfg.lambdas()[0]);
            for (int i = 0; i < cfg.lambdas().length; i++) {
                levels.add(RateLevel.scaledFrom(first, i, cfg.qualities()[i], cfg.lambdas()[i]));
            }
        }
        List<Param> all = new ArrayList<>(net.params());
        for (RateLevel l : levels) {
            all.addAll(l.params());
        }
        params = List.copyOf(all);
        levelParams = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (RateLevel l : levels) {
            levelParams.addAll(l.params());
        }
        Grads.index(params);
        adam = new Adam(params);
        if (resuming) {
            for (Param p : params) {
                float[] m = ModelFiles.extraTensor(from, "adam.m." + p.name);
                float[] v = ModelFiles.extraTensor(from, "adam.v." + p.name);
                if (m != null && v != null && m.length == p.size() && v.length == p.size()) {
                    System.arraycopy(m, 0, adam.m[p.index()], 0, m.length);
                    System.arraycopy(v, 0, adam.v[p.index()], 0, v.length);
                }
            }
            step = from.getProvenance().getSteps();
            adam.t = step;
            wallBefore = from.getProvenance().getWallSeconds();
            log.printf("resumed from %s at step %d%n", cfg.checkpoint(), step);
        } else if (from != null) {
            log.printf("initialised from %s%n", cfg.init());
        }
    }

    /**
     * The levels of a model file if they are the configured ones; otherwise (fine-tuning, never when
     * resuming) each configured level starts from the file's level nearest in λ, scaled by
     * √(λ/λsource) — a single-rate file counts as one level with gain 1.
     */
    private List<RateLevel> levelsFrom(ModelFile f, int fileM, boolean resuming) throws AeicException {
        List<RateLevel> stored = Widening.widen(RateLevel.restore(f, fileM), net.m);
        double[] lambdas = cfg.lambdas();
        if (stored.isEmpty()) { // a single-rate file (older trainer): one level, gain 1, the model's prior
            boolean has = f.getQualitiesCount() > 0 && f.getQualities(0).getLambda() > 0;
            stored = List.of(RateLevel.unit(net.prior, has ? f.getQualities(0).getQuality() : cfg.qualities()[0],
                    has ? f.getQualities(0).getLambda() : lambdas[0]));
        }
        boolean same = stored.size() == lambdas.length;
        for (int i = 0; same && i < lambdas.length; i++) {
            same = (float) lambdas[i] == (float) stored.get(i).lambda && cfg.qualities()[i] == stored.get(i).quality;
        }
        if (resuming && !same) {
            throw new AeicException("model " + f.getId() + " was trained for other levels than --lambda/--quality");
        }
        if (same) {
            // the file keeps λ as a float: train with the configured double, as an uninterrupted run does
            List<RateLevel> out = new ArrayList<>();
            for (int i = 0; i < lambdas.length; i++) {
                RateLevel l = new RateLevel(i, cfg.qualities()[i], lambdas[i], net.m);
                System.arraycopy(stored.get(i).logGain.data, 0, l.logGain.data, 0, net.m);
                System.arraycopy(stored.get(i).prior.params.data, 0, l.prior.params.data, 0, l.prior.params.size());
                out.add(l);
            }
            return out;
        }
        List<RateLevel> out = new ArrayList<>();
        for (int i = 0; i < lambdas.length; i++) {
            RateLevel nearest = stored.get(0);
            for (RateLevel r : stored) {
                if (Math.abs(Math.log(r.lambda / lambdas[i])) < Math.abs(Math.log(nearest.lambda / lambdas[i]))) {
                    nearest = r;
                }
            }
            out.add(RateLevel.scaledFrom(nearest, i, cfg.qualities()[i], lambdas[i]));
        }
        return out;
    }

    /** Trained parameters of the transforms (and the model's own prior), as {@code aeic train} reports them. */
    public long parameterCount() {
        return net.parameterCount();
    }

    public FactorizedModel model() {
        return net;
    }

    public List<RateLevel> levels() {
        return levels;
    }

    public long step() {
        return step;
    }

    /** Asks the loop to stop after the current step and write a checkpoint. */
    public void requestStop() {
        stop = true;
    }

    public boolean finished() {
        return finished;
    }

    /** Forward and backward of one sample at one level; gradients of its loss are added to {@code g}. */
    public static Stats sampleStep(FactorizedModel net, RateLevel level, Tensor x, Random rnd, Grads g) {
        return sampleStep(net, level, 1, x, rnd, g);
    }

    /** As above, with the gradient (not the reported loss) multiplied by {@code weight}. */
    public static Stats sampleStep(FactorizedModel net, RateLevel level, double weight, Tensor x, Random rnd,
                                   Grads g) {
        Tape ta = new Tape();
        Tensor y = net.analysis.forward(x, ta);
        double pixels = (double) x.h * x.w;
        int plane = y.plane();
        Tensor yq = new Tensor(y.c, y.h, y.w);
        float[] dyRate = new float[y.data.length];
        float[] gain = level.gains();
        float[] gPrior = g.of(level.prior.params);
        float[] gLogGain = g.of(level.logGain);
        double bits = 0;
        double[] dv = new double[1];
        for (int c = 0; c < y.c; c++) {
            float center = level.prior.center(c);
            double gc = gain[c];
            double dLogGain = 0;
            for (int p = 0; p < plane; p++) {
                int i = c * plane + p;
                double v = y.data[i] * gc;
                dv[0] = 0;
                bits += level.prior.bits(c, v + rnd.nextDouble() - 0.5, dv, gPrior, weight / pixels);
                dyRate[i] = (float) (weight * dv[0] * gc / pixels);
                dLogGain += weight * dv[0] * v / pixels;
                // straight-through rounding for the decoder: the codec's rule, in double (see Rounding)
                yq.data[i] = (float) ((Rounding.round(v - center) + center) / gc);
            }
            gLogGain[c] += (float) dLogGain;
        }
        Tape ts = new Tape();
        Tensor xh = net.synthesis.forward(yq, ts);
        int count = x.data.length;
        double se = 0;
        float[] dxh = new float[count];
        double lambda = level.lambda;
        double scale = weight * 2 * lambda * 255 * 255 / count;
        for (int i = 0; i < count; i++) {
            double d = xh.data[i] - x.data[i];
            se += d * d;
            dxh[i] = (float) (scale * d);
        }
        Tensor dyq = net.synthesis.backward(new Tensor(xh.c, xh.h, xh.w, dxh), ts, g, true);
        for (int c = 0; c < y.c; c++) {
            double dLogGain = 0;
            for (int p = 0; p < plane; p++) {
                int i = c * plane + p;
                dLogGain -= (double) dyq.data[i] * (yq.data[i] - y.data[i]); // d(y + r/g)/d log g = -r/g
            }
            gLogGain[c] += (float) dLogGain;
        }
        for (int i = 0; i < dyq.data.length; i++) {
            dyq.data[i] += dyRate[i];
        }
        net.analysis.backward(dyq, ta, g, false);
        double bpp = bits / pixels;
        double mse = se / count;
        return new Stats(bpp + lambda * 255 * 255 * mse, bpp, mse);
    }

    /** Runs until the configured step count or a stop request. */
    public void run(TrainingData data) throws IOException, InterruptedException {
        int b = cfg.batch();
        int nl = levels.size();
        double[] levelBpp = new double[nl];
        double[] levelMse = new double[nl];
        int[] levelCount = new int[nl];
        double[] weights = levelWeights();
        List<Grads> perSample = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            perSample.add(new Grads(params));
        }
        Grads total = new Grads(params);
        ExecutorService pool = Executors.newFixedThreadPool(cfg.threads(), r -> {
            Thread t = new Thread(r, "aeic-train");
            t.setDaemon(true);
            return t;
        });
        Progress progress = new Progress(log, cfg.steps(), step, b);
        long start = System.nanoTime();
        long lastCheckpoint = System.nanoTime();
        try {
            while (step < cfg.steps() && !stop) {
                final long s = step;
                List<Callable<Stats>> jobs = new ArrayList<>();
                for (int i = 0; i < b; i++) {
                    final int idx = i;
                    jobs.add(() -> {
                        Random rnd = new Random(cfg.seed() * 0x9E3779B97F4A7C15L + s * 1_000_003L + idx);
                        Grads g = perSample.get(idx);
                        g.zero();
                        int l = levelOf(s, idx);
                        return sampleStep(net, levels.get(l), weights[l], data.sample(rnd), rnd, g);
                    });
                }
                double loss = 0, bpp = 0, mse = 0;
                List<Future<Stats>> done = pool.invokeAll(jobs);
                for (int i = 0; i < b; i++) {
                    Stats st = get(done.get(i));
                    loss += st.loss() / b;
                    bpp += st.bpp() / b;
                    mse += st.mse() / b;
                    int l = levelOf(s, i);
                    levelBpp[l] += st.bpp();
                    levelMse[l] += st.mse();
                    levelCount[l]++;
                }
                total.zero();
                for (Grads g : perSample) {
                    total.add(g);
                }
                double norm = 0;
                for (int i = 0; i < total.count(); i++) {
                    for (float v : total.at(i)) {
                        norm += (double) v * v / ((double) b * b);
                    }
                }
                norm = Math.sqrt(norm);
                double scale = (1.0 / b) * (norm > cfg.clipNorm() ? cfg.clipNorm() / norm : 1);
                for (int i = 0; i < total.count(); i++) {
                    float[] a = total.at(i);
                    for (int j = 0; j < a.length; j++) {
                        a[j] *= scale;
                    }
                }
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    throw new IOException("training diverged at step " + step + " (loss " + loss + ")");
                }
                double lr = cfg.learningRate(step);
                double levelLr = cfg.levelLearningRate(step);
                adam.step(params, total, p -> levelParams.contains(p) ? levelLr : lr);
                step++;
                progress.update(step, new Stats(loss, bpp, mse));
                if (System.nanoTime() - lastCheckpoint > cfg.checkpointSeconds() * 1_000_000_000L) {
                    checkpoint(wallBefore + (System.nanoTime() - start) / 1e9);
                    lastCheckpoint = System.nanoTime();
                    if (nl > 1) {
                        StringBuilder line = new StringBuilder("step " + step + ", per level since last checkpoint:");
                        for (int l = 0; l < nl; l++) {
                            line.append(String.format(" q%s %.3f bpp %.2f dB;", levels.get(l).quality,
                                    levelBpp[l] / levelCount[l],
                                    10 * Math.log10(levelCount[l] / Math.max(levelMse[l], 1e-12))));
                        }
                        log.println(line);
                        java.util.Arrays.fill(levelBpp, 0);
                        java.util.Arrays.fill(levelMse, 0);
                        java.util.Arrays.fill(levelCount, 0);
                    }
                }
            }
            checkpoint(wallBefore + (System.nanoTime() - start) / 1e9);
            progress.done();
        } finally {
            pool.shutdownNow();
            finished = true;
        }
    }

    /**
     * Gradient weight of each level, √(λ̄/λ) with λ̄ the geometric mean of the λs: the gradient of
     * bpp + λ·D grows with λ, so without it the highest rates would steer the shared transforms.
     */
    double[] levelWeights() {
        double logMean = 0;
        for (RateLevel l : levels) {
            logMean += Math.log(l.lambda) / levels.size();
        }
        double[] w = new double[levels.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sqrt(Math.exp(logMean) / levels.get(i).lambda);
        }
        return w;
    }

    private int levelOf(long s, int sample) {
        return (int) ((s * cfg.batch() + sample) % levels.size());
    }

    private static Stats get(Future<Stats> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IOException("training step failed: " + e.getCause(), e.getCause());
        }
    }

    /** The origin a checkpoint's notes carry (see {@link #origin}), so that a resumed run keeps it. */
    static String originIn(String notes) {
        int at = notes.indexOf("; from ");
        return at < 0 ? "" : notes.substring(at);
    }

    private void checkpoint(double wallSeconds) throws IOException {
        Provenance prov = Provenance.newBuilder()
                .setTrainer("aeic train (Java, " + org.aeic.codec.tensor.Gemm.kernelName() + " GEMM)")
                .setCommand(cfg.command() == null ? "" : cfg.command())
                .setSeed(cfg.seed())
                .setSteps(step)
                .setWallSeconds(wallSeconds)
                .setData(cfg.data().toString())
                .setCreated(Instant.now().toString())
                .setNotes(String.format("lambda=%s batch=%d crop=%d lr=%s%s clip=%s threads=%d",
                        java.util.Arrays.toString(cfg.lambdas()), cfg.batch(), cfg.crop(), cfg.lr(),
                        cfg.levelLr() > 0 ? " level-lr=" + cfg.levelLr() : "", cfg.clipNorm(), cfg.threads()) + origin)
                .build();
        String desc = "factorized prior, N=" + net.n + " M=" + net.m + ", " + levels.size() + " quality level(s), "
                + step + " steps" + origin;
        Map<String, float[]> state = new LinkedHashMap<>();
        for (Param p : params) {
            state.put("adam.m." + p.name, adam.m[p.index()]);
            state.put("adam.v." + p.name, adam.v[p.index()]);
        }
        AtomicFiles.write(cfg.checkpoint(),
                ModelFiles.toProtoTrained(net, levels, cfg.modelId(), desc, prov, state).toByteArray());
        AtomicFiles.write(cfg.out(),
                ModelFiles.toProtoTrained(net, levels, cfg.modelId(), desc, prov, Map.of()).toByteArray());
    }
}
