package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class CoderPoolTest {

    @Test
    void aeicExceptionFromTheWorkIsRethrownAsItself() {
        AeicException thrown = new AeicException("corrupt entropy-coded data");
        for (int threads : new int[] {1, 3}) {
            AeicException e = assertThrows(AeicException.class, () -> CoderPool.inPool(threads, () -> {
                throw thrown;
            }));
            assertSame(thrown, e);
        }
    }

    @Test
    void uncheckedExceptionsStayUnchecked() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> CoderPool.inPool(1, () -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(IllegalStateException.class, e.getClass());
    }

    @Test
    void listenerAbortsEncodeAndDecode() throws Exception {
        AeicEncoder enc = GoldenStreamTest.encoder();
        byte[] stream = Files.readAllBytes(GoldenStreamTest.STREAM);
        org.aeic.codec.image.PlanarImage img = org.aeic.codec.image.ImageLoader.read(GoldenStreamTest.INPUT_PNG,
                Long.MAX_VALUE);
        assertThrows(AeicAbortedException.class, () -> enc.encode(img, (done, total) -> false));
        assertThrows(AeicAbortedException.class, () -> GoldenStreamTest.decoder().decode(stream, null,
                (done, total) -> false));
    }
}
