package org.aeic.codec;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.google.protobuf.ByteString;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.container.AlphaCodec;
import org.aeic.codec.container.ContainerWriter;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.tensor.Tensor;
import org.aeic.codec.tiling.Tiling;
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
            throw new AeicException(Kind.TOO_LARGE, "image of " + image.getWidth() + "x" + image.getHeight()
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
            throw new AeicException(Kind.TOO_LARGE,
                    "image of " + img.width + "x" + img.height + " exceeds the size limits");
        }
        CodecModel model = registry.require(options.modelId());
        CodecModel.Level level = model.level(options.quality());
        int tileSize = options.tileSize() > 0 ? options.tileSize() : Tiling.tileSizeFor(img.width, img.height);
        int total = Tiling.tilesAlong(img.width, tileSize) * Tiling.tilesAlong(img.height, tileSize);
        int overlap = Tiling.overlapFor(total);
        List<byte[]> tiles = CoderPool.inPool(options.threads(), () -> {
            List<byte[]> out = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                Tiling.TileRect r = Tiling.tileRect(img.width, img.height, tileSize, i);
                out.add(model.latentCodec().compress(analyzeTile(model, img, r, overlap), level));
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
                .setTileOverlap(overlap)
                .build();
        return ContainerWriter.toBytes(header, tiles, alpha, img.icc, img.exif);
    }

    /**
     * The latent of one tile: the analysis runs on the tile plus {@code overlap} pixels of the image
     * around it (all multiples of the stride), and the tile's part of the result is kept. With enough
     * overlap this equals the whole image's latent at those positions, bit for bit.
     */
    static Tensor analyzeTile(CodecModel model, PlanarImage img, Tiling.TileRect r, int overlap) {
        Rectangle win = Tiling.analysisWindow(img.width, img.height, r, overlap, model.net.analysis);
        Tensor y = model.net.analysis.forward(regionTensor(img, win.x, win.y, win.width, win.height), null);
        if (overlap == 0) {
            return y;
        }
        int s = FactorizedModel.STRIDE;
        return crop(y, (r.y() - win.y) / s, (r.x() - win.x) / s, Tiling.latentSize(r.height()),
                Tiling.latentSize(r.width()));
    }

    /** Pixels {@code [x0, x0+w) x [y0, y0+h)} of the image as it is padded to a multiple of the stride (edges repeated). */
    static Tensor regionTensor(PlanarImage img, int x0, int y0, int w, int h) {
        Tensor t = new Tensor(3, h, w);
        int plane = img.width * img.height;
        int inside = Math.max(0, Math.min(w, img.width - x0));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                int src = c * plane + Math.min(y0 + y, img.height - 1) * img.width;
                int dst = (c * h + y) * w;
                System.arraycopy(img.rgb, src + x0, t.data, dst, inside);
                java.util.Arrays.fill(t.data, dst + inside, dst + w, img.rgb[src + img.width - 1]);
            }
        }
        return t;
    }

    /** Rows {@code [r0, r0+h)} and columns {@code [c0, c0+w)} of every channel. */
    static Tensor crop(Tensor t, int r0, int c0, int h, int w) {
        Tensor out = new Tensor(t.c, h, w);
        for (int c = 0; c < t.c; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(t.data, (c * t.h + r0 + y) * t.w + c0, out.data, (c * h + y) * w, w);
            }
        }
        return out;
    }
}
