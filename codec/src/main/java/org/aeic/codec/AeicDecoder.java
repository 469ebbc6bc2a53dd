package org.aeic.codec;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.container.AeicStream;
import org.aeic.codec.container.AlphaCodec;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.tensor.Tensor;
import org.aeic.codec.tiling.Tiling;
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
                throw new AeicException(Kind.TOO_LARGE, "file too large: " + file);
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
        CodecModel.Level level = model.levelFor(h.getQuality());
        if (level == null) {
            throw new AeicException(Kind.UNSUPPORTED, "model " + model.id + " has no quality " + h.getQuality());
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
        int overlap = h.getTileOverlap();
        if (!Tiling.validOverlap(overlap)) {
            throw new AeicException("invalid tile overlap " + Integer.toUnsignedLong(overlap));
        }
        Map<Integer, Tensor> latents = new HashMap<>();
        CoderPool.inPool(options.threads(), () -> {
            int done = 0;
            for (int i = 0; i < total; i++) {
                Tiling.TileRect r = s.tileRect(i);
                Rectangle tr = new Rectangle(r.x(), r.y(), r.width(), r.height());
                if (!tr.intersects(want)) {
                    continue;
                }
                Tensor x;
                int ox;
                int oy;
                if (overlap == 0) {
                    x = model.net.synthesis.forward(latent(s, i, model, level, latents), null);
                    ox = r.x();
                    oy = r.y();
                } else {
                    // the tile's latent plus its neighbours' within the overlap, synthesised together
                    Rectangle lr = Tiling.synthesisWindow(s.width(), s.height(), r, overlap, model.net.synthesis);
                    x = model.net.synthesis.forward(latentRegion(s, lr, model, level, latents), null);
                    ox = lr.x * FactorizedModel.STRIDE;
                    oy = lr.y * FactorizedModel.STRIDE;
                }
                Rectangle part = tr.intersection(want);
                for (int c = 0; c < 3; c++) {
                    for (int yy = part.y; yy < part.y + part.height; yy++) {
                        int src = (c * x.h + (yy - oy)) * x.w + (part.x - ox);
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

    /** The decoded latent of tile i (decoded once, then kept for its neighbours). */
    private static Tensor latent(AeicStream s, int i, CodecModel model, CodecModel.Level level,
                                 Map<Integer, Tensor> cache) throws AeicException {
        Tensor t = cache.get(i);
        if (t == null) {
            Tiling.TileRect r = s.tileRect(i);
            t = model.latentCodec().decompress(s.tiles().get(i), Tiling.latentSize(r.height()),
                    Tiling.latentSize(r.width()), level);
            cache.put(i, t);
        }
        return t;
    }

    /** The latent over {@code lr} (latent pixels), assembled from the tiles it covers. */
    private static Tensor latentRegion(AeicStream s, Rectangle lr, CodecModel model, CodecModel.Level level,
                                       Map<Integer, Tensor> cache) throws AeicException {
        int st = FactorizedModel.STRIDE;
        int lts = s.tileSize() / st;
        Tensor out = new Tensor(model.net.m, lr.height, lr.width);
        for (int ty = lr.y / lts; ty <= (lr.y + lr.height - 1) / lts; ty++) {
            for (int tx = lr.x / lts; tx <= (lr.x + lr.width - 1) / lts; tx++) {
                Tensor t = latent(s, ty * s.tilesX() + tx, model, level, cache);
                Rectangle part = new Rectangle(tx * lts, ty * lts, t.w, t.h).intersection(lr);
                for (int c = 0; c < out.c; c++) {
                    for (int y = part.y; y < part.y + part.height; y++) {
                        System.arraycopy(t.data, (c * t.h + y - ty * lts) * t.w + part.x - tx * lts,
                                out.data, (c * out.h + y - lr.y) * out.w + part.x - lr.x, part.width);
                    }
                }
            }
        }
        return out;
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
            throw new AeicException(Kind.UNSUPPORTED, "stream was made with another version of model '" + h.getModelId()
                    + "' than the one available here");
        }
        return m;
    }
}
