package org.aeic.codec.model;

import java.util.ArrayList;
import java.util.List;
import org.aeic.codec.AeicException;
import org.aeic.codec.prior.LogisticMixturePrior;
import org.aeic.codec.nn.Param;
import org.aeic.proto.ModelFile;

/**
 * The trainable part of one quality level of a variable-rate model (Cui et al. 2021, with the
 * inverse gain tied to the gain): a per-channel gain applied to the latent before rounding, and the
 * prior of the scaled latent. The transforms are shared by all levels. Stored in the model file as
 * the tensors {@code level.<i>.log_gain} and {@code level.<i>.prior}; the coder only sees the gains
 * and the integer tables made from them.
 */
public final class RateLevel {
    public final float quality;
    public final double lambda;
    /** Natural log of the gain, so that the gain stays positive whatever the optimizer does. */
    public final Param logGain;
    /** The prior of the scaled latent (factorized models; unused by a hyperprior model). */
    public final LogisticMixturePrior prior;
    /** Hyperprior models only (else null): log of the hyper-latent's gain, and the prior of the scaled z. */
    public final Param zLogGain;
    public final LogisticMixturePrior zPrior;

    public RateLevel(int index, float quality, double lambda, int channels) {
        this(index, quality, lambda, channels, 0);
    }

    /** A level of a hyperprior model when {@code zChannels > 0}. */
    public RateLevel(int index, float quality, double lambda, int channels, int zChannels) {
        this.quality = quality;
        this.lambda = lambda;
        this.logGain = new Param("level." + index + ".log_gain", channels);
        this.prior = new LogisticMixturePrior("level." + index + ".prior", channels);
        this.zLogGain = zChannels > 0 ? new Param("level." + index + ".z_log_gain", zChannels) : null;
        this.zPrior = zChannels > 0 ? new LogisticMixturePrior("level." + index + ".z_prior", zChannels) : null;
    }

    public List<Param> params() {
        return zPrior == null ? List.of(logGain, prior.params) : List.of(logGain, zLogGain, zPrior.params);
    }

    public float[] gains() {
        return exp(logGain);
    }

    /** The hyper-latent's gains (hyperprior models). */
    public float[] zGains() {
        return exp(zLogGain);
    }

    private static float[] exp(Param logs) {
        float[] g = new float[logs.size()];
        for (int c = 0; c < g.length; c++) {
            g[c] = (float) Math.exp(logs.data[c]);
        }
        return g;
    }

    /**
     * A new level started from {@code source} (trained at another λ): its gains times √(λ/λsource), its
     * prior rescaled to match. At high rates the step that minimises bpp + λ·D shrinks as 1/√λ.
     */
    public static RateLevel scaledFrom(RateLevel source, int index, float quality, double lambda) {
        RateLevel l = new RateLevel(index, quality, lambda, source.logGain.size());
        float[] factor = new float[source.logGain.size()];
        java.util.Arrays.fill(factor, (float) Math.sqrt(lambda / source.lambda));
        for (int c = 0; c < factor.length; c++) {
            l.logGain.data[c] = source.logGain.data[c] + (float) Math.log(factor[c]);
        }
        l.prior.initScaled(source.prior, factor);
        return l;
    }

    /** The one level of a single-rate model: gain 1, the model's own prior. */
    public static RateLevel unit(LogisticMixturePrior prior, float quality, double lambda) {
        RateLevel l = new RateLevel(0, quality, lambda, prior.channels());
        System.arraycopy(prior.params.data, 0, l.prior.params.data, 0, prior.params.size());
        return l;
    }

    /** The levels of a hyperprior model file ({@code m} latent and {@code n} hyper-latent channels). */
    public static List<RateLevel> restoreHyper(ModelFile f, int m, int n) throws AeicException {
        return restoreHyper(f, m, n, name -> ModelFiles.extraTensor(f, name));
    }

    static List<RateLevel> restoreHyper(ModelFile f, int m, int n, java.util.function.Function<String, float[]> tensors)
            throws AeicException {
        List<RateLevel> out = new ArrayList<>();
        for (int i = 0; i < f.getQualitiesCount(); i++) {
            RateLevel l = new RateLevel(i, f.getQualities(i).getQuality(), f.getQualities(i).getLambda(), m, n);
            for (Param p : l.params()) {
                float[] v = tensors.apply(p.name);
                if (v == null || v.length != p.size()) {
                    throw new AeicException("model " + f.getId() + ": tensor " + p.name + " is missing or misshaped");
                }
                System.arraycopy(v, 0, p.data, 0, v.length);
            }
            out.add(l);
        }
        return out;
    }

    /** The levels stored in a model file, or an empty list for a single-rate file. */
    public static List<RateLevel> restore(ModelFile f, int channels) throws AeicException {
        return restore(f, channels, name -> ModelFiles.extraTensor(f, name));
    }

    static List<RateLevel> restore(ModelFile f, int channels, java.util.function.Function<String, float[]> tensors)
            throws AeicException {
        List<RateLevel> out = new ArrayList<>();
        for (int i = 0; i < f.getQualitiesCount(); i++) {
            float[] lg = tensors.apply("level." + i + ".log_gain");
            float[] pr = tensors.apply("level." + i + ".prior");
            if (lg == null && pr == null) {
                break;
            }
            RateLevel l = new RateLevel(i, f.getQualities(i).getQuality(), f.getQualities(i).getLambda(), channels);
            if (lg == null || pr == null || lg.length != l.logGain.size() || pr.length != l.prior.params.size()) {
                throw new AeicException("model " + f.getId() + ": level " + i + " tensors are missing or misshaped");
            }
            System.arraycopy(lg, 0, l.logGain.data, 0, lg.length);
            System.arraycopy(pr, 0, l.prior.params.data, 0, pr.length);
            out.add(l);
        }
        return out;
    }
}
