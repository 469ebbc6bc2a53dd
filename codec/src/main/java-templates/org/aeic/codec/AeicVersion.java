package org.aeic.codec;

/**
 * The project version this codec was built as, the one {@code aeic --version} and {@code aeic-server --version}
 * print. A template: the build (templating-maven-plugin, see {@code codec/pom.xml}) fills in the Maven version.
 */
public final class AeicVersion {
    /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = "${project.version}";

    private AeicVersion() {
    }
}
