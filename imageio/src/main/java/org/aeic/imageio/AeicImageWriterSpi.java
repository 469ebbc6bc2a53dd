package org.aeic.imageio;

import com.twelvemonkeys.imageio.spi.ImageWriterSpiBase;
import java.util.Locale;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;

/**
 * Service provider of the AEIC {@link ImageWriter}, registered in {@code META-INF/services}: with the codec jar on
 * the class path, {@code ImageIO.write(image, "aeic", file)} writes {@code .aeic} files.
 */
public final class AeicImageWriterSpi extends ImageWriterSpiBase {
    public AeicImageWriterSpi() {
        super(new AeicProviderInfo());
    }

    /**
     * Every image type: grey and RGB images (8 or 16 bits, with or without alpha, with their ICC profile) are coded
     * as they are, palette images as RGB(A), anything else (CMYK, premultiplied, packed 5-6-5, ...) after conversion
     * to 8-bit sRGB.
     */
    @Override
    public boolean canEncodeImage(final ImageTypeSpecifier type) {
        return type != null && type.getColorModel() != null;
    }

    @Override
    public ImageWriter createWriterInstance(final Object extension) {
        return new AeicImageWriter(this);
    }

    @Override
    public String getDescription(final Locale locale) {
        return "AEIC learned image codec (.aeic) writer";
    }
}
