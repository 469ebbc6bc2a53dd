package org.aeic.codec;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Decodes a committed stream and compares its pixels with the committed PNG, then encodes the committed input and
 * compares the bytes with the stream: prints "same bits" and exits 0, or prints the first difference and exits 1.
 * A main class, so that tests can run it in JVMs started with other flags or from other JDKs.
 */
public final class GoldenCheck {
    private GoldenCheck() {
    }

    public static void main(String[] args) throws Exception {
        String problem = check(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
                Double.parseDouble(args[4]), 1);
        System.out.println(problem.isEmpty() ? "same bits (" + Runtime.version() + ", GEMM "
                + org.aeic.codec.tensor.Gemm.kernelDescription() + ")" : problem);
        System.exit(problem.isEmpty() ? 0 : 1);
    }

    static AeicEncoder encoder(Path model, double quality, int threads, int tileSize) throws AeicException {
        EncodeOptions o = EncodeOptions.defaults().withQuality(quality).withThreads(threads)
                .withModelId(ModelRegistry.empty().with(model).ids().get(0));
        return new AeicEncoder(tileSize > 0 ? o.withTileSize(tileSize) : o, ModelRegistry.empty().with(model));
    }

    static AeicDecoder decoder(Path model, int threads) throws AeicException {
        return new AeicDecoder(DecodeOptions.defaults().withThreads(threads), ModelRegistry.empty().with(model));
    }

    /** "" when both directions give the committed bits, else what differs. */
    static String check(Path model, Path stream, Path input, Path expectedPng, double quality, int threads)
            throws Exception {
        byte[] committed = Files.readAllBytes(stream);
        BufferedImage got = decoder(model, threads).decode(committed).toBufferedImage();
        BufferedImage want = ImageIO.read(expectedPng.toFile());
        int w = want.getWidth();
        int h = want.getHeight();
        if (got.getWidth() != w || got.getHeight() != h) {
            return "decoded " + got.getWidth() + "x" + got.getHeight() + ", expected " + w + "x" + h;
        }
        int[] g = got.getRGB(0, 0, w, h, null, 0, w);
        int[] e = want.getRGB(0, 0, w, h, null, 0, w);
        int at = Arrays.mismatch(g, e);
        if (at >= 0) {
            return "pixel (" + at % w + ", " + at / w + ") decoded as " + Integer.toHexString(g[at]) + ", expected "
                    + Integer.toHexString(e[at]);
        }
        byte[] fresh = encoder(model, quality, threads, 0).encode(input);
        int diff = Arrays.mismatch(committed, fresh);
        if (diff >= 0) {
            return "encoding gave " + fresh.length + " bytes, the committed stream has " + committed.length
                    + "; first difference at byte " + diff;
        }
        return "";
    }
}
