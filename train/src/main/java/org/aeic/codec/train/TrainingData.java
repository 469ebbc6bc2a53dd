package org.aeic.codec.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.aeic.codec.tensor.Tensor;

/** Every image of a folder tree, held as 8-bit RGB, served as random flipped crops. */
public final class TrainingData {
    private final List<byte[]> pixels = new ArrayList<>();
    private final List<int[]> sizes = new ArrayList<>();
    private final int crop;

    public TrainingData(Path dir, int crop) throws IOException {
        this.crop = crop;
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            BufferedImage img;
            try {
                img = ImageIO.read(f.toFile());
            } catch (IOException | RuntimeException e) {
                continue; // not an image: skip
            }
            if (img == null || img.getWidth() < crop || img.getHeight() < crop) {
                continue;
            }
            int w = img.getWidth();
            int h = img.getHeight();
            byte[] px = new byte[w * h * 3];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    px[o] = (byte) (row[x] >> 16);
                    px[o + 1] = (byte) (row[x] >> 8);
                    px[o + 2] = (byte) row[x];
                }
            }
            pixels.add(px);
            sizes.add(new int[] {w, h});
        }
        if (pixels.isEmpty()) {
            throw new IOException("no training images of at least " + crop + "x" + crop + " in " + dir);
        }
    }

    public int images() {
        return pixels.size();
    }

    /** A random crop (image chosen in proportion to its area), flipped left-right half of the time. */
    public Tensor sample(Random rnd) {
        long total = 0;
        for (int[] s : sizes) {
            total += (long) s[0] * s[1];
        }
        long pick = (long) (rnd.nextDouble() * total);
        int idx = 0;
        while (pick >= (long) sizes.get(idx)[0] * sizes.get(idx)[1]) {
            pick -= (long) sizes.get(idx)[0] * sizes.get(idx)[1];
            idx++;
        }
        int w = sizes.get(idx)[0];
        int h = sizes.get(idx)[1];
        byte[] px = pixels.get(idx);
        int x0 = rnd.nextInt(w - crop + 1);
        int y0 = rnd.nextInt(h - crop + 1);
        boolean flip = rnd.nextBoolean();
        Tensor t = new Tensor(3, crop, crop);
        int plane = crop * crop;
        for (int y = 0; y < crop; y++) {
            for (int x = 0; x < crop; x++) {
                int sx = flip ? x0 + crop - 1 - x : x0 + x;
                int o = ((y0 + y) * w + sx) * 3;
                for (int c = 0; c < 3; c++) {
                    t.data[c * plane + y * crop + x] = (px[o + c] & 0xff) / 255f;
                }
            }
        }
        return t;
    }
}
