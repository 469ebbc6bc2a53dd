package org.aeic.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Runs one job per file of a directory, in parallel, with a progress bar; failures are listed, not fatal. */
final class Batch {
    @FunctionalInterface
    interface Job {
        void run(Path in, Path out) throws Exception;
    }

    private Batch() {
    }

    static List<Path> files(Path dir, Predicate<Path> accept) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(accept).sorted().toList();
        }
    }

    /**
     * @return the number of failed files
     */
    static int run(List<Path> inputs, Path inRoot, Path outRoot, String ext, int threads, Job job, PrintWriter err)
            throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        // a.png and a.jpg both map to a.aeic: the first (in sorted order) owns it, the others fail instead of racing
        Map<Path, Path> owner = new HashMap<>();
        for (Path in : inputs) {
            owner.putIfAbsent(output(in, inRoot, outRoot, ext), in);
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> inputs.parallelStream().forEach(in -> {
                Path out = output(in, inRoot, outRoot, ext);
                try {
                    if (!owner.get(out).equals(in)) {
                        throw new CliException("output " + out + " is also the output of " + owner.get(out));
                    }
                    Files.createDirectories(out.toAbsolutePath().getParent());
                    job.run(in, out);
                } catch (Exception | OutOfMemoryError e) {
                    failed.incrementAndGet();
                    errors.add(in + ": " + Main.message(e));
                }
                bar(err, done.incrementAndGet(), inputs.size(), failed.get());
            })).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        err.println();
        for (String e : errors) {
            err.println("aeic: " + e);
        }
        err.flush();
        return failed.get();
    }

    private static Path output(Path in, Path inRoot, Path outRoot, String ext) {
        return Outputs.withExtension(outRoot.resolve(inRoot.relativize(in)), ext);
    }

    private static synchronized void bar(PrintWriter err, int done, int total, int failed) {
        int width = 30;
        int filled = width * done / Math.max(1, total);
        err.print("\r[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + done + "/" + total + " files"
                + (failed > 0 ? ", " + failed + " failed" : ""));
        err.flush();
    }
}
