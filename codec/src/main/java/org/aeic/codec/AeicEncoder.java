package org.aeic.codec;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.google.protobuf.ByteString;
import org.aeic.codec.container.AeicStream;
import org.aeic.codec.container.AlphaCodec;
import org.aeic.codec.container.ContainerWriter;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.latent.FactorizedLatentCodec;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.tensor.Tensor;
import org.aeic.proto.StreamHeader;

/**
 * Compresses images to {@code .aeic} streams.
 *
 * <pre>{@code
 * AeicEncoder enc = new AeicEncoder(EncodeOptions.defaults().withQuality(4));
 * byte[] aeic = enc.encode(ImageIO.read(new File("photo.png")));
 * }</pre>
 *
 * An encoder is immutable and may be shared between threads.
 */
public final class AeicEncoder {
    private final EncodeOptions options;
    private final ModelRegistry registry;

    public AeicEncoder(EncodeOptions options) throws AeicException {
        this(options, ModelRegistry.bundled());
    }

    public AeicEncoder(EncodeOptions options, ModelRegistry registry) throws AeicException {
        this.options = options;
        this.registry = registry;
        registry.require(options.modelId()); // fail early on an unknown model
    }

    public EncodeOptions options() {
        return options;
    }

    /** Reads an image file (PNG, JPEG, BMP, TIFF, … as ImageIO can) and compresses it. */
    public byte[] encode(Path imageFile) throws AeicException {
        return encode(ImageLoader.read(imageFile, maxPixels()), TileListener.NONE);
    }

    public byte[] encode(BufferedImage image) throws AeicException {
        if ((long) image.getWidth() * image.getHeight() > maxPixels()) {
            throw new AeicException("image of " + image.getWidth() + "x" + image.getHeight()
                    + " exceeds the limit of " + maxPixels() + " pixels");
        }
        return encode(PlanarImage.fromBufferedImage(image), TileListener.NONE);
    }

    private long maxPixels() {
        return options.limits().maxPixels();
    }

    public byte[] encode(PlanarImage img, TileListener listener) throws AeicException {
        if (img.width > options.limits().maxWidth() || img.height > options.limits().maxHeight()
                || (long) img.width * img.height > maxPixels()) {
            throw new AeicException("image of " + img.width + "x" + img.height + " exceeds the size limits");
        }
        CodecModel model = registry.require(options.modelId());
        CodecModel.Level level = model.level(options.quality());
        int tileSize = options.tileSize() > 0 ? options.tileSize() : Tiling.tileSizeFor(img.width, img.height);
        int tilesX = AeicStream.tilesAlong(img.width, tileSize);
        int tilesY = AeicStream.tilesAlong(img.height, tileSize);
        int total = tilesX * tilesY;
        List<byte[]> tiles = Tiling.inPool(options.threads(), () -> {
            List<byte[]> out = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                AeicStream.TileRect r = AeicStream.tileRect(img.width, img.height, tileSize, i);
                Tensor y = model.net.analysis.forward(tileTensor(img, r), null);
                out.add(FactorizedLatentCodec.compress(y, level));
                if (!listener.tileDone(i + 1, total)) {
                    throw new AeicAbortedException();
                }
            }
            return out;
        });
        byte[] alpha = img.alpha == null ? null : AlphaCodec.encode(img.alpha, img.width, img.height, img.bitDepth);
        StreamHeader header = StreamHeader.newBuilder()
                .setWidth(img.width)
                .setHeight(img.height)
                .setChannels(img.channels)
                .setBitDepth(img.bitDepth)
                .setModelId(model.id)
                .setModelSha256(ByteString.copyFrom(model.sha256))
                .setQuality(level.quality())
                .setTileSize(tileSize)
                .setPalette(img.palette)
                .build();
        return ContainerWriter.toBytes(header, tiles, alpha, img.icc, img.exif);
    }

    /** The tile's RGB, padded to a multiple of the model's stride by repeating edge pixels. */
    static Tensor tileTensor(PlanarImage img, AeicStream.TileRect r) {
        int ph = Tiling.roundUp(r.height());
        int pw = Tiling.roundUp(r.width());
        Tensor t = new Tensor(3, ph, pw);
        int plane = img.width * img.height;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < ph; y++) {
                int sy = r.y() + Math.min(y, r.height() - 1);
                int src = c * plane + sy * img.width + r.x();
                int dst = (c * ph + y) * pw;
                System.arraycopy(img.rgb, src, t.data, dst, r.width());
                java.util.Arrays.fill(t.data, dst + r.width(), dst + pw, img.rgb[src + r.width() - 1]);
            }
        }
        return t;
    }

    static int latentSize(int pixels) {
        return Tiling.roundUp(pixels) / FactorizedModel.STRIDE;
    }
}
