package org.aeic.codec;

import java.util.concurrent.atomic.AtomicBoolean;
import org.aeic.codec.entropy.LatentCoder;
import org.aeic.codec.tensor.Gemm;

/**
 * Gets the JIT going on the coder's hot code on a background daemon thread, once per JVM, so that a short-lived
 * process (one CLI command) finds it compiled while it still reads its input and the model: first the entropy
 * decoder (about 10,000 symbols, milliseconds), then the GEMM kernel (see {@link Gemm#warmUp()}). Results are
 * unaffected. Off with {@code -Daeic.gemm.warmUp=false}. {@link ModelRegistry#bundled()} starts it.
 */
public final class WarmUp {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private WarmUp() {
    }

    public static void inBackground() {
        if (Boolean.parseBoolean(System.getProperty("aeic.gemm.warmUp", "true")) && STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                LatentCoder.warmUp();
                Gemm.warmUp();
            }, "aeic-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }
}
