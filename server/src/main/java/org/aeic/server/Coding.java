package org.aeic.server;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.aeic.codec.AeicAbortedException;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicEncoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.aeic.codec.EncodeOptions;
import org.aeic.codec.ModelRegistry;
import org.aeic.codec.StreamInfo;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.io.OneLine;

/**
 * The codec work of one request, run on a worker thread with one codec thread. Every refusal is an
 * {@link ApiException} with the status the API promises: 415 not an image / not an AEIC stream, 413 image over
 * the pixel limit, 422 a stream that parses but cannot be decoded here (pixels over the limit, unknown model),
 * 400 anything corrupt or truncated. Codec refusals are told apart by {@link AeicException#kind()}.
 */
final class Coding {
    /** The first bytes of every {@code .aeic} stream (the container format's signature). */
    static final byte[] AEIC_MAGIC = {(byte) 0x8A, 'A', 'E', 'I', 'C', 0x0D, 0x0A, 0x1A};

    /**
     * Heap an image being compressed holds per pixel, measured: a 12 MP photo compresses (one thread) in a 450 MB
     * heap and not in 300 MB; so about 30 bytes a pixel and the model, rounded up.
     */
    static final long COMPRESS_BYTES_PER_PIXEL = 40;
    /** As above for decompression, which also holds the output image and its PNG or JPEG bytes (12 MP: > 450 MB). */
    static final long DECOMPRESS_BYTES_PER_PIXEL = 64;

    /** How a request's work is governed: admitted once its size is known, and stopped when it should stop. */
    interface Control {
        /**
         * Called once, when the image's size is known and before its pixels are decoded: may wait (for memory) and
         * may refuse with an {@link ApiException}; throws {@link AeicAbortedException} when the work should stop.
         */
        void admit(long pixels, long bytesPerPixel) throws AeicAbortedException;

        /** False once the work should stop (the answer is decided, the client left, or the deadline passed). */
        boolean keepGoing();
    }

    record Compressed(byte[] stream, StreamInfo info) {
    }

    record Decompressed(byte[] image, String contentType, StreamInfo info) {
    }

    private final long maxPixels;
    private final ModelRegistry registry;
    /** Limits for reading a header only to classify it: everything else is checked against our own limits. */
    private final DecodeOptions headerOptions;
    private final DecodeOptions decodeOptions;

    Coding(long maxPixels, ModelRegistry registry) {
        this.maxPixels = maxPixels;
        this.registry = registry;
        ContainerLimits d = ContainerLimits.defaults();
        this.headerOptions = new DecodeOptions(1, new ContainerLimits(Integer.MAX_VALUE, Integer.MAX_VALUE,
                Long.MAX_VALUE, Integer.MAX_VALUE, d.maxTileBytes(), d.maxHeaderBytes(), d.maxIccBytes(),
                d.maxExifBytes(), d.maxAlphaBytes()));
        this.decodeOptions = new DecodeOptions(1, d).withMaxPixels(maxPixels);
    }

    List<String> modelIds() {
        return registry.ids();
    }

    String defaultModel() {
        return registry.defaultId();
    }

    Compressed compress(byte[] body, double quality, String modelId, Control control)
            throws AeicAbortedException {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: send an image");
        }
        control.admit(probeImage(body), COMPRESS_BYTES_PER_PIXEL);
        PlanarImage img;
        try {
            img = ImageLoader.read(new ByteArrayInputStream(body), maxPixels);
        } catch (AeicException e) {
            throw codecFailure(e, ApiException::tooLarge, ApiException::badRequest);
        }
        EncodeOptions opts = EncodeOptions.defaults()
                .withQuality(quality)
                .withModelId(modelId)
                .withThreads(1)
                .withLimits(ContainerLimits.defaults().withMaxPixels(maxPixels));
        byte[] stream;
        try {
            stream = new AeicEncoder(opts, registry).encode(img, (done, total) -> control.keepGoing());
        } catch (AeicAbortedException e) {
            throw e;
        } catch (AeicException e) {
            // an image over the limits is the client's to shrink, as in probeImage (413)
            throw codecFailure(e, ApiException::tooLarge, ApiException::invalid);
        }
        try {
            return new Compressed(stream, AeicDecoder.info(stream, headerOptions));
        } catch (AeicException e) {
            throw new IllegalStateException("the encoder wrote a stream it cannot read back: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses what no ImageIO reader knows (415) and images over the pixel limit (413), from the header only;
     * returns the image's pixel count.
     */
    private long probeImage(byte[] body) {
        if (startsWithMagic(body)) {
            // the codec jar also registers an ImageIO reader for .aeic; re-encoding a stream is not what a client means
            throw ApiException.unsupported("the body is an AEIC stream: send it to /v1/decompress");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(body))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ApiException.unsupported(
                        "the body is not an image in a format this server reads (PNG, JPEG, BMP, TIFF, GIF, ...)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > maxPixels) {
                    throw ApiException.tooLarge("the image is " + w + "x" + h + " = " + w * h
                            + " pixels, over the limit of " + maxPixels + " pixels");
                }
                return w * h;
            } catch (IOException | RuntimeException e) {
                if (e instanceof ApiException a) {
                    throw a;
                }
                throw ApiException.badRequest("truncated or corrupt image: " + OneLine.of(e));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the image: " + OneLine.of(e));
        }
    }

    static boolean startsWithMagic(byte[] body) {
        return body.length >= AEIC_MAGIC.length
                && Arrays.equals(body, 0, AEIC_MAGIC.length, AEIC_MAGIC, 0, AEIC_MAGIC.length);
    }

    Decompressed decompress(byte[] body, String format, Control control) throws AeicAbortedException {
        return render(body, format, 0, 0, control);
    }

    /**
     * Decodes a stream to PNG or JPEG, scaled down to fit {@code maxWidth} × {@code maxHeight} (0: no bound on that
     * side; never scaled up).
     */
    Decompressed render(byte[] body, String format, int maxWidth, int maxHeight, Control control)
            throws AeicAbortedException {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: send an .aeic stream");
        }
        if (!startsWithMagic(body)) {
            throw ApiException.unsupported("the body is not an AEIC stream (it does not start with the AEIC signature)");
        }
        StreamInfo info;
        try {
            info = AeicDecoder.info(body, headerOptions);
        } catch (AeicException e) {
            // sizes beyond what even the lenient limits hold (a width of 2^31 and up, say) and other format
            // versions: valid syntax, refused (422)
            throw codecFailure(e, ApiException::invalid, ApiException::badRequest);
        }
        long pixels = (long) info.width() * info.height();
        if (pixels > maxPixels) {
            throw ApiException.invalid("the stream declares a " + info.width() + "x" + info.height() + " = " + pixels
                    + " pixel image, over the limit of " + maxPixels + " pixels");
        }
        if (!registry.ids().contains(info.modelId())) {
            throw ApiException.invalid("the stream was made with model '" + info.modelId()
                    + "', which this server does not have (available: " + String.join(", ", registry.ids()) + ")");
        }
        control.admit(pixels, DECOMPRESS_BYTES_PER_PIXEL);
        DecodedImage decoded;
        try {
            decoded = new AeicDecoder(decodeOptions, registry).decode(body, null,
                    (done, total) -> control.keepGoing());
        } catch (AeicAbortedException e) {
            throw e;
        } catch (AeicException e) {
            // a stream over a limit the lenient header check above lets through (width, height, tiles) is
            // refused like one over the pixel limit (422)
            throw codecFailure(e, ApiException::invalid, ApiException::badRequest);
        }
        boolean jpeg = format.equals("jpeg");
        BufferedImage out;
        if (jpeg) {
            // JPEG holds 8-bit grey or RGB: alpha is dropped, 16 bits are rounded
            PlanarImage p = decoded.image();
            out = ImageSaver.toBufferedImage(p.rgb, p.width, p.height, null, p.isGrey() ? 1 : 3, 8, p.icc);
        } else {
            out = decoded.toBufferedImage();
        }
        out = Thumbnails.fit(out, maxWidth, maxHeight);
        return new Decompressed(write(out, format), jpeg ? "image/jpeg" : "image/png", decoded.info());
    }

    /**
     * A codec refusal: out of memory is the server's problem (503); input that is valid but unusable here
     * (a stream for another version of a model we have, a quality the model lacks, an unknown model) is 422;
     * input over a limit is {@code tooLarge} (413 for an image, 422 for a stream, as the API promises);
     * anything else is {@code otherwise}.
     */
    static ApiException codecFailure(AeicException e, Function<String, ApiException> tooLarge,
            Function<String, ApiException> otherwise) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return new ApiException(503, "insufficient-memory",
                        "not enough memory to code this image now; try again later or send a smaller image");
            }
        }
        String m = e.getMessage() == null ? "codec error" : e.getMessage();
        return switch (e.kind()) {
            case UNSUPPORTED -> ApiException.invalid(m);
            case TOO_LARGE -> tooLarge.apply(m);
            case MALFORMED -> otherwise.apply(m);
        };
    }

    /** The image as PNG or JPEG bytes, written as the CLI writes files (ICC profile kept, JPEG at 0.95). */
    static byte[] write(BufferedImage img, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageSaver.write(img, bytes, format);
        } catch (AeicException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return bytes.toByteArray();
    }
}
