package org.aeic.codec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version this codec was built as (from the Maven build), the one the CLI and the server print. */
public final class AeicVersion {
    /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the build did not stamp it. */
    public static final String VERSION = load();

    private AeicVersion() {
    }

    private static String load() {
        try (InputStream in = AeicVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
