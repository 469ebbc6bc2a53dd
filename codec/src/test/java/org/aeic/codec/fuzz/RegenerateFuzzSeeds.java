package org.aeic.codec.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A tool, not a test: rewrites the {@code valid-*} and {@code truncated-*} seeds of every {@link StreamFuzzTest}
 * target from the tiny model (after it was regenerated). Findings kept as regression inputs (Jazzer names them
 * {@code crash-*} and the like) are left alone. Run it in {@code codec/}; the command is in {@code testdata/README.md}.
 */
public final class RegenerateFuzzSeeds {
    private RegenerateFuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, byte[]> seeds = StreamFuzzTest.seeds();
        for (String target : StreamFuzzTest.TARGETS) {
            Path dir = StreamFuzzTest.INPUTS.resolve(target);
            Files.createDirectories(dir);
            List<Path> old;
            try (Stream<Path> files = Files.list(dir)) {
                old = files.toList();
            }
            for (Path p : old) {
                String n = p.getFileName().toString();
                if (n.startsWith("valid-") || n.startsWith("truncated-")) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
            System.out.println(dir + ": " + seeds.size() + " seeds");
        }
    }
}
