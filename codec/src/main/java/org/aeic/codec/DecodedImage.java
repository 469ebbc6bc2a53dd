package org.aeic.codec;

import java.awt.image.BufferedImage;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.image.PlanarImage;

/** A decoded image with what its stream said about it. */
public record DecodedImage(PlanarImage image, StreamInfo info) {
    /** As a BufferedImage of the source's kind: grey or RGB, with alpha if it had one, 8 or 16 bits, its ICC profile. */
    public BufferedImage toBufferedImage() {
        return ImageSaver.toBufferedImage(image.rgb, image.width, image.height, image.alpha, image.channels,
                image.bitDepth, image.icc);
    }
}
