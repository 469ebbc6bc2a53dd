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
        return ModelFiles.toProto(net, id, "test", List.of(new ModelFiles.LevelSpec(4f, 0.01f, null)),
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
        List<ModelFiles.LevelSpec> specs = new java.util.ArrayList<>();
        Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            RateLevel l = RateLevel.scaledFrom(base, i, i + 1, 0.004 * Math.pow(4, i));
            specs.add(ModelFiles.LevelSpec.of(l));
            for (org.aeic.codec.nn.Param p : l.params()) {
                tensors.put(p.name, p.data);
            }
        }
        return ModelFiles.toProto(net, id, "test variable-rate", specs, Provenance.newBuilder().setSeed(seed).build(),
                tensors).toByteArray();
    }

    static ModelRegistry tinyRegistry(String id, long seed) throws AeicException {
        return ModelRegistry.empty().with(ModelFiles.load(tinyModelBytes(id, seed)));
    }
}
