package org.aeic.codec.model;

import java.util.ArrayList;
import java.util.List;
import org.aeic.codec.prior.LogisticMixturePrior;
import org.aeic.codec.nn.Conv2d;
import org.aeic.codec.nn.ConvTranspose2d;
import org.aeic.codec.nn.Layer;
import org.aeic.codec.nn.Param;

/**
 * Grows a trained model to more hidden (N) or latent (M) channels without changing what it computes
 * (Net2Net-style, Chen et al. 2016), so a wider model starts where the narrow one stopped instead of
 * from noise. Every trained value is kept. A new hidden channel gets random incoming weights (the usual
 * initialisation) and zero outgoing weights: computed, not yet used. A new latent channel is the other
 * way round (zero incoming weights and bias, random outgoing weights) and its priors are narrow around
 * zero: its latent is exactly 0, costs almost no bits (a random latent would cost about 2 bits per value
 * under a unit-scale prior), and the decoder's random weights give it a gradient. Either way both sides
 * get gradients from the first step. New GDN cross-terms start at CompressAI's 2^-9 (γ = 2^-18): zero
 * would freeze them under the γ = raw² parametrisation, and 2^-18·x² leaves the old channels' outputs
 * unchanged to about 1e-5.
 */
public final class Widening {
    private Widening() {
    }

    /** {@code src} grown to {@code n} hidden and {@code m} latent channels (each at least src's). */
    public static FactorizedModel widen(FactorizedModel src, int n, int m, long seed) {
        if (n < src.n || m < src.m) {
            throw new IllegalArgumentException("cannot narrow a model (" + src.n + "/" + src.m + " → " + n + "/" + m + ")");
        }
        FactorizedModel wide = new FactorizedModel(n, m);
        wide.initRandom(seed);
        Conv2d toLatent = null;
        for (Layer l : wide.analysis.layers()) {
            if (l instanceof Conv2d c) {
                toLatent = c;
                silenceNewInputs(c.weight, 0, 1, src.param(c.weight.name).shape);
            }
        }
        for (Layer l : wide.synthesis.layers()) {
            // the first deconvolution reads the latent, whose new channels are silent at their source instead
            if (l instanceof ConvTranspose2d d && l != wide.synthesis.layers().get(0)) {
                silenceNewInputs(d.weight, 1, 0, src.param(d.weight.name).shape);
            }
        }
        // new latent channels: zero in (weights and bias), so the latent is 0; the outgoing stay random
        java.util.Arrays.fill(toLatent.weight.data, src.m * toLatent.weight.size() / m, toLatent.weight.size(), 0f);
        java.util.Arrays.fill(toLatent.bias.data, src.m, m, 0f);
        for (Param p : src.params()) {
            copyBlock(p, wide.param(p.name));
        }
        initNarrow(wide.prior, src.m);
        return wide;
    }

    /**
     * The levels of a variable-rate model for {@code m} latent channels: new channels get the level's mean
     * log-gain and a narrow prior at zero.
     */
    public static List<RateLevel> widen(List<RateLevel> levels, int m) {
        List<RateLevel> out = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            RateLevel src = levels.get(i);
            RateLevel l = new RateLevel(i, src.quality, src.lambda, m);
            initNarrow(l.prior, src.logGain.size());
            float mean = 0;
            for (float g : src.logGain.data) {
                mean += g / src.logGain.size();
            }
            java.util.Arrays.fill(l.logGain.data, mean);
            copyBlock(src.logGain, l.logGain);
            copyBlock(src.prior.params, l.prior.params);
            out.add(l);
        }
        return out;
    }

    /** A narrow logistic at 0 (scale 0.1: a zero costs 0.02 bits) for the channels from {@code first} on. */
    private static void initNarrow(LogisticMixturePrior prior, int first) {
        int row = prior.params.size() / prior.channels();
        for (int c = first; c < prior.channels(); c++) {
            for (int k = 0; k < row; k++) {
                prior.params.data[c * row + k] = k < 2 * LogisticMixturePrior.K ? 0f : (float) Math.log(0.1);
            }
        }
    }

    /** Copies {@code from} into the leading corner of the same-rank, at-least-as-large {@code to}. */
    static void copyBlock(Param from, Param to) {
        int rank = from.shape.length;
        if (to.shape.length != rank) {
            throw new IllegalArgumentException(from + " vs " + to);
        }
        int[] idx = new int[rank];
        for (int i = 0; i < from.size(); i++) {
            unravel(i, from.shape, idx);
            to.data[offset(to.shape, idx)] = from.data[i];
        }
    }

    /** Zeroes the weights from new input channels into old output channels: new channels are not used yet. */
    private static void silenceNewInputs(Param w, int outDim, int inDim, int[] oldShape) {
        int[] idx = new int[w.shape.length];
        for (int i = 0; i < w.size(); i++) {
            unravel(i, w.shape, idx);
            if (idx[outDim] < oldShape[outDim] && idx[inDim] >= oldShape[inDim]) {
                w.data[i] = 0f;
            }
        }
    }

    /** The multi-index of flat (row-major) position {@code i} in an array of {@code shape}, into {@code idx}. */
    private static void unravel(int i, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
    }

    private static int offset(int[] shape, int[] idx) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            o = o * shape[d] + idx[d];
        }
        return o;
    }
}
