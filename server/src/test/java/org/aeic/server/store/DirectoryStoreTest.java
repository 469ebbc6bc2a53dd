package org.aeic.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    ImageStore store() throws Exception {
        return new DirectoryStore(dir.resolve("store"));
    }

    @Test
    void aTemporaryFileLeftByACrashIsNeverAnObjectAndIsRemovedOnOpen() throws Exception {
        DirectoryStore s = new DirectoryStore(dir.resolve("store"));
        s.put(id(1), bytes(100, 1), Map.of());
        Path shard = s.path(id(1)).getParent();
        Path leftover = shard.resolve(".tmp-123.part");
        Files.write(leftover, bytes(50, 2)); // what a kill -9 between write and rename leaves
        assertEquals(List.of(id(1)), s.list(null, 10));
        assertEquals(1, s.usage().objects());
        new DirectoryStore(dir.resolve("store"));
        assertFalse(Files.exists(leftover));
        assertTrue(Files.exists(s.path(id(1))));
    }
}
