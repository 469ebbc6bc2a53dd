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
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
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
    private final Adam adam;
    private final PrintStream log;
    private long step;
    private double wallBefore;
    private volatile boolean stop;
    private volatile boolean finished;

    public Trainer(TrainConfig cfg, PrintStream log) throws IOException, AeicException {
        this.cfg = cfg;
        this.log = log;
        if (cfg.resume() && Files.exists(cfg.checkpoint())) {
            ModelFile ck = ModelFiles.parse(Files.readAllBytes(cfg.checkpoint()));
            net = ModelFiles.restore(ck);
            adam = new Adam(net.params());
            for (Param p : net.params()) {
                float[] m = ModelFiles.extraTensor(ck, "adam.m." + p.name);
                float[] v = ModelFiles.extraTensor(ck, "adam.v." + p.name);
                if (m != null && v != null && m.length == p.size() && v.length == p.size()) {
                    System.arraycopy(m, 0, adam.m[p.index()], 0, m.length);
                    System.arraycopy(v, 0, adam.v[p.index()], 0, v.length);
                }
            }
            step = ck.getProvenance().getSteps();
            adam.t = step;
            wallBefore = ck.getProvenance().getWallSeconds();
            log.printf("resumed from %s at step %d%n", cfg.checkpoint(), step);
        } else if (cfg.init() != null) {
            net = ModelFiles.restore(ModelFiles.parse(Files.readAllBytes(cfg.init())));
            adam = new Adam(net.params());
            log.printf("initialised from %s%n", cfg.init());
        } else {
            net = new FactorizedModel(cfg.n(), cfg.m());
            net.initRandom(cfg.seed());
            adam = new Adam(net.params());
        }
    }

    public FactorizedModel model() {
        return net;
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

    /** Forward and backward of one sample; gradients of the sample's loss are added to {@code g}. */
    public static Stats sampleStep(FactorizedModel net, Tensor x, double lambda, Random rnd, Grads g) {
        Tape ta = new Tape();
        Tensor y = net.analysis.forward(x, ta);
        double pixels = (double) x.h * x.w;
        int plane = y.plane();
        Tensor yq = new Tensor(y.c, y.h, y.w);
        float[] dyRate = new float[y.data.length];
        float[] gPrior = g.of(net.prior.params);
        double bits = 0;
        double[] dv = new double[1];
        for (int c = 0; c < y.c; c++) {
            float center = net.prior.center(c);
            for (int p = 0; p < plane; p++) {
                int i = c * plane + p;
                float v = y.data[i];
                dv[0] = 0;
                bits += net.prior.bits(c, v + rnd.nextDouble() - 0.5, dv, gPrior, 1 / pixels);
                dyRate[i] = (float) (dv[0] / pixels);
                yq.data[i] = Math.round(v - center) + center; // straight-through rounding for the decoder
            }
        }
        Tape ts = new Tape();
        Tensor xh = net.synthesis.forward(yq, ts);
        int count = x.data.length;
        double se = 0;
        float[] dxh = new float[count];
        double scale = 2 * lambda * 255 * 255 / count;
        for (int i = 0; i < count; i++) {
            double d = xh.data[i] - x.data[i];
            se += d * d;
            dxh[i] = (float) (scale * d);
        }
        Tensor dyq = net.synthesis.backward(new Tensor(xh.c, xh.h, xh.w, dxh), ts, g, true);
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
        List<Param> params = net.params();
        int b = cfg.batch();
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
                        return sampleStep(net, data.sample(rnd), cfg.lambda(), rnd, g);
                    });
                }
                double loss = 0, bpp = 0, mse = 0;
                for (Future<Stats> f : pool.invokeAll(jobs)) {
                    Stats st = get(f);
                    loss += st.loss() / b;
                    bpp += st.bpp() / b;
                    mse += st.mse() / b;
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
                adam.step(params, total, learningRate(step));
                step++;
                progress.update(step, new Stats(loss, bpp, mse));
                if (System.nanoTime() - lastCheckpoint > cfg.checkpointSeconds() * 1_000_000_000L) {
                    checkpoint(wallBefore + (System.nanoTime() - start) / 1e9);
                    lastCheckpoint = System.nanoTime();
                }
            }
            checkpoint(wallBefore + (System.nanoTime() - start) / 1e9);
            progress.done();
        } finally {
            pool.shutdownNow();
            finished = true;
        }
    }

    private static Stats get(Future<Stats> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IOException("training step failed: " + e.getCause(), e.getCause());
        }
    }

    double learningRate(long s) {
        return s >= cfg.lrDrop() ? cfg.lr() / 10 : cfg.lr();
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
                .setNotes(String.format("lambda=%s batch=%d crop=%d lr=%s clip=%s threads=%d", cfg.lambda(),
                        cfg.batch(), cfg.crop(), cfg.lr(), cfg.clipNorm(), cfg.threads()))
                .build();
        List<ModelFiles.LevelSpec> levels = List.of(new ModelFiles.LevelSpec(cfg.quality(), (float) cfg.lambda(), null));
        String desc = "factorized prior, N=" + net.n + " M=" + net.m + ", " + step + " steps";
        Map<String, float[]> state = new LinkedHashMap<>();
        for (Param p : net.params()) {
            state.put("adam.m." + p.name, adam.m[p.index()]);
            state.put("adam.v." + p.name, adam.v[p.index()]);
        }
        ModelFiles.writeAtomically(cfg.checkpoint(),
                ModelFiles.toProto(net, cfg.modelId(), desc, levels, prov, state).toByteArray());
        ModelFiles.writeAtomically(cfg.out(),
                ModelFiles.toProto(net, cfg.modelId(), desc, levels, prov, Map.of()).toByteArray());
    }
}
