package org.aeic.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.aeic.codec.model.ModelFiles;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    /** models.index gives each bundled file's SHA-256 (the coder trusts it): after changing a model, update it. */
    @Test
    void theIndexHashesAreTheFilesHashes() throws Exception {
        List<String> lines;
        try (InputStream in = ModelRegistry.class.getResourceAsStream("/org/aeic/codec/models/models.index")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
        assertTrue(lines.size() >= 1);
        for (String line : lines) {
            String[] f = line.split("\\s+");
            assertEquals(2, f.length, "no SHA-256 in models.index for " + f[0] + ": add `sha256sum` of the file");
            byte[] bytes;
            try (InputStream in = ModelRegistry.class.getResourceAsStream("/org/aeic/codec/models/" + f[0])) {
                bytes = in.readAllBytes();
            }
            assertEquals(HexFormat.of().formatHex(ModelFiles.sha256(bytes)), f[1],
                    "models.index has a stale SHA-256 for " + f[0] + " (put sha256sum's there)");
        }
    }

    @Test
    void aModelIsReadOnFirstUseOnly() throws Exception {
        ModelRegistry r = ModelRegistry.loadBundled();
        assertEquals(0, r.loadedCount());
        ModelInfo def = r.info(null);
        assertEquals(r.defaultId(), def.id());
        assertEquals(1, r.loadedCount());
        assertEquals(r.ids().size(), r.list().size());
        assertEquals(r.ids().size(), r.loadedCount());
    }
}
