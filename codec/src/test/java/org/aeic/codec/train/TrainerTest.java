package org.aeic.codec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
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
        Adam adam = new Adam(net.params());
        Grads g = new Grads(net.params());
        double first = 0;
        double last = 0;
        for (int step = 0; step < 60; step++) {
            g.zero();
            Trainer.Stats s = Trainer.sampleStep(net, td.sample(new Random(5)), 0.01, new Random(6), g);
            adam.step(net.params(), g, 5e-3);
            if (step == 0) {
                first = s.loss();
            }
            last = s.loss();
        }
        assertTrue(last < 0.5 * first, "loss " + first + " → " + last);
    }

    @Test
    void refusesAFolderWithoutUsableImages(@TempDir Path empty) {
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> new TrainingData(empty, 32));
    }
}
