package org.aeic.imageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.util.ImageReaderAbstractTest;
import java.awt.Dimension;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataFormat;
import javax.imageio.metadata.IIOMetadataFormatImpl;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * TwelveMonkeys' reader contract test over the committed streams (every layout, 1x1, a tiled one and a truncated
 * one), plus what the header-only methods and the metadata must say.
 */
public class AeicImageReaderTest extends ImageReaderAbstractTest<AeicImageReader> {
    private static final String TRUNCATED = "truncated-32x24.aeic";

    @Override
    protected ImageReaderSpi createProvider() {
        return new AeicImageReaderSpi();
    }

    @Override
    protected List<TestData> getTestData() {
        return AeicTestImages.streams().stream()
                .map(s -> new TestData(getClassLoaderResource(s.resource()), new Dimension(s.width(), s.height())))
                .collect(Collectors.toList());
    }

    @Override
    protected List<TestData> getTestDataForAffineTransformOpCompatibility() {
        // the truncated stream has no pixels to transform (testRead checks that it fails cleanly)
        return getTestData().stream().filter(d -> !isTruncated(d)).collect(Collectors.toList());
    }

    private static boolean isTruncated(final TestData data) {
        return data.getInput().toString().endsWith(TRUNCATED);
    }

    @Override
    protected List<String> getFormatNames() {
        return List.of("aeic", "AEIC");
    }

    @Override
    protected List<String> getSuffixes() {
        return List.of("aeic");
    }

    @Override
    protected List<String> getMIMETypes() {
        return List.of("image/x-aeic");
    }

    /**
     * Overridden because one row is a truncated stream: its header (size, types, metadata) reads like any other, but
     * its pixels cannot be decoded, and the reader must say so with an {@link IIOException} (AEIC streams are
     * CRC-checked and exactly sized, there is no partial image to return). Every other row reads at its size.
     */
    @Test
    @Override
    public void testRead() throws IOException {
        ImageReader reader = createReader();
        for (TestData data : getTestData()) {
            reader.setInput(data.getInputStream());
            assertEquals(data.getDimension(0).width, reader.getWidth(0), data.toString());
            assertEquals(data.getDimension(0).height, reader.getHeight(0), data.toString());
            if (isTruncated(data)) {
                IIOException e = assertThrows(IIOException.class, () -> reader.read(0));
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
                continue;
            }
            BufferedImage image = reader.read(0);
            assertNotNull(image, data.toString());
            assertEquals(data.getDimension(0).width, image.getWidth(), data.toString());
            assertEquals(data.getDimension(0).height, image.getHeight(), data.toString());
        }
        reader.dispose();
    }

    private AeicImageReader readerFor(final String name) throws IOException {
        AeicImageReader reader = createReader();
        reader.setInput(ImageIO.createImageInputStream(getClassLoaderResource("/org/aeic/imageio/" + name)));
        return reader;
    }

    @Test
    public void testRawTypesFollowTheSource() throws IOException {
        Map<String, Integer> standard = Map.of(
                "rgb-32x24.aeic", BufferedImage.TYPE_3BYTE_BGR,
                "grey-17x13.aeic", BufferedImage.TYPE_BYTE_GRAY,
                "rgba-24x20.aeic", BufferedImage.TYPE_4BYTE_ABGR,
                "grey16-16x16.aeic", BufferedImage.TYPE_USHORT_GRAY,
                "palette-16x16.aeic", BufferedImage.TYPE_3BYTE_BGR); // palettes come back as RGB
        for (Map.Entry<String, Integer> e : standard.entrySet()) {
            AeicImageReader reader = readerFor(e.getKey());
            assertEquals((int) e.getValue(), reader.getRawImageType(0).getBufferedImageType(), e.getKey());
            assertEquals((int) e.getValue(), reader.read(0).getType(), e.getKey());
            reader.dispose();
        }

        AeicImageReader reader = readerFor("rgb16-20x12.aeic");
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        assertEquals(DataBuffer.TYPE_USHORT, raw.getSampleModel().getDataType());
        assertEquals(3, raw.getNumBands());
        assertTrue(raw.getColorModel().getColorSpace().isCS_sRGB());

        reader = readerFor("grey-alpha-15x9.aeic");
        raw = reader.getRawImageType(0);
        assertEquals(2, raw.getNumBands());
        assertTrue(raw.getColorModel().hasAlpha());
        assertEquals(ColorSpace.TYPE_GRAY, raw.getColorModel().getColorSpace().getType());

        reader = readerFor("linear-rgb-icc-19x11.aeic");
        raw = reader.getRawImageType(0);
        ColorSpace cs = raw.getColorModel().getColorSpace();
        assertTrue(cs instanceof ICC_ColorSpace);
        byte[] linear = ((ICC_ColorSpace) ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB)).getProfile().getData();
        assertArrayEquals(linear, ((ICC_ColorSpace) cs).getProfile().getData());
        BufferedImage image = reader.read(0);
        assertArrayEquals(linear, ((ICC_ColorSpace) image.getColorModel().getColorSpace()).getProfile().getData());
        reader.dispose();
    }

    /**
     * An ICC profile that passes its CRC and parses but that the colour engine cannot use (tag table zeroed): the
     * image reads as sRGB, as the CLI and the server read it, instead of a {@code CMMException} from getRGB later.
     */
    @Test
    public void testUnusableIccProfileFallsBackToSrgb() throws Exception {
        byte[] good;
        try (java.io.InputStream in = getClassLoaderResource("/org/aeic/imageio/linear-rgb-icc-19x11.aeic").openStream()) {
            good = in.readAllBytes();
        }
        org.aeic.codec.container.AeicStream s = org.aeic.codec.container.ContainerReader.read(good,
                org.aeic.codec.container.ContainerLimits.defaults());
        byte[] icc = s.icc().clone();
        int tags = (icc[128] & 0xFF) << 24 | (icc[129] & 0xFF) << 16 | (icc[130] & 0xFF) << 8 | icc[131] & 0xFF;
        assertTrue(tags > 0 && 132 + 12 * tags < icc.length, "tag count " + tags);
        java.util.Arrays.fill(icc, 128, 132 + 12 * tags, (byte) 0); // tag count and table
        byte[] broken = org.aeic.codec.container.ContainerWriter.toBytes(s.header(), s.tiles(), s.alpha(), icc,
                s.exif()); // fresh CRCs: only the colour engine can tell

        AeicImageReader reader = createReader();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(broken)));
        assertTrue(reader.getRawImageType(0).getColorModel().getColorSpace().isCS_sRGB());
        BufferedImage image = reader.read(0);
        assertTrue(image.getColorModel().getColorSpace().isCS_sRGB());
        assertEquals(19, image.getWidth());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.getRGB(x, y); // threw CMMException ("Couldn't link the profiles") before
            }
        }
        reader.dispose();
        // ImageIO.read too, and the pixels are the same values as with the good profile (only their meaning differs)
        BufferedImage viaImageIO = ImageIO.read(new ByteArrayInputStream(broken));
        BufferedImage reference = ImageIO.read(new ByteArrayInputStream(good));
        assertArrayEquals(reference.getRaster().getPixels(0, 0, 19, 11, (int[]) null),
                viaImageIO.getRaster().getPixels(0, 0, 19, 11, (int[]) null));
        viaImageIO.getRGB(3, 4);
    }

    @Test
    public void testTruncatedStreamHeaderReadsPixelsDoNot() throws IOException {
        AeicImageReader reader = readerFor(TRUNCATED);
        assertEquals(32, reader.getWidth(0));
        assertEquals(24, reader.getHeight(0));
        assertEquals(1, reader.getNumImages(true));
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, reader.getRawImageType(0).getBufferedImageType());
        assertNotNull(reader.getImageMetadata(0));
        IIOException e = assertThrows(IIOException.class, () -> reader.read(0, reader.getDefaultReadParam()));
        assertTrue(e.getMessage().startsWith("Cannot read AEIC image: truncated AEIC stream"), e.getMessage());
        reader.dispose();
    }

    @Test
    public void testHeaderMethodsDoNotTouchThePayload() throws IOException {
        // a damaged tile: everything the header says is still available, decoding reports the damage
        byte[] bytes = AeicTestImages.read(AeicTestImages.streams().get(0));
        bytes[bytes.length - 10] ^= 0x55;
        AeicImageReader reader = createReader();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(bytes)));
        assertEquals(32, reader.getWidth(0));
        assertEquals(24, reader.getHeight(0));
        assertEquals(1, reader.getNumImages(false));
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        assertTrue(types.hasNext());
        assertNotNull(reader.getImageMetadata(0).getAsTree(AeicMetadataFormat.NATIVE_FORMAT_NAME));
        IIOException e = assertThrows(IIOException.class, () -> reader.read(0));
        assertTrue(e.getMessage().contains("CRC mismatch in tile 0"), e.getMessage());
        reader.dispose();
    }

    @Test
    public void testNativeMetadata() throws IOException {
        AeicImageReader reader = readerFor("rgba-24x20.aeic");
        IIOMetadata metadata = reader.getImageMetadata(0);
        assertEquals(AeicMetadataFormat.NATIVE_FORMAT_NAME, metadata.getNativeMetadataFormatName());
        assertTrue(metadata.isStandardMetadataFormatSupported());
        assertTrue(metadata.isReadOnly());

        Node root = metadata.getAsTree(AeicMetadataFormat.NATIVE_FORMAT_NAME);
        assertEquals(AeicMetadataFormat.NATIVE_FORMAT_NAME, root.getNodeName());
        Node header = root.getFirstChild();
        assertEquals("Header", header.getNodeName());
        NamedNodeMap a = header.getAttributes();
        assertEquals("24", a.getNamedItem("width").getNodeValue());
        assertEquals("20", a.getNamedItem("height").getNodeValue());
        assertEquals("4", a.getNamedItem("channels").getNodeValue());
        assertEquals("8", a.getNamedItem("bitDepth").getNodeValue());
        assertEquals("TRUE", a.getNamedItem("alpha").getNodeValue());
        assertEquals("FALSE", a.getNamedItem("palette").getNodeValue());
        assertEquals("1", a.getNamedItem("tiles").getNodeValue());
        assertEquals(Long.toString(AeicTestImages.read(AeicTestImages.streams().get(3)).length),
                a.getNamedItem("bytes").getNodeValue());
        assertTrue(a.getNamedItem("modelId").getNodeValue().length() > 0);
        Float.parseFloat(a.getNamedItem("quality").getNodeValue());

        // the tree follows its declared format, which ImageIO finds by reflection
        IIOMetadataFormat format = metadata.getMetadataFormat(AeicMetadataFormat.NATIVE_FORMAT_NAME);
        assertEquals(AeicMetadataFormat.NATIVE_FORMAT_NAME, format.getRootName());
        assertTrue(format.canNodeAppear("Header", reader.getRawImageType(0)));
        for (int i = 0; i < a.getLength(); i++) {
            String attribute = a.item(i).getNodeName();
            assertTrue(format.isAttributeRequired("Header", attribute) || format.getAttributeDefaultValue("Header",
                    attribute) != null, attribute);
        }
        assertEquals(format.getAttributeNames("Header").length, a.getLength());
        assertEquals(format, reader.getOriginatingProvider()
                .getImageMetadataFormat(AeicMetadataFormat.NATIVE_FORMAT_NAME));
        reader.dispose();
    }

    @Test
    public void testStandardMetadata() throws IOException {
        AeicImageReader reader = readerFor("rgba-24x20.aeic");
        Node standard = reader.getImageMetadata(0).getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
        assertEquals("RGB", attribute(standard, "Chroma", "ColorSpaceType", "name"));
        assertEquals("4", attribute(standard, "Chroma", "NumChannels", "value"));
        assertEquals("AEIC", attribute(standard, "Compression", "CompressionTypeName", "value"));
        assertEquals("FALSE", attribute(standard, "Compression", "Lossless", "value"));
        assertEquals("8 8 8 8", attribute(standard, "Data", "BitsPerSample", "value"));
        assertEquals("nonpremultiplied", attribute(standard, "Transparency", "Alpha", "value"));
        reader.dispose();

        reader = readerFor("grey16-16x16.aeic");
        standard = reader.getImageMetadata(0).getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
        assertEquals("GRAY", attribute(standard, "Chroma", "ColorSpaceType", "name"));
        assertEquals("16", attribute(standard, "Data", "BitsPerSample", "value"));
        reader.dispose();
    }

    private static String attribute(final Node root, final String parent, final String child, final String name) {
        for (Node p = root.getFirstChild(); p != null; p = p.getNextSibling()) {
            if (p.getNodeName().equals(parent)) {
                for (Node c = p.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c.getNodeName().equals(child)) {
                        return c.getAttributes().getNamedItem(name).getNodeValue();
                    }
                }
            }
        }
        throw new AssertionError(parent + "/" + child + " missing");
    }

    @Test
    public void testStreamNotConsumedBySpi() throws IOException {
        try (ImageInputStream in = getTestData().get(0).getInputStream()) {
            in.readByte();
            assertFalse(provider.canDecodeInput(in)); // not at the magic any more
            assertEquals(1, in.getStreamPosition());
            in.seek(0);
            assertTrue(provider.canDecodeInput(in));
            assertEquals(0, in.getStreamPosition());
        }
    }
}
