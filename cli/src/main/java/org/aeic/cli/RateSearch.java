package org.aeic.cli;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.TileListener;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.metrics.Metrics;

/**
 * Picks the quality for a target size (--bpp: the highest quality whose file fits) or a target PSNR
 * (--psnr: the lowest quality that reaches it) by coding the image and measuring. Bits and PSNR grow
 * with the quality, so the model's levels are scanned upwards until the target is crossed; with a
 * variable-rate model the bracketing pair of levels is then bisected {@value #STEPS} times, which
 * lands within 1/{@code 2^STEPS} of a level step of the exact quality.
 */
final class RateSearch {
    static final int STEPS = 6;

    private final PlanarImage img;
    private final EncodeOptions opts;
    private final ModelRegistry registry;
    private final Double bpp;
    private final Double psnr;
    private final Consumer<String> status;
    private final Consumer<String> log;
    private int trials;

    /** One coding: its quality, bytes, measured bpp or PSNR, and whether it is past the target (too big, or good enough). */
    private record Trial(float quality, byte[] bytes, double measured, boolean past) {
    }

    /**
     * The stream to write, why it misses the target when no quality meets it (else null), and its measured bpp or
     * PSNR (whichever was searched on; NaN when there was no search).
     */
    record Result(byte[] bytes, String shortfall, double measured) {
    }

    /**
     * @param status told what is being coded now (a status line for the terminal)
     * @param log    told each trial's outcome (for --verbose)
     */
    RateSearch(PlanarImage img, EncodeOptions opts, ModelRegistry registry, Double bpp, Double psnr,
               Consumer<String> status, Consumer<String> log) {
        this.img = img;
        this.opts = opts;
        this.registry = registry;
        this.bpp = bpp;
        this.psnr = psnr;
        this.status = status;
        this.log = log;
    }

    Result run() throws AeicException {
        ModelInfo model = registry.info(opts.modelId());
        List<Float> qualities = model.qualities().stream().filter(q -> q >= 1 && q <= 8).toList();
        if (qualities.isEmpty()) {
            throw new AeicException(AeicException.Kind.UNSUPPORTED,
                    "model " + model.id() + " has no quality from 1 to 8");
        }
        Trial below = null; // the last trial short of the target
        Trial past = null; // the first trial past it
        for (float q : qualities) { // ascending: bigger files, higher PSNR
            Trial t = trial(q);
            if (t.past) {
                past = t;
                break;
            }
            below = t;
        }
        if (below != null && past != null && model.fractionalQualities()) {
            for (int i = 0; i < STEPS; i++) {
                Trial mid = trial((below.quality + past.quality) / 2);
                if (mid.past) {
                    past = mid;
                } else {
                    below = mid;
                }
            }
        }
        if (bpp != null) {
            if (below == null) { // nothing fits: the smallest file
                return new Result(past.bytes, String.format(Locale.ROOT, "no quality fits %s bpp; wrote quality %s "
                        + "(%.4f bpp)", bpp, CompressCommand.fmt(past.quality), past.measured), past.measured);
            }
            return new Result(below.bytes, null, below.measured);
        }
        if (past == null) { // never reached: the best there is
            return new Result(below.bytes, String.format(Locale.ROOT, "no quality reaches %s dB; wrote quality %s "
                    + "(%.2f dB)", psnr, CompressCommand.fmt(below.quality), below.measured), below.measured);
        }
        return new Result(past.bytes, null, past.measured);
    }

    private Trial trial(float quality) throws AeicException {
        String what = String.format(Locale.ROOT, "searching for %s: trial %d, quality %s", bpp != null
                ? bpp + " bpp" : psnr + " dB", ++trials, CompressCommand.fmt(quality));
        status.accept(what);
        byte[] b = new AeicEncoder(opts.withQuality(quality), registry).encode(img, tiles(what + ", encoding"));
        Trial t;
        if (bpp != null) {
            double bits = b.length * 8.0 / ((double) img.width * img.height);
            t = new Trial(quality, b, bits, bits > bpp);
        } else {
            PlanarImage dec = new AeicDecoder(DecodeOptions.defaults().withThreads(opts.threads())
                    .withMaxPixels(Long.MAX_VALUE >> 2), registry).decode(b, null, tiles(what + ", decoding")).image();
            double db = Metrics.psnr(img.rgb, dec.rgb);
            t = new Trial(quality, b, db, db >= psnr);
        }
        log.accept(String.format(Locale.ROOT, "quality %s: %d bytes, %s", CompressCommand.fmt(quality), b.length,
                bpp != null ? String.format(Locale.ROOT, "%.4f bpp", t.measured) : String.format(Locale.ROOT,
                        "%.2f dB", t.measured)));
        return t;
    }

    /** Tile progress within one trial, for images of several tiles. */
    private TileListener tiles(String what) {
        return (done, total) -> {
            if (total > 1) {
                status.accept(what + " tile " + done + "/" + total);
            }
            return true;
        };
    }
}
