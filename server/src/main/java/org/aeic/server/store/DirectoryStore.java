package org.aeic.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The embedded store: one file per object in a directory, {@code ab/abcdef….aeic}, its attributes in the same file
 * behind the stream (so one rename publishes both). A write goes to a temporary file in the same directory, is
 * forced to disk, renamed over its name and the directory forced too: after a crash at any moment an object is
 * either whole or absent, and one that was acknowledged is there. Temporary files a crash left behind are removed
 * when the store opens.
 */
public final class DirectoryStore implements ImageStore {
    private static final String TEMP_PREFIX = ".tmp-";
    /** A stored file: magic, the stream's length, the stream, then the attributes as a properties text. */
    private static final byte[] MAGIC = {'A', 'E', 'S', '1'};
    private final Path root;

    public DirectoryStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
        if (!Files.isWritable(this.root)) {
            throw new IOException("the store directory " + this.root + " is not writable");
        }
        removeLeftovers();
    }

    private Path file(String id) {
        return root.resolve(id.substring(0, 2)).resolve(id + SUFFIX);
    }

    @Override
    public boolean put(String id, byte[] bytes, Map<String, String> attributes) throws IOException {
        Path target = file(id);
        if (Files.exists(target)) {
            return false;
        }
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, TEMP_PREFIX, ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.allocate(8).put(MAGIC).putInt(bytes.length).flip();
                writeFully(ch, head);
                writeFully(ch, ByteBuffer.wrap(bytes));
                writeFully(ch, ByteBuffer.wrap(properties(attributes)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the store directory " + root + " cannot rename atomically", e);
            }
            forceDirectory(dir);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] properties(Map<String, String> attributes) throws IOException {
        Properties p = new Properties();
        p.putAll(attributes);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        p.store(out, null);
        return out.toByteArray();
    }

    /** Makes a rename in {@code dir} durable (a no-op where the platform cannot open directories). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; its renames are durable once they return
        }
    }

    @Override
    public Optional<StoredImage> get(String id) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file(id));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        byte[] magic = new byte[4];
        if (all.length < 8) {
            throw new IOException("stored object " + id + " is damaged (" + all.length + " bytes)");
        }
        b.get(magic);
        int length = b.getInt();
        if (!java.util.Arrays.equals(magic, MAGIC) || length < 0 || length > all.length - 8) {
            throw new IOException("stored object " + id + " is damaged");
        }
        byte[] stream = new byte[length];
        b.get(stream);
        Properties p = new Properties();
        try (InputStream in = new java.io.ByteArrayInputStream(all, 8 + length, all.length - 8 - length)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        }
        Map<String, String> attributes = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> attributes.put(k, p.getProperty(k)));
        return Optional.of(new StoredImage(stream, attributes));
    }

    @Override
    public boolean exists(String id) {
        return Files.exists(file(id));
    }

    @Override
    public boolean delete(String id) throws IOException {
        Path f = file(id);
        boolean existed = Files.deleteIfExists(f);
        if (existed) {
            forceDirectory(f.getParent());
        }
        return existed;
    }

    @Override
    public List<String> list(String after, int limit) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path dir : sortedChildren(root)) {
            String prefix = dir.getFileName().toString();
            if (!Files.isDirectory(dir) || prefix.length() != 2
                    || (after != null && prefix.compareTo(after.substring(0, 2)) < 0)) {
                continue;
            }
            for (Path f : sortedChildren(dir)) {
                String id = ImageStore.listedId(f.getFileName().toString(), after);
                if (id != null) {
                    ids.add(id);
                    if (ids.size() >= limit) {
                        return ids;
                    }
                }
            }
        }
        return ids;
    }

    private static List<Path> sortedChildren(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    @Override
    public Usage usage() throws IOException {
        long[] n = {0, 0};
        try (Stream<Path> files = Files.walk(root, 2)) {
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).forEach(f -> {
                n[0]++;
                try {
                    n[1] += Files.size(f);
                } catch (IOException gone) {
                    n[0]--; // deleted meanwhile
                }
            });
        }
        return new Usage(n[0], n[1]);
    }

    /** Temporary files of writes that a crash interrupted: never visible as objects, removed here. */
    private void removeLeftovers() throws IOException {
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    /** For tests and tools: the object's file. */
    Path path(String id) {
        return file(id);
    }
}
