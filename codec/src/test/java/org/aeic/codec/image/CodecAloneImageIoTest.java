package org.aeic.codec.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import javax.imageio.ImageIO;
import org.aeic.codec.AeicEncoder;
import org.junit.jupiter.api.Test;

/**
 * The codec jar registers no ImageIO provider (the plugin is the aeic-imageio artifact), so a program
 * with only the codec and its dependencies keeps ImageIO working for every other format.
 */
class CodecAloneImageIoTest {
    @Test
    void imageIoReadsPngAndKnowsNoAeicWithTheCodecAlone() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0x123456);
        assertTrue(ImageIO.write(img, "png", png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(0x123456, back.getRGB(1, 1) & 0xFFFFFF);
        assertTrue(ImageIO.getImageReadersByFormatName("png").hasNext());
        assertFalse(ImageIO.getImageReadersByFormatName("aeic").hasNext());
        assertFalse(ImageIO.getImageReadersBySuffix("aeic").hasNext());
    }

    @Test
    void theCodecClassesDeclareNoImageIoServices() throws IOException {
        String codecRoot = AeicEncoder.class.getProtectionDomain().getCodeSource().getLocation().toString();
        for (String spi : new String[] {"javax.imageio.spi.ImageReaderSpi", "javax.imageio.spi.ImageWriterSpi"}) {
            for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/services/" + spi))) {
                assertFalse(u.toString().startsWith(codecRoot) || u.toString().startsWith("jar:" + codecRoot), u.toString());
            }
        }
    }
}
