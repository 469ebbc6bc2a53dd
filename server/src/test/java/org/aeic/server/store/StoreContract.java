package org.aeic.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every {@link ImageStore} promises; run against each kind of store by a subclass. */
abstract class StoreContract {
    /** A fresh, empty store. */
    abstract ImageStore store() throws Exception;

    static String id(int i) {
        return String.format("%032x", (long) i * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void putThenGetGivesTheBytesAndAttributesBack() throws Exception {
        ImageStore s = store();
        byte[] b = bytes(10_000, 1);
        assertFalse(s.exists(id(1)));
        assertTrue(s.get(id(1)).isEmpty());
        assertTrue(s.put(id(1), b, Map.of("input-bytes", "123456")));
        assertTrue(s.exists(id(1)));
        ImageStore.StoredImage got = s.get(id(1)).orElseThrow();
        assertArrayEquals(b, got.bytes());
        assertEquals("123456", got.attributes().get("input-bytes"));
    }

    @Test
    void theSameIdTwiceIsOneObject() throws Exception {
        ImageStore s = store();
        byte[] b = bytes(100, 2);
        assertTrue(s.put(id(2), b, Map.of()));
        assertFalse(s.put(id(2), b, Map.of()), "second put of the same id is not new");
        assertEquals(List.of(id(2)), s.list(null, 10));
        assertEquals(1, s.usage().objects());
    }

    @Test
    void deleteRemovesOnceThenNotFound() throws Exception {
        ImageStore s = store();
        s.put(id(3), bytes(10, 3), Map.of());
        assertTrue(s.delete(id(3)));
        assertFalse(s.delete(id(3)));
        assertFalse(s.exists(id(3)));
        assertTrue(s.get(id(3)).isEmpty());
        assertEquals(List.of(), s.list(null, 10));
    }

    @Test
    void listPagesThroughEveryIdInOrder() throws Exception {
        ImageStore s = store();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            s.put(id(i + 10), bytes(5, i), Map.of());
            all.add(id(i + 10));
        }
        all.sort(null);
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            List<String> ids = s.list(after, 5);
            seen.addAll(ids);
            if (ids.size() < 5) {
                break;
            }
            after = ids.get(ids.size() - 1);
        }
        assertEquals(all, seen);
        ImageStore.Usage u = s.usage();
        assertEquals(23, u.objects());
        assertTrue(u.bytes() >= 23 * 5, "bytes " + u.bytes());
    }

    @Test
    void idsAreCheckedBeforeTheyReachAStore() {
        assertTrue(ImageStore.isId(id(1)));
        assertFalse(ImageStore.isId("../../etc/passwd"));
        assertFalse(ImageStore.isId(id(1).toUpperCase()));
        assertFalse(ImageStore.isId(null));
    }
}
