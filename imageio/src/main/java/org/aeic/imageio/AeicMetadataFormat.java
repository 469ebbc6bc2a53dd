package org.aeic.imageio;

import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadataFormat;
import javax.imageio.metadata.IIOMetadataFormatImpl;

/**
 * The native image metadata format of AEIC, {@value #NATIVE_FORMAT_NAME}: the fields of the stream header.
 *
 * <pre>
 * &lt;org_aeic_imageio_1.0&gt;
 *   &lt;Header width="640" height="480" channels="3" bitDepth="8" modelId="aeic-fp-n64m128" quality="4.0"
 *           tileSize="640" tiles="1" alpha="FALSE" palette="FALSE" iccBytes="0" exifBytes="0" bytes="12345"
 *           bitsPerPixel="0.3215"/&gt;
 * &lt;/org_aeic_imageio_1.0&gt;
 * </pre>
 *
 * {@code channels} are those of the source (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA), {@code bytes} the size of the
 * whole stream. Public only because ImageIO instantiates metadata formats reflectively.
 */
public final class AeicMetadataFormat extends IIOMetadataFormatImpl {
    /** Name of the native image metadata format. */
    public static final String NATIVE_FORMAT_NAME = "org_aeic_imageio_1.0";

    static final String HEADER = "Header";

    private static final AeicMetadataFormat INSTANCE = new AeicMetadataFormat();

    private AeicMetadataFormat() {
        super(NATIVE_FORMAT_NAME, CHILD_POLICY_ALL);

        addElement(HEADER, NATIVE_FORMAT_NAME, CHILD_POLICY_EMPTY);
        addAttribute(HEADER, "width", DATATYPE_INTEGER, true, null, "1", null, true, false);
        addAttribute(HEADER, "height", DATATYPE_INTEGER, true, null, "1", null, true, false);
        addAttribute(HEADER, "channels", DATATYPE_INTEGER, true, null, "1", "4", true, true);
        addAttribute(HEADER, "bitDepth", DATATYPE_INTEGER, true, null, java.util.List.of("8", "16"));
        addAttribute(HEADER, "modelId", DATATYPE_STRING, true, null);
        addAttribute(HEADER, "quality", DATATYPE_FLOAT, true, null);
        addAttribute(HEADER, "tileSize", DATATYPE_INTEGER, true, null, "16", null, true, false);
        addAttribute(HEADER, "tiles", DATATYPE_INTEGER, true, null, "1", null, true, false);
        addBooleanAttribute(HEADER, "alpha", false, false);
        addBooleanAttribute(HEADER, "palette", false, false);
        addAttribute(HEADER, "iccBytes", DATATYPE_INTEGER, true, "0", "0", null, true, false);
        addAttribute(HEADER, "exifBytes", DATATYPE_INTEGER, true, "0", "0", null, true, false);
        addAttribute(HEADER, "bytes", DATATYPE_INTEGER, true, null, "1", null, true, false);
        addAttribute(HEADER, "bitsPerPixel", DATATYPE_DOUBLE, true, null);
    }

    @Override
    public boolean canNodeAppear(final String elementName, final ImageTypeSpecifier imageType) {
        return elementName.equals(NATIVE_FORMAT_NAME) || elementName.equals(HEADER);
    }

    /** The shared instance (ImageIO looks this method up by reflection). */
    public static IIOMetadataFormat getInstance() {
        return INSTANCE;
    }
}
