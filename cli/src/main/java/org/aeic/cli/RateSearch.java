package org.aeic.cli;

import java.util.List;
import java.util.Locale;
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

    /** One coding: its quality, bytes, measured bpp or PSNR, and whether it is past the target (too big, or good enough). */
    private record Trial(float quality, byte[] bytes, double measured, boolean past) {
    }

    /** The stream to write, and why it misses the target when no quality meets it (else null). */
    record Result(byte[] bytes, String shortfall) {
    }

    RateSearch(PlanarImage img, EncodeOptions opts, ModelRegistry registry, Double bpp, Double psnr) {
        this.img = img;
        this.opts = opts;
        this.registry = registry;
        this.bpp = bpp;
        this.psnr = psnr;
    }

    Result run() throws AeicException {
        ModelInfo model = registry.list().stream().filter(m -> m.id().equals(
                opts.modelId() == null ? registry.defaultId() : opts.modelId())).findFirst()
                .orElseThrow(() -> new AeicException(AeicException.Kind.UNSUPPORTED,
                        "unknown model id '" + opts.modelId() + "'"));
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
                        + "(%.4f bpp)", bpp, CompressCommand.fmt(past.quality), past.measured));
            }
            return new Result(below.bytes, null);
        }
        if (past == null) { // never reached: the best there is
            return new Result(below.bytes, String.format(Locale.ROOT, "no quality reaches %s dB; wrote quality %s "
                    + "(%.2f dB)", psnr, CompressCommand.fmt(below.quality), below.measured));
        }
        return new Result(past.bytes, null);
    }

    private Trial trial(float quality) throws AeicException {
        byte[] b = new AeicEncoder(opts.withQuality(quality), registry).encode(img, TileListener.NONE);
        if (bpp != null) {
            double bits = b.length * 8.0 / ((double) img.width * img.height);
            return new Trial(quality, b, bits, bits > bpp);
        }
        PlanarImage dec = new AeicDecoder(DecodeOptions.defaults().withThreads(opts.threads())
                .withMaxPixels(Long.MAX_VALUE >> 2), registry).decode(b).image();
        double db = Metrics.psnr(img.rgb, dec.rgb);
        return new Trial(quality, b, db, db >= psnr);
    }
}
