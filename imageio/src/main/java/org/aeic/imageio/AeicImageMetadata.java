package org.aeic.imageio;

import com.twelvemonkeys.imageio.StandardImageMetadataSupport;
import java.util.Locale;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadataNode;
import org.aeic.codec.StreamInfo;
import org.w3c.dom.Node;

/**
 * Image metadata of an AEIC stream, read-only: the native tree ({@link AeicMetadataFormat}) holds the header
 * fields, the standard {@code javax_imageio_1.0} tree the colour type, bit depths, transparency and the lossy
 * "AEIC" compression.
 */
final class AeicImageMetadata extends StandardImageMetadataSupport {
    private final StreamInfo info;

    AeicImageMetadata(final ImageTypeSpecifier type, final StreamInfo info) {
        super(builder(type)
                .withCompressionTypeName("AEIC")
                .withCompressionLossless(false)
                .withPixelAspectRatio(1.0)
                .withTextEntry("Model", info.modelId()));
        this.info = info;
        nativeMetadataFormatName = AeicMetadataFormat.NATIVE_FORMAT_NAME;
        nativeMetadataFormatClassName = AeicMetadataFormat.class.getName();
    }

    StreamInfo info() {
        return info;
    }

    @Override
    protected Node getNativeTree() {
        IIOMetadataNode root = new IIOMetadataNode(AeicMetadataFormat.NATIVE_FORMAT_NAME);
        IIOMetadataNode header = new IIOMetadataNode(AeicMetadataFormat.HEADER);
        header.setAttribute("width", Integer.toString(info.width()));
        header.setAttribute("height", Integer.toString(info.height()));
        header.setAttribute("channels", Integer.toString(info.channels()));
        header.setAttribute("bitDepth", Integer.toString(info.bitDepth()));
        header.setAttribute("modelId", info.modelId());
        header.setAttribute("quality", Float.toString(info.quality()));
        header.setAttribute("tileSize", Integer.toString(info.tileSize()));
        header.setAttribute("tiles", Integer.toString(info.tiles()));
        header.setAttribute("alpha", booleanString(info.alpha()));
        header.setAttribute("palette", booleanString(info.palette()));
        header.setAttribute("iccBytes", Integer.toUnsignedString(info.iccBytes()));
        header.setAttribute("exifBytes", Integer.toUnsignedString(info.exifBytes()));
        header.setAttribute("bytes", Long.toString(info.bytes()));
        header.setAttribute("bitsPerPixel", String.format(Locale.ROOT, "%.4f", info.bpp()));
        root.appendChild(header);
        return root;
    }
}
