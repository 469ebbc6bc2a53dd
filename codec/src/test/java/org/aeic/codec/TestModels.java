package org.aeic.codec;

import java.util.List;
import java.util.Map;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
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

    static ModelRegistry tinyRegistry(String id, long seed) throws AeicException {
        return ModelRegistry.empty().with(ModelFiles.load(tinyModelBytes(id, seed)));
    }
}
