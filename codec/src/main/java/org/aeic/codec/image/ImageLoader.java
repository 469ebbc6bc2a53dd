package org.aeic.codec.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.aeic.codec.io.OneLine;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.aeic.codec.AeicException;
import org.aeic.codec.AeicException.Kind;
import org.w3c.dom.Node;

/**
 * Reads any image that a registered ImageIO reader understands (PNG, JPEG including CMYK/YCCK,
 * BMP, TIFF, GIF, ...) into a {@link PlanarImage}, refusing images over a pixel limit before any
 * pixel is decoded. Every failure is an {@link AeicException} with a one-line message.
 */
public final class ImageLoader {
    private static final String JPEG_FORMAT = "javax_imageio_jpeg_image_1.0";
    private static final String PNG_FORMAT = "javax_imageio_png_1.0";
    private static final int MAX_ICC_BYTES = 32 << 20;

    private ImageLoader() {
    }

    /**
     * Reads the first image of a file.
     *
     * @param maxPixels the largest width * height accepted; checked from the header, before decoding
     */
    public static PlanarImage read(Path file, long maxPixels) throws AeicException {
        Objects.requireNonNull(file, "file");
        String name = file.toString();
        if (!Files.exists(file)) {
            throw new AeicException("file not found: " + name);
        }
        if (!Files.isRegularFile(file)) {
            throw new AeicException("not a regular file: " + name);
        }
        try {
            if (Files.size(file) == 0) {
                throw new AeicException("empty file: " + name);
            }
            if (file.getFileSystem() != FileSystems.getDefault()) {
                try (InputStream in = Files.newInputStream(file)) {
                    return read(in, name, maxPixels);
                }
            }
            // random access on the file itself: no copy of the file is cached in memory
            try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
                return decode(in, name, maxPixels);
            }
        } catch (IOException e) {
            throw new AeicException("cannot read " + name + ": " + OneLine.reason(e), e);
        }
    }

    /**
     * Reads the first image of a stream; the stream is read but not closed.
     *
     * @param maxPixels the largest width * height accepted; checked from the header, before decoding
     */
    public static PlanarImage read(InputStream in, long maxPixels) throws AeicException {
        return read(in, "<stream>", maxPixels);
    }

    /** As {@link #read(InputStream, long)}, naming the stream {@code name} in error messages ("standard input"). */
    public static PlanarImage read(InputStream in, String name, long maxPixels) throws AeicException {
        Objects.requireNonNull(in, "in");
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            return decode(iis, name, maxPixels);
        } catch (IOException e) {
            throw new AeicException("cannot read " + name + ": " + OneLine.reason(e), e);
        }
    }

    /** Converts an image already in memory (no EXIF; ICC from its colour space), see {@link PlanarImage}. */
    public static PlanarImage fromBufferedImage(BufferedImage img) {
        Objects.requireNonNull(img, "img");
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel) {
            return fromIndexed(img, (IndexColorModel) cm);
        }
        if (directlyReadable(cm, img.getRaster())) {
            return fromSamples(img);
        }
        return fromConverted(img);
    }

    private static PlanarImage decode(ImageInputStream in, String name, long maxPixels)
            throws AeicException, IOException {
        in.mark();
        if (in.read() < 0) {
            throw new AeicException("empty file: " + name);
        }
        in.reset();
        in.mark();
        PlanarImage png = PngReader.read(in, maxPixels); // the common PNGs, without ImageIO (null: any other file)
        if (png != null) {
            return png;
        }
        in.reset();
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new AeicException("not a supported image format: " + name);
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        int w = 0;
        int h = 0;
        try {
            reader.setInput(in, false, false);
            w = reader.getWidth(0);
            h = reader.getHeight(0);
            if (w <= 0 || h <= 0) {
                throw new AeicException("invalid image size " + w + "x" + h + ": " + name);
            }
            long pixels = (long) w * h;
            if (pixels > maxPixels) {
                throw new AeicException(Kind.TOO_LARGE, "image too large: " + name + " is " + w + "x" + h + " ("
                        + pixels + " pixels), the limit is " + maxPixels + " pixels");
            }
            if (pixels > (Integer.MAX_VALUE - 8) / 3) { // three float planes must fit one Java array
                throw new AeicException(Kind.TOO_LARGE, "image too large: " + name + " is " + w + "x" + h);
            }
            IIOMetadata meta = metadata(reader);
            ImageReadParam param = reader.getDefaultReadParam();
            keepSourceEncoding(reader, param);
            BufferedImage img = reader.read(0, param);
            for (String warning : warnings) {
                // the JPEG decoders report a short file as a warning and fill the rest with grey
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat") || lower.contains("eof")) {
                    throw new AeicException("truncated or corrupt image: " + name + " (" + OneLine.of(warning) + ")");
                }
            }
            PlanarImage p = fromBufferedImage(img);
            byte[] exif = meta == null ? null : findExif(meta);
            byte[] icc = p.icc != null || meta == null ? p.icc : pngIcc(meta, p.isGrey() && !p.palette);
            return exif == null && icc == p.icc ? p : p.withMetadata(icc, exif);
        } catch (IOException | RuntimeException e) {
            throw new AeicException("truncated or corrupt image: " + name + " (" + OneLine.reason(e) + ")", e);
        } catch (OutOfMemoryError e) {
            throw new AeicException(Kind.TOO_LARGE, "not enough memory to decode " + name + " (" + w + "x" + h + ")");
        } finally {
            reader.dispose();
        }
    }

    /** The native metadata, only for formats where we look for EXIF / ICC in it (the TIFF tree can be huge). */
    private static IIOMetadata metadata(ImageReader reader) {
        String fmt = reader.getOriginatingProvider() == null ? null
                : reader.getOriginatingProvider().getNativeImageMetadataFormatName();
        if (!JPEG_FORMAT.equals(fmt) && !PNG_FORMAT.equals(fmt)) {
            return null;
        }
        try {
            return reader.getImageMetadata(0);
        } catch (IOException | RuntimeException e) {
            return null; // metadata is optional; broken pixel data still fails in read()
        }
    }

    /**
     * Some readers (TwelveMonkeys JPEG) convert an embedded non-sRGB profile to sRGB by default;
     * ask for the raw type instead so that values stay as the source encoded them.
     */
    private static void keepSourceEncoding(ImageReader reader, ImageReadParam param) {
        try {
            ImageTypeSpecifier raw = reader.getRawImageType(0);
            if (raw == null) {
                return;
            }
            ColorSpace cs = raw.getColorModel().getColorSpace();
            if (!(cs instanceof ICC_ColorSpace) || isDefaultSpace(cs)
                    || (cs.getType() != ColorSpace.TYPE_RGB && cs.getType() != ColorSpace.TYPE_GRAY)) {
                return;
            }
            for (Iterator<ImageTypeSpecifier> it = reader.getImageTypes(0); it.hasNext(); ) {
                if (raw.equals(it.next())) {
                    param.setDestinationType(raw);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep the reader's default type
        }
    }

    private static PlanarImage fromIndexed(BufferedImage img, IndexColorModel icm) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        int size = icm.getMapSize();
        int[] lut = new int[size];
        icm.getRGBs(lut);
        boolean hasAlpha = icm.getTransparency() != ColorModel.OPAQUE;
        float[] rgb = new float[3 * n];
        int[] alpha = hasAlpha ? new int[n] : null;
        Raster raster = img.getRaster();
        int[] idx = new int[w];
        for (int y = 0, i = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, idx);
            for (int x = 0; x < w; x++, i++) {
                int c = idx[x] < size ? lut[idx[x]] : 0xff000000; // corrupt index: opaque black
                rgb[i] = ((c >> 16) & 0xff) / 255f;
                rgb[n + i] = ((c >> 8) & 0xff) / 255f;
                rgb[2 * n + i] = (c & 0xff) / 255f;
                if (hasAlpha) {
                    alpha[i] = c >>> 24;
                }
            }
        }
        return new PlanarImage(w, h, rgb, alpha, hasAlpha ? 4 : 3, 8, true, null, null);
    }

    /** Grey or RGB samples, integer up to 16 bits or float, in bands we can read as they are. */
    private static boolean directlyReadable(ColorModel cm, Raster raster) {
        return !cm.isAlphaPremultiplied() && cm.getColorSpace() instanceof ICC_ColorSpace
                && isGreyOrRgbSamples(cm, raster, true);
    }

    /**
     * Grey or RGB in a component or packed colour model, one band per component, with integer samples of 1..16 bits
     * (or float / double ones where {@code floats}): the pixels that read and write as plain samples. The one home
     * of this test for the codec's loader and the ImageIO plugin.
     */
    public static boolean isGreyOrRgbSamples(ColorModel cm, Raster raster, boolean floats) {
        if (!(cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                || raster.getNumBands() != cm.getNumComponents()) {
            return false;
        }
        int type = cm.getColorSpace().getType();
        int colors = cm.getNumColorComponents();
        if (!(type == ColorSpace.TYPE_RGB && colors == 3) && !(type == ColorSpace.TYPE_GRAY && colors == 1)) {
            return false;
        }
        int dataType = raster.getDataBuffer().getDataType();
        if (dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE) {
            return floats;
        }
        if (dataType != DataBuffer.TYPE_BYTE && dataType != DataBuffer.TYPE_USHORT && dataType != DataBuffer.TYPE_INT) {
            return false;
        }
        for (int b = 0; b < cm.getNumComponents(); b++) {
            if (cm.getComponentSize(b) < 1 || cm.getComponentSize(b) > 16) {
                return false;
            }
        }
        return true;
    }

    private static PlanarImage fromSamples(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int dataType = raster.getDataBuffer().getDataType();
        boolean isFloat = dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE;
        int colors = cm.getNumColorComponents();
        int bands = cm.getNumComponents();
        boolean hasAlpha = cm.hasAlpha();
        int maxBits = 0;
        for (int b = 0; b < bands; b++) {
            maxBits = Math.max(maxBits, cm.getComponentSize(b));
        }
        int depth = isFloat || maxBits > 8 ? 16 : 8;
        float[] max = new float[bands]; // divisor that maps each band to [0,1]
        for (int b = 0; b < bands; b++) {
            max[b] = isFloat ? 1f : (1 << cm.getComponentSize(b)) - 1;
        }
        int alphaMax = (1 << depth) - 1;
        float[] rgb = new float[3 * n];
        int[] alpha = hasAlpha ? new int[n] : null;
        float[] row = new float[w * bands];
        for (int y = 0, i = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, s = 0; x < w; x++, i++, s += bands) {
                if (colors == 1) {
                    float v = clamp(row[s] / max[0]);
                    rgb[i] = v;
                    rgb[n + i] = v;
                    rgb[2 * n + i] = v;
                } else {
                    rgb[i] = clamp(row[s] / max[0]);
                    rgb[n + i] = clamp(row[s + 1] / max[1]);
                    rgb[2 * n + i] = clamp(row[s + 2] / max[2]);
                }
                if (hasAlpha) {
                    float a = row[s + colors];
                    // untouched when the alpha band has the image's depth, else rescaled to it
                    alpha[i] = !isFloat && max[colors] == alphaMax ? (int) a
                            : Math.round(clamp(a / max[colors]) * alphaMax);
                }
            }
        }
        ColorSpace cs = cm.getColorSpace();
        byte[] icc = isDefaultSpace(cs) ? null : ((ICC_ColorSpace) cs).getProfile().getData();
        int channels = (colors == 1 ? 1 : 3) + (hasAlpha ? 1 : 0);
        return new PlanarImage(w, h, rgb, alpha, channels, depth, false, icc, null);
    }

    /** Any other colour model (CMYK, premultiplied, exotic layouts): convert to 8-bit sRGB. */
    private static PlanarImage fromConverted(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        boolean hasAlpha = cm.hasAlpha();
        BufferedImage srgb = new BufferedImage(w, h, hasAlpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        try {
            new ColorConvertOp(null).filter(img, srgb); // whole-raster colour management, fast for CMYK
        } catch (RuntimeException e) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                srgb.setRGB(0, y, w, 1, row, 0, w);
            }
        }
        PlanarImage p = fromSamples(srgb);
        if (cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
            return p;
        }
        return new PlanarImage(w, h, p.rgb, p.alpha, hasAlpha ? 2 : 1, 8, false, null, null);
    }

    private static float clamp(float v) {
        return v >= 0f ? (v <= 1f ? v : 1f) : 0f; // NaN -> 0
    }

    /** sRGB, or the JDK's default grey space that readers attach to every grey image. */
    public static boolean isDefaultSpace(ColorSpace cs) {
        if (cs.isCS_sRGB() || cs == ColorSpace.getInstance(ColorSpace.CS_GRAY)) {
            return true;
        }
        if (!(cs instanceof ICC_ColorSpace)) {
            return false;
        }
        byte[] data = ((ICC_ColorSpace) cs).getProfile().getData();
        return Arrays.equals(data, Defaults.SRGB) || Arrays.equals(data, Defaults.GRAY);
    }

    private static final class Defaults {
        static final byte[] SRGB = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        static final byte[] GRAY = ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData();
    }

    /** EXIF from a JPEG APP1 marker or a PNG eXIf chunk, as raw TIFF bytes. */
    private static byte[] findExif(IIOMetadata meta) {
        try {
            return findExif(meta.getAsTree(meta.getNativeMetadataFormatName()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] findExif(Node node) {
        if (node instanceof IIOMetadataNode && ((IIOMetadataNode) node).getUserObject() instanceof byte[]) {
            byte[] b = (byte[]) ((IIOMetadataNode) node).getUserObject();
            String name = node.getNodeName();
            if (name.equals("unknown") && "225".equals(attribute(node, "MarkerTag")) && b.length > 6
                    && new String(b, 0, 5, StandardCharsets.ISO_8859_1).equals("Exif\0")) {
                return Arrays.copyOfRange(b, 6, b.length);
            }
            if ((name.equals("UnknownChunk") && "eXIf".equals(attribute(node, "type")) || name.equals("eXIf"))
                    && b.length > 0) {
                return b.clone();
            }
        }
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            byte[] found = findExif(c);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The JDK PNG reader ignores iCCP for the colour space; take the profile from the metadata. */
    private static byte[] pngIcc(IIOMetadata meta, boolean grey) {
        if (!PNG_FORMAT.equals(meta.getNativeMetadataFormatName())) {
            return null;
        }
        try {
            Node root = meta.getAsTree(PNG_FORMAT);
            for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c.getNodeName().equals("iCCP") && c instanceof IIOMetadataNode
                        && ((IIOMetadataNode) c).getUserObject() instanceof byte[]) {
                    byte[] data = inflate((byte[]) ((IIOMetadataNode) c).getUserObject());
                    ICC_Profile profile = data == null ? null : ICC_Profile.getInstance(data);
                    int type = profile == null ? -1 : new ICC_ColorSpace(profile).getType();
                    boolean fits = grey ? type == ColorSpace.TYPE_GRAY : type == ColorSpace.TYPE_RGB;
                    return fits && !isDefaultSpace(new ICC_ColorSpace(profile)) ? profile.getData() : null;
                }
            }
        } catch (RuntimeException e) {
            // an unparsable profile is dropped: the pixels are then taken as sRGB
        }
        return null;
    }

    private static byte[] inflate(byte[] compressed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int k = inflater.inflate(buf);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                out.write(buf, 0, k);
                if (out.size() > MAX_ICC_BYTES) {
                    return null;
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static String attribute(Node node, String name) {
        Node a = node.getAttributes() == null ? null : node.getAttributes().getNamedItem(name);
        return a == null ? null : a.getNodeValue();
    }
}
