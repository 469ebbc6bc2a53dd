package org.aeic.codec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.aeic.codec.model.CheckerboardModel;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.HyperpriorModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.model.RateLevel;
import org.aeic.codec.nn.Grads;
import org.aeic.codec.nn.Param;
import org.aeic.codec.tensor.Tensor;
import org.aeic.proto.ModelFile;
import org.aeic.proto.Provenance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch mirror (pytorch/aeic_torch) computes what the Java trainer computes: on one model file and
 * one crop, the analysis, the synthesis of the rounded latent, the loss and every gradient of
 * {@link Trainer#sampleStep} agree to 1e-3 of their magnitude (pytorch/check_mirror.py compares). Runs
 * where a python3 with PyTorch is installed (.ci/run installs Debian's python3-torch); skipped otherwise.
 */
class TorchMirrorTest {
    private static final Path SCRIPT = Path.of("..", "pytorch", "check_mirror.py");

    @Test
    void pytorchMirrorComputesTheJavaLossAndGradients(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT + " is missing");
        String python = pythonWithTorch();
        Assumptions.assumeTrue(python != null,
                "no python3 with PyTorch and Pillow found (apt-get install python3-torch python3-pil, or set AEIC_PYTHON): mirror check skipped");

        Random r = new Random(5);
        FactorizedModel net = new FactorizedModel(6, 5);
        List<RateLevel> levels = new ArrayList<>();
        writeModel(dir.resolve("model.aeicm"), net, levels, r);

        Tensor x = new Tensor(3, 32, 48);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int xx = 0; xx < 48; xx++) {
                    double v = 0.5 + 0.4 * Math.sin(0.3 * xx + c) * Math.cos(0.2 * y) + 0.05 * r.nextGaussian();
                    x.data[(c * 32 + y) * 48 + xx] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        RateLevel level = levels.get(1);
        double weight = 0.8;
        Tensor y = net.analysis.forward(x, null);
        // the noise sampleStep draws from Random(9): one nextDouble() - 0.5 per latent, in storage order
        Random replay = new Random(9);
        float[] noise = new float[y.data.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (replay.nextDouble() - 0.5);
        }
        float[] gain = level.gains();
        Tensor yq = new Tensor(y.c, y.h, y.w);
        for (int c = 0; c < y.c; c++) {
            float center = level.prior.center(c);
            for (int p = 0; p < y.plane(); p++) {
                int i = c * y.plane() + p;
                double v = y.data[i] * (double) gain[c];
                yq.data[i] = (float) ((Math.floor(v - center + 0.5) + center) / gain[c]);
            }
        }
        Tensor xhat = net.synthesis.forward(yq, null);

        List<Param> all = new ArrayList<>(net.params());
        for (RateLevel l : levels) {
            all.addAll(l.params());
        }
        Grads.index(all);
        Grads g = new Grads(all);
        Trainer.Stats st = Trainer.sampleStep(net, level, weight, x, new Random(9), g);

        write(dir.resolve("x.bin"), x.data);
        write(dir.resolve("noise.bin"), noise);
        write(dir.resolve("y.bin"), y.data);
        write(dir.resolve("xhat.bin"), xhat.data);
        Files.writeString(dir.resolve("width.txt"), "48");
        Files.writeString(dir.resolve("loss.txt"),
                String.format(java.util.Locale.ROOT, "1 %s %.9g %.9g %.9g", weight, st.loss(), st.bpp(), st.mse()));
        for (Param p : all) {
            write(dir.resolve("grad." + p.name + ".bin"), g.of(p));
        }

        String report = runPython(python, SCRIPT, dir);
        assertTrue(report.contains("grad g_a.0.weight") && report.contains("grad level.1.log_gain"), report);

        // the mirror's export reads back into the Java trainer with every weight, gain and prior unchanged
        ModelFile back = ModelFiles.parse(Files.readAllBytes(dir.resolve("roundtrip.aeicm")));
        FactorizedModel restored = ModelFiles.restore(back);
        for (Param p : net.params()) {
            assertArrayEquals(p.data, restored.param(p.name).data, p.name);
        }
        List<RateLevel> restoredLevels = RateLevel.restore(back, net.m);
        assertEquals(2, restoredLevels.size());
        for (int l = 0; l < 2; l++) {
            assertEquals(levels.get(l).quality, restoredLevels.get(l).quality);
            assertEquals((float) levels.get(l).lambda, (float) restoredLevels.get(l).lambda);
            assertArrayEquals(levels.get(l).logGain.data, restoredLevels.get(l).logGain.data);
            assertArrayEquals(levels.get(l).prior.params.data, restoredLevels.get(l).prior.params.data);
        }
        assertEquals(7, back.getProvenance().getSteps());
    }

    /** A small two-level model, moved away from its initialisation as after training, written to {@code file}. */
    private static void writeModel(Path file, FactorizedModel net, List<RateLevel> levels, Random r) throws IOException {
        net.initRandom(3);
        for (Param p : net.params()) {
            for (int i = 0; i < p.size(); i++) {
                p.data[i] += (float) (0.05 * r.nextGaussian());
            }
        }
        for (int l = 0; l < 2; l++) {
            RateLevel level = new RateLevel(l, l + 1, l == 0 ? 0.004 : 0.02, net.m);
            level.prior.initDefault();
            for (int c = 0; c < net.m; c++) {
                level.logGain.data[c] = (float) (0.3 * (c - 2) + 0.5 * l);
            }
            for (int i = 0; i < level.prior.params.size(); i++) {
                level.prior.params.data[i] += (float) (0.2 * r.nextGaussian());
            }
            levels.add(level);
        }
        Files.write(file, ModelFiles.toProtoTrained(net, levels, "mirror", "", Provenance.getDefaultInstance(),
                Map.of()).toByteArray());
    }

    @Test
    void pytorchTrainerWritesAModelTheJavaTrainerStartsFrom(@TempDir Path dir) throws Exception {
        String python = pythonWithTorch();
        Assumptions.assumeTrue(python != null,
                "no python3 with PyTorch and Pillow found (apt-get install python3-torch python3-pil, or set AEIC_PYTHON): train.py check skipped");
        FactorizedModel net = new FactorizedModel(6, 5);
        List<RateLevel> levels = new ArrayList<>();
        writeModel(dir.resolve("model.aeicm"), net, levels, new Random(8));
        String report = runPython(python, Path.of("..", "pytorch", "check_train.py"), dir);
        assertTrue(report.contains("trained 5 steps"), report);
        assertTrue(report.contains("resumed run equals the uninterrupted one: True"), report);
        // whole images of two sizes, packed as JPEG; the lr dropped by time, with the snapshot taken before it
        assertTrue(report.contains("whole images [(48, 64, 3), (56, 40, 3)]: trained 2 steps, snapshot before the drop at step 0"),
                report);

        ModelFile trained = ModelFiles.parse(Files.readAllBytes(dir.resolve("trained.aeicm")));
        assertEquals(5, trained.getProvenance().getSteps());
        FactorizedModel after = ModelFiles.restore(trained);
        assertTrue(after.param("g_s.3.bias").data[0] != net.param("g_s.3.bias").data[0], "train.py did not train");
        // the Java trainer fine-tunes from it with the same levels: weights, gains and priors carried over
        double[] lambdas = {levels.get(0).lambda, levels.get(1).lambda};
        Trainer java = new Trainer(new TrainConfig(dir, dir.resolve("java.aeicm"), "j", 6, 5, lambdas,
                new float[] {1, 2}, 1, 2, 32, 1e-4, 1.0, 1, 1, 3600, false, dir.resolve("trained.aeicm"), 0, "test"),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        assertArrayEquals(after.param("g_a.0.weight").data, java.model().param("g_a.0.weight").data);
        List<RateLevel> stored = RateLevel.restore(trained, 5);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(stored.get(l).logGain.data, java.levels().get(l).logGain.data);
            assertTrue(stored.get(l).logGain.data[0] != levels.get(l).logGain.data[0], "level " + l + " not trained");
        }
    }

    /**
     * The hyperprior's mirror (pytorch/aeic_torch/hyper.py): h_a and h_s agree with the Java codec's to 1e-3 of their
     * magnitude on a latent whose size is not a multiple of 4 (padding and cropping), and what train_hyper.py
     * exports is a file that WriteTables turns into a codec model with the same weights.
     */
    @Test
    void pytorchMirrorComputesTheJavaHyperprior(@TempDir Path dir) throws Exception {
        String python = pythonWithTorch();
        Assumptions.assumeTrue(python != null, "no python3 with PyTorch found: hyperprior mirror check skipped");
        Random r = new Random(8);
        FactorizedModel net = new FactorizedModel(6, 5);
        net.initRandom(8);
        HyperpriorModel hyper = new HyperpriorModel(6, 5);
        hyper.initRandom(9);
        List<RateLevel> levels = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RateLevel l = new RateLevel(i, i + 1, 0.01 * (i + 1), 5, 6);
            l.zPrior.initDefault();
            for (int c = 0; c < 5; c++) {
                l.logGain.data[c] = (float) (2 + i + 0.1 * c);
            }
            for (int c = 0; c < 6; c++) {
                l.zLogGain.data[c] = (float) (1 + 0.2 * c);
            }
            levels.add(l);
        }
        ModelFile file = ModelFiles.toProto(net, hyper, levels, "mirror-hyper", "test", Provenance.getDefaultInstance());
        Files.write(dir.resolve("model.aeicm"), file.toByteArray());
        Tensor y = new Tensor(5, 10, 14);
        for (int i = 0; i < y.data.length; i++) {
            y.data[i] = (float) (3 * r.nextGaussian());
        }
        Tensor z = hyper.hyperAnalysis(y);
        Tensor zHat = new Tensor(z.c, z.h, z.w);
        for (int i = 0; i < z.data.length; i++) {
            zHat.data[i] = Math.round(z.data[i] * 4) / 4f;
        }
        write(dir.resolve("y.bin"), y.data);
        write(dir.resolve("z.bin"), z.data);
        write(dir.resolve("zhat.bin"), zHat.data);
        write(dir.resolve("musigma.bin"), hyper.predict(zHat, 10, 14).data);
        Files.writeString(dir.resolve("shape.txt"), "5 10 14 1");
        String report = runPython(python, Path.of("..", "pytorch", "check_hyper.py"), dir);
        assertTrue(report.contains("hyperprior mirror matches"), report);

        CodecModel back = ModelFiles.load(ModelFiles.withTables(
                ModelFiles.parse(Files.readAllBytes(dir.resolve("roundtrip.aeicm")))).toByteArray());
        assertEquals(2, back.levels.size());
        for (int i = 0; i < hyper.params().size(); i++) {
            assertArrayEquals(hyper.params().get(i).data, back.hyper.params().get(i).data, hyper.params().get(i).name);
        }
        assertArrayEquals(levels.get(1).zGains(), back.levels.get(1).zGain());
    }

    /**
     * The checkerboard context's mirror (pytorch/aeic_torch/context.py): the anchors' ŷ and c_x agree with the Java
     * codec's to 1e-3 of their magnitude (in three passes also c_1 on pass 1's grid), and what train_context.py
     * exports is a file that WriteTables turns into a codec model with the same weights.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void pytorchMirrorComputesTheJavaCheckerboardContext(boolean threePass, @TempDir Path dir) throws Exception {
        String python = pythonWithTorch();
        Assumptions.assumeTrue(python != null, "no python3 with PyTorch found: context mirror check skipped");
        Random r = new Random(9);
        FactorizedModel net = new FactorizedModel(6, 5);
        net.initRandom(10);
        CheckerboardModel context = new CheckerboardModel(6, 5, threePass);
        context.initRandom(11);
        List<RateLevel> levels = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RateLevel l = new RateLevel(i, i + 1, 0.01 * (i + 1), 5);
            l.prior.initDefault();
            for (int c = 0; c < 5; c++) {
                l.logGain.data[c] = (float) (1 + i + 0.1 * c);
            }
            levels.add(l);
        }
        ModelFile file = ModelFiles.toProto(net, context, levels, "mirror-checkerboard", "test",
                Provenance.getDefaultInstance());
        Files.write(dir.resolve("model.aeicm"), file.toByteArray());
        CodecModel model = ModelFiles.load(file.toByteArray());
        CodecModel.Level level = model.levels.get(1);
        Tensor y = new Tensor(5, 9, 14);
        for (int i = 0; i < y.data.length; i++) {
            y.data[i] = (float) (r.nextGaussian() * (1 + i % 3));
        }
        // the anchors as CheckerboardLatentCodec dequantizes them
        Tensor a = new Tensor(5, 9, 14);
        for (int c = 0; c < 5; c++) {
            for (int row = 0; row < 9; row++) {
                for (int x = row & 1; x < 14; x += 2) {
                    int i = (c * 9 + row) * 14 + x;
                    int s = org.aeic.codec.model.Rounding.symbol(y.data[i] * level.gain()[c] - level.center()[c]);
                    a.data[i] = (s + level.center()[c]) / level.gain()[c];
                }
            }
        }
        write(dir.resolve("y.bin"), y.data);
        write(dir.resolve("anchors.bin"), a.data);
        write(dir.resolve("musigma.bin"), context.predict(a).data);
        if (threePass) { // pass 1 (row and column even) on its half-resolution grid, and c_1 of it
            Tensor q = new Tensor(5, 5, 7);
            for (int c = 0; c < 5; c++) {
                for (int row = 0; row < 9; row += 2) {
                    for (int x = 0; x < 14; x += 2) {
                        q.data[(c * 5 + row / 2) * 7 + x / 2] = a.data[(c * 9 + row) * 14 + x];
                    }
                }
            }
            write(dir.resolve("musigma1.bin"), context.predictPass2(q).data);
        }
        Files.writeString(dir.resolve("shape.txt"), "5 9 14 1");
        String report = runPython(python, Path.of("..", "pytorch", "check_context.py"), dir);
        assertTrue(report.contains("context mirror matches"), report);

        ModelFile back = ModelFiles.withTables(ModelFiles.parse(Files.readAllBytes(dir.resolve("roundtrip.aeicm"))));
        CodecModel loaded = ModelFiles.load(back.toByteArray());
        assertEquals(model.parameterCount(), loaded.parameterCount());
        for (Param p : context.params()) {
            assertArrayEquals(p.data, ModelFiles.extraTensor(back, p.name), p.name);
        }
        assertArrayEquals(level.gain(), loaded.levels.get(1).gain());
        assertEquals(context.kind(), back.getArchitecture().getKind());
    }

    private static String runPython(String python, Path script, Path dir) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder(python, script.toString(), dir.toString()).redirectErrorStream(true).start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), script + " did not finish");
        String report = new String(out, StandardCharsets.UTF_8);
        System.out.print(report);
        assertEquals(0, proc.exitValue(), report);
        return report;
    }

    private static void write(Path file, float[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        Files.write(file, b.array());
    }

    /** The first of $AEIC_PYTHON, python3, /usr/bin/python3 that imports torch, numpy and PIL; null if none. */
    static String pythonWithTorch() {
        List<String> candidates = new ArrayList<>();
        if (System.getenv("AEIC_PYTHON") != null) {
            candidates.add(System.getenv("AEIC_PYTHON"));
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String py : candidates) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch, numpy, PIL").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
