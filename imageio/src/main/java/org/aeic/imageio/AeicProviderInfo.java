package org.aeic.imageio;

import com.twelvemonkeys.imageio.spi.ReaderWriterProviderInfo;

/**
 * What the AEIC reader and writer Spis tell ImageIO: format names {@code aeic}/{@code AEIC}, suffix {@code aeic},
 * MIME type {@code image/x-aeic}, and the native image metadata format {@value AeicMetadataFormat#NATIVE_FORMAT_NAME}.
 */
final class AeicProviderInfo extends ReaderWriterProviderInfo {
    AeicProviderInfo() {
        super(
                AeicProviderInfo.class,
                new String[] {"aeic", "AEIC"},
                new String[] {"aeic"},
                new String[] {"image/x-aeic"},
                "org.aeic.imageio.AeicImageReader",
                new String[] {"org.aeic.imageio.AeicImageReaderSpi"},
                "org.aeic.imageio.AeicImageWriter",
                new String[] {"org.aeic.imageio.AeicImageWriterSpi"},
                false, null, null, null, null,
                true, AeicMetadataFormat.NATIVE_FORMAT_NAME, "org.aeic.imageio.AeicMetadataFormat", null, null
        );
    }
}
