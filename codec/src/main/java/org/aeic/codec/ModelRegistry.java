package org.aeic.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.tensor.Gemm;

/**
 * The models a coder can use: those bundled in the codec jar (listed in
 * {@code org/aeic/codec/models/models.index}, the first being the default) plus model files the
 * user adds. An index line is a file name and, optionally, the file's SHA-256 in hex ({@code sha256sum}'s
 * output, reversed; {@code ModelRegistryTest} checks it). A bundled model's id is its file name without
 * {@code .aeicm}; each is parsed on first use (a one-shot command codes with one) and then shared.
 */
public final class ModelRegistry {
    private static final String RESOURCE_DIR = "/org/aeic/codec/models/";
    private static final String SUFFIX = ".aeicm";
    private static volatile ModelRegistry bundled;

    private final Map<String, Entry> models;
    private final String defaultId;

    /** A model by id: loaded, or a bundled resource read on first use. */
    private static final class Entry {
        private final String id;
        private final String resource;
        private final byte[] sha256; // from the index: hashing 17 MB cost a one-shot command 0.2 s, before the JIT
        private volatile CodecModel model;

        Entry(CodecModel model) {
            this.id = model.id;
            this.resource = null;
            this.sha256 = null;
            this.model = model;
        }

        Entry(String id, String resource, byte[] sha256) {
            this.id = id;
            this.resource = resource;
            this.sha256 = sha256;
        }

        CodecModel get() throws AeicException {
            CodecModel m = model;
            if (m == null) {
                synchronized (this) {
                    m = model;
                    if (m == null) {
                        model = m = load();
                    }
                }
            }
            return m;
        }

        boolean loaded() {
            return model != null;
        }

        private CodecModel load() throws AeicException {
            try (InputStream in = ModelRegistry.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new AeicException("bundled model " + resource + " is missing from the jar");
                }
                CodecModel m = ModelFiles.load(ModelFiles.readCapped(in), sha256);
                if (!m.id.equals(id)) { // the index names files; the id inside must match the name
                    throw new AeicException("bundled model " + resource + " has id '" + m.id + "', not '" + id + "'");
                }
                return m;
            } catch (IOException e) {
                throw new AeicException("cannot read bundled model " + resource + ": " + e.getMessage(), e);
            }
        }
    }

    private ModelRegistry(Map<String, Entry> models, String defaultId) {
        this.models = models;
        this.defaultId = defaultId;
    }

    /** The models inside the codec jar. */
    public static ModelRegistry bundled() throws AeicException {
        WarmUp.inBackground(); // compiles while the caller reads its input and the model
        ModelRegistry r = bundled;
        if (r == null) {
            synchronized (ModelRegistry.class) {
                r = bundled;
                if (r == null) {
                    bundled = r = loadBundled();
                }
            }
        }
        return r;
    }

    /** An empty registry (tests, or users who only want their own model files). */
    public static ModelRegistry empty() {
        return new ModelRegistry(new LinkedHashMap<>(), null);
    }

    static ModelRegistry loadBundled() throws AeicException {
        Map<String, Entry> map = new LinkedHashMap<>();
        InputStream index = ModelRegistry.class.getResourceAsStream(RESOURCE_DIR + "models.index");
        if (index == null) {
            return new ModelRegistry(map, null);
        }
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
        } catch (IOException e) {
            throw new AeicException("cannot read bundled models: " + e.getMessage(), e);
        }
        for (String line : names) {
            String[] fields = line.split("\\s+");
            String name = fields[0];
            if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length() || fields.length > 2
                    || fields.length == 2 && !fields[1].matches("[0-9a-f]{64}")) {
                throw new AeicException("models.index: '" + line + "' is not a model file name (*" + SUFFIX
                        + ") and its SHA-256");
            }
            String id = name.substring(0, name.length() - SUFFIX.length());
            byte[] sha = fields.length == 2 ? HexFormat.of().parseHex(fields[1]) : null;
            map.put(id, new Entry(id, RESOURCE_DIR + name, sha));
        }
        return new ModelRegistry(map, map.isEmpty() ? null : map.keySet().iterator().next());
    }

    /** This registry plus the model in {@code file}, which becomes the default. */
    public ModelRegistry with(Path file) throws AeicException {
        byte[] bytes;
        try {
            if (Files.size(file) > ModelFiles.MAX_MODEL_BYTES) {
                throw new AeicException(Kind.TOO_LARGE, "model file too large: " + file);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AeicException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        try {
            return with(ModelFiles.load(bytes));
        } catch (AeicException e) { // say which file: the user may have given several
            throw new AeicException(e.kind(), file + ": " + e.getMessage(), e);
        }
    }

    ModelRegistry with(CodecModel m) {
        Map<String, Entry> map = new LinkedHashMap<>();
        map.put(m.id, new Entry(m));
        models.forEach(map::putIfAbsent);
        return new ModelRegistry(map, m.id);
    }

    public List<String> ids() {
        return List.copyOf(models.keySet());
    }

    /** Id of the model used when none is named, or null if there is none. */
    public String defaultId() {
        return defaultId;
    }

    /** Public description of every model: id, qualities and provenance (loads them all). */
    public List<ModelInfo> list() throws AeicException {
        List<ModelInfo> out = new ArrayList<>();
        for (Entry e : models.values()) {
            out.add(ModelInfo.of(e.get()));
        }
        return out;
    }

    /** Description of one model ({@code null}: the default), loading only that one. */
    public ModelInfo info(String id) throws AeicException {
        return ModelInfo.of(require(id));
    }

    /** How many models have been read so far (tests: a one-model command reads one). */
    int loadedCount() {
        return (int) models.values().stream().filter(Entry::loaded).count();
    }

    CodecModel require(String id) throws AeicException {
        if (id == null) {
            if (defaultId == null) {
                throw new AeicException(Kind.UNSUPPORTED,
                        "no model available: this build bundles none and none was given");
            }
            return models.get(defaultId).get();
        }
        Entry m = models.get(id);
        if (m == null) {
            throw new AeicException(Kind.UNSUPPORTED, "unknown model id '" + id + "' (available: "
                    + (models.isEmpty() ? "none" : String.join(", ", models.keySet())) + ")");
        }
        return m.get();
    }
}
