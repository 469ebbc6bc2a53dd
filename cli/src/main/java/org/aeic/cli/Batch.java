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
import java.util.regex.Pattern;
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
    static int run(List<Path> inputs, Path inRoot, Path outRoot, String ext, int threads, Job job, Progress progress,
                   PrintWriter err) throws InterruptedException, IOException {
        int stale = removeStaleTemporaries(outRoot, ext);
        if (stale > 0) {
            err.println("aeic: note: removed " + stale + " temporary file" + (stale == 1 ? "" : "s")
                    + " left in " + Text.printable(outRoot.toString()) + " by an interrupted run");
        }
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
                synchronized (progress) { // bars in order
                    int f = failed.get();
                    progress.bar(done.incrementAndGet(), inputs.size(), "files", f > 0 ? f + " failed" : null);
                }
            })).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        progress.end(true);
        for (String e : errors) {
            err.println("aeic: " + Text.printable(e));
        }
        err.flush();
        return failed.get();
    }

    /**
     * Deletes the hidden temporary files that an earlier run killed mid-write left under {@code outRoot}: exactly
     * {@code .NAME.EXT.HEX.tmp} (as {@code AtomicFiles} names them) for this batch's output extension. Another run
     * writing into the same folder at the same time would lose its file in progress: one run per output folder.
     */
    static int removeStaleTemporaries(Path outRoot, String ext) throws IOException {
        if (!Files.isDirectory(outRoot)) {
            return 0;
        }
        Pattern temp = Pattern.compile("\\..+" + Pattern.quote(ext) + "\\.[0-9a-f]{1,16}\\.tmp");
        List<Path> found;
        try (Stream<Path> s = Files.walk(outRoot)) {
            found = s.filter(p -> temp.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .toList();
        }
        for (Path p : found) {
            Files.deleteIfExists(p);
        }
        return found.size();
    }

    private static Path output(Path in, Path inRoot, Path outRoot, String ext) {
        return Outputs.withExtension(outRoot.resolve(inRoot.relativize(in)), ext);
    }
}
