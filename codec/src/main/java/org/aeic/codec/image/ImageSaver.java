package org.aeic.codec.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.aeic.codec.AeicException;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.io.OneLine;

/**
 * Turns decoded planes back into a {@link BufferedImage} of the source's layout (grey / RGB, with or
 * without alpha, 8 or 16 bits, ICC colour space) and writes PNG, JPEG, BMP or TIFF files atomically:
 * the output either appears complete or not at all.
 */
public final class ImageSaver {
    private static final float JPEG_QUALITY = 0.95f;

    private ImageSaver() {
    }

    /** {@link #toBufferedImage(float[], int, int, int[], int, int, byte[])} for a {@link PlanarImage}. */
    public static BufferedImage toBufferedImage(PlanarImage p) {
        return toBufferedImage(p.rgb, p.width, p.height, p.alpha, p.channels, p.bitDepth, p.icc);
    }


    /**
     * Builds an image from planar RGB in [0,1] (rounded and clamped to the bit depth).
     *
     * @param rgb      three planes of width * height values, R then G then B
     * @param alpha    alpha samples in 0 .. 2^bitDepth - 1 for 2 or 4 channels (null: opaque)
     * @param channels 1 grey (mean of R, G, B), 2 grey + alpha, 3 RGB, 4 RGBA
     * @param bitDepth 8 or 16
     * @param icc      ICC profile for the colour space, or null; an unusable profile falls back to
     *                 sRGB / default grey
     */
    public static BufferedImage toBufferedImage(float[] rgb, int width, int height, int[] alpha,
                                                int channels, int bitDepth, byte[] icc) {
        if (width <= 0 || height <= 0 || (long) width * height * 3 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad size " + width + "x" + height);
        }
        int n = width * height;
        if (rgb == null || rgb.length < 3 * n) {
            throw new IllegalArgumentException("rgb must hold 3 planes of " + n + " values");
        }
        if (channels < 1 || channels > 4 || (bitDepth != 8 && bitDepth != 16)) {
            throw new IllegalArgumentException("unsupported layout: " + channels + " channels, " + bitDepth + " bits");
        }
        boolean grey = channels <= 2;
        boolean hasAlpha = channels == 2 || channels == 4;
        if (hasAlpha && alpha != null && alpha.length < n) {
            throw new IllegalArgumentException("alpha must hold " + n + " samples");
        }
        int max = (1 << bitDepth) - 1;
        BufferedImage img = create(width, height, grey, hasAlpha, bitDepth, colorSpace(icc, grey));
        WritableRaster raster = img.getRaster();
        int bands = raster.getNumBands();
        int[] row = new int[width * bands];
        RowWriter out = rowWriter(raster, width);
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0, s = 0; x < width; x++, i++) {
                if (grey) {
                    row[s++] = quantize((rgb[i] + rgb[n + i] + rgb[2 * n + i]) / 3f, max);
                } else {
                    row[s++] = quantize(rgb[i], max);
                    row[s++] = quantize(rgb[n + i], max);
                    row[s++] = quantize(rgb[2 * n + i], max);
                }
                if (hasAlpha) {
                    row[s++] = alpha == null ? max : Math.max(0, Math.min(max, alpha[i]));
                }
            }
            out.write(y, row);
        }
        return img;
    }

    private interface RowWriter {
        void write(int y, int[] samples);
    }

    /**
     * Writes rows of samples into the raster's array when its layout is the usual one (pixel-interleaved bytes or
     * shorts, as every image {@link #create} makes): {@code setPixels} goes sample by sample through the sample
     * model, 25 ms of a one-shot decode of a 768 x 512 image.
     */
    private static RowWriter rowWriter(WritableRaster raster, int width) {
        if (raster.getSampleModel() instanceof PixelInterleavedSampleModel sm && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            int[] offsets = sm.getBandOffsets();
            int bands = offsets.length;
            int pixelStride = sm.getPixelStride();
            int scanline = sm.getScanlineStride();
            if (raster.getDataBuffer() instanceof DataBufferByte bytes && bytes.getNumBanks() == 1) {
                byte[] data = bytes.getData();
                int base = bytes.getOffset();
                return (y, samples) -> {
                    for (int x = 0, s = 0, at = base + y * scanline; x < width; x++, at += pixelStride) {
                        for (int b = 0; b < bands; b++) {
                            data[at + offsets[b]] = (byte) samples[s++];
                        }
                    }
                };
            }
            if (raster.getDataBuffer() instanceof DataBufferUShort shorts && shorts.getNumBanks() == 1) {
                short[] data = shorts.getData();
                int base = shorts.getOffset();
                return (y, samples) -> {
                    for (int x = 0, s = 0, at = base + y * scanline; x < width; x++, at += pixelStride) {
                        for (int b = 0; b < bands; b++) {
                            data[at + offsets[b]] = (short) samples[s++];
                        }
                    }
                };
            }
        }
        return (y, samples) -> raster.setPixels(0, y, width, 1, samples);
    }

    static int quantize(float v, int max) {
        return Math.round((v >= 0f ? (v <= 1f ? v : 1f) : 0f) * max); // NaN -> 0
    }

    /**
     * The profile's colour space when it parses, fits grey / RGB and converts to and from sRGB, else null (default
     * space). A profile can pass its CRC and parse and still be unusable (a zeroed tag table: the colour engine cannot
     * link it); it is tried here, so that {@code getRGB} on the image never throws {@code CMMException} later.
     */
    private static ColorSpace colorSpace(byte[] icc, boolean grey) {
        if (icc == null) {
            return null;
        }
        try {
            ColorSpace cs = new ICC_ColorSpace(ICC_Profile.getInstance(icc));
            boolean fits = cs.getType() == (grey ? ColorSpace.TYPE_GRAY : ColorSpace.TYPE_RGB);
            if (!fits || ImageLoader.isDefaultSpace(cs)) {
                return null;
            }
            // on a copy: once the colour engine has used a profile, getData() gives its re-serialized bytes
            BufferedImage probe = create(1, 1, grey, false, 8, new ICC_ColorSpace(ICC_Profile.getInstance(icc)));
            probe.getRGB(0, 0); // to sRGB, as readers of the image do
            probe.setRGB(0, 0, 0x808080); // and back, as writers converting into it do
            return cs;
        } catch (RuntimeException e) { // IllegalArgumentException, CMMException, ProfileDataException
            return null; // unusable profile: silently sRGB
        }
    }

    private static BufferedImage create(int w, int h, boolean grey, boolean alpha, int depth, ColorSpace cs) {
        if (cs == null && !alpha) { // standard types where they exist: every writer knows them
            if (grey) {
                return new BufferedImage(w, h, depth == 8 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_USHORT_GRAY);
            }
            if (depth == 8) {
                return new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            }
        }
        if (cs == null && alpha && !grey && depth == 8) {
            return new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
        }
        if (cs == null) {
            cs = ColorSpace.getInstance(grey ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        }
        ColorModel cm = new ComponentColorModel(cs, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                depth == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
        return new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
    }

    /** The ImageIO format for an output path from its extension: png, jpeg, bmp or tiff. */
    public static String formatForPath(Path path) throws AeicException {
        Path name = path.getFileName();
        String s = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        int dot = s.lastIndexOf('.');
        try {
            return normalize(dot < 0 ? "" : s.substring(dot + 1));
        } catch (AeicException e) {
            throw new AeicException(Kind.UNSUPPORTED,
                    "unsupported output file type: " + path + " (use .png, .jpg, .bmp or .tif)");
        }
    }

    /**
     * Writes a decoded image as {@link #write(BufferedImage, Path, String)} writes {@link #toBufferedImage(PlanarImage)
     * its image}, the same bytes; an 8-bit RGB image in sRGB goes to PNG straight from its planes.
     */
    public static void write(PlanarImage img, Path out, String formatName) throws AeicException {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(out, "out");
        String format = formatName == null ? formatForPath(out) : normalize(formatName);
        if (!format.equals("png") || !PngWriter.canWrite(img)) {
            write(toBufferedImage(img), out, format);
            return;
        }
        requireFilePath(out);
        writePng(out, os -> PngWriter.write(img, os));
    }

    /** As {@link #write(PlanarImage, Path, String)}, to a stream (flushed, not closed). */
    public static void write(PlanarImage img, OutputStream out, String formatName) throws AeicException {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(out, "out");
        String format = normalize(Objects.requireNonNull(formatName, "formatName"));
        if (!format.equals("png") || !PngWriter.canWrite(img)) {
            write(toBufferedImage(img), out, format);
            return;
        }
        writePng(out, os -> PngWriter.write(img, os));
    }

    /** Whether {@link PngWriter} writes {@code img} as {@code format}; an image whose raster throws fails the write. */
    private static boolean pngWriterTakes(BufferedImage img, String format, String failure) throws AeicException {
        try {
            return format.equals("png") && PngWriter.canWrite(img);
        } catch (RuntimeException e) {
            throw new AeicException(failure + ": " + OneLine.reason(e), e);
        }
    }

    private static void requireFilePath(Path out) throws AeicException {
        if (out.toAbsolutePath().getParent() == null || out.getFileName() == null) {
            throw new AeicException("not a file path: " + out);
        }
    }

    /** {@link PngWriter}'s file, written atomically to {@code out}. */
    private static void writePng(Path out, AtomicFiles.Body png) throws AeicException {
        try {
            AtomicFiles.write(out, png);
        } catch (IOException | RuntimeException e) {
            throw new AeicException("cannot write " + out + ": " + OneLine.reason(e), e);
        }
    }

    /** {@link PngWriter}'s file, to a stream (flushed, not closed). */
    private static void writePng(OutputStream out, AtomicFiles.Body png) throws AeicException {
        try {
            png.writeTo(out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new AeicException("cannot write the png image: " + OneLine.reason(e), e);
        }
    }

    /**
     * Writes an image atomically: to a temporary file in the target directory, then renamed over
     * {@code out}; on any failure the temporary file is deleted and {@code out} is left as it was.
     * Images the format cannot hold are converted first (JPEG: alpha dropped, 8 bits; BMP: 8-bit RGB).
     *
     * @param formatName png, jpeg (jpg), bmp or tiff (tif); null picks it from the extension
     */
    public static void write(BufferedImage img, Path out, String formatName) throws AeicException {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(out, "out");
        String format = formatName == null ? formatForPath(out) : normalize(formatName);
        requireFilePath(out);
        if (pngWriterTakes(img, format, "cannot write " + out)) {
            writePng(out, os -> PngWriter.write(img, os));
            return;
        }
        ImageWriter writer = writerFor(format);
        try {
            BufferedImage image = convertFor(img, format, writer);
            AtomicFiles.write(out, os -> encode(image, format, writer, os));
        } catch (IOException | RuntimeException e) {
            throw new AeicException("cannot write " + out + ": " + OneLine.reason(e), e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * Writes an image to a stream (standard output, say), converted as {@link #write(BufferedImage, Path, String)}
     * does; the stream is flushed, not closed.
     *
     * @param formatName png, jpeg (jpg), bmp or tiff (tif)
     */
    public static void write(BufferedImage img, OutputStream out, String formatName) throws AeicException {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(out, "out");
        String format = normalize(Objects.requireNonNull(formatName, "formatName"));
        if (pngWriterTakes(img, format, "cannot write the png image")) {
            writePng(out, os -> PngWriter.write(img, os));
            return;
        }
        ImageWriter writer = writerFor(format);
        try {
            encode(convertFor(img, format, writer), format, writer, out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new AeicException("cannot write the " + format + " image: " + OneLine.reason(e), e);
        } finally {
            writer.dispose();
        }
    }

    private static void encode(BufferedImage image, String format, ImageWriter writer, OutputStream os)
            throws IOException {
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(os)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format.equals("jpeg")) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, metadata(writer, image, format, param)), param);
        }
    }

    private static ImageWriter writerFor(String format) throws AeicException {
        ImageWriter chosen = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
            ImageWriter w = it.next();
            // for TIFF prefer the JDK writer: TwelveMonkeys' cannot write 16-bit samples with several bands
            boolean jdkTiff = format.equals("tiff") && w.getClass().getName().startsWith("com.sun.imageio.");
            if (chosen == null || jdkTiff) {
                if (chosen != null) {
                    chosen.dispose();
                }
                chosen = w;
                if (jdkTiff) {
                    break;
                }
            } else {
                w.dispose();
            }
        }
        if (chosen == null) {
            throw new AeicException("no image writer for " + format);
        }
        return chosen;
    }

    /** The ImageIO format name for a user's format name (png, jpg, jpeg, bmp, tif, tiff, any case). */
    public static String normalize(String formatName) throws AeicException {
        switch (formatName.toLowerCase(Locale.ROOT)) {
            case "png":
                return "png";
            case "jpg":
            case "jpeg":
                return "jpeg";
            case "bmp":
                return "bmp";
            case "tif":
            case "tiff":
                return "tiff";
            default:
                throw new AeicException(Kind.UNSUPPORTED,
                        "unsupported output format: " + formatName + " (use png, jpeg, bmp or tiff)");
        }
    }

    /** Converts to a layout the format can store (through the planar form, so ICC and 16-bit values map cleanly). */
    private static BufferedImage convertFor(BufferedImage img, String format, ImageWriter writer) {
        ColorModel cm = img.getColorModel();
        boolean eightBit = cm.getComponentSize(0) <= 8 && cm.getTransferType() == DataBuffer.TYPE_BYTE;
        switch (format) {
            case "jpeg": {
                int type = cm.getColorSpace().getType();
                boolean ok = eightBit && !cm.hasAlpha() && cm instanceof ComponentColorModel
                        && (type == ColorSpace.TYPE_RGB || type == ColorSpace.TYPE_GRAY);
                if (ok) {
                    return img;
                }
                PlanarImage p = ImageLoader.fromBufferedImage(img);
                return toBufferedImage(p.rgb, p.width, p.height, null, p.isGrey() ? 1 : 3, 8, p.icc);
            }
            case "bmp": {
                int t = img.getType();
                if (t == BufferedImage.TYPE_3BYTE_BGR || t == BufferedImage.TYPE_INT_RGB) {
                    return img;
                }
                PlanarImage p = ImageLoader.fromBufferedImage(img);
                return toBufferedImage(p.rgb, p.width, p.height, null, 3, 8, null); // BMP has no ICC here
            }
            default: {
                if (writer.getOriginatingProvider() == null || writer.getOriginatingProvider().canEncodeImage(img)) {
                    return img;
                }
                return toBufferedImage(ImageLoader.fromBufferedImage(img));
            }
        }
    }

    /** PNG: the JDK writer does not store the colour space's profile, so add an iCCP chunk. */
    private static IIOMetadata metadata(ImageWriter writer, BufferedImage img, String format, ImageWriteParam param)
            throws IOException {
        ColorSpace cs = img.getColorModel().getColorSpace();
        if (!format.equals("png") || !(cs instanceof ICC_ColorSpace) || ImageLoader.isDefaultSpace(cs)) {
            return null;
        }
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
        String fmt = "javax_imageio_png_1.0";
        if (meta == null || !fmt.equals(meta.getNativeMetadataFormatName())) {
            return null;
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
            d.write(((ICC_ColorSpace) cs).getProfile().getData());
        }
        IIOMetadataNode iccp = new IIOMetadataNode("iCCP");
        iccp.setAttribute("profileName", "ICC profile");
        iccp.setAttribute("compressionMethod", "deflate");
        iccp.setUserObject(z.toByteArray());
        IIOMetadataNode root = new IIOMetadataNode(fmt);
        root.appendChild(iccp);
        meta.mergeTree(fmt, root);
        return meta;
    }
}
