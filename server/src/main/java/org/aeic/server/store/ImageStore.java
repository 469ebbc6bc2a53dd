package org.aeic.server.store;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the upload endpoint keeps its streams: immutable objects named by the id derived from their bytes, each
 * with a few string attributes (the size of the upload it came from). The server keeps no other state, so replicas
 * that share one store serve the same images. Every method blocks: call it off the event loop.
 */
public interface ImageStore extends AutoCloseable {
    /** An object's bytes and attributes. */
    record StoredImage(byte[] bytes, Map<String, String> attributes) {
    }

    /**
     * Stores {@code bytes} under {@code id} unless an object is there already (the same bytes: ids are derived from
     * them). Returns when the object is durable. @return true if it was new
     */
    boolean put(String id, byte[] bytes, Map<String, String> attributes) throws IOException;

    Optional<StoredImage> get(String id) throws IOException;

    boolean exists(String id) throws IOException;

    /** @return true if there was an object to delete */
    boolean delete(String id) throws IOException;

    /** Ids in ascending order, those after {@code after} (null: from the first), at most {@code limit}. */
    List<String> list(String after, int limit) throws IOException;

    /** Objects and their bytes in the store now (a full listing: for metrics, not for every request). */
    record Usage(long objects, long bytes) {
    }

    Usage usage() throws IOException;

    /** Where it is, for a log line. */
    String describe();

    @Override
    default void close() {
    }

    /** The suffix of an object's name (file or key): the id, then this. */
    String SUFFIX = ".aeic";

    /**
     * The id an object named {@code name} holds when a listing after {@code after} (null: from the start) should
     * include it, else null: other files and keys, and ids up to {@code after}, are skipped.
     */
    static String listedId(String name, String after) {
        if (!name.endsWith(SUFFIX)) {
            return null;
        }
        String id = name.substring(0, name.length() - SUFFIX.length());
        return isId(id) && (after == null || id.compareTo(after) > 0) ? id : null;
    }

    /** Ids are lower-case hex: what a client sends is checked against this before it reaches a store. */
    static boolean isId(String s) {
        return s != null && s.matches("[0-9a-f]{32}");
    }
}
