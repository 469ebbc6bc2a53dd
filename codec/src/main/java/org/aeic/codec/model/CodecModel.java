package org.aeic.codec.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.codec.prior.LogisticMixturePrior;
import org.aeic.proto.ModelFile;

/**
 * A model ready for coding: its transforms, and per quality level the gains and integer tables.
 *
 * <p>A variable-rate model (one whose file keeps each level's log-gain and prior) also codes at any
 * quality between two of its levels: log-gains and prior parameters are interpolated linearly and
 * the integer tables are built from that prior. The encoder and decoder build them with the same
 * float arithmetic and {@link StrictMath}, so they agree bit for bit on every machine.
 */
public final class CodecModel {
    /**
     * One rate point: the latent is multiplied by {@code gain} before rounding around {@code center} and coded with
     * {@code tables} (factorized models), or around its predicted mean (hyperprior models, whose hyper-latent has
     * its own {@code zGain}, {@code zCenter} and {@code zTables}; null in a factorized model's levels).
     */
    public record Level(float quality, float lambda, float[] gain, float[] center, SymbolTable[] tables,
                        float[] zGain, float[] zCenter, SymbolTable[] zTables) {
        public Level(float quality, float lambda, float[] gain, float[] center, SymbolTable[] tables) {
            this(quality, lambda, gain, center, tables, null, null, null);
        }
    }

    /** Interpolated levels are cached up to this many; beyond it they are built per call. */
    private static final int MAX_CACHED = 64;

    public final String id;
    public final byte[] sha256;
    public final FactorizedModel net;
    /** The hyperprior of a "mean-scale-gdn" model, null for a factorized one. */
    public final HyperpriorModel hyper;
    public final List<Level> levels;
    /** The model file's header: its fields but the tensors and the entropy tables (the model holds both). */
    public final ModelFile file;
    /** The levels' trainable parameters, same order as {@link #levels}; empty for a single-rate model. */
    private final List<RateLevel> trained;
    private final Map<Float, Level> between = new ConcurrentHashMap<>();
    private final LatentCodec latentCodec;

    CodecModel(String id, byte[] sha256, FactorizedModel net, HyperpriorModel hyper, LatentCodec latentCodec,
               List<Level> levels, ModelFile file, List<RateLevel> trained) {
        this.id = id;
        this.sha256 = sha256;
        this.net = net;
        this.hyper = hyper;
        this.latentCodec = latentCodec;
        this.levels = List.copyOf(levels);
        // the header only: the weights live in the layers, and a second copy held 17 MB of the decoder's heap
        this.file = file.getTensorsCount() == 0 ? file : file.toBuilder().clearTensors().build();
        this.trained = trained.size() == levels.size() ? List.copyOf(trained) : List.of();
    }

    /** Trained parameters used in coding: transforms (with the unused single-rate prior) and entropy model. */
    public long parameterCount() {
        return net.parameterCount() + latentCodec.parameterCount();
    }

    /** How this model turns a tile's latent into bytes and back. */
    public LatentCodec latentCodec() {
        return latentCodec;
    }

    /** Whether {@link #level} interpolates between levels (else it snaps to the nearest). */
    public boolean fractional() {
        return !trained.isEmpty();
    }

    /**
     * The level for {@code quality}: the level itself if the model has it, an interpolated level if the
     * model is variable-rate and the quality lies between two levels, else the nearest level (ties: the lower).
     */
    public Level level(double quality) {
        float q = (float) quality;
        Level exact = levelFor(q);
        if (exact != null) {
            return exact;
        }
        Level best = levels.get(0);
        for (Level l : levels) {
            if (Math.abs(l.quality() - quality) < Math.abs(best.quality() - quality)) {
                best = l;
            }
        }
        return best;
    }

    /** The stored level of exactly this quality, or null. */
    public Level levelExactly(float quality) {
        for (Level l : levels) {
            if (l.quality() == quality) {
                return l;
            }
        }
        return null;
    }

    /** The level a stream of this quality was coded with: stored or interpolated; null if there is none. */
    public Level levelFor(float quality) {
        Level exact = levelExactly(quality);
        if (exact != null || trained.isEmpty()) {
            return exact;
        }
        for (int i = 0; i + 1 < levels.size(); i++) {
            float lo = levels.get(i).quality();
            float hi = levels.get(i + 1).quality();
            if (quality > lo && quality < hi) {
                Level cached = between.get(quality);
                if (cached != null) {
                    return cached;
                }
                Level made = interpolate(i, (quality - lo) / (hi - lo), quality);
                if (between.size() < MAX_CACHED) {
                    between.putIfAbsent(quality, made);
                }
                return made;
            }
        }
        return null;
    }

    private Level interpolate(int i, float t, float quality) {
        RateLevel a = trained.get(i);
        RateLevel b = trained.get(i + 1);
        float[] gain = gains(a.logGain.data, b.logGain.data, t);
        float lambda = (float) StrictMath.exp((1 - t) * StrictMath.log(a.lambda) + t * StrictMath.log(b.lambda));
        if (hyper != null) {
            LogisticMixturePrior zPrior = between(a.zPrior, b.zPrior, t);
            return new Level(quality, lambda, gain, null, null, gains(a.zLogGain.data, b.zLogGain.data, t),
                    centers(zPrior), tables(zPrior));
        }
        LogisticMixturePrior prior = between(a.prior, b.prior, t);
        return new Level(quality, lambda, gain, centers(prior), tables(prior));
    }

    private static LogisticMixturePrior between(LogisticMixturePrior a, LogisticMixturePrior b, float t) {
        LogisticMixturePrior prior = new LogisticMixturePrior("between", a.channels());
        float[] pa = a.params.data;
        float[] pb = b.params.data;
        for (int k = 0; k < pa.length; k++) {
            prior.params.data[k] = (1 - t) * pa[k] + t * pb[k];
        }
        return prior;
    }

    private static float[] gains(float[] logA, float[] logB, float t) {
        float[] gain = new float[logA.length];
        for (int c = 0; c < gain.length; c++) {
            gain[c] = (float) StrictMath.exp((1 - t) * logA[c] + t * logB[c]);
        }
        return gain;
    }

    private static float[] centers(LogisticMixturePrior prior) {
        float[] center = new float[prior.channels()];
        for (int c = 0; c < center.length; c++) {
            center[c] = prior.center(c);
        }
        return center;
    }

    private static SymbolTable[] tables(LogisticMixturePrior prior) {
        SymbolTable[] tables = new SymbolTable[prior.channels()];
        for (int c = 0; c < tables.length; c++) {
            try {
                tables[c] = ModelFiles.symbolTable(ModelFiles.channelTable(prior, c));
            } catch (org.aeic.codec.AeicException e) {
                throw new IllegalStateException("interpolated table of channel " + c + " is invalid", e);
            }
        }
        return tables;
    }
}
