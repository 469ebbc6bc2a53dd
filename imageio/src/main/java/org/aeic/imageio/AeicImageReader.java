package org.aeic.imageio;

import com.twelvemonkeys.imageio.ImageReaderBase;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.aeic.codec.AeicAbortedException;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.aeic.codec.StreamInfo;
import org.aeic.codec.image.ImageSaver;

/**
 * Reads {@code .aeic} streams through ImageIO, with the models bundled in the codec jar.
 *
 * <ul>
 *   <li>{@link #getWidth}, {@link #getHeight}, {@link #getNumImages} (always 1), {@link #getImageTypes} and
 *       {@link #getImageMetadata} read only the header (and, for the image types of a stream that carries an ICC
 *       profile, that profile), never the payload.</li>
 *   <li>{@link ImageReadParam}: a source region decodes only the tiles it touches; subsampling (with offsets),
 *       destination image, type and offset, source and destination bands are honoured.</li>
 *   <li>Image types: first the raw type, the layout of the source (grey or RGB, with alpha if it had one, 8 or 16
 *       bits, its ICC profile), then 8-bit sRGB types (and 8-bit grey for grey sources) that the pixels are
 *       converted to.</li>
 *   <li>Progress: {@code imageStarted}, one {@code imageProgress} per decoded tile (up to 95 %), 100 % once the
 *       pixels are in the destination, {@code imageComplete}; {@link #abort()} stops at the next tile and reports
 *       {@code readAborted}.</li>
 *   <li>Any malformed, truncated or corrupt stream raises an {@link IIOException} with a one-line message.</li>
 * </ul>
 */
final class AeicImageReader extends ImageReaderBase {
    private final DecodeOptions options = DecodeOptions.defaults();

    /** Where the stream starts in the input: its position when the input was set. */
    private long streamStart = -1;
    private StreamInfo info;
    private boolean iccLoaded;
    private byte[] icc;
    private List<ImageTypeSpecifier> types;
    /** The whole stream, read on the first decode and kept for further reads. */
    private byte[] stream;

    AeicImageReader(final ImageReaderSpi provider) {
        super(provider);
    }

    @Override
    protected void resetMembers() {
        streamStart = -1;
        info = null;
        iccLoaded = false;
        icc = null;
        types = null;
        stream = null;
    }

    @Override
    public void setInput(final Object input, final boolean seekForwardOnly, final boolean ignoreMetadata) {
        super.setInput(input, seekForwardOnly, ignoreMetadata);
        if (imageInput != null) {
            try {
                streamStart = imageInput.getStreamPosition();
            } catch (IOException e) {
                streamStart = -1; // asked again when the header is read, where the error can be reported
            }
        }
    }

    @Override
    public int getWidth(final int imageIndex) throws IOException {
        checkBounds(imageIndex);
        return header().width();
    }

    @Override
    public int getHeight(final int imageIndex) throws IOException {
        checkBounds(imageIndex);
        return header().height();
    }

    @Override
    public ImageTypeSpecifier getRawImageType(final int imageIndex) throws IOException {
        checkBounds(imageIndex);
        return imageTypes().get(0);
    }

    @Override
    public Iterator<ImageTypeSpecifier> getImageTypes(final int imageIndex) throws IOException {
        checkBounds(imageIndex);
        return imageTypes().iterator();
    }

    @Override
    public IIOMetadata getImageMetadata(final int imageIndex) throws IOException {
        checkBounds(imageIndex);
        return new AeicImageMetadata(imageTypes().get(0), header());
    }

    @Override
    public BufferedImage read(final int imageIndex, final ImageReadParam param) throws IOException {
        checkBounds(imageIndex);
        StreamInfo h = header();
        int width = h.width();
        int height = h.height();

        // without a destination, region, subsampling or bands the decoded image is the result: no copy
        boolean direct = isPlain(param);
        BufferedImage destination = direct ? null
                : getDestination(param, getImageTypes(imageIndex), width, height, -1L, 0);
        Rectangle srcRegion = new Rectangle();
        Rectangle destRegion = new Rectangle();
        computeRegions(param, width, height, destination, srcRegion, destRegion);
        int xSub = param == null ? 1 : param.getSourceXSubsampling();
        int ySub = param == null ? 1 : param.getSourceYSubsampling();
        int[] srcBands = param == null ? null : param.getSourceBands();
        int[] destBands = param == null ? null : param.getDestinationBands();
        if (srcBands != null || destBands != null) {
            checkReadParamBandSettings(param, h.channels(), destination.getSampleModel().getNumBands());
        }
        // only the pixels that subsampling keeps: the last column and row taken bound the region to decode
        Rectangle decodeRegion = new Rectangle(srcRegion.x, srcRegion.y,
                (destRegion.width - 1) * xSub + 1, (destRegion.height - 1) * ySub + 1);
        boolean whole = decodeRegion.equals(new Rectangle(0, 0, width, height));

        clearAbortRequest();
        processImageStarted(imageIndex);
        if (abortRequested()) {
            return aborted(destination, param, imageIndex);
        }

        byte[] bytes = streamBytes();
        int tilesNeeded = tilesTouched(decodeRegion, h.tileSize());
        TileProgress progress = new TileProgress(this::processImageProgress, this::abortRequested, tilesNeeded);
        DecodedImage decoded;
        try {
            decoded = new AeicDecoder(options).decode(bytes, whole ? null : decodeRegion, progress);
        } catch (AeicAbortedException e) {
            progress.rethrowListenerFailure();
            return aborted(destination, param, imageIndex);
        } catch (AeicException e) {
            throw new IIOException(message(e.getMessage()), e);
        } catch (RuntimeException e) {
            // the container checks (sizes, CRCs) pass, yet the payload makes no sense to the decoder
            throw new IIOException(message("corrupt tile data (" + e + ")"), e);
        } catch (OutOfMemoryError e) {
            throw new IIOException(message("not enough memory to decode " + width + "x" + height + " pixels"));
        }
        if (abortRequested()) {
            return aborted(destination, param, imageIndex);
        }

        BufferedImage pixels = decoded.toBufferedImage();
        if (direct) {
            destination = pixels;
        } else {
            AeicPixels.copy(pixels, srcBands, destination, destBands, destRegion, xSub, ySub);
        }

        processImageProgress(100f);
        processImageComplete();
        return destination;
    }

    /** Nothing asked of the param that the decoded image does not already satisfy. */
    private static boolean isPlain(final ImageReadParam param) {
        return param == null || !hasExplicitDestination(param) && param.getSourceRegion() == null
                && param.getSourceXSubsampling() == 1 && param.getSourceYSubsampling() == 1
                && param.getSubsamplingXOffset() == 0 && param.getSubsamplingYOffset() == 0
                && param.getSourceBands() == null && param.getDestinationBands() == null;
    }

    /** Reports the abort; the image returned is the destination as it is (blank where nothing was decoded). */
    private BufferedImage aborted(final BufferedImage destination, final ImageReadParam param, final int imageIndex)
            throws IOException {
        processReadAborted();
        return destination != null ? destination
                : getDestination(param, getImageTypes(imageIndex), header().width(), header().height(), -1L, 0);
    }

    /** The header, read once per input (the image's size, layout and model), without touching the payload. */
    private StreamInfo header() throws IOException {
        assertInput();
        if (info == null) {
            if (imageInput == null) {
                throw new IIOException("AEIC: the input must be an ImageInputStream");
            }
            if (streamStart < 0) {
                streamStart = imageInput.getStreamPosition();
            }
            imageInput.seek(streamStart);
            try {
                info = AeicDecoder.info(new Input(imageInput), options);
            } catch (AeicException e) {
                throw new IIOException(message(e.getMessage()), e);
            }
        }
        return info;
    }

    private static String message(final String why) {
        return "Cannot read AEIC image: " + why;
    }

    private List<ImageTypeSpecifier> imageTypes() throws IOException {
        if (types == null) {
            StreamInfo h = header();
            boolean grey = h.channels() <= 2;
            boolean alpha = h.alpha();
            byte[] profile = iccProfile();
            // the raw type is exactly what the decoder makes of these pixels
            BufferedImage prototype = ImageSaver.toBufferedImage(new float[3], 1, 1, alpha ? new int[1] : null,
                    h.channels(), h.bitDepth(), profile);
            ImageTypeSpecifier raw = ImageTypeSpecifier.createFromRenderedImage(prototype);

            List<ImageTypeSpecifier> list = new ArrayList<>();
            list.add(raw);
            List<Integer> converted = new ArrayList<>();
            if (alpha) {
                converted.addAll(List.of(BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB,
                        BufferedImage.TYPE_4BYTE_ABGR_PRE, BufferedImage.TYPE_INT_ARGB_PRE));
            } else {
                if (grey) {
                    converted.add(BufferedImage.TYPE_BYTE_GRAY);
                }
                converted.addAll(List.of(BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB,
                        BufferedImage.TYPE_INT_BGR));
            }
            for (int type : converted) {
                if (type != raw.getBufferedImageType()) {
                    list.add(ImageTypeSpecifier.createFromBufferedImageType(type));
                }
            }
            types = List.copyOf(list);
        }
        return types;
    }

    /**
     * The ICC profile the pixels are encoded in, or null. It sits near the end of the stream, before the EXIF block
     * (see {@code aeic.proto}): read it alone rather than the payload. A profile that cannot be read or fails its
     * CRC is left out here; decoding the image then reports the damage.
     */
    private byte[] iccProfile() throws IOException {
        StreamInfo h = header();
        if (h.iccBytes() == 0 || iccLoaded) {
            return icc;
        }
        iccLoaded = true;
        long at = h.iccSectionOffset();
        byte[] section = new byte[h.iccBytes() + 4]; // the header limits bound the profile (4 MiB by default)
        if (stream != null) {
            System.arraycopy(stream, (int) at, section, 0, section.length);
        } else {
            long length = imageInput.length();
            if (length >= 0 && length < streamStart + at + section.length) {
                return null;
            }
            imageInput.seek(streamStart + at);
            int n = 0;
            while (n < section.length) {
                int r = imageInput.read(section, n, section.length - n);
                if (r <= 0) {
                    return null;
                }
                n += r;
            }
        }
        icc = h.iccProfile(section);
        return icc;
    }

    /** The whole stream as the decoder wants it: exactly the bytes the header declares, read as they arrive. */
    private byte[] streamBytes() throws IOException {
        if (stream == null) {
            StreamInfo h = header();
            long total = h.bytes();
            if (total > Integer.MAX_VALUE - 16) {
                throw new IIOException(message("the stream declares " + total + " bytes, more than can be held"));
            }
            long length = imageInput.length();
            if (length >= 0 && length - streamStart < total) {
                throw new IIOException(message("truncated AEIC stream: the header declares " + total
                        + " bytes, only " + Math.max(0, length - streamStart) + " are present"));
            }
            imageInput.seek(streamStart);
            byte[] buf = new byte[(int) Math.min(total, 1 << 20)];
            int n = 0;
            while (n < total) {
                if (n == buf.length) { // grow only as data arrives: a lying header costs at most twice what is there
                    buf = Arrays.copyOf(buf, (int) Math.min(total, 2L * buf.length));
                }
                int r = imageInput.read(buf, n, buf.length - n);
                if (r == 0) { // a stream that breaks the read contract must not make us spin
                    int b = imageInput.read();
                    if (b >= 0) {
                        buf[n] = (byte) b;
                    }
                    r = b < 0 ? -1 : 1;
                }
                if (r < 0) {
                    throw new IIOException(message("truncated AEIC stream: the header declares " + total
                            + " bytes, only " + n + " are present"));
                }
                n += r;
            }
            stream = buf;
        }
        return stream;
    }

    /** How many tiles of {@code tileSize} the region touches. */
    private static int tilesTouched(final Rectangle r, final int tileSize) {
        int across = (r.x + r.width - 1) / tileSize - r.x / tileSize + 1;
        int down = (r.y + r.height - 1) / tileSize - r.y / tileSize + 1;
        return Math.max(1, across * down);
    }

    /** The image input stream as an InputStream for the header parser; closing it leaves the stream open. */
    private static final class Input extends InputStream {
        private final ImageInputStream in;

        Input(final ImageInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            return in.read(b, off, len);
        }
    }
}
