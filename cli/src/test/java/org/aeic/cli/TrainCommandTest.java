package org.aeic.cli;

import static org.aeic.cli.MainTest.assertFailure;
import static org.aeic.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.aeic.cli.MainTest.Result;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.ModelFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aeic train} with tiny models (4 channels, 32² crops, two steps): seconds, not minutes. */
class TrainCommandTest {
    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void images() throws Exception {
        data = Files.createDirectories(dir.resolve("data/nested"));
        for (int i = 0; i < 2; i++) {
            ImageIO.write(EvalCommandTest.picture(64, 48, i), "png", data.resolve("p" + i + ".png").toFile());
        }
    }

    private Result train(Path out, Object... extra) {
        return trainSteps(out, 2, extra);
    }

    private Result trainSteps(Path out, int steps, Object... extra) {
        Object[] base = {"train", "--data", dir.resolve("data"), "-o", out, "--channels-n", 4, "--channels-m", 4,
                "--crop", 32, "--batch", 2, "--steps", steps, "--threads", 1};
        Object[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    @Test
    void severalLambdasTrainOneVariableRateModel() throws Exception {
        Path out = dir.resolve("vr.aeicm");
        Result r = train(out, "--lambda", "0.004,0.008,0.016");
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        CodecModel m = ModelFiles.load(Files.readAllBytes(out));
        assertEquals(3, m.levels.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1f, m.levels.get(i).quality()); // qualities 1, 2, 3 by default
        }
        assertTrue(Files.exists(dir.resolve("vr.aeicm.ckpt")));
        // the file codes at every level
        Path img = data.resolve("p0.png");
        for (String q : new String[] {"1", "3"}) {
            Path aeic = dir.resolve("q" + q + ".aeic");
            Result c = run("compress", "--model", out, "-q", q, "-o", aeic, img);
            assertEquals(Main.EXIT_OK, c.code(), c::toString);
            assertTrue(Files.size(aeic) > 0);
        }
        // resuming for more steps keeps the levels
        Result resumed = trainSteps(out, 3, "--lambda", "0.004,0.008,0.016", "--resume");
        assertEquals(Main.EXIT_OK, resumed.code(), resumed::toString);
        assertEquals(3, ModelFiles.load(Files.readAllBytes(out)).file.getProvenance().getSteps());
    }

    @Test
    void initIntoMoreChannelsWidensTheModel() throws Exception {
        Path small = dir.resolve("small.aeicm");
        assertEquals(Main.EXIT_OK, train(small, "--lambda", "0.004,0.016").code());
        Path wide = dir.resolve("wide.aeicm");
        Result r = run("train", "--data", dir.resolve("data"), "-o", wide, "--channels-n", 8, "--channels-m", 6,
                "--crop", 32, "--batch", 2, "--steps", 2, "--threads", 1, "--lambda", "0.004,0.016", "--init", small);
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        CodecModel m = ModelFiles.load(Files.readAllBytes(wide));
        assertEquals(8, m.net.n);
        assertEquals(6, m.net.m);
        assertEquals(2, m.levels.size());
        Path aeic = dir.resolve("w.aeic");
        assertEquals(Main.EXIT_OK, run("compress", "--model", wide, "-q", "1.5", "-o", aeic, data.resolve("p0.png")).code());
    }

    /** quality and bpp from compress's summary line "x.aeic: WxH, quality Q, N bytes, B bpp". */
    private static double[] summary(Result r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("quality ([0-9.]+), \\d+ bytes, ([0-9.]+) bpp")
                .matcher(r.out());
        assertTrue(m.find(), r::toString);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    @Test
    void rateControlPicksFractionalQualitiesOfAVariableRateModel() throws Exception {
        Path model = dir.resolve("vr.aeicm");
        assertEquals(Main.EXIT_OK, train(model, "--lambda", "0.002,0.008,0.032").code());
        Path img = data.resolve("p1.png");
        double[] low = summary(run("compress", "--model", model, "-q", 1, "-o", dir.resolve("a.aeic"), img));
        double[] high = summary(run("compress", "--model", model, "-q", 3, "-o", dir.resolve("b.aeic"), img));
        assertTrue(high[1] > low[1], () -> low[1] + " vs " + high[1]);
        double target = (low[1] + high[1]) / 2;
        Path out = dir.resolve("t.aeic");
        double[] picked = summary(run("compress", "--model", model, "--bpp", target, "-o", out, img));
        double bpp = Files.size(out) * 8.0 / (64 * 48); // the summary's bpp is rounded
        assertTrue(bpp <= target && picked[0] >= 1 && picked[0] < 3, () -> java.util.Arrays.toString(picked));
        assertTrue(picked[0] != Math.rint(picked[0]), "a quality between levels: " + picked[0]);
        Result d = run("decompress", "--model", model, "-o", dir.resolve("t.png"), out);
        assertEquals(Main.EXIT_OK, d.code(), d::toString);
        // a PSNR every level reaches: the lowest quality
        assertEquals(1.0, summary(run("compress", "--model", model, "--psnr", 5, "-o", dir.resolve("p.aeic"), img))[0]);
    }

    @Test
    void explicitQualitiesAndSingleRate() throws Exception {
        Path out = dir.resolve("q.aeicm");
        Result r = train(out, "--lambda", "0.01,0.03", "--quality", "2,6");
        assertEquals(Main.EXIT_OK, r.code(), r::toString);
        CodecModel m = ModelFiles.load(Files.readAllBytes(out));
        assertArrayEquals(new float[] {2, 6}, new float[] {m.levels.get(0).quality(), m.levels.get(1).quality()});

        Path one = dir.resolve("one.aeicm");
        assertEquals(Main.EXIT_OK, train(one).code());
        CodecModel single = ModelFiles.load(Files.readAllBytes(one));
        assertEquals(1, single.levels.size());
        assertEquals(4f, single.levels.get(0).quality());
        assertEquals(0.005f, single.levels.get(0).lambda());
    }

    @Test
    void badLevelsAndDataFailWithOneLine() {
        Path out = dir.resolve("bad.aeicm");
        assertFailure(train(out, "--lambda", "0.01,0.02", "--quality", "3"), "one quality per λ");
        assertFailure(train(out, "--lambda", "0.02,0.01"), "increase");
        assertFailure(train(out, "--lambda", "0.01,0.02", "--quality", "5,5"), "increase");
        assertFailure(train(out, "--lambda", "0.01,0.02", "--level-lr", "-1"), "levels' learning rate must be positive");
        assertFailure(run("train", "--data", dir.resolve("none"), "-o", out), "training data folder not found");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("bad.aeicm.ckpt")));
    }
}
