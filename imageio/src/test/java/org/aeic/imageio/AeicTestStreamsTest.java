package org.aeic.imageio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.AeicException;
import org.aeic.codec.DecodeOptions;
import org.aeic.codec.DecodedImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed test streams still decode with the bundled model; with {@code -Daeic.regenerate=true} it first
 * rewrites them (see {@link AeicTestImages}).
 */
class AeicTestStreamsTest {
    @Test
    void committedStreamsDecodeWithTheBundledModel() throws Exception {
        if (Boolean.getBoolean("aeic.regenerate")) {
            AeicTestImages.writeStreams(Path.of(System.getProperty("basedir", "."), AeicTestImages.RESOURCE_DIR));
            Assumptions.abort("test streams regenerated; run the tests again to use them");
        }
        AeicDecoder decoder = new AeicDecoder(DecodeOptions.defaults());
        for (AeicTestImages.Stream s : AeicTestImages.streams()) {
            byte[] bytes = AeicTestImages.read(s);
            if (s.truncated()) {
                AeicException e = assertThrows(AeicException.class, () -> decoder.decode(bytes));
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
                continue;
            }
            try {
                DecodedImage d = decoder.decode(bytes);
                assertEquals(s.width(), d.image().width, s.name());
                assertEquals(s.height(), d.image().height, s.name());
            } catch (AeicException e) {
                fail(s.name() + " no longer decodes (" + e.getMessage() + "): if the bundled model changed, regenerate"
                        + " the test streams: mvn -q -pl codec -am test -Dtest=AeicTestStreamsTest"
                        + " -Daeic.regenerate=true -Dsurefire.failIfNoSpecifiedTests=false", e);
            }
        }
    }
}
