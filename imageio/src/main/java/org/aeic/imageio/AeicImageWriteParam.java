package org.aeic.imageio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageWriteParam;
import org.aeic.codec.AeicException;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;

/**
 * Write parameters of the AEIC writer.
 *
 * <p><b>Compression.</b> AEIC is always lossy. In {@link #MODE_EXPLICIT} the compression type is the id of a
 * model bundled in the codec jar ({@link #getCompressionTypes()} lists them, the registry's default first as the
 * default type) and {@link #setCompressionQuality(float) compression quality} {@code q} in [0, 1] maps linearly onto
 * the AEIC quality scale 1..8:
 * <pre>
 *     AEIC quality = 1 + 7 q        q = 0 → 1 (smallest file), q = 3/7 ≈ 0.43 → 4 (the default), q = 1 → 8
 * </pre>
 * and the encoder codes at that quality: a variable-rate model (such as the bundled default) interpolates between
 * its levels, any other model uses the level nearest to it ({@link #getCompressionQualityValues()} gives the
 * intervals of {@code q} nearest to each level, so a model with a single level makes every {@code q} the same). {@link #MODE_DEFAULT} uses the default model at {@link EncodeOptions#DEFAULT_QUALITY};
 * {@link #MODE_COPY_FROM_METADATA} (the default mode) takes model and quality from AEIC image metadata passed with the
 * image (for instance the metadata of a read {@code .aeic} image), else the defaults; {@link #MODE_DISABLED} is
 * refused by the writer.
 *
 * <p><b>Tiles.</b> In {@link #MODE_EXPLICIT} tiling mode, square tiles of a multiple of 16 pixels from 16 to 1024;
 * otherwise the codec chooses (one tile up to 1024 x 1024, else 512 x 512), or in {@link #MODE_COPY_FROM_METADATA}
 * the tile size of AEIC metadata passed with the image.
 */
final class AeicImageWriteParam extends ImageWriteParam {
    /** The compression quality that maps onto {@link EncodeOptions#DEFAULT_QUALITY}. */
    static final float DEFAULT_COMPRESSION_QUALITY = toCompressionQuality(EncodeOptions.DEFAULT_QUALITY);

    private final List<ModelInfo> models;

    AeicImageWriteParam(final Locale locale) {
        super(locale);
        canWriteCompressed = true;
        canWriteTiles = true;
        canOffsetTiles = false;
        canWriteProgressive = false;

        models = bundledModels();
        if (!models.isEmpty()) {
            compressionTypes = models.stream().map(ModelInfo::id).toArray(String[]::new);
            compressionType = defaultModelId();
        }
        compressionQuality = DEFAULT_COMPRESSION_QUALITY;
    }

    /** AEIC quality (1..8) for an ImageIO compression quality in [0, 1]: {@code 1 + 7 q}. */
    static double toAeicQuality(final float compressionQuality) {
        float q = Math.max(0f, Math.min(1f, compressionQuality));
        return 1 + 7.0 * q;
    }

    /** The inverse of {@link #toAeicQuality(float)}. */
    static float toCompressionQuality(final double aeicQuality) {
        return (float) ((Math.max(1, Math.min(8, aeicQuality)) - 1) / 7.0);
    }

    private static List<ModelInfo> bundledModels() {
        try {
            return ModelRegistry.bundled().list();
        } catch (AeicException e) {
            return List.of(); // no usable model: the writer reports it when asked to write
        }
    }

    private static String defaultModelId() {
        try {
            return ModelRegistry.bundled().defaultId();
        } catch (AeicException e) {
            return null;
        }
    }

    /** Back to the default model and quality. */
    @Override
    public void unsetCompression() {
        super.unsetCompression();
        compressionType = compressionTypes == null ? null : defaultModelId();
        compressionQuality = DEFAULT_COMPRESSION_QUALITY;
    }

    /** Always false: AEIC is a lossy codec. */
    @Override
    public boolean isCompressionLossless() {
        super.isCompressionLossless(); // the state checks of ImageWriteParam
        return false;
    }

    /** One description per quality level of the selected model, e.g. "quality 4 (model aeic-fp-n64m128)". */
    @Override
    public String[] getCompressionQualityDescriptions() {
        super.getCompressionQualityDescriptions(); // the state checks of ImageWriteParam
        List<Float> levels = levels();
        String[] out = new String[levels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = String.format(Locale.ROOT, "quality %s (model %s)", formatLevel(levels.get(i)), compressionType);
        }
        return out;
    }

    /**
     * The boundaries of the compression quality intervals that select each level of the selected model: level
     * {@code i} is used for {@code values[i] <= q < values[i + 1]} (the nearest level on the AEIC scale).
     */
    @Override
    public float[] getCompressionQualityValues() {
        super.getCompressionQualityValues(); // the state checks of ImageWriteParam
        List<Float> levels = levels();
        float[] out = new float[levels.size() + 1];
        out[0] = 0f;
        for (int i = 1; i < levels.size(); i++) {
            out[i] = toCompressionQuality((levels.get(i - 1) + levels.get(i)) / 2.0);
        }
        out[levels.size()] = 1f;
        return out;
    }

    /** The selected model's quality levels, ascending; a model with no listed level counts as the default quality. */
    private List<Float> levels() {
        for (ModelInfo m : models) {
            if (m.id().equals(compressionType)) {
                List<Float> levels = new ArrayList<>(m.qualities());
                levels.sort(null);
                if (!levels.isEmpty()) {
                    return levels;
                }
            }
        }
        return List.of((float) EncodeOptions.DEFAULT_QUALITY);
    }

    private static String formatLevel(final float q) {
        return q == Math.rint(q) ? Integer.toString((int) q) : Float.toString(q);
    }
}
