package org.aeic.imageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.util.ImageWriterAbstractTest;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.ImageOutputStream;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelInfo;
import org.aeic.codec.ModelRegistry;
import org.junit.jupiter.api.Test;

/** TwelveMonkeys' writer contract test, plus the write param: compression types, the quality mapping, tiles. */
public class AeicImageWriterTest extends ImageWriterAbstractTest<AeicImageWriter> {
    @Override
    protected ImageWriterSpi createProvider() {
        return new AeicImageWriterSpi();
    }

    @Override
    protected List<? extends RenderedImage> getTestData() {
        return List.of(
                new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB),
                new BufferedImage(17, 13, BufferedImage.TYPE_3BYTE_BGR),
                new BufferedImage(20, 16, BufferedImage.TYPE_INT_ARGB),
                new BufferedImage(15, 9, BufferedImage.TYPE_4BYTE_ABGR_PRE),
                new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY),
                new BufferedImage(16, 16, BufferedImage.TYPE_USHORT_GRAY),
                new BufferedImage(12, 10, BufferedImage.TYPE_BYTE_INDEXED),
                new BufferedImage(11, 7, BufferedImage.TYPE_USHORT_565_RGB),
                new BufferedImage(1, 1, BufferedImage.TYPE_INT_BGR)
        );
    }

    @Test
    public void testCanWriteRasters() throws IOException {
        assertTrue(createWriter().canWriteRasters());
    }

    @Test
    public void testCompressionTypesAreTheBundledModels() throws Exception {
        ImageWriteParam param = createWriter().getDefaultWriteParam();
        assertTrue(param.canWriteCompressed());
        List<String> ids = ModelRegistry.bundled().list().stream().map(ModelInfo::id).toList();
        assertEquals(ids, List.of(param.getCompressionTypes()));
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        assertEquals(ModelRegistry.bundled().defaultId(), param.getCompressionType());
        assertFalse(param.isCompressionLossless());
        assertThrows(IllegalArgumentException.class, () -> param.setCompressionType("no-such-model"));
    }

    @Test
    public void testQualityMapping() {
        assertEquals(1.0, AeicImageWriteParam.toAeicQuality(0f), 1e-9);
        assertEquals(8.0, AeicImageWriteParam.toAeicQuality(1f), 1e-9);
        assertEquals(4.5, AeicImageWriteParam.toAeicQuality(0.5f), 1e-6);
        assertEquals(1.0, AeicImageWriteParam.toAeicQuality(-3f), 1e-9); // clamped
        assertEquals(EncodeOptions.DEFAULT_QUALITY,
                AeicImageWriteParam.toAeicQuality(AeicImageWriteParam.DEFAULT_COMPRESSION_QUALITY), 1e-6);
        for (int q = 1; q <= 8; q++) {
            assertEquals(q, AeicImageWriteParam.toAeicQuality(AeicImageWriteParam.toCompressionQuality(q)), 1e-6);
        }
    }

    @Test
    public void testQualityDescriptionsAndValues() throws IOException {
        ImageWriteParam param = createWriter().getDefaultWriteParam();
        assertThrows(IllegalStateException.class, param::getCompressionQualityValues); // not in MODE_EXPLICIT
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        assertEquals(AeicImageWriteParam.DEFAULT_COMPRESSION_QUALITY, param.getCompressionQuality(), 1e-6);
        String[] descriptions = param.getCompressionQualityDescriptions();
        float[] values = param.getCompressionQualityValues();
        assertEquals(descriptions.length + 1, values.length);
        assertEquals(0f, values[0]);
        assertEquals(1f, values[values.length - 1]);
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i - 1] < values[i]);
        }
        assertTrue(descriptions[0].startsWith("quality "), descriptions[0]);

        param.setCompressionQuality(0.9f);
        param.unsetCompression();
        assertEquals(AeicImageWriteParam.DEFAULT_COMPRESSION_QUALITY, param.getCompressionQuality(), 1e-6);
    }

    @Test
    public void testCompressionDisabledIsRefused() throws IOException {
        AeicImageWriter writer = createWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_DISABLED);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(buffer)) {
            writer.setOutput(out);
            IIOException e = assertThrows(IIOException.class,
                    () -> writer.write(null, new IIOImage(getTestData(0), null, null), param));
            assertTrue(e.getMessage().contains("MODE_DISABLED"), e.getMessage());
        }
        assertEquals(0, buffer.size());
    }

    @Test
    public void testBadTilesAreRefused() throws IOException {
        AeicImageWriter writer = createWriter();
        for (int[] tile : new int[][] {{20, 20}, {16, 32}, {2048, 2048}}) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
            param.setTiling(tile[0], tile[1], 0, 0);
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(buffer)) {
                writer.setOutput(out);
                IIOException e = assertThrows(IIOException.class,
                        () -> writer.write(null, new IIOImage(getTestData(0), null, null), param));
                assertTrue(e.getMessage().startsWith("Cannot write AEIC image: "), e.getMessage());
            }
            assertEquals(0, buffer.size());
        }
    }

    @Test
    public void testRasterOfFiveBandsIsRefused() throws IOException {
        AeicImageWriter writer = createWriter();
        java.awt.image.WritableRaster five = java.awt.image.Raster.createBandedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 4, 4, 5, null);
        writer.setOutput(ImageIO.createImageOutputStream(new ByteArrayOutputStream()));
        IIOException e = assertThrows(IIOException.class, () -> writer.write(null, new IIOImage(five, null, null), null));
        assertTrue(e.getMessage().contains("5 bands"), e.getMessage());
    }

    @Test
    public void testDescriptionMentionsAeic() {
        assertTrue(provider.getDescription(Locale.ROOT).contains("AEIC"));
        assertArrayEquals(new String[] {"org.aeic.imageio.AeicImageReaderSpi"}, provider.getImageReaderSpiNames());
    }
}
