package org.aeic.imageio;

import com.twelvemonkeys.imageio.ImageWriterBase;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.ImageWriterSpi;
import org.aeic.codec.AeicAbortedException;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.image.PlanarImage;
import org.w3c.dom.Node;

/**
 * Writes {@code .aeic} streams through ImageIO, with the models bundled in the codec jar.
 *
 * <ul>
 *   <li>Images: grey and RGB, 8 or 16 bits, with or without alpha (coded losslessly), keep their layout and ICC
 *       profile; palette images are coded as RGB(A); other colour models are converted to 8-bit sRGB.</li>
 *   <li>Rasters ({@link #canWriteRasters()}): 1 band grey, 2 grey + alpha, 3 RGB, 4 RGBA; 8 bits, or 16 when a band
 *       has more than 8.</li>
 *   <li>{@link ImageWriteParam}: see {@link AeicImageWriteParam} for compression (model and the quality mapping
 *       {@code AEIC quality = 1 + 7 q}) and tiles; source region, subsampling and source bands are honoured.</li>
 *   <li>Progress: {@code imageStarted}, one {@code imageProgress} per coded tile (up to 95 %), 100 % once the
 *       stream is written, {@code imageComplete}. {@link #abort()} stops at the next tile, reports
 *       {@code writeAborted}, and nothing is written.</li>
 * </ul>
 */
final class AeicImageWriter extends ImageWriterBase {
    AeicImageWriter(final ImageWriterSpi provider) {
        super(provider);
    }

    @Override
    public ImageWriteParam getDefaultWriteParam() {
        return new AeicImageWriteParam(getLocale());
    }

    /** No defaults to offer: the settings are in the write param. */
    @Override
    public IIOMetadata getDefaultImageMetadata(final ImageTypeSpecifier imageType, final ImageWriteParam param) {
        return null;
    }

    /** AEIC metadata (say of a read {@code .aeic} image) as it is; any other metadata has nothing for AEIC. */
    @Override
    public IIOMetadata convertImageMetadata(final IIOMetadata inData, final ImageTypeSpecifier imageType,
                                           final ImageWriteParam param) {
        return header(inData) != null ? inData : null;
    }

    @Override
    public boolean canWriteRasters() {
        return true;
    }

    @Override
    public void write(final IIOMetadata streamMetadata, final IIOImage image, final ImageWriteParam param)
            throws IOException {
        assertOutput();
        if (image == null) {
            throw new IllegalArgumentException("image == null");
        }
        EncodeOptions options = options(param, image.getMetadata());
        BufferedImage source = source(image, param);
        if ((long) source.getWidth() * source.getHeight() > options.limits().maxPixels()
                || source.getWidth() > options.limits().maxWidth()
                || source.getHeight() > options.limits().maxHeight()) {
            throw new IIOException(message("an image of " + source.getWidth() + "x" + source.getHeight()
                    + " exceeds the size limits"));
        }

        clearAbortRequest();
        processImageStarted(0);
        if (abortRequested()) {
            processWriteAborted();
            return;
        }
        TileProgress progress = new TileProgress(this::processImageProgress, this::abortRequested, 0);
        byte[] bytes;
        try {
            AeicEncoder encoder = new AeicEncoder(options);
            bytes = encoder.encode(PlanarImage.fromBufferedImage(source), progress);
        } catch (AeicAbortedException e) {
            progress.rethrowListenerFailure();
            processWriteAborted();
            return;
        } catch (AeicException e) {
            throw new IIOException(message(e.getMessage()), e);
        }
        if (abortRequested()) {
            processWriteAborted();
            return;
        }
        imageOutput.write(bytes);
        processImageProgress(100f);
        processImageComplete();
    }

    private static String message(final String why) {
        return "Cannot write AEIC image: " + why;
    }

    /** Encoder options from the write param (or, in copy-from-metadata modes, from AEIC metadata). */
    static EncodeOptions options(final ImageWriteParam param, final IIOMetadata metadata) throws IIOException {
        EncodeOptions options = EncodeOptions.defaults();
        Node header = header(metadata);
        if (param == null || !param.canWriteCompressed()
                || param.getCompressionMode() == ImageWriteParam.MODE_COPY_FROM_METADATA) {
            if (header != null) {
                options = options.withModelId(attribute(header, "modelId"));
                try {
                    options = options.withQuality(Double.parseDouble(attribute(header, "quality")));
                } catch (IllegalArgumentException e) {
                    // unusable quality in the metadata: keep the default
                }
            }
        } else if (param.getCompressionMode() == ImageWriteParam.MODE_EXPLICIT) {
            options = options.withModelId(param.getCompressionType()) // null: the default model
                    .withQuality(AeicImageWriteParam.toAeicQuality(param.getCompressionQuality()));
        } else if (param.getCompressionMode() == ImageWriteParam.MODE_DISABLED) {
            throw new IIOException(message("AEIC is always compressed: MODE_DISABLED is not supported"));
        }

        int tilingMode = param != null && param.canWriteTiles() ? param.getTilingMode()
                : ImageWriteParam.MODE_COPY_FROM_METADATA;
        if (tilingMode == ImageWriteParam.MODE_EXPLICIT) {
            int w;
            int h;
            try {
                w = param.getTileWidth();
                h = param.getTileHeight();
            } catch (IllegalStateException e) {
                throw new IIOException(message("tiling mode is MODE_EXPLICIT but no tile size was set"));
            }
            if (w != h) {
                throw new IIOException(message("AEIC tiles are square, not " + w + "x" + h));
            }
            try {
                options = options.withTileSize(w);
            } catch (IllegalArgumentException e) {
                throw new IIOException(message(e.getMessage()));
            }
        } else if (tilingMode == ImageWriteParam.MODE_COPY_FROM_METADATA && header != null) {
            try {
                options = options.withTileSize(Integer.parseInt(attribute(header, "tileSize")));
            } catch (IllegalArgumentException e) {
                // a tile size this encoder cannot make (say larger than 1024): let the codec choose
            }
        }
        return options;
    }

    /** The Header element of AEIC native metadata, or null. */
    private static Node header(final IIOMetadata metadata) {
        if (metadata == null || !AeicMetadataFormat.NATIVE_FORMAT_NAME.equals(metadata.getNativeMetadataFormatName())) {
            return null;
        }
        for (Node n = metadata.getAsTree(AeicMetadataFormat.NATIVE_FORMAT_NAME).getFirstChild(); n != null;
             n = n.getNextSibling()) {
            if (AeicMetadataFormat.HEADER.equals(n.getNodeName())) {
                return n;
            }
        }
        return null;
    }

    private static String attribute(final Node node, final String name) {
        Node a = node.getAttributes().getNamedItem(name);
        return a == null ? null : a.getNodeValue();
    }

    /** The pixels to write: the image or raster, with the param's source region, subsampling and bands. */
    private static BufferedImage source(final IIOImage image, final ImageWriteParam param) throws IIOException {
        BufferedImage img;
        if (image.hasRaster()) {
            img = fromRaster(image.getRaster());
        } else {
            img = toBufferedImage(image.getRenderedImage());
        }
        if (param == null) {
            return img;
        }
        if (param.getSourceBands() != null) {
            int[] bands = param.getSourceBands();
            for (int b : bands) {
                if (b < 0 || b >= img.getRaster().getNumBands()) {
                    throw new IllegalArgumentException("source band " + b + " does not exist");
                }
            }
            Raster r = img.getRaster();
            img = fromRaster(r.createChild(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight(), 0, 0, bands));
        }
        Rectangle region = getSourceRegion(param, img.getWidth(), img.getHeight());
        int xSub = param.getSourceXSubsampling();
        int ySub = param.getSourceYSubsampling();
        if (region.isEmpty()) {
            throw new IllegalArgumentException("the source region is empty");
        }
        if (xSub == 1 && ySub == 1) {
            return region.equals(new Rectangle(img.getWidth(), img.getHeight())) ? img
                    : img.getSubimage(region.x, region.y, region.width, region.height);
        }
        int w = (region.width + xSub - 1) / xSub;
        int h = (region.height + ySub - 1) / ySub;
        ColorModel cm = img.getColorModel();
        WritableRaster out = cm.createCompatibleWritableRaster(w, h);
        Raster in = img.getRaster();
        Object pixel = null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixel = in.getDataElements(region.x + x * xSub, region.y + y * ySub, pixel);
                out.setDataElements(x, y, pixel);
            }
        }
        return new BufferedImage(cm, out, cm.isAlphaPremultiplied(), null);
    }

    private static BufferedImage toBufferedImage(final RenderedImage image) throws IIOException {
        if (image instanceof BufferedImage) {
            return (BufferedImage) image;
        }
        ColorModel cm = image.getColorModel();
        if (cm == null) {
            return fromRaster(image.getData());
        }
        WritableRaster raster = cm.createCompatibleWritableRaster(image.getWidth(), image.getHeight());
        image.copyData(raster.createWritableTranslatedChild(image.getMinX(), image.getMinY()));
        return new BufferedImage(cm, raster, cm.isAlphaPremultiplied(), null);
    }

    /** A raster by its band count (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA), as 8 bits or, above 8, 16 bits. */
    static BufferedImage fromRaster(final Raster raster) throws IIOException {
        int bands = raster.getNumBands();
        if (bands < 1 || bands > 4) {
            throw new IIOException(message("a raster of " + bands
                    + " bands is not an image AEIC can hold (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA)"));
        }
        int dataType = raster.getSampleModel().getDataType();
        boolean isFloat = dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE;
        int[] sizes = raster.getSampleModel().getSampleSize();
        int bits = 0;
        for (int s : sizes) {
            bits = Math.max(bits, s);
        }
        int depth = isFloat || bits > 8 ? 16 : 8;
        boolean alpha = bands == 2 || bands == 4;
        ColorSpace cs = ColorSpace.getInstance(bands <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ColorModel cm = new ComponentColorModel(cs, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                depth == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
        int w = raster.getWidth();
        int h = raster.getHeight();
        WritableRaster out = cm.createCompatibleWritableRaster(w, h);
        int max = (1 << depth) - 1;
        double[] scale = new double[bands];
        for (int b = 0; b < bands; b++) {
            scale[b] = isFloat ? max : max / (double) ((1L << Math.min(sizes[b], 32)) - 1);
        }
        double[] row = new double[w * bands];
        int[] samples = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int i = 0; i < row.length; i++) {
                double v = Math.round(row[i] * scale[i % bands]);
                samples[i] = v >= 0 ? (int) Math.min(v, max) : 0; // NaN -> 0
            }
            out.setPixels(0, y, w, 1, samples);
        }
        return new BufferedImage(cm, out, false, null);
    }
}
