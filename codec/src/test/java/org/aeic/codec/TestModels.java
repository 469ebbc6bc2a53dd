package org.aeic.codec;

import java.util.List;
import java.util.Map;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.model.RateLevel;
import org.aeic.proto.Provenance;

/** Tiny random models for tests: real code paths, milliseconds per image. */
final class TestModels {
    private TestModels() {
    }

    static byte[] tinyModelBytes(String id, long seed) {
        FactorizedModel net = new FactorizedModel(8, 8);
        net.initRandom(seed);
        return ModelFiles.toProto(net, id, "test", List.of(ModelFiles.qualityLevel(net, 4f, 0.01f, null)),
                Provenance.newBuilder().setSeed(seed).build(), Map.of()).toByteArray();
    }

    /**
     * A tiny variable-rate model: qualities 1, 2, 3 at λ 0.004, 0.016, 0.064, i.e. latent gains 1, 2, 4,
     * each with its prior rescaled, and the level tensors that make qualities in between codable.
     */
    static byte[] variableRateModelBytes(String id, long seed) {
        FactorizedModel net = new FactorizedModel(8, 8);
        net.initRandom(seed);
        RateLevel base = RateLevel.unit(net.prior, 1f, 0.004);
        List<RateLevel> levels = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            levels.add(RateLevel.scaledFrom(base, i, i + 1, 0.004 * Math.pow(4, i)));
        }
        return ModelFiles.toProtoTrained(net, levels, id, "test variable-rate",
                Provenance.newBuilder().setSeed(seed).build(), Map.of()).toByteArray();
    }

    /**
     * A tiny mean-scale hyperprior model (N = M = 8, untrained) with qualities 1 and 2: latent gains
     * {@code gain[c]} and twice that, hyper-latent gains {@code zGain} and twice that. Untrained latents are
     * small, so gains in the hundreds are what makes their symbols span the tables.
     */
    static byte[] hyperModelBytes(String id, long seed, float[] gain, float zGain) {
        FactorizedModel net = new FactorizedModel(8, 8);
        net.initRandom(seed);
        org.aeic.codec.model.HyperpriorModel hyper = new org.aeic.codec.model.HyperpriorModel(8, 8);
        hyper.initRandom(seed + 1);
        List<RateLevel> levels = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RateLevel l = new RateLevel(i, i + 1, 0.01 * (1 << 2 * i), 8, 8);
            l.zPrior.initDefault();
            for (int c = 0; c < 8; c++) {
                l.logGain.data[c] = (float) Math.log(gain[c] * (1 << i));
                l.zLogGain.data[c] = (float) Math.log(zGain * (1 << i));
            }
            levels.add(l);
        }
        try {
            return ModelFiles.toProto(net, hyper, levels, id, "test mean-scale hyperprior",
                    Provenance.newBuilder().setSeed(seed).build()).toByteArray();
        } catch (AeicException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A tiny checkerboard context model (N = M = 8, untrained) with qualities 1 and 2: latent gains {@code gain[c]}
     * and twice that, each level with the model's prior rescaled.
     */
    static byte[] checkerboardModelBytes(String id, long seed, float[] gain) {
        return checkerboardModelBytes(id, seed, gain, false);
    }

    /** As {@link #checkerboardModelBytes(String, long, float[])}, the anchors in two passes when {@code threePass}. */
    static byte[] checkerboardModelBytes(String id, long seed, float[] gain, boolean threePass) {
        FactorizedModel net = new FactorizedModel(8, 8);
        net.initRandom(seed);
        org.aeic.codec.model.CheckerboardModel context = new org.aeic.codec.model.CheckerboardModel(8, 8, threePass);
        context.initRandom(seed + 1);
        List<RateLevel> levels = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            float[] f = new float[8];
            for (int c = 0; c < 8; c++) {
                f[c] = gain[c] * (1 << i);
            }
            RateLevel l = new RateLevel(i, i + 1, 0.01 * (1 << 2 * i), 8);
            l.prior.initScaled(net.prior, f);
            for (int c = 0; c < 8; c++) {
                l.logGain.data[c] = (float) Math.log(f[c]);
            }
            levels.add(l);
        }
        try {
            return ModelFiles.toProto(net, context, levels, id, "test checkerboard context",
                    Provenance.newBuilder().setSeed(seed).build()).toByteArray();
        } catch (AeicException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelRegistry tinyRegistry(String id, long seed) throws AeicException {
        return ModelRegistry.empty().with(ModelFiles.load(tinyModelBytes(id, seed)));
    }
}
