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
    void eachCallingThreadKeepsOnePoolOfTheThreadsAskedFor() throws Exception {
        java.util.concurrent.ForkJoinPool first = CoderPool.inPool(2, java.util.concurrent.ForkJoinTask::getPool);
        assertEquals(2, first.getParallelism());
        assertSame(first, CoderPool.inPool(2, java.util.concurrent.ForkJoinTask::getPool));
        java.util.concurrent.ForkJoinPool[] other = new java.util.concurrent.ForkJoinPool[1];
        Thread t = new Thread(() -> {
            try {
                other[0] = CoderPool.inPool(2, java.util.concurrent.ForkJoinTask::getPool);
            } catch (AeicException e) {
                throw new AssertionError(e);
            }
        });
        t.start();
        t.join();
        org.junit.jupiter.api.Assertions.assertNotSame(first, other[0]); // a server's workers never queue on one
        java.util.concurrent.ForkJoinPool three = CoderPool.inPool(3, java.util.concurrent.ForkJoinTask::getPool);
        assertEquals(3, three.getParallelism());
        org.junit.jupiter.api.Assertions.assertTrue(first.isShutdown());
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
