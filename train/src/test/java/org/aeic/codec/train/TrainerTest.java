package org.aeic.codec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.model.RateLevel;
import org.aeic.codec.nn.Grads;
import org.aeic.codec.nn.Param;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny configurations only: each run is a fraction of a second. */
class TrainerTest {
    @TempDir
    static Path data;

    @BeforeAll
    static void images() throws Exception {
        Random r = new Random(1);
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(48 + 8 * i, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int v = (int) (128 + 100 * Math.sin(x * 0.3 + i) * Math.cos(y * 0.2)) + r.nextInt(9);
                    img.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (x * 5 & 0xff));
                }
            }
            Files.createDirectories(data.resolve("sub"));
            ImageIO.write(img, "png", data.resolve("sub/img" + i + ".png").toFile());
        }
        Files.writeString(data.resolve("notes.txt"), "not an image");
    }

    private static TrainConfig config(Path out, long steps, int threads, boolean resume) {
        return new TrainConfig(data, out, "t", 4, 4, 0.01, 4f, steps, 3, 32, 1e-2, 1.0, 7, threads, 3600, resume,
                null, 6, "test");
    }

    private static float[] weights(FactorizedModel net) {
        int n = 0;
        for (Param p : net.params()) {
            n += p.size();
        }
        float[] all = new float[n];
        int o = 0;
        for (Param p : net.params()) {
            System.arraycopy(p.data, 0, all, o, p.size());
            o += p.size();
        }
        return all;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void sameWeightsWhateverTheThreadCount(@TempDir Path dir) throws Exception {
        Trainer one = new Trainer(config(dir.resolve("a.aeicm"), 6, 1, false), quiet());
        one.run(new TrainingData(data, 32));
        Trainer two = new Trainer(config(dir.resolve("b.aeicm"), 6, 2, false), quiet());
        two.run(new TrainingData(data, 32));
        assertArrayEquals(weights(one.model()), weights(two.model()));
    }

    @Test
    void resumingGivesTheSameModelAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Trainer straight = new Trainer(config(dir.resolve("s.aeicm"), 8, 1, false), quiet());
        straight.run(new TrainingData(data, 32));

        Path out = dir.resolve("r.aeicm");
        new Trainer(config(out, 4, 1, false), quiet()).run(new TrainingData(data, 32));
        assertTrue(Files.exists(out) && Files.exists(config(out, 4, 1, false).checkpoint()));
        Trainer resumed = new Trainer(config(out, 8, 1, true), quiet());
        assertEquals(4, resumed.step());
        resumed.run(new TrainingData(data, 32));
        assertArrayEquals(weights(straight.model()), weights(resumed.model()));
        // the exported model loads for coding and carries its provenance
        var model = ModelFiles.load(Files.readAllBytes(out));
        assertEquals(8, model.file.getProvenance().getSteps());
        assertEquals(4f, model.levels.get(0).quality());
    }

    @Test
    void lossFallsOnAFixedBatch() throws Exception {
        FactorizedModel net = new FactorizedModel(4, 4);
        net.initRandom(3);
        TrainingData td = new TrainingData(data, 32);
        RateLevel level = RateLevel.unit(net.prior, 4f, 0.01);
        List<Param> params = new ArrayList<>(net.params());
        params.addAll(level.params());
        Grads.index(params);
        Adam adam = new Adam(params);
        Grads g = new Grads(params);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 60; step++) {
            g.zero();
            Trainer.Stats s = Trainer.sampleStep(net, level, td.sample(new Random(5)), new Random(6), g);
            adam.step(params, g, 5e-3);
            if (step == 0) {
                first = s.loss();
            }
            last = s.loss();
        }
        assertTrue(last < 0.5 * first, "loss " + first + " → " + last);
    }

    private static final double[] LAMBDAS = {0.005, 0.01, 0.02};
    private static final float[] QUALITIES = {1, 2, 3};

    private static TrainConfig multi(Path out, long steps, int threads, boolean resume, Path init) {
        return new TrainConfig(data, out, "v", 4, 4, LAMBDAS, QUALITIES, steps, 3, 32, 1e-2, 1.0, 7, threads, 3600,
                resume, init, 6, "test");
    }

    private static float[] allWeights(Trainer t) {
        float[] net = weights(t.model());
        int n = net.length;
        for (RateLevel l : t.levels()) {
            for (Param p : l.params()) {
                n += p.size();
            }
        }
        float[] all = java.util.Arrays.copyOf(net, n);
        int o = net.length;
        for (RateLevel l : t.levels()) {
            for (Param p : l.params()) {
                System.arraycopy(p.data, 0, all, o, p.size());
                o += p.size();
            }
        }
        return all;
    }

    @Test
    void variableRateRunIsReproducibleAcrossThreadsAndResume(@TempDir Path dir) throws Exception {
        Trainer straight = new Trainer(multi(dir.resolve("s.aeicm"), 8, 1, false, null), quiet());
        straight.run(new TrainingData(data, 32));

        Path out = dir.resolve("r.aeicm");
        new Trainer(multi(out, 4, 2, false, null), quiet()).run(new TrainingData(data, 32));
        Trainer resumed = new Trainer(multi(out, 8, 2, true, null), quiet());
        assertEquals(4, resumed.step());
        resumed.run(new TrainingData(data, 32));
        assertArrayEquals(allWeights(straight), allWeights(resumed));

        // every level trained its own gain and prior, and the exported file codes with them
        var model = ModelFiles.load(Files.readAllBytes(out));
        assertEquals(3, model.levels.size());
        for (int i = 0; i < 3; i++) {
            var level = model.levels.get(i);
            assertEquals(QUALITIES[i], level.quality());
            assertEquals((float) LAMBDAS[i], level.lambda());
            assertArrayEquals(resumed.levels().get(i).gains(), level.gain());
            assertTrue(resumed.levels().get(i).logGain.data[0] != (float) (0.5 * Math.log(LAMBDAS[i] / LAMBDAS[0])),
                    "level " + i + " gain was not trained");
            assertEquals(resumed.levels().get(i).prior.center(0), level.center()[0]);
        }
    }

    @Test
    void fineTuningASingleRateModelScalesItsPriorPerLevel(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.aeicm");
        Trainer single = new Trainer(config(base, 2, 1, false), quiet());
        single.run(new TrainingData(data, 32));
        Trainer tuned = new Trainer(multi(dir.resolve("vr.aeicm"), 1, 1, false, base), quiet());
        assertArrayEquals(weights(single.model()), weights(tuned.model()));
        RateLevel source = single.levels().get(0);
        for (int i = 0; i < 3; i++) {
            RateLevel l = tuned.levels().get(i);
            double f = Math.sqrt(LAMBDAS[i] / (float) 0.01); // the base was trained at λ = 0.01
            for (int c = 0; c < 4; c++) {
                assertEquals(source.gains()[c] * f, l.gains()[c], 1e-5 * f);
                assertEquals(source.prior.center(c) * f, l.prior.center(c), 1e-5);
            }
        }
    }

    @Test
    void levelsLearnAtTheirOwnRateWhenAsked(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.aeicm");
        new Trainer(multi(base, 1, 1, false, null), quiet()).run(new TrainingData(data, 32));
        float[] gainBefore = new Trainer(multi(dir.resolve("x.aeicm"), 1, 1, false, base), quiet())
                .levels().get(1).logGain.data.clone();
        Trainer same = new Trainer(multi(dir.resolve("a.aeicm"), 1, 1, false, base), quiet());
        same.run(new TrainingData(data, 32));
        Trainer faster = new Trainer(new TrainConfig(data, dir.resolve("b.aeicm"), "v", 4, 4, LAMBDAS, QUALITIES, 1, 3,
                32, 1e-2, 1.0, 7, 1, 3600, false, base, 6, "test", 1e-1), quiet());
        faster.run(new TrainingData(data, 32));
        // the first Adam step moves every value by about ±lr: the transforms alike, the levels 10x as far
        assertArrayEquals(weights(same.model()), weights(faster.model()));
        float[] a = same.levels().get(1).logGain.data;
        float[] b = faster.levels().get(1).logGain.data;
        for (int c = 0; c < a.length; c++) {
            double da = a[c] - gainBefore[c];
            double db = b[c] - gainBefore[c];
            assertTrue(Math.abs(da) > 1e-3, "level gain " + c + " did not move");
            assertEquals(10 * da, db, 1e-3 * Math.abs(db), "channel " + c);
        }
        assertTrue(ModelFiles.parse(Files.readAllBytes(dir.resolve("b.aeicm"))).getProvenance().getNotes()
                .contains("lr=0.01 level-lr=0.1 "));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TrainConfig(data,
                dir.resolve("c.aeicm"), "v", 4, 4, LAMBDAS, QUALITIES, 1, 3, 32, 1e-2, 1.0, 7, 1, 3600, false, base, 6,
                "test", -1));
    }

    @Test
    void aFineTunedModelNamesWhatItStartedFromAndKeepsItWhenResumed(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.aeicm");
        new Trainer(config(base, 2, 1, false), quiet()).run(new TrainingData(data, 32));
        Path out = dir.resolve("vr.aeicm");
        new Trainer(multi(out, 1, 1, false, base), quiet()).run(new TrainingData(data, 32));
        String origin = "; from t (aeic train (Java, " + org.aeic.codec.tensor.Gemm.kernelName() + " GEMM), 2 steps)";
        var tuned = ModelFiles.parse(Files.readAllBytes(out));
        assertTrue(tuned.getDescription().endsWith("1 steps" + origin), tuned.getDescription());
        assertTrue(tuned.getProvenance().getNotes().endsWith(origin), tuned.getProvenance().getNotes());
        new Trainer(multi(out, 2, 1, true, base), quiet()).run(new TrainingData(data, 32));
        var resumed = ModelFiles.parse(Files.readAllBytes(out));
        assertTrue(resumed.getDescription().endsWith("2 steps" + origin), resumed.getDescription());
        // fine-tuned again: the chain is kept
        Path again = dir.resolve("again.aeicm");
        new Trainer(multi(again, 1, 1, false, out), quiet()).run(new TrainingData(data, 32));
        String chain = "; from v (aeic train (Java, " + org.aeic.codec.tensor.Gemm.kernelName() + " GEMM), 2 steps)" + origin;
        assertTrue(ModelFiles.parse(Files.readAllBytes(again)).getDescription().endsWith("1 steps" + chain));
        // a model trained from scratch names no origin
        assertEquals("", Trainer.originIn(ModelFiles.parse(Files.readAllBytes(base)).getProvenance().getNotes()));
    }

    @Test
    void fineTuningIntoMoreChannelsWidensTheModelAndTrainsTheNewChannels(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("vr4.aeicm");
        new Trainer(multi(base, 2, 1, false, null), quiet()).run(new TrainingData(data, 32));
        Path out = dir.resolve("vr6.aeicm");
        TrainConfig wide = new TrainConfig(data, out, "w", 6, 5, LAMBDAS, QUALITIES, 3, 3, 32, 1e-2, 1.0, 7, 2, 3600,
                false, base, 6, "test");
        Trainer t = new Trainer(wide, quiet());
        assertEquals(6, t.model().n);
        assertEquals(5, t.model().m);
        t.run(new TrainingData(data, 32));
        var model = ModelFiles.load(Files.readAllBytes(out));
        assertEquals(6, model.net.n);
        assertEquals(5, model.levels.get(2).gain().length);
        // the weights from a new hidden channel into an old one started at zero and were trained
        Param w = t.model().param("g_a.1.weight");
        assertTrue(w.data[(0 * 6 + 5) * 25 + 12] != 0f, "new channel's outgoing weight stayed zero");
        // and the weights into the new latent channel (started at zero) were trained
        Param toLatent = t.model().param("g_a.3.weight"); // [5][6][5][5]
        boolean moved = false;
        for (int i = 4 * 6 * 25; i < 5 * 6 * 25; i++) {
            moved |= toLatent.data[i] != 0f;
        }
        assertTrue(moved, "new latent channel's incoming weights stayed zero");
        // and a narrower --channels than the file's keeps the file's size
        Trainer keep = new Trainer(new TrainConfig(data, dir.resolve("k.aeicm"), "w", 2, 2, LAMBDAS, QUALITIES, 1,
                3, 32, 1e-2, 1.0, 7, 1, 3600, false, out, 6, "test"), quiet());
        assertEquals(6, keep.model().n);
    }

    @Test
    void resumesACheckpointOfTheSingleRateTrainer(@TempDir Path dir) throws Exception {
        // what the trainer wrote before rate levels existed: weights, Adam moments, one level, no level tensors
        Path out = dir.resolve("old.aeicm");
        FactorizedModel net = new FactorizedModel(4, 4);
        net.initRandom(4);
        Map<String, float[]> adam = new java.util.LinkedHashMap<>();
        for (Param p : net.params()) {
            adam.put("adam.m." + p.name, new float[p.size()]);
            adam.put("adam.v." + p.name, new float[p.size()]);
        }
        var prov = org.aeic.proto.Provenance.newBuilder().setSteps(3).build();
        Files.write(config(out, 1, 1, false).checkpoint(), ModelFiles.toProto(net, "t", "old",
                List.of(ModelFiles.qualityLevel(net, 4f, 0.01f, null)), prov, adam).toByteArray());
        Trainer resumed = new Trainer(config(out, 5, 1, true), quiet());
        assertEquals(3, resumed.step());
        assertEquals(1, resumed.levels().size());
        assertArrayEquals(new float[] {1, 1, 1, 1}, resumed.levels().get(0).gains());
        assertArrayEquals(net.prior.params.data, resumed.levels().get(0).prior.params.data);
        resumed.run(new TrainingData(data, 32));
        assertEquals(5, ModelFiles.load(Files.readAllBytes(out)).file.getProvenance().getSteps());
    }

    @Test
    void refusesToResumeWithOtherLevels(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.aeicm");
        new Trainer(multi(out, 2, 1, false, null), quiet()).run(new TrainingData(data, 32));
        TrainConfig other = new TrainConfig(data, out, "v", 4, 4, new double[] {0.005, 0.01}, new float[] {1, 2}, 4,
                3, 32, 1e-2, 1.0, 7, 1, 3600, true, null, 6, "test");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.aeic.codec.AeicException.class,
                () -> new Trainer(other, quiet()));
        assertTrue(e.getMessage().contains("other levels"), e.getMessage());
    }

    @Test
    void levelsMustIncreaseAndPair() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TrainConfig(data,
                data.resolve("x"), "v", 4, 4, new double[] {0.02, 0.01}, new float[] {1, 2}, 1, 1, 32, 1e-3, 1, 1, 1,
                60, false, null, 0, ""));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TrainConfig(data,
                data.resolve("x"), "v", 4, 4, new double[] {0.01, 0.02}, new float[] {1}, 1, 1, 32, 1e-3, 1, 1, 1,
                60, false, null, 0, ""));
    }

    @Test
    void levelWeightsEqualiseTheRates(@TempDir Path dir) throws Exception {
        double[] w = new Trainer(multi(dir.resolve("w.aeicm"), 1, 1, false, null), quiet()).levelWeights();
        assertEquals(Math.sqrt(2), w[0], 1e-12);
        assertEquals(1, w[1], 1e-12);
        assertEquals(Math.sqrt(0.5), w[2], 1e-12);
    }

    @Test
    void rateGradientOfTheLevelParametersMatchesFiniteDifferences() throws Exception {
        // with λ ≈ 0 the loss is the rate alone, whose gradient is exact for fixed noise
        FactorizedModel net = new FactorizedModel(4, 4);
        net.initRandom(11);
        RateLevel level = RateLevel.scaledFrom(RateLevel.unit(net.prior, 1f, 4e-16), 0, 1f, 1e-12); // gain 50
        List<Param> params = new ArrayList<>(net.params());
        params.addAll(level.params());
        Grads.index(params);
        var x = new TrainingData(data, 32).sample(new Random(2));
        Grads g = new Grads(params);
        Trainer.sampleStep(net, level, 1, x, new Random(9), g);
        double h = 1e-3;
        double largest = 0;
        for (Param p : level.params()) {
            for (int i : new int[] {0, 1, p.size() - 1}) {
                float keep = p.data[i];
                p.data[i] = (float) (keep + h);
                double up = Trainer.sampleStep(net, level, 1, x, new Random(9), new Grads(params)).bpp();
                p.data[i] = (float) (keep - h);
                double down = Trainer.sampleStep(net, level, 1, x, new Random(9), new Grads(params)).bpp();
                p.data[i] = keep;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, g.of(p)[i], 2e-6 + 0.01 * Math.abs(numeric), p.name + "[" + i + "]");
                largest = Math.max(largest, Math.abs(numeric));
            }
        }
        // bits per pixel of one channel's 2x2 latents over 32x32 pixels: gradients of order 1e-3
        assertTrue(largest > 5e-4, "the checked gradients are not all ~0: " + largest);
    }

    @Test
    void refusesAFolderWithoutUsableImages(@TempDir Path empty) {
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> new TrainingData(empty, 32));
    }
}
