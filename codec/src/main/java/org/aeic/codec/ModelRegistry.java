package org.aeic.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aeic.codec.AeicException.Kind;
import org.aeic.codec.model.CodecModel;
import org.aeic.codec.model.ModelFiles;

/**
 * The models a coder can use: those bundled in the codec jar (listed in
 * {@code org/aeic/codec/models/models.index}, the first being the default) plus model files the
 * user adds. Bundled models are loaded once, lazily, and shared.
 */
public final class ModelRegistry {
    private static final String RESOURCE_DIR = "/org/aeic/codec/models/";
    private static volatile ModelRegistry bundled;

    private final Map<String, CodecModel> models;
    private final String defaultId;

    private ModelRegistry(Map<String, CodecModel> models, String defaultId) {
        this.models = models;
        this.defaultId = defaultId;
    }

    /** The models inside the codec jar. */
    public static ModelRegistry bundled() throws AeicException {
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

    private static ModelRegistry loadBundled() throws AeicException {
        Map<String, CodecModel> map = new LinkedHashMap<>();
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
            for (String name : names) {
                try (InputStream in = ModelRegistry.class.getResourceAsStream(RESOURCE_DIR + name)) {
                    if (in == null) {
                        throw new AeicException("bundled model " + name + " is missing from the jar");
                    }
                    CodecModel m = ModelFiles.load(ModelFiles.readCapped(in));
                    map.put(m.id, m);
                }
            }
        } catch (IOException e) {
            throw new AeicException("cannot read bundled models: " + e.getMessage(), e);
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
        Map<String, CodecModel> map = new LinkedHashMap<>();
        map.put(m.id, m);
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

    /** Public description of every model: id, qualities and provenance. */
    public List<ModelInfo> list() {
        List<ModelInfo> out = new ArrayList<>();
        for (CodecModel m : models.values()) {
            out.add(ModelInfo.of(m));
        }
        return out;
    }

    CodecModel require(String id) throws AeicException {
        if (id == null) {
            if (defaultId == null) {
                throw new AeicException(Kind.UNSUPPORTED,
                        "no model available: this build bundles none and none was given");
            }
            return models.get(defaultId);
        }
        CodecModel m = models.get(id);
        if (m == null) {
            throw new AeicException(Kind.UNSUPPORTED, "unknown model id '" + id + "' (available: "
                    + (models.isEmpty() ? "none" : String.join(", ", models.keySet())) + ")");
        }
        return m;
    }
}
