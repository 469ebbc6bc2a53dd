package org.aeic.codec;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.aeic.codec.container.AeicStream;
import org.aeic.codec.container.AlphaCodec;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.latent.FactorizedLatentCodec;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.tensor.Tensor;
import org.aeic.proto.StreamHeader;

/**
 * Decompresses {@code .aeic} streams; {@link #info} reads only the header.
 *
 * <pre>{@code
 * AeicDecoder dec = new AeicDecoder(DecodeOptions.defaults());
 * BufferedImage img = dec.decode(Files.readAllBytes(Path.of("photo.aeic"))).toBufferedImage();
 * }</pre>
 *
 * A decoder is immutable and may be shared between threads.
 */
public final class AeicDecoder {
    private final DecodeOptions options;
    private final ModelRegistry registry;

    public AeicDecoder(DecodeOptions options) throws AeicException {
        this(options, ModelRegistry.bundled());
    }

    public AeicDecoder(DecodeOptions options, ModelRegistry registry) {
        this.options = options;
        this.registry = registry;
    }

    /** The header of a stream, without decoding (reads only the first bytes). */
    public static StreamInfo info(InputStream in, DecodeOptions options) throws AeicException {
        try {
            return StreamInfo.of(ContainerReader.readHeader(in, options.limits()));
        } catch (IOException e) {
            throw new AeicException("cannot read stream: " + e.getMessage(), e);
        }
    }

    public static StreamInfo info(byte[] stream, DecodeOptions options) throws AeicException {
        return info(new java.io.ByteArrayInputStream(stream), options);
    }

    public DecodedImage decode(Path file) throws AeicException {
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new AeicException("file too large: " + file);
            }
            return decode(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AeicException("no such file: " + file, e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new AeicException("permission denied: " + file, e);
        } catch (IOException e) {
            throw new AeicException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public DecodedImage decode(byte[] stream) throws AeicException {
        return decode(stream, null, TileListener.NONE);
    }

    /**
     * Decodes the whole image, or only {@code region} (decoding just the tiles it touches).
     */
    public DecodedImage decode(byte[] bytes, Rectangle region, TileListener listener) throws AeicException {
        AeicStream s = ContainerReader.read(bytes, options.limits());
        StreamHeader h = s.header();
        CodecModel model = modelFor(h);
        CodecModel.Level level = model.levelExactly(h.getQuality());
        if (level == null) {
            throw new AeicException("model " + model.id + " has no quality " + h.getQuality());
        }
        if (h.getTileSize() > Tiling.MAX_TILE) {
            throw new AeicException("tile size " + h.getTileSize() + " exceeds the limit of " + Tiling.MAX_TILE);
        }
        Rectangle full = new Rectangle(0, 0, s.width(), s.height());
        Rectangle want = region == null ? full : region.intersection(full);
        if (want.isEmpty()) {
            throw new AeicException("region " + region + " lies outside the " + s.width() + "x" + s.height() + " image");
        }
        int ow = want.width;
        int oh = want.height;
        float[] rgb = new float[Math.multiplyExact(3, Math.multiplyExact(ow, oh))];
        int total = s.tiles().size();
        Tiling.inPool(options.threads(), () -> {
            int done = 0;
            for (int i = 0; i < total; i++) {
                AeicStream.TileRect r = s.tileRect(i);
                Rectangle tr = new Rectangle(r.x(), r.y(), r.width(), r.height());
                if (!tr.intersects(want)) {
                    continue;
                }
                Tensor y = FactorizedLatentCodec.decompress(s.tiles().get(i), model.net.m,
                        AeicEncoder.latentSize(r.height()), AeicEncoder.latentSize(r.width()), level);
                Tensor x = model.net.synthesis.forward(y, null);
                Rectangle part = tr.intersection(want);
                for (int c = 0; c < 3; c++) {
                    for (int yy = part.y; yy < part.y + part.height; yy++) {
                        int src = (c * x.h + (yy - r.y())) * x.w + (part.x - r.x());
                        int dst = c * ow * oh + (yy - want.y) * ow + (part.x - want.x);
                        for (int xx = 0; xx < part.width; xx++) {
                            float v = x.data[src + xx];
                            rgb[dst + xx] = !(v > 0) ? 0 : v > 1 ? 1 : v; // NaN (from a hostile stream) becomes 0
                        }
                    }
                }
                if (!listener.tileDone(++done, total)) {
                    throw new AeicAbortedException();
                }
            }
            return null;
        });
        int[] alpha = null;
        if (s.alpha() != null) {
            int[] a = AlphaCodec.decode(s.alpha(), s.width(), s.height(), h.getBitDepth());
            alpha = region == null ? a : crop(a, s.width(), want);
        }
        PlanarImage img = new PlanarImage(ow, oh, rgb, alpha, h.getChannels(), h.getBitDepth(), h.getPalette(),
                s.icc(), s.exif());
        return new DecodedImage(img, StreamInfo.of(h, bytes.length));
    }

    private static int[] crop(int[] a, int width, Rectangle r) {
        int[] out = new int[r.width * r.height];
        for (int y = 0; y < r.height; y++) {
            System.arraycopy(a, (r.y + y) * width + r.x, out, y * r.width, r.width);
        }
        return out;
    }

    private CodecModel modelFor(StreamHeader h) throws AeicException {
        CodecModel m = registry.require(h.getModelId());
        if (!Arrays.equals(m.sha256, h.getModelSha256().toByteArray())) {
            throw new AeicException("stream was made with another version of model '" + h.getModelId()
                    + "' than the one available here");
        }
        return m;
    }
}
