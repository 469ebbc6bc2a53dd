package org.aeic.imageio;

import com.twelvemonkeys.imageio.spi.ImageReaderSpiBase;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.aeic.codec.StreamInfo;

/**
 * Service provider of the AEIC {@link ImageReader}, registered in {@code META-INF/services}: with the codec jar on
 * the class path, {@code ImageIO.read(file)} reads {@code .aeic} files.
 */
public final class AeicImageReaderSpi extends ImageReaderSpiBase {

    public AeicImageReaderSpi() {
        super(new AeicProviderInfo());
    }

    /** Whether the stream starts with the AEIC magic; peeks 8 bytes between mark and reset, never consuming any. */
    @Override
    public boolean canDecodeInput(final Object source) throws IOException {
        return source instanceof ImageInputStream && canDecode((ImageInputStream) source);
    }

    private static boolean canDecode(final ImageInputStream stream) throws IOException {
        byte[] magic = new byte[StreamInfo.MAGIC_BYTES];
        stream.mark();
        try {
            stream.readFully(magic);
            return StreamInfo.isAeic(magic);
        } catch (EOFException e) {
            return false;
        } finally {
            stream.reset();
        }
    }

    @Override
    public ImageReader createReaderInstance(final Object extension) {
        return new AeicImageReader(this);
    }

    @Override
    public String getDescription(final Locale locale) {
        return "AEIC learned image codec (.aeic) reader";
    }
}
