package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.container.AeicStream;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.container.ContainerReader;
import org.aeic.codec.container.ContainerWriter;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.PlanarImage;
import org.aeic.proto.StreamHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Callers branch on {@link AeicException#kind()}, so the refusals they care about must carry the right one. */
class AeicExceptionKindTest {
    private static final String ID = "tiny-kind";

    private static Kind kindOf(Executable call) {
        return assertThrows(AeicException.class, call).kind();
    }

    private static PlanarImage grey(int w, int h) {
        float[] rgb = new float[3 * w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i % 7) / 7f;
        }
        return new PlanarImage(w, h, rgb, null, 3, 8, false, null, null);
    }

    private static byte[] stream(ModelRegistry reg) throws AeicException {
        return new AeicEncoder(EncodeOptions.defaults(), reg).encode(grey(40, 24), TileListener.NONE);
    }

    private static byte[] withHeader(byte[] stream, StreamHeader h) throws AeicException {
        AeicStream s = ContainerReader.read(stream, ContainerLimits.defaults());
        return ContainerWriter.toBytes(h, s.tiles(), s.alpha(), s.icc(), s.exif());
    }

    @Test
    void oldConstructorsDefaultToMalformed() {
        assertEquals(Kind.MALFORMED, new AeicException("x").kind());
        RuntimeException cause = new RuntimeException();
        AeicException e = new AeicException("y", cause);
        assertEquals(Kind.MALFORMED, e.kind());
        assertSame(cause, e.getCause());
        AeicException k = new AeicException(Kind.TOO_LARGE, "z", cause);
        assertEquals(Kind.TOO_LARGE, k.kind());
        assertEquals("z", k.getMessage());
        assertSame(cause, k.getCause());
        assertEquals(Kind.UNSUPPORTED, new AeicException(Kind.UNSUPPORTED, "w").kind());
        assertTrue(new AeicAbortedException() instanceof AeicException);
        assertThrows(NullPointerException.class, () -> new AeicException(null, "v"));
    }

    @Test
    void unknownModelIdIsUnsupported() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry(ID, 1);
        assertEquals(Kind.UNSUPPORTED, kindOf(() -> reg.require("no-such-model")));
        assertEquals(Kind.UNSUPPORTED, kindOf(() -> ModelRegistry.empty().require(null)));
        assertEquals(Kind.UNSUPPORTED,
                kindOf(() -> new AeicEncoder(EncodeOptions.defaults().withModelId("no-such-model"), reg)));
        byte[] s = stream(reg);
        assertEquals(Kind.UNSUPPORTED,
                kindOf(() -> new AeicDecoder(DecodeOptions.defaults(), TestModels.tinyRegistry("other", 1)).decode(s)));
    }

    @Test
    void streamOfAnotherModelVersionIsUnsupported() throws Exception {
        byte[] s = stream(TestModels.tinyRegistry(ID, 1));
        AeicException e = assertThrows(AeicException.class,
                () -> new AeicDecoder(DecodeOptions.defaults(), TestModels.tinyRegistry(ID, 2)).decode(s));
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("another version"), e.getMessage());
    }

    @Test
    void qualityTheModelLacksIsUnsupported() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry(ID, 1); // one level: quality 4
        byte[] s = stream(reg);
        StreamHeader h = ContainerReader.read(s, ContainerLimits.defaults()).header();
        byte[] q7 = withHeader(s, h.toBuilder().setQuality(7).build());
        AeicException e = assertThrows(AeicException.class,
                () -> new AeicDecoder(DecodeOptions.defaults(), reg).decode(q7));
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("has no quality"), e.getMessage());
    }

    @Test
    void otherFormatVersionIsUnsupported() throws Exception {
        byte[] s = stream(TestModels.tinyRegistry(ID, 1));
        byte[] v2 = s.clone();
        v2[9] = 2; // the big-endian version right after the 8-byte signature
        assertEquals(Kind.UNSUPPORTED, kindOf(() -> AeicDecoder.info(v2, DecodeOptions.defaults())));
    }

    @Test
    void streamsOverTheLimitsAreTooLarge() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry(ID, 1);
        byte[] s = stream(reg); // 40x24 in one tile
        ContainerLimits d = ContainerLimits.defaults();
        assertEquals(Kind.TOO_LARGE, kindOf(() -> new AeicDecoder(DecodeOptions.defaults().withMaxPixels(500), reg)
                .decode(s)));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> ContainerReader.read(s, d.withMaxWidth(39))));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> ContainerReader.read(s, d.withMaxHeight(23))));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> ContainerReader.read(s, new ContainerLimits(d.maxWidth(),
                d.maxHeight(), d.maxPixels(), d.maxTiles(), 1, d.maxHeaderBytes(), d.maxIccBytes(), d.maxExifBytes(),
                d.maxAlphaBytes()))));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> ContainerReader.readHeader(new ByteArrayInputStream(s),
                new ContainerLimits(d.maxWidth(), d.maxHeight(), d.maxPixels(), d.maxTiles(), d.maxTileBytes(), 1,
                        d.maxIccBytes(), d.maxExifBytes(), d.maxAlphaBytes()))));
        // a tile grid over the limit: a wide image in the smallest tiles
        StreamHeader h = StreamHeader.newBuilder().setWidth(16 * 5).setHeight(16).setChannels(3).setBitDepth(8)
                .setModelId(ID).setQuality(4).setTileSize(16).build();
        assertEquals(Kind.TOO_LARGE, kindOf(() -> ContainerReader.validate(h, new ContainerLimits(d.maxWidth(),
                d.maxHeight(), d.maxPixels(), 4, d.maxTileBytes(), d.maxHeaderBytes(), d.maxIccBytes(),
                d.maxExifBytes(), d.maxAlphaBytes()))));
    }

    @Test
    void imagesOverTheLimitsAreTooLarge() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry(ID, 1);
        EncodeOptions small = EncodeOptions.defaults().withLimits(ContainerLimits.defaults().withMaxPixels(500));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> new AeicEncoder(small, reg).encode(grey(40, 24), TileListener.NONE)));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> new AeicEncoder(small, reg)
                .encode(new BufferedImage(40, 24, BufferedImage.TYPE_INT_RGB))));
        EncodeOptions narrow = EncodeOptions.defaults().withLimits(ContainerLimits.defaults().withMaxWidth(39));
        assertEquals(Kind.TOO_LARGE, kindOf(() -> new AeicEncoder(narrow, reg).encode(grey(40, 24),
                TileListener.NONE)));

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(40, 24, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] bytes = png.toByteArray();
        assertEquals(Kind.TOO_LARGE, kindOf(() -> ImageLoader.read(new ByteArrayInputStream(bytes), 500)));
        // the same image, cut short, is broken rather than big
        assertEquals(Kind.MALFORMED, kindOf(() -> ImageLoader.read(
                new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length / 2)), 10_000)));
    }

    @Test
    void brokenStreamsStayMalformed() throws Exception {
        ModelRegistry reg = TestModels.tinyRegistry(ID, 1);
        byte[] s = stream(reg);
        AeicDecoder dec = new AeicDecoder(DecodeOptions.defaults(), reg);
        assertEquals(Kind.MALFORMED, kindOf(() -> dec.decode(new byte[0])));
        assertEquals(Kind.MALFORMED, kindOf(() -> dec.decode("not a stream".getBytes())));
        assertEquals(Kind.MALFORMED, kindOf(() -> dec.decode(Arrays.copyOf(s, s.length - 1))));
        byte[] flipped = s.clone();
        flipped[flipped.length - 3] ^= 0x55; // payload byte: CRC mismatch
        assertEquals(Kind.MALFORMED, kindOf(() -> dec.decode(flipped)));
    }
}
