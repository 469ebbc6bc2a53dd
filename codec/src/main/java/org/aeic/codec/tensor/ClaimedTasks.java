package org.aeic.codec.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Tasks {@code 0 .. n-1} run by the threads of the current pool, each thread claiming the next task as it comes free
 * (a transposed convolution's bands, GDN's blocks). With every other task dealt to each thread up front, one thread
 * waited for the other for a fifth of a layer (CPU/wall 1.6-1.75 on two cores; 1.9 claimed). Each task writes its own
 * part of the output, so which thread runs it never changes a bit.
 */
public final class ClaimedTasks {
    /** One task, with the scratch of the thread that runs it. */
    public interface Task<S> {
        void run(int index, S scratch);
    }

    private ClaimedTasks() {
    }

    /** Runs {@code task} for every index below {@code n}, as below, for tasks that need no scratch. */
    public static void run(int n, java.util.function.IntConsumer task) {
        run(n, () -> null, (i, none) -> task.accept(i));
    }

    /**
     * Runs {@code task} for every index below {@code n}, on at most {@link Gemm#parallelism()} threads; each makes its
     * {@code scratch} once, before its first task.
     */
    public static <S> void run(int n, Supplier<S> scratch, Task<S> task) {
        int threads = Math.min(n, Gemm.parallelism());
        AtomicInteger next = new AtomicInteger();
        IntStream.range(0, threads).parallel().forEach(t -> {
            S s = scratch.get();
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                task.run(i, s);
            }
        });
    }
}
