package org.aeic.codec;

import java.util.HexFormat;
import java.util.List;
import org.aeic.codec.model.CodecModel;

/**
 * What a user may know of a model: id, version hash, qualities (and whether qualities between them
 * work: variable-rate models), size and where it came from.
 */
public record ModelInfo(String id, String sha256, String description, List<Float> qualities,
                        boolean fractionalQualities, long parameters, long trainingSteps, String trainingData) {
    static ModelInfo of(CodecModel m) {
        return new ModelInfo(m.id, HexFormat.of().formatHex(m.sha256), m.file.getDescription(),
                m.levels.stream().map(CodecModel.Level::quality).toList(), m.fractional(),
                m.parameterCount(),
                m.file.getProvenance().getSteps(), m.file.getProvenance().getData());
    }
}
