package org.aeic.codec.model;

import java.util.List;
import org.aeic.codec.entropy.SymbolTable;
import org.aeic.proto.ModelFile;

/** A model ready for coding: its transforms, and per quality level the gains and integer tables. */
public final class CodecModel {
    /** One rate point: the latent is multiplied by {@code gain} before rounding around {@code center}. */
    public record Level(float quality, float lambda, float[] gain, float[] center, SymbolTable[] tables) {
    }

    public final String id;
    public final byte[] sha256;
    public final FactorizedModel net;
    public final List<Level> levels;
    public final ModelFile file;

    CodecModel(String id, byte[] sha256, FactorizedModel net, List<Level> levels, ModelFile file) {
        this.id = id;
        this.sha256 = sha256;
        this.net = net;
        this.levels = List.copyOf(levels);
        this.file = file;
    }

    /** The level whose quality is nearest to {@code quality} (ties: the lower one). */
    public Level level(double quality) {
        Level best = levels.get(0);
        for (Level l : levels) {
            if (Math.abs(l.quality() - quality) < Math.abs(best.quality() - quality)) {
                best = l;
            }
        }
        return best;
    }

    public Level levelExactly(float quality) {
        for (Level l : levels) {
            if (l.quality() == quality) {
                return l;
            }
        }
        return null;
    }
}
