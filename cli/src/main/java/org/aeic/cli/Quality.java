package org.aeic.cli;

import org.aeic.codec.ModelInfo;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The quality scale as the commands take it: a number from 1 to 8, coded as the model allows. */
final class Quality {
    static final double MIN = 1;
    static final double MAX = 8;

    private Quality() {
    }

    /** {@code -q}: a number from 1 to 8, or a usage error that says so. */
    static final class Converter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double q;
            try {
                q = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                q = Double.NaN;
            }
            if (!(q >= MIN && q <= MAX)) {
                throw new TypeConversionException("quality must be a number from 1 to 8, got '" + value + "'");
            }
            return q;
        }
    }

    /**
     * The quality the encoder codes when asked for {@code q} (as {@code CodecModel.level} picks it): {@code q} itself
     * where the model has it or interpolates to it, else the model's nearest level (ties to the lower one).
     */
    static float coded(ModelInfo model, double q) {
        float lo = model.qualities().get(0);
        float hi = model.qualities().get(model.qualities().size() - 1);
        if (model.qualities().contains((float) q) || (model.fractionalQualities() && q > lo && q < hi)) {
            return (float) q;
        }
        float best = lo;
        for (float l : model.qualities()) {
            if (Math.abs(l - q) < Math.abs(best - q)) {
                best = l;
            }
        }
        return best;
    }
}
